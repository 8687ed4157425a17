//! A page of contacts read together with the relations its selection asks for.
//!
//! Every relation of `Contact` has a DataLoader, which batches a page's lookups into one
//! statement. But a loader round costs, per contact, a lock, a oneshot channel and a cloned
//! result, plus a spawned task behind a 1 ms timer per page; on a busy machine the timer fires
//! before the page has asked for everything and the batch splits. Measured on a 50-contact page
//! with `company { name }`: 2.3 ms of gateway CPU per request through the loader, 0.9 ms read
//! ahead here (docs/BENCHMARKS.md). So the `contacts` list, the hot screen, and one company's
//! `contacts` look ahead at the selection and read each asked-for relation for the whole page in
//! one statement, with the same service functions (and so the same tenancy and data scope) as the
//! loaders. Contacts reached any other way (a lookup, a deal's contacts, a referral, the people of
//! each company in a list of companies) still use the loaders, which batch across the list.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use entity::{activity, company, contact, contact_email, user};
use uuid::Uuid;

use crate::graphql::errors::GqlResult;
use crate::graphql::types::contact::Contact;
use crate::graphql::{cx, scope};
use crate::service;
use crate::service::pagination::Page;

/// What one contact's fields read from instead of a loader; `None` = not read ahead.
pub struct Ahead {
    pub company: Option<Option<Arc<company::Model>>>,
    pub owner: Option<Option<Arc<user::Model>>>,
    pub emails: Option<Vec<contact_email::Model>>,
    pub tags: Option<Vec<String>>,
    pub last_activity: Option<Option<activity::Model>>,
}

impl Ahead {
    pub const NOTHING: Ahead = Ahead {
        company: None,
        owner: None,
        emails: None,
        tags: None,
        last_activity: None,
    };
}

/// Wraps a page of contacts, reading what `edges { node { … } }` (or `nodes { … }`) asks of
/// company, owner, emails / primaryEmail, tags and lastActivity: one statement per relation for
/// the page, run concurrently.
pub async fn read(ctx: &Context<'_>, page: Page<contact::Model>) -> async_graphql::Result<Page<Contact>> {
    let look = ctx.look_ahead();
    let wants = |f: &str| look.field("edges").field("node").field(f).exists() || look.field("nodes").field(f).exists();
    let (w_company, w_owner, w_emails, w_tags, w_last) = (
        wants("company"),
        wants("owner"),
        wants("emails") || wants("primaryEmail"),
        wants("tags"),
        wants("lastActivity"),
    );
    if !(w_company || w_owner || w_emails || w_tags || w_last) || page.edges.is_empty() {
        return Ok(page.map(Contact::new));
    }
    let (cx, scope) = (cx(ctx), scope(ctx)?);
    let ws = scope.workspace_id;
    let rows = || page.edges.iter().map(|(_, c)| c);
    let ids: Vec<Uuid> = rows().map(|c| c.id).collect();
    let company_ids: Vec<Uuid> = rows().filter_map(|c| c.company_id).collect();
    let owner_ids: Vec<Uuid> = rows().filter_map(|c| c.owner_id).collect();

    let (companies, owners, mut emails, mut tags, mut last) = futures::try_join!(
        async {
            match w_company && !company_ids.is_empty() {
                true => service::company::by_ids(cx, scope, &company_ids)
                    .await
                    .map(|r| by_id(r, |c| c.id)),
                false => Ok(HashMap::new()),
            }
        },
        async {
            match w_owner && !owner_ids.is_empty() {
                true => service::user::by_ids(cx, ws, &owner_ids)
                    .await
                    .map(|r| by_id(r, |u| u.id)),
                false => Ok(HashMap::new()),
            }
        },
        async {
            match w_emails {
                true => service::contact::emails_of(cx, ws, &ids).await,
                false => Ok(HashMap::new()),
            }
        },
        async {
            match w_tags {
                true => service::records::tags_of(&cx.db, ws, service::contact::RECORD, &ids).await,
                false => Ok(HashMap::new()),
            }
        },
        async {
            match w_last {
                true => service::activity::latest_for_contacts(cx, ws, &ids).await,
                false => Ok(HashMap::new()),
            }
        },
    )
    .gql()?;

    let edges = page
        .edges
        .into_iter()
        .map(|(cursor, row)| {
            let ahead = Ahead {
                company: w_company.then(|| row.company_id.and_then(|id| companies.get(&id).cloned())),
                owner: w_owner.then(|| row.owner_id.and_then(|id| owners.get(&id).cloned())),
                // Each contact's own rows move out of their map (a contact appears once a page).
                emails: w_emails.then(|| emails.remove(&row.id).unwrap_or_default()),
                tags: w_tags.then(|| tags.remove(&row.id).unwrap_or_default()),
                last_activity: w_last.then(|| last.remove(&row.id)),
            };
            (cursor, Contact::ahead(row, ahead))
        })
        .collect();
    Ok(Page {
        edges,
        has_next_page: page.has_next_page,
        has_previous_page: page.has_previous_page,
    })
}

fn by_id<M>(rows: Vec<M>, id: fn(&M) -> Uuid) -> HashMap<Uuid, Arc<M>> {
    rows.into_iter().map(|r| (id(&r), Arc::new(r))).collect()
}
