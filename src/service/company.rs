//! Companies: create (refusing a domain another company already has), update with a timeline
//! of changes, soft delete and restore, filtered and sorted lists within the caller's scope.

use std::collections::{HashMap, HashSet};

use entity::{company, company_domain, record_tag};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelBehavior, ColumnTrait, Condition, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
    TransactionTrait, TryIntoModel,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{domain_name, text};
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::Context;
use crate::service::filter::{self, IdOp, IntOp, StrOp, TimeOp};
use crate::service::listing::{self, Listed};
use crate::service::pagination::{OrderPart, SortValue};
use crate::service::records::{self, change, parse_tags};

pub const RECORD: &str = "company";

#[derive(Debug, Clone, Default)]
pub struct CompanyInput {
    pub name: String,
    pub domains: Vec<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub source: Option<String>,
    pub tier: Option<String>,
    pub owner_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub allow_duplicate: bool,
}

/// `None` leaves a field alone; `Some("")` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct CompanyChanges {
    pub name: Option<String>,
    pub domains: Option<Vec<String>>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub source: Option<String>,
    pub tier: Option<String>,
    pub tags: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct CompanyFilter {
    pub and: Vec<CompanyFilter>,
    pub or: Vec<CompanyFilter>,
    pub not: Option<Box<CompanyFilter>>,
    pub number: Option<IntOp>,
    pub name: Option<StrOp>,
    pub industry: Option<StrOp>,
    pub region: Option<StrOp>,
    pub tier: Option<StrOp>,
    pub source: Option<StrOp>,
    pub domain: Option<StrOp>,
    pub tag: Option<StrOp>,
    pub owner_id: Option<IdOp>,
    pub created_at: Option<TimeOp>,
    pub updated_at: Option<TimeOp>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CompanyOrder {
    Name,
    Number,
    CreatedAt,
    UpdatedAt,
}

fn opt_text(field: &str, v: Option<&str>, max: usize) -> Result<Option<String>> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => Ok(Some(text::name(field, s, max)?)),
    }
}

fn parse_domains(raw: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for d in raw {
        let d = domain_name::parse("domains", d)?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

/// The `CONFLICT` for a domain that `holder` has.
async fn domain_taken<C: ConnectionTrait>(db: &C, ws: Uuid, domain: &str, holder: Uuid) -> Result<Error> {
    let owner = company::Entity::find_by_id_in(ws, holder).one(db).await?;
    let name = owner.map(|c| format!("{} (#{})", c.name, c.number)).unwrap_or_default();
    Ok(domain_conflict(domain, &name))
}

/// `CONFLICT` naming the company (`name (#number)`) that already has the domain.
fn domain_conflict(domain: &str, company: &str) -> Error {
    Error::Conflict(format!(
        "The domain {domain} already belongs to the company {company}; pass allowDuplicate: true to create another one anyway."
    ))
}

/// Every company (live or deleted) holding one of `domains`: domain → company.
async fn domain_holders<C: ConnectionTrait>(
    db: &C,
    ws: Uuid,
    domains: HashSet<String>,
) -> Result<HashMap<String, Uuid>> {
    if domains.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(company_domain::Entity::find_in(ws)
        .filter(company_domain::Column::Domain.is_in(domains))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.domain, d.company_id))
        .collect())
}

/// Replaces the domains of many companies: one DELETE and one multi-row INSERT.
async fn set_domains_many<C: ConnectionTrait>(db: &C, ws: Uuid, domains: Vec<(Uuid, Vec<String>)>) -> Result<()> {
    if domains.is_empty() {
        return Ok(());
    }
    company_domain::Entity::delete_in(ws)
        .filter(company_domain::Column::CompanyId.is_in(domains.iter().map(|(id, _)| *id)))
        .exec(db)
        .await?;
    let rows = domains
        .into_iter()
        .flat_map(|(id, ds)| ds.into_iter().map(move |d| (id, d)))
        .map(|(company_id, d)| company_domain::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(ws),
            company_id: Set(company_id),
            domain: Set(d),
            ..Default::default()
        })
        .collect();
    records::insert_new(db, rows).await
}

/// Companies the caller may see (not deleted unless asked).
pub fn visible(scope: &TenantScope, deleted: bool) -> Select<company::Entity> {
    listing::visible(scope, deleted)
}

pub async fn create(cx: &Context, scope: &TenantScope, input: CompanyInput) -> Result<company::Model> {
    let txn = cx.db.begin().await?;
    let row = create_in(&txn, scope, input).await?;
    txn.commit().await?;
    Ok(row)
}

/// The same, inside the caller's transaction.
pub async fn create_in<C: ConnectionTrait>(db: &C, scope: &TenantScope, input: CompanyInput) -> Result<company::Model> {
    create_many_in(db, scope, vec![input])
        .await?
        .pop()
        .unwrap_or_else(|| Err(Error::Internal("no result for one company".into())))
}

/// A company input past the checks that need no database.
struct NewCompany {
    input: CompanyInput,
    name: String,
    domains: Vec<String>,
    tags: Vec<String>,
    owner: Uuid,
}

fn parse_new(scope: &TenantScope, input: CompanyInput) -> Result<NewCompany> {
    Ok(NewCompany {
        name: text::name("name", &input.name, 200)?,
        domains: parse_domains(&input.domains)?,
        tags: parse_tags("tags", &input.tags)?,
        owner: input.owner_id.unwrap_or(scope.user_id),
        input,
    })
}

/// Creates many companies in the caller's transaction, each as [`create_in`] would, in a number
/// of statements that does not grow with the count (the CSV import's batches). One result per
/// input, in order; a rejected input writes nothing. Inputs are checked as if created one after
/// the other: a domain an earlier input takes is taken for a later one.
pub async fn create_many_in<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    inputs: Vec<CompanyInput>,
) -> Result<Vec<Result<company::Model>>> {
    let ws = scope.workspace_id;
    let mut checked: Vec<Result<NewCompany>> = inputs.into_iter().map(|i| parse_new(scope, i)).collect();
    records::check_owners(db, scope, &mut checked, |c| c.owner).await?;
    let wanted: HashSet<String> = checked
        .iter()
        .filter_map(|c| c.as_ref().ok())
        .flat_map(|c| c.domains.iter().cloned())
        .collect();
    // Domain → the company that has it: in the database, then as earlier inputs take them.
    let mut holders = domain_holders(db, ws, wanted).await?;
    let mut planned: Vec<Result<(NewCompany, company::ActiveModel, Vec<String>)>> = Vec::with_capacity(checked.len());
    // Inputs whose domain an earlier input takes: input → (that input, the domain).
    let mut duplicate_of: HashMap<usize, (usize, String)> = HashMap::new();
    for slot in checked {
        let c = match slot {
            Err(e) => {
                planned.push(Err(e));
                continue;
            }
            Ok(c) => c,
        };
        let held = c.domains.iter().find_map(|d| holders.get(d).map(|h| (d, *h)));
        if !c.input.allow_duplicate
            && let Some((d, holder)) = held
        {
            match planned
                .iter()
                .position(|p| matches!(p, Ok((_, am, _)) if am.id.as_ref() == &holder))
            {
                // Named once the earlier input has its number.
                Some(first) => duplicate_of.insert(planned.len(), (first, d.clone())),
                None => {
                    planned.push(Err(domain_taken(db, ws, d, holder).await?));
                    continue;
                }
            };
            planned.push(Err(Error::Internal("a duplicate domain in the batch".into())));
            continue;
        }
        let i = &c.input;
        let fields = (|| {
            Ok::<_, Error>((
                opt_text("industry", i.industry.as_deref(), 100)?,
                opt_text("region", i.region.as_deref(), 100)?,
                opt_text("address", i.address.as_deref(), 300)?,
                opt_text("website", i.website.as_deref(), 300)?,
                opt_text("source", i.source.as_deref(), 100)?,
                opt_text("tier", i.tier.as_deref(), 40)?,
            ))
        })();
        let (industry, region, address, website, source, tier) = match fields {
            Err(e) => {
                planned.push(Err(e));
                continue;
            }
            Ok(f) => f,
        };
        let id = Uuid::now_v7();
        // A deliberate duplicate shares the domain with the first company; only one row may
        // hold it, so the duplicate keeps none.
        let free: Vec<String> = c
            .domains
            .iter()
            .filter(|d| !holders.contains_key(*d))
            .cloned()
            .collect();
        for d in &free {
            holders.insert(d.clone(), id);
        }
        let am = company::ActiveModel {
            id: Set(id),
            workspace_id: Set(ws),
            number: Set(0),
            name_lower: Set(c.name.to_lowercase()),
            name: Set(c.name.clone()),
            industry: Set(industry),
            region: Set(region),
            address: Set(address),
            website: Set(website),
            source: Set(source),
            tier: Set(tier),
            owner_id: Set(Some(c.owner)),
            deleted_at: Set(None),
            created_by: Set(Some(scope.user_id)),
            ..Default::default()
        };
        planned.push(Ok((c, am, free)));
    }
    let count = planned.iter().filter(|p| p.is_ok()).count();
    let mut number = if count == 0 {
        0
    } else {
        records::next_numbers(db, ws, RECORD, count).await?
    };
    let (mut rows, mut domains, mut tags, mut entries) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut out: Vec<Result<company::Model>> = Vec::with_capacity(planned.len());
    for (i, p) in planned.into_iter().enumerate() {
        if let Some((first, d)) = duplicate_of.get(&i) {
            let who = match out.get(*first) {
                Some(Ok(m)) => format!("{} (#{})", m.name, m.number),
                _ => String::new(),
            };
            out.push(Err(domain_conflict(d, &who)));
            continue;
        }
        let (c, mut am, free) = match p {
            Err(e) => {
                out.push(Err(e));
                continue;
            }
            Ok(p) => p,
        };
        am.number = Set(number);
        number += 1;
        let am = am.before_save(db, true).await?;
        let model = am.clone().try_into_model()?;
        domains.push((model.id, free));
        tags.push((model.id, c.tags));
        entries.push(records::timeline_entry(
            scope,
            RECORD,
            model.id,
            "created",
            json!({ "name": model.name, "domains": c.domains }),
        ));
        rows.push(am);
        out.push(Ok(model));
    }
    records::insert_stamped(db, rows).await?;
    // New companies have no domains to replace; the DELETE finds nothing.
    set_domains_many(db, ws, domains.into_iter().filter(|(_, d)| !d.is_empty()).collect()).await?;
    records::add_tags_new(db, ws, RECORD, &tags).await?;
    records::insert_new(db, entries).await?;
    Ok(out)
}

/// A company the caller may see, or `NOT_FOUND` (also for other workspaces' ids).
pub async fn get_visible<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    id: Uuid,
    field: &str,
) -> Result<company::Model> {
    visible(scope, false)
        .filter(company::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| {
            if field == "id" {
                Error::not_found("company")
            } else {
                Error::NotFound(format!("No company with this `{field}` exists in your workspace."))
            }
        })
}

pub async fn get(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<company::Model> {
    get_visible(&cx.db, scope, id, "id").await
}

pub async fn update(cx: &Context, scope: &TenantScope, id: Uuid, ch: CompanyChanges) -> Result<company::Model> {
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
    ch: CompanyChanges,
) -> Result<company::Model> {
    update_many_in(db, scope, vec![(id, ch)])
        .await?
        .pop()
        .unwrap_or_else(|| Err(Error::Internal("no result for one company".into())))
}

/// One company's field changes checked against it as it is: the row to write, the
/// timeline's changes, and its new domains and tags when they change.
type PlannedUpdate = (
    company::ActiveModel,
    serde_json::Map<String, serde_json::Value>,
    Option<Vec<String>>,
    Option<Vec<String>>,
);

fn plan_update(before: &company::Model, ch: &CompanyChanges) -> Result<PlannedUpdate> {
    let mut am: company::ActiveModel = before.clone().into();
    let mut changes = serde_json::Map::new();
    if let Some(n) = &ch.name {
        let n = text::name("name", n, 200)?;
        if n != before.name {
            changes.insert("name".into(), change(&before.name, &n));
            am.name_lower = Set(n.to_lowercase());
            am.name = Set(n);
        }
    }
    macro_rules! opt_field {
        ($field:ident, $label:literal, $max:expr) => {
            if let Some(v) = &ch.$field {
                let v = opt_text($label, Some(v), $max)?;
                if v != before.$field {
                    changes.insert($label.into(), change(&before.$field, &v));
                    am.$field = Set(v);
                }
            }
        };
    }
    opt_field!(industry, "industry", 100);
    opt_field!(region, "region", 100);
    opt_field!(address, "address", 300);
    opt_field!(website, "website", 300);
    opt_field!(source, "source", 100);
    opt_field!(tier, "tier", 40);
    let domains = ch.domains.as_deref().map(parse_domains).transpose()?;
    Ok((am, changes, domains, ch.tags.clone()))
}

/// Changes many companies in the caller's transaction, each as [`update_in`] would, in a
/// number of statements that does not grow with the count. One result per item, in order; a
/// rejected item writes nothing. Items are checked as if applied one after the other (a
/// domain an earlier item gives its company is taken for a later one); an id named twice sees
/// its earlier change.
pub async fn update_many_in<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    items: Vec<(Uuid, CompanyChanges)>,
) -> Result<Vec<Result<company::Model>>> {
    let ws = scope.workspace_id;
    let ids: HashSet<Uuid> = items.iter().map(|(id, _)| *id).collect();
    let mut current: HashMap<Uuid, company::Model> = visible(scope, false)
        .filter(company::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    // Domain → holder, for the domains the items name and those their companies have now.
    let wanted: HashSet<String> = items
        .iter()
        .filter_map(|(_, ch)| ch.domains.as_ref())
        .flatten()
        .filter_map(|d| domain_name::parse("domains", d).ok())
        .collect();
    let mut holders = domain_holders(db, ws, wanted).await?;
    let mut held: HashMap<Uuid, Vec<String>> = HashMap::new();
    if items.iter().any(|(_, ch)| ch.domains.is_some()) {
        for d in company_domain::Entity::find_in(ws)
            .filter(company_domain::Column::CompanyId.is_in(ids.iter().copied()))
            .all(db)
            .await?
        {
            held.entry(d.company_id).or_default().push(d.domain.clone());
            holders.insert(d.domain, d.company_id);
        }
    }
    let mut out = Vec::with_capacity(items.len());
    let (mut domain_sets, mut tag_sets) = (Vec::new(), Vec::new());
    let mut updates = records::Updates::default();
    for (id, ch) in items {
        let planned = async {
            let before = current.get(&id).ok_or_else(|| Error::not_found("company"))?;
            let (am, mut changes, domains, tags) = plan_update(before, &ch)?;
            if let Some(ds) = &domains
                && let Some((d, holder)) = ds
                    .iter()
                    .find_map(|d| holders.get(d).filter(|h| **h != id).map(|h| (d, *h)))
            {
                return Err(match current.get(&holder) {
                    Some(c) => domain_conflict(d, &format!("{} (#{})", c.name, c.number)),
                    None => domain_taken(db, ws, d, holder).await?,
                });
            }
            let tags = tags.as_deref().map(|t| parse_tags("tags", t)).transpose()?;
            if let Some(ds) = &domains {
                changes.insert("domains".into(), json!({ "to": ds }));
            }
            if let Some(t) = &tags {
                changes.insert("tags".into(), json!({ "to": t }));
            }
            Ok::<_, Error>((am, changes, domains, tags))
        }
        .await;
        let (am, changes, domains, tags) = match planned {
            Err(e) if e.is_internal() => return Err(e),
            Err(e) => {
                out.push(Err(e));
                continue;
            }
            Ok(p) => p,
        };
        if let Some(ds) = domains {
            for old in held.remove(&id).unwrap_or_default() {
                holders.remove(&old);
            }
            for d in &ds {
                holders.insert(d.clone(), id);
            }
            held.insert(id, ds.clone());
            domain_sets.retain(|(c, _)| *c != id);
            domain_sets.push((id, ds));
        }
        if let Some(t) = tags {
            tag_sets.retain(|(c, _)| *c != id);
            tag_sets.push((id, t));
        }
        let model = updates.push(db, scope, RECORD, id, am, changes).await?;
        current.insert(id, model.clone());
        out.push(Ok(model));
    }
    set_domains_many(db, ws, domain_sets).await?;
    records::set_tags_many(db, ws, RECORD, tag_sets).await?;
    updates.write(db, company::Column::Id).await?;
    Ok(out)
}

/// Soft delete (restorable) or restore.
pub async fn set_deleted(cx: &Context, scope: &TenantScope, id: Uuid, deleted: bool) -> Result<company::Model> {
    let txn = cx.db.begin().await?;
    let row = records::set_deleted(&txn, scope, &OWNED, id, deleted).await?;
    txn.commit().await?;
    Ok(row)
}

/// Who may see, reassign and restore companies: the columns for it (see [`listing`]).
pub(crate) const OWNED: records::Owned<company::Entity> = records::Owned {
    record: RECORD,
    plural: "companies",
    workspace: company::Column::WorkspaceId,
    id: company::Column::Id,
    owner: company::Column::OwnerId,
    updated_at: company::Column::UpdatedAt,
    deleted_at: company::Column::DeletedAt,
    id_of: |m| m.id,
    owner_of: |m| m.owner_id,
};

/// Reassigns owners; every company must be visible to the caller, or nothing changes.
pub async fn reassign(cx: &Context, scope: &TenantScope, ids: &[Uuid], owner: Uuid) -> Result<Vec<company::Model>> {
    let txn = cx.db.begin().await?;
    let rows = records::reassign(&txn, scope, visible(scope, false), &OWNED, ids, owner).await?;
    txn.commit().await?;
    Ok(rows)
}

/// The SQL condition for a filter (combinators included).
pub fn condition(scope: &TenantScope, f: &CompanyFilter, depth: usize) -> Result<Condition> {
    let ws = scope.workspace_id;
    let mut c = filter::combinators(&f.and, &f.or, f.not.as_deref(), depth, |sub, d| {
        condition(scope, sub, d)
    })?;
    let col = |c: company::Column| (company::Entity, c);
    if let Some(op) = &f.number {
        c = c.add(filter::int("filter.number", col(company::Column::Number), op)?);
    }
    if let Some(op) = &f.name {
        c = c.add(filter::name(
            "filter.name",
            col(company::Column::NameLower),
            col(company::Column::Name),
            op,
        )?);
    }
    for (op, column, field) in [
        (&f.industry, company::Column::Industry, "filter.industry"),
        (&f.region, company::Column::Region, "filter.region"),
        (&f.tier, company::Column::Tier, "filter.tier"),
        (&f.source, company::Column::Source, "filter.source"),
    ] {
        if let Some(op) = op {
            c = c.add(filter::text(field, col(column), op, false)?);
        }
    }
    if let Some(op) = &f.owner_id {
        c = c.add(filter::id("filter.ownerId", col(company::Column::OwnerId), op)?);
    }
    if let Some(op) = &f.created_at {
        c = c.add(filter::time(col(company::Column::CreatedAt), op));
    }
    if let Some(op) = &f.updated_at {
        c = c.add(filter::time(col(company::Column::UpdatedAt), op));
    }
    if let Some(op) = &f.domain {
        let op = StrOp {
            eq: op
                .eq
                .as_deref()
                .map(|d| domain_name::parse("filter.domain", d))
                .transpose()?,
            ..op.clone()
        };
        let sub = Query::select()
            .column(company_domain::Column::CompanyId)
            .from(company_domain::Entity)
            .and_where(Expr::col(company_domain::Column::WorkspaceId).eq(ws))
            .cond_where(filter::text(
                "filter.domain",
                company_domain::Column::Domain,
                &op,
                true,
            )?)
            .to_owned();
        c = c.add(Expr::col(col(company::Column::Id)).in_subquery(sub));
    }
    if let Some(op) = &f.tag {
        let sub = Query::select()
            .column(record_tag::Column::RecordId)
            .from(record_tag::Entity)
            .and_where(Expr::col(record_tag::Column::WorkspaceId).eq(ws))
            .and_where(Expr::col(record_tag::Column::RecordType).eq(RECORD))
            .cond_where(filter::text("filter.tag", record_tag::Column::Tag, op, false)?)
            .to_owned();
        c = c.add(Expr::col(col(company::Column::Id)).in_subquery(sub));
    }
    Ok(c)
}

impl Listed for company::Entity {
    const OWNED: records::Owned<Self> = OWNED;
    type Filter = CompanyFilter;
    type Order = CompanyOrder;

    fn order_part(o: CompanyOrder) -> OrderPart<Self> {
        match o {
            CompanyOrder::Name => ("name", company::Column::Name, |m| SortValue::Text(m.name.clone())),
            CompanyOrder::Number => ("number", company::Column::Number, |m| SortValue::Int(m.number)),
            CompanyOrder::CreatedAt => ("createdAt", company::Column::CreatedAt, |m| {
                SortValue::Time(m.created_at)
            }),
            CompanyOrder::UpdatedAt => ("updatedAt", company::Column::UpdatedAt, |m| {
                SortValue::Time(m.updated_at)
            }),
        }
    }

    fn condition(scope: &TenantScope, f: &CompanyFilter) -> Result<Condition> {
        condition(scope, f, 0)
    }

    /// Names and domains (case-insensitive substring).
    fn search(scope: &TenantScope, s: &str) -> Result<Condition> {
        let ws = scope.workspace_id;
        let needle = s.to_lowercase();
        Ok(filter::search_union(
            (company::Entity, company::Column::Id),
            vec![
                filter::search_in(
                    company::Entity,
                    company::Column::Id,
                    company::Column::WorkspaceId,
                    ws,
                    company::Column::NameLower,
                    &needle,
                ),
                filter::search_in(
                    company_domain::Entity,
                    company_domain::Column::CompanyId,
                    company_domain::Column::WorkspaceId,
                    ws,
                    company_domain::Column::Domain,
                    &needle,
                ),
            ],
        ))
    }
}

pub type ListArgs<'a> = listing::ListArgs<'a, company::Entity>;
pub use listing::{count, list};

/// Companies by id for DataLoaders: only visible, not deleted ones.
pub async fn by_ids(cx: &Context, scope: &TenantScope, ids: &[Uuid]) -> Result<Vec<company::Model>> {
    Ok(visible(scope, false)
        .filter(company::Column::Id.is_in(ids.iter().copied()))
        .all(&cx.db)
        .await?)
}

/// Domains of many companies (DataLoader).
pub async fn domains_of(cx: &Context, ws: Uuid, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, Vec<String>>> {
    let rows = company_domain::Entity::find_in(ws)
        .filter(company_domain::Column::CompanyId.is_in(ids.iter().copied()))
        .order_by_asc(company_domain::Column::Id)
        .select_only()
        .columns([company_domain::Column::CompanyId, company_domain::Column::Domain])
        .into_tuple::<(Uuid, String)>()
        .all(&cx.db)
        .await?;
    let mut map: std::collections::HashMap<Uuid, Vec<String>> = std::collections::HashMap::new();
    for (c, d) in rows {
        map.entry(c).or_default().push(d);
    }
    Ok(map)
}
