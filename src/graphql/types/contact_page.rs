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

use crate::graphql::columns;
use crate::graphql::errors::GqlResult;
use crate::graphql::types::contact::Contact;
use crate::graphql::types::contact_lookup::ActivitiesAhead;
use crate::graphql::{cx, scope};
use crate::service;
use crate::service::pagination::{Page, PageArgs};

/// What one contact's fields read from instead of a loader; `None` = not read ahead.
pub struct Ahead {
    pub company: Option<Option<Arc<company::Model>>>,
    pub owner: Option<Option<Arc<user::Model>>>,
    pub emails: Option<Vec<contact_email::Model>>,
    pub tags: Option<Vec<String>>,
    pub last_activity: Option<Option<activity::Model>>,
    /// A first page of activities read with a lone contact (`contact_lookup`).
    pub activities: Option<ActivitiesAhead>,
}

impl Ahead {
    pub const NOTHING: Ahead = Ahead {
        company: None,
        owner: None,
        emails: None,
        tags: None,
        last_activity: None,
        activities: None,
    };
}

/// Company fields a contacts page can answer from its own statement (see [`list`]).
const COMPANY_NAME_FIELDS: &[&str] = &["id", "number", "name", "__typename"];

/// The `contacts` list: one page with what its selection asks of each contact's relations.
///
/// Only the contact columns the selection reads are read ([`columns_read`]), decoded by
/// position. When the selection asks nothing of `company` but its id, number and name (the list
/// screen's company column), those come from the page's own statement, joined, instead of a
/// second statement reading whole companies: one statement less per request (docs/BENCHMARKS.md).
/// The `Contact` and `Company` objects then carry only what was read, which is safe because the
/// checks read the very selection the executor will resolve (fragments included) and a field
/// they do not know reads everything; anything more asked of a company takes the general path.
pub async fn list(
    ctx: &Context<'_>,
    a: &service::contact::ListArgs<'_>,
    args: &PageArgs,
) -> async_graphql::Result<Page<Contact>> {
    let (cx, scope) = (cx(ctx), scope(ctx)?);
    let columns = columns_read(ctx);
    let names = company_names_only(ctx);
    let page = service::contact::list_columns(cx, scope, a, args, &columns, names)
        .await
        .gql()?;
    match names {
        true => read(ctx, page.map(|(c, co)| (c, Some(co.map(company_of_name))))).await,
        false => read(ctx, page.map(|(c, _)| (c, None))).await,
    }
}

/// The contact columns the fields selected under `edges { node }` and `nodes` read; all of
/// them if a field is not in [`columns_of`]. (The service adds the ones every list needs.)
fn columns_read(ctx: &Context<'_>) -> Vec<contact::Column> {
    let look = ctx.look_ahead();
    columns::read_at(&[look.field("edges").field("node"), look.field("nodes")], columns_of)
}

/// The columns of a `Contact` field (its resolver in `types::contact` reads these and, for
/// relations, the id, owner and company that every list reads anyway). `None`: not known here.
pub fn columns_of(field: &str) -> Option<&'static [contact::Column]> {
    use contact::Column as C;
    Some(match field {
        "__typename"
        | "id"
        | "company"
        | "owner"
        | "emails"
        | "primaryEmail"
        | "phones"
        | "tags"
        | "lastActivity"
        | "activities"
        | "timeline"
        | "canReadPrivateNotes" => &[],
        "number" => &[C::Number],
        "name" => &[C::Name],
        "title" => &[C::Title],
        "referredBy" => &[C::ReferredById],
        "publicNotes" => &[C::PublicNotes],
        "semiPublicNotes" => &[C::SemiPublicNotes],
        "privateNotes" => &[C::PrivateNotes],
        "deletedAt" => &[C::DeletedAt],
        "createdAt" => &[C::CreatedAt],
        "updatedAt" => &[C::UpdatedAt],
        _ => return None,
    })
}

/// Whether the selection asks for contacts' companies and nothing of them but [`COMPANY_NAME_FIELDS`].
fn company_names_only(ctx: &Context<'_>) -> bool {
    let look = ctx.look_ahead();
    let places = [
        look.field("edges").field("node").field("company"),
        look.field("nodes").field("company"),
    ];
    let fields: Vec<_> = places.iter().flat_map(|l| l.selection_fields()).collect();
    !fields.is_empty()
        && fields
            .iter()
            .all(|f| f.selection_set().all(|sub| COMPANY_NAME_FIELDS.contains(&sub.name())))
}

/// A company of which only id, number and name are known; see [`list`] for why that is enough.
fn company_of_name(c: service::contact::CompanyName) -> Arc<company::Model> {
    let never_read = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    Arc::new(company::Model {
        id: c.id,
        workspace_id: Uuid::nil(),
        number: c.number,
        name: c.name,
        name_lower: String::new(),
        industry: None,
        region: None,
        address: None,
        website: None,
        source: None,
        tier: None,
        owner_id: None,
        deleted_at: None,
        created_by: None,
        created_at: never_read,
        updated_at: never_read,
    })
}

/// Wraps a page of contacts, reading what `edges { node { … } }` (or `nodes { … }`) asks of
/// company, owner, emails / primaryEmail, tags and lastActivity: one statement per relation for
/// the page, run concurrently. A row's company may come with it (`Some`), already read.
pub async fn read(
    ctx: &Context<'_>,
    page: Page<(contact::Model, Option<Option<Arc<company::Model>>>)>,
) -> async_graphql::Result<Page<Contact>> {
    let look = ctx.look_ahead();
    let wants = |f: &str| look.field("edges").field("node").field(f).exists() || look.field("nodes").field(f).exists();
    let company_read = page.edges.first().is_some_and(|(_, (_, co))| co.is_some());
    let (w_company, w_owner, w_emails, w_tags, w_last) = (
        wants("company") && !company_read,
        wants("owner"),
        wants("emails") || wants("primaryEmail"),
        wants("tags"),
        wants("lastActivity"),
    );
    if !(w_company || w_owner || w_emails || w_tags || w_last) || page.edges.is_empty() {
        return Ok(page.map(|(c, company)| match company {
            Some(company) => Contact::ahead(
                c,
                Ahead {
                    company: Some(company),
                    ..Ahead::NOTHING
                },
            ),
            None => Contact::new(c),
        }));
    }
    let (cx, scope) = (cx(ctx), scope(ctx)?);
    let ws = scope.workspace_id;
    let rows = || page.edges.iter().map(|(_, (c, _))| c);
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
        .map(|(cursor, (row, company))| {
            let ahead = Ahead {
                company: company
                    .or_else(|| w_company.then(|| row.company_id.and_then(|id| companies.get(&id).cloned()))),
                owner: w_owner.then(|| row.owner_id.and_then(|id| owners.get(&id).cloned())),
                // Each contact's own rows move out of their map (a contact appears once a page).
                emails: w_emails.then(|| emails.remove(&row.id).unwrap_or_default()),
                tags: w_tags.then(|| tags.remove(&row.id).unwrap_or_default()),
                last_activity: w_last.then(|| last.remove(&row.id)),
                activities: None,
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
