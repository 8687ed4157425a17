//! Contacts: several emails and phones (all matched, one primary each), a referral chain,
//! tags, and relationship notes in three layers. The private layer is readable only by the
//! contact's owner and those the owner shares it with; it is offered to no filter, sort,
//! search or export, so no path can reveal it indirectly.

use std::collections::{HashMap, HashSet};

use entity::{activity, company, contact, contact_email, contact_phone, note_share, record_tag};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, IdenStatic, QueryFilter,
    QueryOrder, QueryResult, QuerySelect, QueryTrait, Select, Set, TransactionTrait, TryIntoModel,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::email::EmailAddress;
use crate::domain::phone::Phone;
use crate::domain::text;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::Context;
use crate::service::company::{self as companies, CompanyFilter};
use crate::service::filter::{self, IdOp, IntOp, StrOp, TimeOp};
use crate::service::listing::{self, Listed};
use crate::service::pagination::{self, OrderPart, Page, PageArgs, Parents, SortValue, first_pages, totals_by};
use crate::service::records::{self, change, check_owner, owner_visible, parse_tags, timeline};

pub const RECORD: &str = "contact";

#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub name: String,
    pub title: Option<String>,
    pub company_id: Option<Uuid>,
    /// (address, primary)
    pub emails: Vec<(String, bool)>,
    /// (number, primary)
    pub phones: Vec<(String, bool)>,
    pub owner_id: Option<Uuid>,
    pub referred_by_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub public_notes: Option<String>,
    pub semi_public_notes: Option<String>,
    pub private_notes: Option<String>,
    pub allow_duplicate: bool,
}

/// `None` leaves a field alone; `Some("")` clears an optional text; `Some(None)` clears a link.
#[derive(Debug, Clone, Default)]
pub struct ContactChanges {
    pub name: Option<String>,
    pub title: Option<String>,
    pub company_id: Option<Option<Uuid>>,
    pub emails: Option<Vec<(String, bool)>>,
    pub phones: Option<Vec<(String, bool)>>,
    pub referred_by_id: Option<Option<Uuid>>,
    pub tags: Option<Vec<String>>,
    pub public_notes: Option<String>,
    pub semi_public_notes: Option<String>,
    pub private_notes: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    pub and: Vec<ContactFilter>,
    pub or: Vec<ContactFilter>,
    pub not: Option<Box<ContactFilter>>,
    pub number: Option<IntOp>,
    pub name: Option<StrOp>,
    pub title: Option<StrOp>,
    pub email: Option<StrOp>,
    pub phone: Option<StrOp>,
    pub tag: Option<StrOp>,
    pub company_id: Option<IdOp>,
    pub owner_id: Option<IdOp>,
    pub referred_by_id: Option<IdOp>,
    pub created_at: Option<TimeOp>,
    pub updated_at: Option<TimeOp>,
    /// Contacts whose company matches (e.g. companies in a region).
    pub company: Option<CompanyFilter>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ContactOrder {
    Name,
    Number,
    CreatedAt,
    UpdatedAt,
}

fn opt_text(field: &str, v: Option<&str>, max: usize) -> Result<Option<String>> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > max => Err(Error::bad_input(
            field,
            format!("{field} can be at most {max} characters long."),
        )),
        Some(s) => Ok(Some(s.to_string())),
    }
}

/// Parsed addresses with exactly one primary (the first, unless one is marked).
fn parse_emails(raw: &[(String, bool)]) -> Result<Vec<(EmailAddress, bool)>> {
    let mut out: Vec<(EmailAddress, bool)> = Vec::new();
    for (i, (e, p)) in raw.iter().enumerate() {
        let addr = EmailAddress::parse(&format!("emails[{i}]"), e)?;
        if !out.iter().any(|(a, _)| a.canonical == addr.canonical) {
            out.push((addr, *p));
        }
    }
    if out.iter().filter(|(_, p)| *p).count() > 1 {
        return Err(Error::bad_input("emails", "Mark at most one email as primary."));
    }
    if !out.iter().any(|(_, p)| *p)
        && let Some(first) = out.first_mut()
    {
        first.1 = true;
    }
    Ok(out)
}

fn parse_phones(raw: &[(String, bool)]) -> Result<Vec<(Phone, bool)>> {
    let mut out: Vec<(Phone, bool)> = Vec::new();
    for (i, (p, primary)) in raw.iter().enumerate() {
        let ph = Phone::parse(&format!("phones[{i}]"), p)?;
        if !out.iter().any(|(x, _)| x.digits == ph.digits) {
            out.push((ph, *primary));
        }
    }
    if out.iter().filter(|(_, p)| *p).count() > 1 {
        return Err(Error::bad_input("phones", "Mark at most one phone as primary."));
    }
    if !out.iter().any(|(_, p)| *p)
        && let Some(first) = out.first_mut()
    {
        first.1 = true;
    }
    Ok(out)
}

/// `CONFLICT` naming the contact that already has one of these addresses.
async fn check_emails<C: ConnectionTrait>(
    db: &C,
    ws: Uuid,
    emails: &[(EmailAddress, bool)],
    except: Option<Uuid>,
) -> Result<()> {
    if emails.is_empty() {
        return Ok(());
    }
    let mut q = contact_email::Entity::find_in(ws)
        .filter(contact_email::Column::EmailCanonical.is_in(emails.iter().map(|(e, _)| e.canonical.clone())))
        .filter(contact_email::Column::ContactId.in_subquery(live_ids(ws)));
    if let Some(id) = except {
        q = q.filter(contact_email::Column::ContactId.ne(id));
    }
    if let Some(hit) = q.one(db).await? {
        let who = contact::Entity::find_by_id_in(ws, hit.contact_id).one(db).await?;
        let who = who.map(|c| format!("{} (#{})", c.name, c.number)).unwrap_or_default();
        return Err(duplicate_email(&hit.email, &who));
    }
    Ok(())
}

fn duplicate_email(email: &str, who: &str) -> Error {
    Error::Conflict(format!(
        "The email {email} already belongs to the contact {who}; pass allowDuplicate: true to create another one anyway."
    ))
}

/// The ids of the workspace's live (not deleted) contacts, as a subquery.
fn live_ids(ws: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(contact::Column::Id)
        .from(contact::Entity)
        .and_where(Expr::col(contact::Column::WorkspaceId).eq(ws))
        .and_where(Expr::col(contact::Column::DeletedAt).is_null())
        .to_owned()
}

/// Replaces the addresses of many contacts: one DELETE and one multi-row INSERT.
async fn set_emails_many<C: ConnectionTrait>(
    db: &C,
    ws: Uuid,
    emails: Vec<(Uuid, Vec<(EmailAddress, bool)>)>,
) -> Result<()> {
    if emails.is_empty() {
        return Ok(());
    }
    contact_email::Entity::delete_in(ws)
        .filter(contact_email::Column::ContactId.is_in(emails.iter().map(|(id, _)| *id)))
        .exec(db)
        .await?;
    let rows = emails
        .into_iter()
        .flat_map(|(id, es)| es.into_iter().map(move |e| (id, e)))
        .map(|(contact_id, (e, p))| contact_email::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(ws),
            contact_id: Set(contact_id),
            email: Set(e.display),
            email_canonical: Set(e.canonical),
            is_primary: Set(p),
            ..Default::default()
        })
        .collect();
    records::insert_new(db, rows).await
}

/// Replaces the phones of many contacts: one DELETE and one multi-row INSERT.
async fn set_phones_many<C: ConnectionTrait>(db: &C, ws: Uuid, phones: Vec<(Uuid, Vec<(Phone, bool)>)>) -> Result<()> {
    if phones.is_empty() {
        return Ok(());
    }
    contact_phone::Entity::delete_in(ws)
        .filter(contact_phone::Column::ContactId.is_in(phones.iter().map(|(id, _)| *id)))
        .exec(db)
        .await?;
    let rows = phones
        .into_iter()
        .flat_map(|(id, ps)| ps.into_iter().map(move |p| (id, p)))
        .map(|(contact_id, (p, primary))| contact_phone::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(ws),
            contact_id: Set(contact_id),
            phone: Set(p.display),
            phone_digits: Set(p.digits),
            is_primary: Set(primary),
            ..Default::default()
        })
        .collect();
    records::insert_new(db, rows).await
}

/// Contacts the caller may see.
pub fn visible(scope: &TenantScope, deleted: bool) -> Select<contact::Entity> {
    listing::visible(scope, deleted)
}

pub async fn get_visible<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    id: Uuid,
    field: &str,
) -> Result<contact::Model> {
    visible(scope, false)
        .filter(contact::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| {
            if field == "id" {
                Error::not_found("contact")
            } else {
                Error::NotFound(format!("No contact with this `{field}` exists in your workspace."))
            }
        })
}

pub async fn get(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<contact::Model> {
    get_visible(&cx.db, scope, id, "id").await
}

pub async fn get_by_number(cx: &Context, scope: &TenantScope, number: i64) -> Result<contact::Model> {
    visible(scope, false)
        .filter(contact::Column::Number.eq(number))
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::NotFound("No contact with this number exists in your workspace.".into()))
}

/// The columns the contact screen's selection reads (see `graphql::columns`); those every
/// caller needs are added by [`by_number_with_activities`].
pub struct ScreenColumns<'a> {
    pub contact: &'a [contact::Column],
    pub activity: &'a [activity::Column],
}

/// A contact by number with the first `first` of its activities (newest first), in one
/// statement: the contact's row LEFT JOINed to the page, a derived table of `first + 1` rows
/// found through the same number. A contact's screen then costs one round trip instead of two
/// (each statement also costs sqlx a second round trip to check the connection as it goes back
/// to the pool; docs/BENCHMARKS.md). The page is the one `activity::list` makes.
///
/// Only the columns in `read` are read, plus the contact's id, workspace, owner and company
/// (relations, scope checks) and the activity's id and time (order, cursors); the other fields
/// keep placeholders, as in [`list_columns`]. Every row repeats the contact's columns, so the
/// fewer the better: reading all of both tables' columns cost PostgreSQL and the gateway a
/// fifth of the request (docs/BENCHMARKS.md).
pub async fn by_number_with_activities(
    cx: &Context,
    scope: &TenantScope,
    number: i64,
    first: i32,
    skip_cursors: bool,
    read: ScreenColumns<'_>,
) -> Result<(contact::Model, Page<activity::Model>)> {
    use activity::Column as A;
    use contact::Column as C;
    let size = pagination::first_size(first)?;
    let ws = scope.workspace_id;
    let contact_read = with_columns(&[C::Id, C::WorkspaceId, C::OwnerId, C::CompanyId], read.contact);
    let activity_read = with_columns(&[A::Id, A::OccurredAt], read.activity);
    let page_alias = Alias::new("page");
    let the_contact = Query::select()
        .column(C::Id)
        .from(contact::Entity)
        .and_where(Expr::col((contact::Entity, C::WorkspaceId)).eq(ws))
        .and_where(Expr::col((contact::Entity, C::Number)).eq(number))
        .to_owned();
    let page = Query::select()
        .columns(activity_read.iter().map(|c| (activity::Entity, *c)))
        .from(activity::Entity)
        .and_where(Expr::col((activity::Entity, A::WorkspaceId)).eq(ws))
        // `= (scalar subquery)`, not `IN`: PostgreSQL then knows one contact id before the scan
        // and walks the (workspace, contact, time) index newest first, stopping after the page;
        // with `IN` it joins, reads all of the contact's activities and sorts them.
        .and_where(Expr::col((activity::Entity, A::ContactId)).eq(Expr::SubQuery(None, Box::new(the_contact.into()))))
        .order_by((activity::Entity, A::OccurredAt), Order::Desc)
        .order_by((activity::Entity, A::Id), Order::Desc)
        .limit(size + 1)
        .to_owned();
    let mut q = visible(scope, false)
        .select_only()
        .columns(contact_read.iter().copied())
        .filter(C::Number.eq(number));
    let sel = QueryTrait::query(&mut q);
    sel.join_subquery(JoinType::LeftJoin, page, page_alias.clone(), Expr::cust("1 = 1"));
    for c in &activity_read {
        // Unaliased: the row is decoded by position, not by name.
        sel.expr(Expr::col((page_alias.clone(), *c)));
    }
    // No ORDER BY around the join: a join keeps no order, so PostgreSQL would set up a sort
    // for the page's ≤ 101 rows on every call (ExecInitSort was 6 % of its CPU on this
    // screen); they are put back in the page's order below instead.
    let rows = cx.db.query_all_raw(q.build(cx.db.get_database_backend())).await?;
    let Some(first_row) = rows.first() else {
        return Err(Error::NotFound(
            "No contact with this number exists in your workspace.".into(),
        ));
    };
    // Decoded by position (the contact's columns, then the activity's): by name, with the
    // prefix, each value cost a formatted name and a hash lookup.
    let row = partial_row(first_row, &contact_read)?;
    let mut activities = Vec::with_capacity(rows.len());
    for r in &rows {
        // A contact without activities comes as one row whose activity columns are NULL.
        if let Some(a) = activity_at(r, contact_read.len(), &activity_read)? {
            activities.push(a);
        }
    }
    crate::service::activity::sort_newest_first(&mut activities);
    let key = crate::service::activity::newest_first();
    Ok((
        row,
        pagination::first_page_from(ws, &key, activities, size, skip_cursors),
    ))
}

/// `always`, then those of `asked` not among them.
fn with_columns<C: IdenStatic + Copy>(always: &[C], asked: &[C]) -> Vec<C> {
    let mut read = always.to_vec();
    for c in asked {
        if !read.iter().any(|r| r.as_str() == c.as_str()) {
            read.push(*c);
        }
    }
    read
}

/// The activity in `columns`, from `offset` on (by position), the other fields at
/// placeholders; `None` when its id is NULL (a LEFT JOIN that found none). The match is
/// exhaustive, so a new column cannot be forgotten here.
fn activity_at(r: &QueryResult, offset: usize, columns: &[activity::Column]) -> Result<Option<activity::Model>> {
    use activity::Column as A;
    let mut m = crate::service::activity::placeholder();
    for (k, c) in columns.iter().enumerate() {
        let i = offset + k;
        match c {
            A::Id => match r.try_get_by::<Option<Uuid>, _>(i)? {
                Some(id) => m.id = id,
                None => return Ok(None),
            },
            A::WorkspaceId => m.workspace_id = r.try_get_by(i)?,
            A::Kind => m.kind = r.try_get_by(i)?,
            A::Subject => m.subject = r.try_get_by(i)?,
            A::Body => m.body = r.try_get_by(i)?,
            A::OccurredAt => m.occurred_at = r.try_get_by(i)?,
            A::DurationMinutes => m.duration_minutes = r.try_get_by(i)?,
            A::Outcome => m.outcome = r.try_get_by(i)?,
            A::CompanyId => m.company_id = r.try_get_by(i)?,
            A::ContactId => m.contact_id = r.try_get_by(i)?,
            A::LeadId => m.lead_id = r.try_get_by(i)?,
            A::OpportunityId => m.opportunity_id = r.try_get_by(i)?,
            A::OwnerId => m.owner_id = r.try_get_by(i)?,
            A::Latitude => m.latitude = r.try_get_by(i)?,
            A::Longitude => m.longitude = r.try_get_by(i)?,
            A::Address => m.address = r.try_get_by(i)?,
            A::CheckInAt => m.check_in_at = r.try_get_by(i)?,
            A::CheckOutAt => m.check_out_at = r.try_get_by(i)?,
            A::CreatedBy => m.created_by = r.try_get_by(i)?,
            A::CreatedAt => m.created_at = r.try_get_by(i)?,
            A::UpdatedAt => m.updated_at = r.try_get_by(i)?,
        }
    }
    Ok(Some(m))
}

pub async fn create(cx: &Context, scope: &TenantScope, input: ContactInput) -> Result<contact::Model> {
    let txn = cx.db.begin().await?;
    let row = create_in(&txn, scope, input).await?;
    txn.commit().await?;
    Ok(row)
}

/// The same, inside the caller's transaction.
pub async fn create_in<C: ConnectionTrait>(db: &C, scope: &TenantScope, input: ContactInput) -> Result<contact::Model> {
    create_many_in(db, scope, vec![input])
        .await?
        .pop()
        .unwrap_or_else(|| Err(Error::Internal("no result for one contact".into())))
}

/// A contact that passed the checks that need no database.
struct NewContact {
    input: ContactInput,
    name: String,
    title: Option<String>,
    public_notes: Option<String>,
    semi_public_notes: Option<String>,
    private_notes: Option<String>,
    emails: Vec<(EmailAddress, bool)>,
    phones: Vec<(Phone, bool)>,
    tags: Vec<String>,
    owner: Uuid,
}

fn parse_new(scope: &TenantScope, input: ContactInput) -> Result<NewContact> {
    Ok(NewContact {
        name: text::name("name", &input.name, 200)?,
        emails: parse_emails(&input.emails)?,
        phones: parse_phones(&input.phones)?,
        tags: parse_tags("tags", &input.tags)?,
        title: opt_text("title", input.title.as_deref(), 200)?,
        public_notes: opt_text("publicNotes", input.public_notes.as_deref(), 20_000)?,
        semi_public_notes: opt_text("semiPublicNotes", input.semi_public_notes.as_deref(), 20_000)?,
        private_notes: opt_text("privateNotes", input.private_notes.as_deref(), 20_000)?,
        owner: input.owner_id.unwrap_or(scope.user_id),
        input,
    })
}

/// Creates many contacts in the caller's transaction, each as [`create_in`] would, in a
/// number of statements that does not grow with the count (the CSV import's 500-row
/// batches). The answer has one result per input, in order: an input that breaks a rule gets
/// that error and writes nothing, the others are created. Inputs are checked as if created one
/// after the other: an address an earlier input takes is a duplicate for a later one. Every
/// check runs before the first write, so a caller needs no savepoint for the rejected ones.
pub async fn create_many_in<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    inputs: Vec<ContactInput>,
) -> Result<Vec<Result<contact::Model>>> {
    let ws = scope.workspace_id;
    let mut checked: Vec<Result<NewContact>> = inputs.into_iter().map(|i| parse_new(scope, i)).collect();

    // Owners and companies: one check per distinct value, repeated only for the ones that fail
    // (so each input gets its own error).
    let mut good_owners: HashSet<Uuid> = HashSet::new();
    let company_ids: HashSet<Uuid> = checked
        .iter()
        .filter_map(|c| c.as_ref().ok()?.input.company_id)
        .collect();
    let visible_companies: HashSet<Uuid> = if company_ids.is_empty() {
        HashSet::new()
    } else {
        companies::visible(scope, false)
            .filter(company::Column::Id.is_in(company_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    for slot in checked.iter_mut() {
        let Ok(c) = slot else { continue };
        let owner = c.owner;
        let company = c.input.company_id;
        let referred_by = c.input.referred_by_id;
        let outcome = async {
            if !good_owners.contains(&owner) {
                check_owner(db, scope, owner).await?;
                good_owners.insert(owner);
            }
            if let Some(id) = company.filter(|id| !visible_companies.contains(id)) {
                companies::get_visible(db, scope, id, "companyId").await?;
            }
            if let Some(r) = referred_by {
                get_visible(db, scope, r, "referredById").await?;
            }
            Ok::<_, Error>(())
        }
        .await;
        match outcome {
            Ok(()) => {}
            Err(e) if e.is_internal() => return Err(e),
            Err(e) => *slot = Err(e),
        }
    }

    // Duplicate addresses: against the database in one statement, then against earlier inputs.
    let wanted: HashSet<String> = checked
        .iter()
        .filter_map(|c| c.as_ref().ok())
        .filter(|c| !c.input.allow_duplicate)
        .flat_map(|c| c.emails.iter().map(|(e, _)| e.canonical.clone()))
        .collect();
    let taken: HashSet<String> = if wanted.is_empty() {
        HashSet::new()
    } else {
        contact_email::Entity::find_in(ws)
            .filter(contact_email::Column::EmailCanonical.is_in(wanted))
            .filter(contact_email::Column::ContactId.in_subquery(live_ids(ws)))
            .all(db)
            .await?
            .into_iter()
            .map(|e| e.email_canonical)
            .collect()
    };
    // Canonical address → the input that takes it.
    let mut claimed: HashMap<String, usize> = HashMap::new();
    let mut duplicates: Vec<(usize, usize, String)> = Vec::new();
    for (i, slot) in checked.iter_mut().enumerate() {
        let Ok(c) = slot else { continue };
        if !c.input.allow_duplicate {
            if c.emails.iter().any(|(e, _)| taken.contains(&e.canonical)) {
                // The rare path: the single check names the contact that has the address.
                match check_emails(db, ws, &c.emails, None).await {
                    Err(e) if e.is_internal() => return Err(e),
                    Err(e) => {
                        *slot = Err(e);
                        continue;
                    }
                    Ok(()) => {}
                }
            }
            if let Some((e, first)) = c
                .emails
                .iter()
                .find_map(|(e, _)| claimed.get(&e.canonical).map(|f| (e, *f)))
            {
                duplicates.push((i, first, e.display.clone()));
                continue;
            }
        }
        for (e, _) in &c.emails {
            claimed.entry(e.canonical.clone()).or_insert(i);
        }
    }
    let duplicate_of: HashMap<usize, (usize, String)> = duplicates.into_iter().map(|(i, f, e)| (i, (f, e))).collect();

    // The writes, for the inputs that passed: numbers, rows, addresses, phones, tags, timeline.
    let count = checked
        .iter()
        .enumerate()
        .filter(|(i, c)| c.is_ok() && !duplicate_of.contains_key(i))
        .count();
    let mut number = if count == 0 {
        0
    } else {
        records::next_numbers(db, ws, RECORD, count).await?
    };
    let mut out: Vec<Result<contact::Model>> = Vec::with_capacity(checked.len());
    let (mut rows, mut emails, mut phones, mut tags, mut entries) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, slot) in checked.into_iter().enumerate() {
        let c = match slot {
            Err(e) => {
                out.push(Err(e));
                continue;
            }
            Ok(c) => c,
        };
        if let Some((first, email)) = duplicate_of.get(&i) {
            let who = match out.get(*first) {
                Some(Ok(m)) => format!("{} (#{})", m.name, m.number),
                _ => String::new(),
            };
            out.push(Err(duplicate_email(email, &who)));
            continue;
        }
        let id = Uuid::now_v7();
        let am = contact::ActiveModel {
            id: Set(id),
            workspace_id: Set(ws),
            number: Set(number),
            name_lower: Set(c.name.to_lowercase()),
            name: Set(c.name),
            title: Set(c.title),
            company_id: Set(c.input.company_id),
            owner_id: Set(Some(c.owner)),
            referred_by_id: Set(c.input.referred_by_id),
            public_notes: Set(c.public_notes),
            semi_public_notes: Set(c.semi_public_notes),
            private_notes: Set(c.private_notes),
            deleted_at: Set(None),
            created_by: Set(Some(scope.user_id)),
            ..Default::default()
        }
        .before_save(db, true)
        .await?;
        number += 1;
        let model = am.clone().try_into_model()?;
        rows.push(am);
        emails.extend(c.emails.into_iter().map(|(e, p)| contact_email::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(ws),
            contact_id: Set(id),
            email: Set(e.display),
            email_canonical: Set(e.canonical),
            is_primary: Set(p),
            ..Default::default()
        }));
        phones.extend(c.phones.into_iter().map(|(p, primary)| contact_phone::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(ws),
            contact_id: Set(id),
            phone: Set(p.display),
            phone_digits: Set(p.digits),
            is_primary: Set(primary),
            ..Default::default()
        }));
        tags.push((id, c.tags));
        entries.push(records::timeline_entry(
            scope,
            RECORD,
            id,
            "created",
            json!({ "name": model.name }),
        ));
        if let Some(company) = model.company_id {
            entries.push(records::timeline_entry(
                scope,
                companies::RECORD,
                company,
                "contact_added",
                json!({ "contactId": id, "name": model.name }),
            ));
        }
        out.push(Ok(model));
    }
    // Stamped above: the models returned carry the timestamps the rows get.
    records::insert_stamped(db, rows).await?;
    records::insert_new(db, emails).await?;
    records::insert_new(db, phones).await?;
    records::add_tags_new(db, ws, RECORD, &tags).await?;
    records::insert_new(db, entries).await?;
    Ok(out)
}

/// Whether the caller may read (and write) this contact's private notes.
pub async fn may_read_private<C: ConnectionTrait>(db: &C, scope: &TenantScope, c: &contact::Model) -> Result<bool> {
    if c.owner_id == Some(scope.user_id) {
        return Ok(true);
    }
    Ok(note_share::Entity::find_in(scope.workspace_id)
        .filter(note_share::Column::ContactId.eq(c.id))
        .filter(note_share::Column::UserId.eq(scope.user_id))
        .one(db)
        .await?
        .is_some())
}

pub async fn update(cx: &Context, scope: &TenantScope, id: Uuid, ch: ContactChanges) -> Result<contact::Model> {
    let txn = cx.db.begin().await?;
    let row = update_in(&txn, scope, id, ch).await?;
    txn.commit().await?;
    Ok(row)
}

/// The same, inside the caller's transaction.
pub async fn update_in<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    id: Uuid,
    ch: ContactChanges,
) -> Result<contact::Model> {
    update_many_in(db, scope, vec![(id, ch)])
        .await?
        .pop()
        .unwrap_or_else(|| Err(Error::Internal("no result for one contact".into())))
}

/// What a batch of changes needs to know beyond the contacts: address → its live holders
/// (contact, display form; several after `allowDuplicate`), the changed contacts' current
/// addresses, and the visible companies the changes name.
struct UpdateLookups {
    holders: HashMap<String, Vec<(Uuid, String)>>,
    held: HashMap<Uuid, Vec<String>>,
    companies: HashSet<Uuid>,
}

/// A contact's changes checked against it as it is: the row, the timeline's changes, and its
/// new addresses, phones and tags when they change.
struct PlannedUpdate {
    am: contact::ActiveModel,
    changes: serde_json::Map<String, serde_json::Value>,
    emails: Option<Vec<(EmailAddress, bool)>>,
    phones: Option<Vec<(Phone, bool)>>,
    tags: Option<Vec<String>>,
}

async fn plan_update<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    current: &HashMap<Uuid, contact::Model>,
    lk: &UpdateLookups,
    id: Uuid,
    ch: &ContactChanges,
) -> Result<PlannedUpdate> {
    let before = current.get(&id).ok_or_else(|| Error::not_found("contact"))?;
    let mut am: contact::ActiveModel = before.clone().into();
    let mut changes = serde_json::Map::new();
    if let Some(n) = &ch.name {
        let n = text::name("name", n, 200)?;
        if n != before.name {
            changes.insert("name".into(), change(&before.name, &n));
            am.name_lower = Set(n.to_lowercase());
            am.name = Set(n);
        }
    }
    if let Some(t) = &ch.title {
        let t = opt_text("title", Some(t), 200)?;
        if t != before.title {
            changes.insert("title".into(), change(&before.title, &t));
            am.title = Set(t);
        }
    }
    if let Some(c) = ch.company_id
        && c != before.company_id
    {
        if let Some(c) = c.filter(|c| !lk.companies.contains(c)) {
            companies::get_visible(db, scope, c, "companyId").await?;
        }
        changes.insert("companyId".into(), change(&before.company_id, &c));
        am.company_id = Set(c);
    }
    if let Some(r) = ch.referred_by_id
        && r != before.referred_by_id
    {
        if let Some(r) = r {
            if r == id {
                return Err(Error::bad_input("referredById", "A contact cannot refer themselves."));
            }
            get_visible(db, scope, r, "referredById").await?;
        }
        changes.insert("referredById".into(), change(&before.referred_by_id, &r));
        am.referred_by_id = Set(r);
    }
    if let Some(n) = &ch.public_notes {
        let n = opt_text("publicNotes", Some(n), 20_000)?;
        if n != before.public_notes {
            changes.insert("publicNotes".into(), change(&before.public_notes, &n));
            am.public_notes = Set(n);
        }
    }
    if let Some(n) = &ch.semi_public_notes {
        let n = opt_text("semiPublicNotes", Some(n), 20_000)?;
        if n != before.semi_public_notes {
            changes.insert("semiPublicNotes".into(), change(&before.semi_public_notes, &n));
            am.semi_public_notes = Set(n);
        }
    }
    if let Some(n) = &ch.private_notes {
        if !may_read_private(db, scope, before).await? {
            return Err(Error::Forbidden(
                "Only the contact's owner and those they share private notes with can change them.".into(),
            ));
        }
        let n = opt_text("privateNotes", Some(n), 20_000)?;
        if n != before.private_notes {
            // The timeline is visible to everyone who sees the contact: say that the private
            // notes changed, never what they say.
            changes.insert("privateNotes".into(), json!({ "changed": true }));
            am.private_notes = Set(n);
        }
    }
    let emails = ch.emails.as_deref().map(parse_emails).transpose()?;
    if let Some(emails) = &emails {
        let taken = emails
            .iter()
            .find_map(|(e, _)| lk.holders.get(&e.canonical)?.iter().find(|(h, _)| *h != id));
        if let Some((holder, display)) = taken {
            return Err(match current.get(holder) {
                Some(c) => duplicate_email(display, &format!("{} (#{})", c.name, c.number)),
                None => {
                    let who = contact::Entity::find_by_id_in(scope.workspace_id, *holder)
                        .one(db)
                        .await?;
                    duplicate_email(
                        display,
                        &who.map(|c| format!("{} (#{})", c.name, c.number)).unwrap_or_default(),
                    )
                }
            });
        }
        changes.insert(
            "emails".into(),
            json!({ "to": emails.iter().map(|(e, _)| e.display.clone()).collect::<Vec<_>>() }),
        );
    }
    let phones = ch.phones.as_deref().map(parse_phones).transpose()?;
    if let Some(phones) = &phones {
        changes.insert(
            "phones".into(),
            json!({ "to": phones.iter().map(|(p, _)| p.display.clone()).collect::<Vec<_>>() }),
        );
    }
    let tags = ch.tags.as_deref().map(|t| parse_tags("tags", t)).transpose()?;
    if let Some(tags) = &tags {
        changes.insert("tags".into(), json!({ "to": tags }));
    }
    Ok(PlannedUpdate {
        am,
        changes,
        emails,
        phones,
        tags,
    })
}

/// Changes many contacts in the caller's transaction, each as [`update_in`] would, in a
/// number of statements that does not grow with the count (the CSV import's batches). One
/// result per item, in order; a rejected item writes nothing. Items are checked as if applied
/// one after the other (an address an earlier item gives its contact is taken for a later
/// one); an id named twice sees its earlier change.
pub async fn update_many_in<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    items: Vec<(Uuid, ContactChanges)>,
) -> Result<Vec<Result<contact::Model>>> {
    let ws = scope.workspace_id;
    let ids: HashSet<Uuid> = items.iter().map(|(id, _)| *id).collect();
    let mut current: HashMap<Uuid, contact::Model> = visible(scope, false)
        .filter(contact::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut lk = UpdateLookups {
        holders: HashMap::new(),
        held: HashMap::new(),
        companies: HashSet::new(),
    };
    let wanted: HashSet<String> = items
        .iter()
        .filter_map(|(_, ch)| ch.emails.as_ref())
        .flatten()
        .filter_map(|(e, _)| EmailAddress::parse("emails", e).ok())
        .map(|e| e.canonical)
        .collect();
    if !wanted.is_empty() {
        for e in contact_email::Entity::find_in(ws)
            .filter(
                Condition::any()
                    .add(contact_email::Column::EmailCanonical.is_in(wanted))
                    .add(contact_email::Column::ContactId.is_in(ids.iter().copied())),
            )
            .filter(contact_email::Column::ContactId.in_subquery(live_ids(ws)))
            .all(db)
            .await?
        {
            if ids.contains(&e.contact_id) {
                lk.held.entry(e.contact_id).or_default().push(e.email_canonical.clone());
            }
            lk.holders
                .entry(e.email_canonical)
                .or_default()
                .push((e.contact_id, e.email));
        }
    }
    let company_ids: HashSet<Uuid> = items.iter().filter_map(|(_, ch)| ch.company_id.flatten()).collect();
    if !company_ids.is_empty() {
        lk.companies = companies::visible(scope, false)
            .filter(company::Column::Id.is_in(company_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
    }
    let mut out = Vec::with_capacity(items.len());
    let (mut email_sets, mut phone_sets, mut tag_sets) = (Vec::new(), Vec::new(), Vec::new());
    let mut updates = records::Updates::default();
    for (id, ch) in items {
        let p = match plan_update(db, scope, &current, &lk, id, &ch).await {
            Err(e) if e.is_internal() => return Err(e),
            Err(e) => {
                out.push(Err(e));
                continue;
            }
            Ok(p) => p,
        };
        if let Some(emails) = p.emails {
            for old in lk.held.remove(&id).unwrap_or_default() {
                if let Some(h) = lk.holders.get_mut(&old) {
                    h.retain(|(c, _)| *c != id);
                }
            }
            for (e, _) in &emails {
                lk.holders
                    .entry(e.canonical.clone())
                    .or_default()
                    .push((id, e.display.clone()));
            }
            lk.held
                .insert(id, emails.iter().map(|(e, _)| e.canonical.clone()).collect());
            email_sets.retain(|(c, _)| *c != id);
            email_sets.push((id, emails));
        }
        if let Some(phones) = p.phones {
            phone_sets.retain(|(c, _)| *c != id);
            phone_sets.push((id, phones));
        }
        if let Some(t) = p.tags {
            tag_sets.retain(|(c, _)| *c != id);
            tag_sets.push((id, t));
        }
        let model = updates.push(db, scope, RECORD, id, p.am, p.changes).await?;
        current.insert(id, model.clone());
        out.push(Ok(model));
    }
    set_emails_many(db, ws, email_sets).await?;
    set_phones_many(db, ws, phone_sets).await?;
    records::set_tags_many(db, ws, RECORD, tag_sets).await?;
    updates.write(db, contact::Column::Id).await?;
    Ok(out)
}

pub async fn set_deleted(cx: &Context, scope: &TenantScope, id: Uuid, deleted: bool) -> Result<contact::Model> {
    let txn = cx.db.begin().await?;
    let row = records::set_deleted(&txn, scope, &OWNED, id, deleted).await?;
    txn.commit().await?;
    Ok(row)
}

/// Who may see, reassign and restore contacts: the columns for it (see [`listing`]).
pub(crate) const OWNED: records::Owned<contact::Entity> = records::Owned {
    record: RECORD,
    plural: "contacts",
    workspace: contact::Column::WorkspaceId,
    id: contact::Column::Id,
    owner: contact::Column::OwnerId,
    updated_at: contact::Column::UpdatedAt,
    deleted_at: contact::Column::DeletedAt,
    id_of: |m| m.id,
    owner_of: |m| m.owner_id,
};

pub async fn reassign(cx: &Context, scope: &TenantScope, ids: &[Uuid], owner: Uuid) -> Result<Vec<contact::Model>> {
    let txn = cx.db.begin().await?;
    let rows = records::reassign(&txn, scope, visible(scope, false), &OWNED, ids, owner).await?;
    txn.commit().await?;
    Ok(rows)
}

/// Lets another active user of the workspace read this contact's private notes (owner only).
pub async fn share_private_notes(
    cx: &Context,
    scope: &TenantScope,
    id: Uuid,
    user_id: Uuid,
    share: bool,
) -> Result<contact::Model> {
    let txn = cx.db.begin().await?;
    let c = get_visible(&txn, scope, id, "id").await?;
    if c.owner_id != Some(scope.user_id) {
        return Err(Error::Forbidden(
            "Only the contact's owner can share its private notes.".into(),
        ));
    }
    entity::user::Entity::find_by_id_in(scope.workspace_id, user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::NotFound("No user with this `userId` exists in your workspace.".into()))?;
    note_share::Entity::delete_in(scope.workspace_id)
        .filter(note_share::Column::ContactId.eq(id))
        .filter(note_share::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    if share {
        note_share::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(scope.workspace_id),
            contact_id: Set(id),
            user_id: Set(user_id),
            created_by: Set(Some(scope.user_id)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    timeline(
        &txn,
        scope,
        RECORD,
        id,
        if share {
            "private_notes_shared"
        } else {
            "private_notes_unshared"
        },
        json!({ "userId": user_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(c)
}

pub fn condition(scope: &TenantScope, f: &ContactFilter, depth: usize) -> Result<Condition> {
    let ws = scope.workspace_id;
    let mut c = filter::combinators(&f.and, &f.or, f.not.as_deref(), depth, |sub, d| {
        condition(scope, sub, d)
    })?;
    let col = |c: contact::Column| (contact::Entity, c);
    if let Some(op) = &f.number {
        c = c.add(filter::int("filter.number", col(contact::Column::Number), op)?);
    }
    if let Some(op) = &f.name {
        c = c.add(filter::name(
            "filter.name",
            col(contact::Column::NameLower),
            col(contact::Column::Name),
            op,
        )?);
    }
    if let Some(op) = &f.title {
        c = c.add(filter::text("filter.title", col(contact::Column::Title), op, false)?);
    }
    if let Some(op) = &f.company_id {
        c = c.add(filter::id("filter.companyId", col(contact::Column::CompanyId), op)?);
    }
    if let Some(op) = &f.owner_id {
        c = c.add(filter::id("filter.ownerId", col(contact::Column::OwnerId), op)?);
    }
    if let Some(op) = &f.referred_by_id {
        c = c.add(filter::id(
            "filter.referredById",
            col(contact::Column::ReferredById),
            op,
        )?);
    }
    if let Some(op) = &f.created_at {
        c = c.add(filter::time(col(contact::Column::CreatedAt), op));
    }
    if let Some(op) = &f.updated_at {
        c = c.add(filter::time(col(contact::Column::UpdatedAt), op));
    }
    if let Some(op) = &f.email {
        // Addresses are matched in canonical (lowercase) form.
        let op = StrOp {
            eq: op
                .eq
                .as_deref()
                .map(|e| EmailAddress::parse("filter.email", e).map(|e| e.canonical))
                .transpose()?,
            ..op.clone()
        };
        let sub = Query::select()
            .column(contact_email::Column::ContactId)
            .from(contact_email::Entity)
            .and_where(Expr::col(contact_email::Column::WorkspaceId).eq(ws))
            .cond_where(filter::text(
                "filter.email",
                contact_email::Column::EmailCanonical,
                &op,
                true,
            )?)
            .to_owned();
        c = c.add(Expr::col(col(contact::Column::Id)).in_subquery(sub));
    }
    if let Some(op) = &f.phone {
        let digits = |s: &str| -> String { s.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect() };
        let op = StrOp {
            eq: op.eq.as_deref().map(digits),
            contains: op.contains.as_deref().map(digits),
            starts_with: op.starts_with.as_deref().map(digits),
            ..op.clone()
        };
        let sub = Query::select()
            .column(contact_phone::Column::ContactId)
            .from(contact_phone::Entity)
            .and_where(Expr::col(contact_phone::Column::WorkspaceId).eq(ws))
            .cond_where(filter::text(
                "filter.phone",
                contact_phone::Column::PhoneDigits,
                &op,
                true,
            )?)
            .to_owned();
        c = c.add(Expr::col(col(contact::Column::Id)).in_subquery(sub));
    }
    if let Some(op) = &f.tag {
        let sub = Query::select()
            .column(record_tag::Column::RecordId)
            .from(record_tag::Entity)
            .and_where(Expr::col(record_tag::Column::WorkspaceId).eq(ws))
            .and_where(Expr::col(record_tag::Column::RecordType).eq(RECORD))
            .cond_where(filter::text("filter.tag", record_tag::Column::Tag, op, false)?)
            .to_owned();
        c = c.add(Expr::col(col(contact::Column::Id)).in_subquery(sub));
    }
    if let Some(cf) = &f.company {
        // Across the relation, within what the caller may see of companies.
        let sub = Query::select()
            .column((company::Entity, company::Column::Id))
            .from(company::Entity)
            .and_where(Expr::col((company::Entity, company::Column::WorkspaceId)).eq(ws))
            .and_where(Expr::col((company::Entity, company::Column::DeletedAt)).is_null())
            .cond_where(owner_visible(scope, company::Column::OwnerId))
            .cond_where(companies::condition(scope, cf, depth + 1)?)
            .to_owned();
        // `IS NOT NULL` first: `not` of a company filter must include contacts without one.
        c = c.add(Expr::col(col(contact::Column::CompanyId)).is_not_null());
        c = c.add(Expr::col(col(contact::Column::CompanyId)).in_subquery(sub));
    }
    Ok(c)
}

impl Listed for contact::Entity {
    const OWNED: records::Owned<Self> = OWNED;
    type Filter = ContactFilter;
    type Order = ContactOrder;

    fn order_part(o: ContactOrder) -> OrderPart<Self> {
        match o {
            ContactOrder::Name => ("name", contact::Column::Name, |m| SortValue::Text(m.name.clone())),
            ContactOrder::Number => ("number", contact::Column::Number, |m| SortValue::Int(m.number)),
            ContactOrder::CreatedAt => ("createdAt", contact::Column::CreatedAt, |m| {
                SortValue::Time(m.created_at)
            }),
            ContactOrder::UpdatedAt => ("updatedAt", contact::Column::UpdatedAt, |m| {
                SortValue::Time(m.updated_at)
            }),
        }
    }

    fn condition(scope: &TenantScope, f: &ContactFilter) -> Result<Condition> {
        condition(scope, f, 0)
    }

    /// Names, emails and phones (case-insensitive substring).
    fn search(scope: &TenantScope, s: &str) -> Result<Condition> {
        let ws = scope.workspace_id;
        let needle = s.to_lowercase();
        let mut parts = vec![
            filter::search_in(
                contact::Entity,
                contact::Column::Id,
                contact::Column::WorkspaceId,
                ws,
                contact::Column::NameLower,
                &needle,
            ),
            filter::search_in(
                contact_email::Entity,
                contact_email::Column::ContactId,
                contact_email::Column::WorkspaceId,
                ws,
                contact_email::Column::EmailCanonical,
                &needle,
            ),
        ];
        // Phone numbers are stored as digits: "138 0013" finds "+86 138-0013-8000".
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 3 {
            parts.push(filter::search_in(
                contact_phone::Entity,
                contact_phone::Column::ContactId,
                contact_phone::Column::WorkspaceId,
                ws,
                contact_phone::Column::PhoneDigits,
                &digits,
            ));
        }
        Ok(filter::search_union((contact::Entity, contact::Column::Id), parts))
    }
}

pub type ListArgs<'a> = listing::ListArgs<'a, contact::Entity>;
pub use listing::{count, list};

/// A contact's company as the contacts list names it.
#[derive(Debug, Clone)]
pub struct CompanyName {
    pub id: Uuid,
    pub number: i64,
    pub name: String,
}

/// One page of the list reading only `columns` of each contact, and, with `company_names`, each
/// contact's company id, number and name in the same statement: the contacts LEFT JOIN the
/// companies the caller may see (`company::visible`'s condition), so a contact at a company
/// outside the caller's scope has none, as the company lookup would answer.
///
/// The columns every caller needs are always read: the id, workspace, owner and company (for
/// relations and scope checks) and the sort columns (for cursors). The others keep placeholder
/// values (empty text, no value, the epoch), so a caller must ask for every column it will
/// read; decoding a whole row by column name was a sixth of the gateway's CPU on a 50-row
/// page (docs/BENCHMARKS.md).
pub async fn list_columns(
    cx: &Context,
    scope: &TenantScope,
    a: &ListArgs<'_>,
    page: &PageArgs,
    columns: &[contact::Column],
    company_names: bool,
) -> Result<Page<(contact::Model, Option<CompanyName>)>> {
    let sort: Vec<contact::Column> = a
        .order
        .iter()
        .map(|(o, _)| <contact::Entity as Listed>::order_part(*o).1)
        .collect();
    let always = [
        contact::Column::Id,
        contact::Column::WorkspaceId,
        contact::Column::OwnerId,
        contact::Column::CompanyId,
    ];
    let read = with_columns(&with_columns(&always, columns), &sort);
    let columns = |q: Select<contact::Entity>| q.select_only().columns(read.iter().copied());
    // The page's companies, joined to the page after its LIMIT (`pagination::JoinAfter`).
    let companies = |q: &mut SelectStatement| {
        let on = listing::visible_condition::<company::Entity>(scope, false).add(
            Expr::col((company::Entity, company::Column::Id))
                .equals((Alias::new(pagination::PAGE), contact::Column::CompanyId)),
        );
        q.join(JoinType::LeftJoin, company::Entity, on)
            .expr(Expr::col((company::Entity, company::Column::Id)))
            .expr(Expr::col((company::Entity, company::Column::Number)))
            .expr(Expr::col((company::Entity, company::Column::Name)));
    };
    let n = read.len();
    let read_row = |r: &QueryResult| -> Result<(contact::Model, Option<CompanyName>)> {
        let row = partial_row(r, &read)?;
        let company = match company_names {
            true => match r.try_get_by::<Option<Uuid>, _>(n)? {
                Some(id) => Some(CompanyName {
                    id,
                    number: r.try_get_by(n + 1)?,
                    name: r.try_get_by(n + 2)?,
                }),
                None => None,
            },
            false => None,
        };
        Ok((row, company))
    };
    let join_after: Option<pagination::JoinAfter> = company_names.then_some(&companies);
    listing::list_rows(cx, scope, a, page, columns, join_after, read_row, |(c, _)| c).await
}

/// A contact from a row holding `columns` in that order (by position: no lookups by name),
/// the other fields at placeholders. The match is exhaustive, so a new column cannot be
/// forgotten here.
fn partial_row(r: &QueryResult, columns: &[contact::Column]) -> Result<contact::Model> {
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    let mut m = contact::Model {
        id: Uuid::nil(),
        workspace_id: Uuid::nil(),
        number: 0,
        name: String::new(),
        name_lower: String::new(),
        title: None,
        company_id: None,
        owner_id: None,
        referred_by_id: None,
        public_notes: None,
        semi_public_notes: None,
        private_notes: None,
        deleted_at: None,
        created_by: None,
        created_at: epoch,
        updated_at: epoch,
    };
    for (i, c) in columns.iter().enumerate() {
        match c {
            contact::Column::Id => m.id = r.try_get_by(i)?,
            contact::Column::WorkspaceId => m.workspace_id = r.try_get_by(i)?,
            contact::Column::Number => m.number = r.try_get_by(i)?,
            contact::Column::Name => m.name = r.try_get_by(i)?,
            contact::Column::NameLower => m.name_lower = r.try_get_by(i)?,
            contact::Column::Title => m.title = r.try_get_by(i)?,
            contact::Column::CompanyId => m.company_id = r.try_get_by(i)?,
            contact::Column::OwnerId => m.owner_id = r.try_get_by(i)?,
            contact::Column::ReferredById => m.referred_by_id = r.try_get_by(i)?,
            contact::Column::PublicNotes => m.public_notes = r.try_get_by(i)?,
            contact::Column::SemiPublicNotes => m.semi_public_notes = r.try_get_by(i)?,
            contact::Column::PrivateNotes => m.private_notes = r.try_get_by(i)?,
            contact::Column::DeletedAt => m.deleted_at = r.try_get_by(i)?,
            contact::Column::CreatedBy => m.created_by = r.try_get_by(i)?,
            contact::Column::CreatedAt => m.created_at = r.try_get_by(i)?,
            contact::Column::UpdatedAt => m.updated_at = r.try_get_by(i)?,
        }
    }
    Ok(m)
}

/// First pages of many companies' people (by name) in one statement (DataLoader for
/// `Company.contacts` in lists): the same visibility as the `contacts` list.
pub async fn first_pages_by_company(
    cx: &Context,
    scope: &TenantScope,
    companies: &[Uuid],
    first: i32,
) -> Result<HashMap<Uuid, Page<contact::Model>>> {
    let q = visible(scope, false).filter(contact::Column::CompanyId.is_in(companies.iter().copied()));
    let key = listing::sort_key(&[(ContactOrder::Name, false)])?;
    first_pages(
        &cx.db,
        scope.workspace_id,
        q,
        Parents {
            ids: companies,
            column: contact::Column::CompanyId,
            of: |m| m.company_id,
        },
        &key,
        first,
    )
    .await
}

/// How many visible people each company has (one statement).
pub async fn totals_by_company(cx: &Context, scope: &TenantScope, companies: &[Uuid]) -> Result<HashMap<Uuid, i64>> {
    let q = visible(scope, false).filter(contact::Column::CompanyId.is_in(companies.iter().copied()));
    totals_by(&cx.db, q, contact::Column::CompanyId).await
}

/// Visible contacts by id (DataLoader).
pub async fn by_ids(cx: &Context, scope: &TenantScope, ids: &[Uuid]) -> Result<Vec<contact::Model>> {
    Ok(visible(scope, false)
        .filter(contact::Column::Id.is_in(ids.iter().copied()))
        .all(&cx.db)
        .await?)
}

/// Emails of many contacts, primary first (DataLoader).
pub async fn emails_of(cx: &Context, ws: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<contact_email::Model>>> {
    let rows = contact_email::Entity::find_in(ws)
        .filter(contact_email::Column::ContactId.is_in(ids.iter().copied()))
        .order_by_desc(contact_email::Column::IsPrimary)
        .order_by_asc(contact_email::Column::Id)
        .all(&cx.db)
        .await?;
    let mut map: HashMap<Uuid, Vec<contact_email::Model>> = HashMap::new();
    for r in rows {
        map.entry(r.contact_id).or_default().push(r);
    }
    Ok(map)
}

pub async fn phones_of(cx: &Context, ws: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<contact_phone::Model>>> {
    let rows = contact_phone::Entity::find_in(ws)
        .filter(contact_phone::Column::ContactId.is_in(ids.iter().copied()))
        .order_by_desc(contact_phone::Column::IsPrimary)
        .order_by_asc(contact_phone::Column::Id)
        .all(&cx.db)
        .await?;
    let mut map: HashMap<Uuid, Vec<contact_phone::Model>> = HashMap::new();
    for r in rows {
        map.entry(r.contact_id).or_default().push(r);
    }
    Ok(map)
}

/// For many contacts, which of them the caller may read private notes of (DataLoader).
pub async fn private_readable(cx: &Context, scope: &TenantScope, ids: &[Uuid]) -> Result<HashSet<Uuid>> {
    let rows = note_share::Entity::find_in(scope.workspace_id)
        .filter(note_share::Column::ContactId.is_in(ids.iter().copied()))
        .filter(note_share::Column::UserId.eq(scope.user_id))
        .all(&cx.db)
        .await?;
    Ok(rows.into_iter().map(|r| r.contact_id).collect())
}
