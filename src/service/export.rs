//! CSV exports of any filtered list (contacts, companies, leads, deals), streamed page by page
//! (100 rows, keyset order), so memory stays flat however many records match. Each takes the
//! same scope, filter and search as its GraphQL list; private notes are never exported. Cells
//! go through [`csv::cell`] (quoting, formula defusing). The columns are the ones the import
//! reads back (`service::import`), so an export imports as `unchanged`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use entity::{company, pipeline, pipeline_stage, user};
use futures::Stream;
use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::error::Result;
use crate::scope::TenantScope;
use crate::service::company::{CompanyFilter, CompanyOrder};
use crate::service::contact::{ContactFilter, ContactOrder};
use crate::service::csv::{self, BOM};
use crate::service::filter::StrOp;
use crate::service::opportunity::{OpportunityFilter, OpportunityOrder};
use crate::service::pagination::{Page, PageArgs};
use crate::service::{Context, company as companies, contact, lead, opportunity, records};

const PAGE: i32 = 100;

pub const CONTACT_COLUMNS: &[&str] = &[
    "number",
    "name",
    "title",
    "company",
    "primary_email",
    "emails",
    "phones",
    "tags",
    "owner",
    "public_notes",
    "semi_public_notes",
    "created_at",
    "updated_at",
];
pub const COMPANY_COLUMNS: &[&str] = &[
    "number",
    "name",
    "domains",
    "industry",
    "region",
    "address",
    "website",
    "source",
    "tier",
    "tags",
    "owner",
    "created_at",
    "updated_at",
];
pub const LEAD_COLUMNS: &[&str] = &[
    "number",
    "name",
    "company",
    "email",
    "phone",
    "source",
    "status",
    "owner",
    "created_at",
    "updated_at",
];
pub const OPPORTUNITY_COLUMNS: &[&str] = &[
    "number",
    "name",
    "company",
    "pipeline",
    "stage",
    "amount_minor",
    "currency",
    "expected_close_date",
    "next_step",
    "lost_reason",
    "closed_at",
    "owner",
    "created_at",
    "updated_at",
];

/// One page of CSV text and the cursor after it (`None` at the end).
type PageResult = Result<(String, Option<String>)>;
type PageFuture = Pin<Box<dyn Future<Output = PageResult> + Send>>;

/// The shared streaming: a BOM and the header first (spreadsheets then read Chinese names),
/// then one chunk per page, each page fetched only when the client has taken the one before.
fn stream_pages<F>(columns: &'static [&'static str], page: F) -> impl Stream<Item = Result<Vec<u8>>> + Send
where
    F: Fn(Option<String>) -> PageFuture + Send + Sync + 'static,
{
    let page = Arc::new(page);
    futures::stream::unfold((Some(None::<String>), true), move |(cursor, first)| {
        let page = page.clone();
        async move {
            let after = cursor?;
            if first {
                let mut head = BOM.to_vec();
                let mut line = String::new();
                csv::push_row(&mut line, columns);
                head.extend_from_slice(line.as_bytes());
                return Some((Ok(head), (Some(after), false)));
            }
            match page(after).await {
                Ok((text, next)) if text.is_empty() && next.is_none() => None,
                Ok((text, next)) => Some((Ok(text.into_bytes()), (next.map(Some), false))),
                Err(e) => Some((Err(e), (None, false))),
            }
        }
    })
}

fn first_page(after: Option<String>) -> PageArgs {
    PageArgs {
        first: Some(PAGE),
        after,
        ..Default::default()
    }
}

fn next_cursor<T>(p: &Page<T>) -> Option<String> {
    if p.has_next_page {
        p.edges.last().map(|(cursor, _)| cursor.clone())
    } else {
        None
    }
}

/// Emails of the owners (how people name a colleague in a file).
async fn owner_emails(cx: &Context, ws: Uuid, ids: impl Iterator<Item = Uuid>) -> Result<HashMap<Uuid, String>> {
    Ok(user::Entity::find_in(ws)
        .filter(user::Column::Id.is_in(ids.collect::<Vec<_>>()))
        .select_only()
        .columns([user::Column::Id, user::Column::Email])
        .into_tuple::<(Uuid, String)>()
        .all(&cx.db)
        .await?
        .into_iter()
        .collect())
}

/// Names of the companies the caller may see: one they may not see exports as empty.
async fn company_names(
    cx: &Context,
    scope: &TenantScope,
    ids: impl Iterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>> {
    Ok(companies::visible(scope, false)
        .filter(company::Column::Id.is_in(ids.collect::<Vec<_>>()))
        .select_only()
        .columns([company::Column::Id, company::Column::Name])
        .into_tuple::<(Uuid, String)>()
        .all(&cx.db)
        .await?
        .into_iter()
        .collect())
}

fn lookup(map: &HashMap<Uuid, String>, id: Option<Uuid>) -> String {
    id.and_then(|id| map.get(&id).cloned()).unwrap_or_default()
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn joined(v: Option<&Vec<String>>) -> String {
    v.map(|t| t.join("; ")).unwrap_or_default()
}

pub fn contacts_csv(
    cx: Arc<Context>,
    scope: TenantScope,
    filter: Option<ContactFilter>,
    search: Option<String>,
) -> impl Stream<Item = Result<Vec<u8>>> + Send {
    stream_pages(CONTACT_COLUMNS, move |after| {
        let (cx, scope, filter, search) = (cx.clone(), scope.clone(), filter.clone(), search.clone());
        Box::pin(async move { contacts_page(&cx, &scope, filter.as_ref(), search.as_deref(), after).await })
    })
}

async fn contacts_page(
    cx: &Context,
    scope: &TenantScope,
    filter: Option<&ContactFilter>,
    search: Option<&str>,
    after: Option<String>,
) -> PageResult {
    let args = contact::ListArgs {
        filter,
        search,
        order: &[(ContactOrder::Number, false)],
        deleted: false,
    };
    let p = contact::list(cx, scope, &args, &first_page(after)).await?;
    let ws = scope.workspace_id;
    let ids: Vec<Uuid> = p.edges.iter().map(|(_, c)| c.id).collect();
    let companies = company_names(cx, scope, p.edges.iter().filter_map(|(_, c)| c.company_id)).await?;
    let owners = owner_emails(cx, ws, p.edges.iter().filter_map(|(_, c)| c.owner_id)).await?;
    let emails = contact::emails_of(cx, ws, &ids).await?;
    let phones = contact::phones_of(cx, ws, &ids).await?;
    let tags = records::tags_of(&cx.db, ws, contact::RECORD, &ids).await?;
    let mut out = String::new();
    for (_, c) in &p.edges {
        let em = emails.get(&c.id).map(Vec::as_slice).unwrap_or_default();
        let primary = em.iter().find(|e| e.is_primary).map(|e| e.email.clone());
        let all_emails = em.iter().map(|e| e.email.as_str()).collect::<Vec<_>>().join("; ");
        let all_phones = phones
            .get(&c.id)
            .map(|v| v.iter().map(|p| p.phone.as_str()).collect::<Vec<_>>().join("; "))
            .unwrap_or_default();
        csv::push_row(
            &mut out,
            &[
                c.number.to_string(),
                c.name.clone(),
                opt(&c.title),
                lookup(&companies, c.company_id),
                primary.unwrap_or_default(),
                all_emails,
                all_phones,
                joined(tags.get(&c.id)),
                lookup(&owners, c.owner_id),
                opt(&c.public_notes),
                opt(&c.semi_public_notes),
                c.created_at.to_rfc3339(),
                c.updated_at.to_rfc3339(),
            ],
        );
    }
    Ok((out, next_cursor(&p)))
}

pub fn companies_csv(
    cx: Arc<Context>,
    scope: TenantScope,
    filter: Option<CompanyFilter>,
    search: Option<String>,
) -> impl Stream<Item = Result<Vec<u8>>> + Send {
    stream_pages(COMPANY_COLUMNS, move |after| {
        let (cx, scope, filter, search) = (cx.clone(), scope.clone(), filter.clone(), search.clone());
        Box::pin(async move { companies_page(&cx, &scope, filter.as_ref(), search.as_deref(), after).await })
    })
}

async fn companies_page(
    cx: &Context,
    scope: &TenantScope,
    filter: Option<&CompanyFilter>,
    search: Option<&str>,
    after: Option<String>,
) -> PageResult {
    let args = companies::ListArgs {
        filter,
        search,
        order: &[(CompanyOrder::Number, false)],
        deleted: false,
    };
    let p = companies::list(cx, scope, &args, &first_page(after)).await?;
    let ws = scope.workspace_id;
    let ids: Vec<Uuid> = p.edges.iter().map(|(_, c)| c.id).collect();
    let owners = owner_emails(cx, ws, p.edges.iter().filter_map(|(_, c)| c.owner_id)).await?;
    let domains = companies::domains_of(cx, ws, &ids).await?;
    let tags = records::tags_of(&cx.db, ws, companies::RECORD, &ids).await?;
    let mut out = String::new();
    for (_, c) in &p.edges {
        csv::push_row(
            &mut out,
            &[
                c.number.to_string(),
                c.name.clone(),
                joined(domains.get(&c.id)),
                opt(&c.industry),
                opt(&c.region),
                opt(&c.address),
                opt(&c.website),
                opt(&c.source),
                opt(&c.tier),
                joined(tags.get(&c.id)),
                lookup(&owners, c.owner_id),
                c.created_at.to_rfc3339(),
                c.updated_at.to_rfc3339(),
            ],
        );
    }
    Ok((out, next_cursor(&p)))
}

pub fn leads_csv(
    cx: Arc<Context>,
    scope: TenantScope,
    status: Option<String>,
) -> impl Stream<Item = Result<Vec<u8>>> + Send {
    stream_pages(LEAD_COLUMNS, move |after| {
        let (cx, scope, status) = (cx.clone(), scope.clone(), status.clone());
        Box::pin(async move { leads_page(&cx, &scope, status.as_deref(), after).await })
    })
}

async fn leads_page(cx: &Context, scope: &TenantScope, status: Option<&str>, after: Option<String>) -> PageResult {
    let f = status.map(|s| lead::LeadFilter {
        status: Some(StrOp {
            eq: Some(s.into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    let a = lead::ListArgs {
        filter: f.as_ref(),
        search: None,
        order: lead::NEWEST_FIRST,
        deleted: false,
    };
    let p = lead::list(cx, scope, &a, &first_page(after)).await?;
    let owners = owner_emails(cx, scope.workspace_id, p.edges.iter().filter_map(|(_, l)| l.owner_id)).await?;
    let mut out = String::new();
    for (_, l) in &p.edges {
        csv::push_row(
            &mut out,
            &[
                l.number.to_string(),
                l.name.clone(),
                opt(&l.company_name),
                opt(&l.email),
                opt(&l.phone),
                opt(&l.source),
                l.status.clone(),
                lookup(&owners, l.owner_id),
                l.created_at.to_rfc3339(),
                l.updated_at.to_rfc3339(),
            ],
        );
    }
    Ok((out, next_cursor(&p)))
}

pub fn opportunities_csv(
    cx: Arc<Context>,
    scope: TenantScope,
    filter: OpportunityFilter,
) -> impl Stream<Item = Result<Vec<u8>>> + Send {
    stream_pages(OPPORTUNITY_COLUMNS, move |after| {
        let (cx, scope, filter) = (cx.clone(), scope.clone(), filter.clone());
        Box::pin(async move { opportunities_page(&cx, &scope, &filter, after).await })
    })
}

async fn opportunities_page(
    cx: &Context,
    scope: &TenantScope,
    filter: &OpportunityFilter,
    after: Option<String>,
) -> PageResult {
    let a = opportunity::ListArgs {
        filter: Some(filter),
        search: None,
        order: &[(OpportunityOrder::CreatedAt, false)],
        deleted: false,
    };
    let p = opportunity::list(cx, scope, &a, &first_page(after)).await?;
    let ws = scope.workspace_id;
    let owners = owner_emails(cx, ws, p.edges.iter().filter_map(|(_, o)| o.owner_id)).await?;
    let companies = company_names(cx, scope, p.edges.iter().filter_map(|(_, o)| o.company_id)).await?;
    let stages: HashMap<Uuid, String> = pipeline_stage::Entity::find_in(ws)
        .filter(pipeline_stage::Column::Id.is_in(p.edges.iter().map(|(_, o)| o.stage_id).collect::<Vec<_>>()))
        .select_only()
        .columns([pipeline_stage::Column::Id, pipeline_stage::Column::Name])
        .into_tuple::<(Uuid, String)>()
        .all(&cx.db)
        .await?
        .into_iter()
        .collect();
    let pipelines: HashMap<Uuid, String> = pipeline::Entity::find_in(ws)
        .filter(pipeline::Column::Id.is_in(p.edges.iter().map(|(_, o)| o.pipeline_id).collect::<Vec<_>>()))
        .select_only()
        .columns([pipeline::Column::Id, pipeline::Column::Name])
        .into_tuple::<(Uuid, String)>()
        .all(&cx.db)
        .await?
        .into_iter()
        .collect();
    let mut out = String::new();
    for (_, o) in &p.edges {
        csv::push_row(
            &mut out,
            &[
                o.number.to_string(),
                o.name.clone(),
                lookup(&companies, o.company_id),
                lookup(&pipelines, Some(o.pipeline_id)),
                lookup(&stages, Some(o.stage_id)),
                o.amount_minor.to_string(),
                o.currency.clone(),
                o.expected_close_date.map(|d| d.to_string()).unwrap_or_default(),
                opt(&o.next_step),
                opt(&o.lost_reason),
                o.closed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                lookup(&owners, o.owner_id),
                o.created_at.to_rfc3339(),
                o.updated_at.to_rfc3339(),
            ],
        );
    }
    Ok((out, next_cursor(&p)))
}
