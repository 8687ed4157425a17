//! CSV export of any filtered contact list, streamed page by page (100 rows, keyset order), so
//! memory stays flat however many contacts match. The same scope, filter and search as the
//! `contacts` query; private notes are never exported. Cells that a spreadsheet would run as a
//! formula (`=`, `+`, `-`, `@`) are prefixed with `'`.

use std::collections::HashMap;

use entity::{company, user};
use futures::Stream;
use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::error::Result;
use crate::scope::TenantScope;
use crate::service::contact::{ContactFilter, ContactOrder, ListArgs};
use crate::service::pagination::PageArgs;
use crate::service::{Context, contact, records};

const PAGE: i32 = 100;
const HEADER: &str = "number,name,title,company,primary_email,emails,phones,tags,owner,public_notes,semi_public_notes,created_at,updated_at\r\n";

/// One CSV cell, quoted when needed and defused when it would be a formula.
pub fn cell(raw: &str) -> String {
    let s = if raw.starts_with(['=', '+', '-', '@']) {
        format!("'{raw}")
    } else {
        raw.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The export as a stream of chunks: a UTF-8 BOM and the header first (spreadsheets then read
/// Chinese names correctly), then one chunk per page.
pub fn contacts_csv(
    cx: std::sync::Arc<Context>,
    scope: TenantScope,
    filter: Option<ContactFilter>,
    search: Option<String>,
) -> impl Stream<Item = Result<Vec<u8>>> {
    futures::stream::unfold((Some(None::<String>), true), move |(cursor, first)| {
        let (cx, scope, filter, search) = (cx.clone(), scope.clone(), filter.clone(), search.clone());
        async move {
            let after = cursor?;
            if first {
                let mut head = vec![0xEF, 0xBB, 0xBF];
                head.extend_from_slice(HEADER.as_bytes());
                return Some((Ok(head), (Some(after), false)));
            }
            match page(&cx, &scope, filter.as_ref(), search.as_deref(), after).await {
                Ok((bytes, next)) if bytes.is_empty() && next.is_none() => None,
                Ok((bytes, next)) => Some((Ok(bytes), (next.map(Some), false))),
                Err(e) => Some((Err(e), (None, false))),
            }
        }
    })
}

/// One page of rows and the cursor after it (None at the end).
async fn page(
    cx: &Context,
    scope: &TenantScope,
    filter: Option<&ContactFilter>,
    search: Option<&str>,
    after: Option<String>,
) -> Result<(Vec<u8>, Option<String>)> {
    let args = ListArgs {
        filter,
        search,
        order: ContactOrder::Number,
        descending: false,
        deleted: false,
    };
    let p = contact::list(
        cx,
        scope,
        &args,
        &PageArgs {
            first: Some(PAGE),
            after,
            ..Default::default()
        },
    )
    .await?;
    let ws = scope.workspace_id;
    let ids: Vec<Uuid> = p.edges.iter().map(|(_, c)| c.id).collect();
    let company_ids: Vec<Uuid> = p.edges.iter().filter_map(|(_, c)| c.company_id).collect();
    let owner_ids: Vec<Uuid> = p.edges.iter().filter_map(|(_, c)| c.owner_id).collect();
    // Visible companies only: a company the caller may not see exports as empty.
    let companies: HashMap<Uuid, String> = crate::service::company::visible(scope, false)
        .filter(company::Column::Id.is_in(company_ids))
        .select_only()
        .columns([company::Column::Id, company::Column::Name])
        .into_tuple::<(Uuid, String)>()
        .all(&cx.db)
        .await?
        .into_iter()
        .collect();
    let owners: HashMap<Uuid, String> = user::Entity::find_in(ws)
        .filter(user::Column::Id.is_in(owner_ids))
        .select_only()
        .columns([user::Column::Id, user::Column::Email])
        .into_tuple::<(Uuid, String)>()
        .all(&cx.db)
        .await?
        .into_iter()
        .collect();
    let emails = contact::emails_of(cx, ws, &ids).await?;
    let phones = contact::phones_of(cx, ws, &ids).await?;
    let tags = records::tags_of(&cx.db, ws, contact::RECORD, &ids).await?;
    let mut out = String::new();
    for (_, c) in &p.edges {
        let em = emails.get(&c.id).cloned().unwrap_or_default();
        let primary = em
            .iter()
            .find(|e| e.is_primary)
            .map(|e| e.email.clone())
            .unwrap_or_default();
        let all_emails = em.iter().map(|e| e.email.as_str()).collect::<Vec<_>>().join("; ");
        let all_phones = phones
            .get(&c.id)
            .map(|v| v.iter().map(|p| p.phone.as_str()).collect::<Vec<_>>().join("; "))
            .unwrap_or_default();
        let row = [
            c.number.to_string(),
            c.name.clone(),
            c.title.clone().unwrap_or_default(),
            c.company_id
                .and_then(|id| companies.get(&id).cloned())
                .unwrap_or_default(),
            primary,
            all_emails,
            all_phones,
            tags.get(&c.id).map(|t| t.join("; ")).unwrap_or_default(),
            c.owner_id.and_then(|id| owners.get(&id).cloned()).unwrap_or_default(),
            c.public_notes.clone().unwrap_or_default(),
            c.semi_public_notes.clone().unwrap_or_default(),
            c.created_at.to_rfc3339(),
            c.updated_at.to_rfc3339(),
        ];
        out.push_str(&row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    let next = if p.has_next_page {
        p.edges.last().map(|(cursor, _)| cursor.clone())
    } else {
        None
    };
    Ok((out.into_bytes(), next))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
    }
}
