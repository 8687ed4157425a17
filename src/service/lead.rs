//! Leads: unqualified prospects in a shared list. Converting one creates (or finds) the
//! contact, the company and optionally a deal in one transaction, matching existing records by
//! email and by company domain instead of creating duplicates, and links the lead to them.

use entity::{company, company_domain, contact, contact_email, lead};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, QueryFilter, Select, Set,
    TransactionTrait, TryIntoModel,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::email::EmailAddress;
use crate::domain::phone::Phone;
use crate::domain::text;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::filter::{self, IdOp, StrOp, TimeOp};
use crate::service::listing::{self, Listed};
use crate::service::pagination::{OrderPart, SortValue};
use crate::service::records::{self, timeline};
use crate::service::{Context, company as companies, contact as contacts, now, opportunity};

pub const RECORD: &str = "lead";
pub const STATUSES: [&str; 5] = ["new", "working", "qualified", "disqualified", "converted"];

/// Mail providers whose domain says nothing about the company.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "foxmail.com",
];

#[derive(Debug, Clone, Default)]
pub struct LeadInput {
    pub name: String,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: Option<String>,
    pub owner_id: Option<Uuid>,
    /// `new` when absent; see [`parse_status`].
    pub status: Option<String>,
}

pub struct Conversion {
    pub lead: lead::Model,
    pub contact: contact::Model,
    pub company: Option<company::Model>,
    pub opportunity: Option<entity::opportunity::Model>,
    pub created_contact: bool,
    pub created_company: bool,
}

/// A deal to open while converting.
pub struct NewDeal {
    pub name: String,
    pub amount_minor: i64,
    pub currency: String,
}

/// Live leads the caller may see.
pub(crate) fn visible(scope: &TenantScope) -> Select<lead::Entity> {
    listing::visible(scope, false)
}

pub async fn get(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<lead::Model> {
    visible(scope)
        .filter(lead::Column::Id.eq(id))
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::not_found("lead"))
}

pub async fn create(cx: &Context, scope: &TenantScope, input: LeadInput) -> Result<lead::Model> {
    let txn = cx.db.begin().await?;
    let row = create_in(&txn, scope, input).await?;
    txn.commit().await?;
    Ok(row)
}

/// The same, inside the caller's transaction. Everything is checked before the first write.
pub async fn create_in<C: ConnectionTrait>(db: &C, scope: &TenantScope, input: LeadInput) -> Result<lead::Model> {
    create_many_in(db, scope, vec![input])
        .await?
        .pop()
        .unwrap_or_else(|| Err(Error::Internal("no result for one lead".into())))
}

/// A lead input that passed the checks that need no database.
fn parse_new(scope: &TenantScope, input: LeadInput) -> Result<lead::ActiveModel> {
    let name = text::name("name", &input.name, 200)?;
    let email = input
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| EmailAddress::parse("email", e))
        .transpose()?;
    let phone = input
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| Phone::parse("phone", p))
        .transpose()?;
    let company_name = input
        .company_name
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| text::name("companyName", c, 200))
        .transpose()?;
    let status = match &input.status {
        Some(s) => parse_status("status", s)?,
        None => "new",
    };
    let source = input.source.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(lead::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(scope.workspace_id),
        name_lower: Set(name.to_lowercase()),
        name: Set(name),
        company_name_lower: Set(lower(&company_name)),
        company_name: Set(company_name),
        email_canonical: Set(email.as_ref().map(|e| e.canonical.clone())),
        email: Set(email.map(|e| e.display)),
        phone_digits: Set(phone.as_ref().map(|p| p.digits.clone())),
        phone: Set(phone.map(|p| p.display)),
        source_lower: Set(lower(&source)),
        source: Set(source),
        status: Set(status.into()),
        owner_id: Set(Some(input.owner_id.unwrap_or(scope.user_id))),
        converted_contact_id: Set(None),
        converted_company_id: Set(None),
        converted_opportunity_id: Set(None),
        converted_at: Set(None),
        deleted_at: Set(None),
        created_by: Set(Some(scope.user_id)),
        ..Default::default()
    })
}

/// Creates many leads in the caller's transaction, each as [`create_in`] would, in a number of
/// statements that does not grow with the count (the CSV import's batches). One result per
/// input, in order; a rejected input writes nothing, and every check runs before the first
/// write.
pub async fn create_many_in<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    inputs: Vec<LeadInput>,
) -> Result<Vec<Result<lead::Model>>> {
    let mut checked: Vec<Result<lead::ActiveModel>> = inputs.into_iter().map(|i| parse_new(scope, i)).collect();
    records::check_owners(db, scope, &mut checked, |am| match &am.owner_id {
        sea_orm::ActiveValue::Set(Some(o)) => *o,
        _ => scope.user_id,
    })
    .await?;
    let count = checked.iter().filter(|c| c.is_ok()).count();
    let mut number = if count == 0 {
        0
    } else {
        records::next_numbers(db, scope.workspace_id, RECORD, count).await?
    };
    let (mut rows, mut entries, mut out) = (Vec::new(), Vec::new(), Vec::with_capacity(checked.len()));
    for slot in checked {
        let am = match slot {
            Err(e) => {
                out.push(Err(e));
                continue;
            }
            Ok(mut am) => {
                am.number = Set(number);
                number += 1;
                am.before_save(db, true).await?
            }
        };
        let model = am.clone().try_into_model()?;
        entries.push(records::timeline_entry(
            scope,
            RECORD,
            model.id,
            "created",
            json!({ "name": model.name }),
        ));
        rows.push(am);
        out.push(Ok(model));
    }
    records::insert_stamped(db, rows).await?;
    records::insert_new(db, entries).await?;
    Ok(out)
}

/// The lowercase shadow of an optional text column, which `contains`/`startsWith` and search
/// look in (Rust's lowercasing, the same on both backends: SQLite's `LOWER` folds ASCII only).
fn lower(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::to_lowercase)
}

/// A status a person may set: one of [`STATUSES`] but `converted`, which only a conversion sets
/// (it links the contact, company and deal).
pub fn parse_status<'a>(field: &str, status: &'a str) -> Result<&'a str> {
    if !STATUSES.contains(&status) || status == "converted" {
        return Err(Error::bad_input(
            field,
            "status must be new, working, qualified or disqualified (convert with convertLead).",
        ));
    }
    Ok(status)
}

pub async fn set_status(cx: &Context, scope: &TenantScope, id: Uuid, status: &str) -> Result<lead::Model> {
    let status = parse_status("status", status)?;
    let txn = cx.db.begin().await?;
    let l = visible(scope)
        .filter(lead::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("lead"))?;
    if l.status == "converted" {
        return Err(Error::Conflict(
            "This lead was converted; work on the contact it became.".into(),
        ));
    }
    let from = l.status.clone();
    let mut am: lead::ActiveModel = l.into();
    am.status = Set(status.into());
    let row = am.update(&txn).await?;
    timeline(
        &txn,
        scope,
        RECORD,
        id,
        "updated",
        json!({ "changes": { "status": { "from": from, "to": status } } }),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// An existing contact with this address among those the caller may see. Only visible records
/// are matched: the conversion returns them, and returning a colleague's record the caller may
/// not see would leak it (an invisible duplicate stays a duplicate, which an admin can merge).
async fn contact_by_email<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    canonical: &str,
) -> Result<Option<contact::Model>> {
    let ids = Query::select()
        .column(contact_email::Column::ContactId)
        .from(contact_email::Entity)
        .and_where(Expr::col(contact_email::Column::WorkspaceId).eq(scope.workspace_id))
        .and_where(Expr::col(contact_email::Column::EmailCanonical).eq(canonical))
        .to_owned();
    Ok(contacts::visible(scope, false)
        .filter(contact::Column::Id.in_subquery(ids))
        .one(db)
        .await?)
}

/// A visible company with the email's domain (not a free-mail one), else one with this name.
async fn company_match<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    email: Option<&str>,
    name: Option<&str>,
) -> Result<Option<company::Model>> {
    if let Some(domain) = email.and_then(|e| e.rsplit_once('@')).map(|(_, d)| d)
        && !FREE_MAIL.contains(&domain)
    {
        let ids = Query::select()
            .column(company_domain::Column::CompanyId)
            .from(company_domain::Entity)
            .and_where(Expr::col(company_domain::Column::WorkspaceId).eq(scope.workspace_id))
            .and_where(Expr::col(company_domain::Column::Domain).eq(domain))
            .to_owned();
        if let Some(c) = companies::visible(scope, false)
            .filter(company::Column::Id.in_subquery(ids))
            .one(db)
            .await?
        {
            return Ok(Some(c));
        }
    }
    match name {
        Some(n) => Ok(companies::visible(scope, false)
            .filter(company::Column::NameLower.eq(n.to_lowercase()))
            .one(db)
            .await?),
        None => Ok(None),
    }
}

/// Converts a lead. All or nothing: a failure (say, an invalid deal currency) leaves no
/// contact, company or deal behind and the lead unconverted.
pub async fn convert(cx: &Context, scope: &TenantScope, id: Uuid, deal: Option<NewDeal>) -> Result<Conversion> {
    let txn = cx.db.begin().await?;
    let l = visible(scope)
        .filter(lead::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("lead"))?;
    if l.status == "converted" {
        return Err(Error::Conflict("This lead was already converted.".into()));
    }
    let mut created_company = false;
    let company = match company_match(&txn, scope, l.email_canonical.as_deref(), l.company_name.as_deref()).await? {
        Some(c) => Some(c),
        None => match &l.company_name {
            Some(name) => {
                created_company = true;
                let domain = l
                    .email_canonical
                    .as_deref()
                    .and_then(|e| e.rsplit_once('@'))
                    .map(|(_, d)| d.to_string())
                    .filter(|d| !FREE_MAIL.contains(&d.as_str()));
                let input = companies::CompanyInput {
                    name: name.clone(),
                    domains: domain.into_iter().collect(),
                    owner_id: l.owner_id,
                    source: l.source.clone(),
                    // A domain held by a company the caller cannot see stays with that company.
                    allow_duplicate: true,
                    ..Default::default()
                };
                Some(companies::create_in(&txn, scope, input).await?)
            }
            None => None,
        },
    };
    let (contact, created_contact) = match l.email_canonical.as_deref() {
        Some(e) => match contact_by_email(&txn, scope, e).await? {
            Some(c) => (c, false),
            None => (new_contact(&txn, scope, &l, company.as_ref()).await?, true),
        },
        None => (new_contact(&txn, scope, &l, company.as_ref()).await?, true),
    };
    let opportunity = match deal {
        Some(d) => Some(
            opportunity::create_in(
                &txn,
                scope,
                opportunity::OpportunityInput {
                    name: d.name,
                    company_id: company.as_ref().map(|c| c.id),
                    contacts: vec![(contact.id, None)],
                    amount_minor: d.amount_minor,
                    currency: d.currency,
                    owner_id: l.owner_id,
                    ..Default::default()
                },
            )
            .await?,
        ),
        None => None,
    };
    let mut am: lead::ActiveModel = l.into();
    am.status = Set("converted".into());
    am.converted_contact_id = Set(Some(contact.id));
    am.converted_company_id = Set(company.as_ref().map(|c| c.id));
    am.converted_opportunity_id = Set(opportunity.as_ref().map(|o| o.id));
    am.converted_at = Set(Some(now()));
    let lead = am.update(&txn).await?;
    let data = json!({ "contactId": contact.id, "companyId": company.as_ref().map(|c| c.id), "opportunityId": opportunity.as_ref().map(|o| o.id) });
    timeline(&txn, scope, RECORD, id, "converted", data.clone()).await?;
    timeline(
        &txn,
        scope,
        contacts::RECORD,
        contact.id,
        "converted_from_lead",
        json!({ "leadId": id }),
    )
    .await?;
    txn.commit().await?;
    Ok(Conversion {
        lead,
        contact,
        company,
        opportunity,
        created_contact,
        created_company,
    })
}

async fn new_contact<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    l: &lead::Model,
    company: Option<&company::Model>,
) -> Result<contact::Model> {
    let input = contacts::ContactInput {
        name: l.name.clone(),
        company_id: company.map(|c| c.id),
        emails: l.email.iter().map(|e| (e.clone(), true)).collect(),
        phones: l.phone.iter().map(|p| (p.clone(), true)).collect(),
        owner_id: l.owner_id,
        allow_duplicate: true,
        ..Default::default()
    };
    contacts::create_in(db, scope, input).await
}

#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub and: Vec<LeadFilter>,
    pub or: Vec<LeadFilter>,
    pub not: Option<Box<LeadFilter>>,
    pub name: Option<StrOp>,
    pub email: Option<StrOp>,
    pub phone: Option<StrOp>,
    pub company_name: Option<StrOp>,
    pub source: Option<StrOp>,
    pub status: Option<StrOp>,
    pub owner_id: Option<IdOp>,
    pub created_at: Option<TimeOp>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LeadOrder {
    Name,
    CreatedAt,
    UpdatedAt,
}

pub fn condition(f: &LeadFilter, depth: usize) -> Result<Condition> {
    let mut c = filter::combinators(&f.and, &f.or, f.not.as_deref(), depth, condition)?;
    let col = |c: lead::Column| (lead::Entity, c);
    if let Some(op) = &f.name {
        c = c.add(filter::name(
            "filter.name",
            col(lead::Column::NameLower),
            col(lead::Column::Name),
            op,
        )?);
    }
    if let Some(op) = &f.email {
        // Addresses are stored and matched in canonical (lowercase) form.
        let lower = |v: &String| v.trim().to_lowercase();
        let op = StrOp {
            eq: op
                .eq
                .as_deref()
                .map(|e| EmailAddress::parse("filter.email", e).map(|e| e.canonical))
                .transpose()?,
            ne: op.ne.as_ref().map(lower),
            in_: op.in_.as_ref().map(|v| v.iter().map(lower).collect()),
            not_in: op.not_in.as_ref().map(|v| v.iter().map(lower).collect()),
            ..op.clone()
        };
        c = c.add(filter::text(
            "filter.email",
            col(lead::Column::EmailCanonical),
            &op,
            true,
        )?);
    }
    if let Some(op) = &f.phone {
        c = c.add(filter::phone(
            "filter.phone",
            col(lead::Column::PhoneDigits),
            col(lead::Column::Phone),
            op,
        )?);
    }
    if let Some(op) = &f.company_name {
        c = c.add(filter::name(
            "filter.companyName",
            col(lead::Column::CompanyNameLower),
            col(lead::Column::CompanyName),
            op,
        )?);
    }
    if let Some(op) = &f.source {
        c = c.add(filter::name(
            "filter.source",
            col(lead::Column::SourceLower),
            col(lead::Column::Source),
            op,
        )?);
    }
    if let Some(op) = &f.status {
        c = c.add(filter::closed_set(
            "filter.status",
            col(lead::Column::Status),
            op,
            &STATUSES,
        )?);
    }
    if let Some(op) = &f.owner_id {
        c = c.add(filter::id("filter.ownerId", col(lead::Column::OwnerId), op)?);
    }
    if let Some(op) = &f.created_at {
        c = c.add(filter::time(col(lead::Column::CreatedAt), op));
    }
    Ok(c)
}

impl Listed for lead::Entity {
    const OWNED: records::Owned<Self> = OWNED;
    type Filter = LeadFilter;
    type Order = LeadOrder;

    fn order_part(o: LeadOrder) -> OrderPart<Self> {
        match o {
            LeadOrder::Name => ("name", lead::Column::Name, |m| SortValue::Text(m.name.clone())),
            LeadOrder::CreatedAt => ("createdAt", lead::Column::CreatedAt, |m| SortValue::Time(m.created_at)),
            LeadOrder::UpdatedAt => ("updatedAt", lead::Column::UpdatedAt, |m| SortValue::Time(m.updated_at)),
        }
    }

    fn condition(_scope: &TenantScope, f: &LeadFilter) -> Result<Condition> {
        condition(f, 0)
    }

    /// Name, email, phone and company name (case-insensitive substring).
    fn search(scope: &TenantScope, s: &str) -> Result<Condition> {
        // One look-up per column, each served by its own trigram index on PostgreSQL, joined
        // by id (an `OR` of the columns would make PostgreSQL walk the whole workspace).
        let ws = scope.workspace_id;
        let needle = s.to_lowercase();
        let by = |column: lead::Column, needle: &str| {
            filter::search_in(
                lead::Entity,
                lead::Column::Id,
                lead::Column::WorkspaceId,
                ws,
                column,
                needle,
            )
        };
        let mut parts = vec![
            by(lead::Column::NameLower, &needle),
            by(lead::Column::EmailCanonical, &needle),
            by(lead::Column::CompanyNameLower, &needle),
        ];
        // Phones are matched on their digits: "138 0013" finds "+86 138-0013-8000".
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 3 {
            parts.push(by(lead::Column::PhoneDigits, &digits));
        }
        Ok(filter::search_union((lead::Entity, lead::Column::Id), parts))
    }
}

pub type ListArgs<'a> = listing::ListArgs<'a, lead::Entity>;
pub use listing::{count, list};

/// The list's default order.
pub const NEWEST_FIRST: &[(LeadOrder, bool)] = &[(LeadOrder::CreatedAt, true)];

/// Gives leads a new owner, all or none.
pub async fn reassign(cx: &Context, scope: &TenantScope, ids: &[Uuid], owner: Uuid) -> Result<Vec<lead::Model>> {
    let txn = cx.db.begin().await?;
    let rows = records::reassign(&txn, scope, visible(scope), &OWNED, ids, owner).await?;
    txn.commit().await?;
    Ok(rows)
}

/// `None` leaves a field alone; `Some("")` clears it (the name cannot be cleared).
#[derive(Debug, Clone, Default)]
pub struct LeadChanges {
    pub name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: Option<String>,
    /// See [`parse_status`].
    pub status: Option<String>,
}

/// Changes a lead that is not converted yet; the timeline records before and after.
pub async fn update(cx: &Context, scope: &TenantScope, id: Uuid, ch: LeadChanges) -> Result<lead::Model> {
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
    ch: LeadChanges,
) -> Result<lead::Model> {
    update_many_in(db, scope, vec![(id, ch)])
        .await?
        .pop()
        .unwrap_or_else(|| Err(Error::Internal("no result for one lead".into())))
}

/// One lead's changes checked against it as it is: the row to write and the timeline's changes.
fn plan_update(
    before: &lead::Model,
    ch: &LeadChanges,
) -> Result<(lead::ActiveModel, serde_json::Map<String, serde_json::Value>)> {
    if before.status == "converted" {
        return Err(Error::Conflict(
            "This lead was converted; change the contact it became.".into(),
        ));
    }
    let blank = |v: &str| v.trim().is_empty();
    let mut am: lead::ActiveModel = before.clone().into();
    let mut changes = serde_json::Map::new();
    if let Some(n) = &ch.name {
        let n = text::name("name", n, 200)?;
        changes.insert("name".into(), records::change(&before.name, &n));
        am.name_lower = Set(n.to_lowercase());
        am.name = Set(n);
    }
    if let Some(c) = &ch.company_name {
        let c = (!blank(c)).then(|| text::name("companyName", c, 200)).transpose()?;
        changes.insert("companyName".into(), records::change(&before.company_name, &c));
        am.company_name_lower = Set(lower(&c));
        am.company_name = Set(c);
    }
    if let Some(e) = &ch.email {
        let e = (!blank(e)).then(|| EmailAddress::parse("email", e)).transpose()?;
        changes.insert(
            "email".into(),
            records::change(&before.email, &e.as_ref().map(|e| e.display.clone())),
        );
        am.email_canonical = Set(e.as_ref().map(|e| e.canonical.clone()));
        am.email = Set(e.map(|e| e.display));
    }
    if let Some(p) = &ch.phone {
        let p = (!blank(p)).then(|| Phone::parse("phone", p)).transpose()?;
        changes.insert(
            "phone".into(),
            records::change(&before.phone, &p.as_ref().map(|p| p.display.clone())),
        );
        am.phone_digits = Set(p.as_ref().map(|p| p.digits.clone()));
        am.phone = Set(p.map(|p| p.display));
    }
    if let Some(s) = &ch.source {
        let s = Some(s.trim().to_string()).filter(|s| !s.is_empty());
        changes.insert("source".into(), records::change(&before.source, &s));
        am.source_lower = Set(lower(&s));
        am.source = Set(s);
    }
    if let Some(s) = &ch.status {
        let s = parse_status("status", s)?;
        if s != before.status {
            changes.insert("status".into(), records::change(&before.status.as_str(), &s));
            am.status = Set(s.into());
        }
    }
    Ok((am, changes))
}

/// Changes many leads in the caller's transaction, each as [`update_in`] would, in a number of
/// statements that does not grow with the count. One result per item, in order; a rejected
/// item writes nothing. An id named twice sees its earlier change.
pub async fn update_many_in<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    items: Vec<(Uuid, LeadChanges)>,
) -> Result<Vec<Result<lead::Model>>> {
    let ids: std::collections::HashSet<Uuid> = items.iter().map(|(id, _)| *id).collect();
    let mut current: std::collections::HashMap<Uuid, lead::Model> = visible(scope)
        .filter(lead::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut out = Vec::with_capacity(items.len());
    let mut updates = records::Updates::default();
    for (id, ch) in items {
        let planned = current
            .get(&id)
            .ok_or_else(|| Error::not_found("lead"))
            .and_then(|before| plan_update(before, &ch));
        let (am, changes) = match planned {
            Err(e) if e.is_internal() => return Err(e),
            Err(e) => {
                out.push(Err(e));
                continue;
            }
            Ok(p) => p,
        };
        let model = updates.push(db, scope, RECORD, id, am, changes).await?;
        current.insert(id, model.clone());
        out.push(Ok(model));
    }
    updates.write(db, lead::Column::Id).await?;
    Ok(out)
}

/// Who may see, reassign and restore leads: the columns for it (see [`listing`]).
pub(crate) const OWNED: records::Owned<lead::Entity> = records::Owned {
    record: RECORD,
    plural: "leads",
    workspace: lead::Column::WorkspaceId,
    id: lead::Column::Id,
    owner: lead::Column::OwnerId,
    updated_at: lead::Column::UpdatedAt,
    deleted_at: lead::Column::DeletedAt,
    id_of: |m| m.id,
    owner_of: |m| m.owner_id,
};

/// Soft delete (restorable) or restore.
pub async fn set_deleted(cx: &Context, scope: &TenantScope, id: Uuid, deleted: bool) -> Result<lead::Model> {
    let txn = cx.db.begin().await?;
    let row = records::set_deleted(&txn, scope, &OWNED, id, deleted).await?;
    txn.commit().await?;
    Ok(row)
}
