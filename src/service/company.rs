//! Companies: create (refusing a domain another company already has), update with a timeline
//! of changes, soft delete and restore, filtered and sorted lists within the caller's scope.

use entity::{company, company_domain, record_tag};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{domain_name, text};
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::filter::{self, IdOp, IntOp, StrOp, TimeOp};
use crate::service::listing::{self, Listed};
use crate::service::pagination::{OrderPart, SortValue};
use crate::service::records::{self, change, check_owner, parse_tags, set_tags, timeline};
use crate::service::{Context, now};

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

/// `CONFLICT` naming the company that already has one of these domains.
async fn check_domains<C: ConnectionTrait>(db: &C, ws: Uuid, domains: &[String], except: Option<Uuid>) -> Result<()> {
    if domains.is_empty() {
        return Ok(());
    }
    let mut q =
        company_domain::Entity::find_in(ws).filter(company_domain::Column::Domain.is_in(domains.iter().cloned()));
    if let Some(id) = except {
        q = q.filter(company_domain::Column::CompanyId.ne(id));
    }
    if let Some(hit) = q.one(db).await? {
        let owner = company::Entity::find_by_id_in(ws, hit.company_id).one(db).await?;
        let name = owner.map(|c| format!("{} (#{})", c.name, c.number)).unwrap_or_default();
        return Err(Error::Conflict(format!(
            "The domain {} already belongs to the company {name}; pass allowDuplicate: true to create another one anyway.",
            hit.domain
        )));
    }
    Ok(())
}

async fn set_domains<C: ConnectionTrait>(db: &C, ws: Uuid, company_id: Uuid, domains: &[String]) -> Result<()> {
    company_domain::Entity::delete_in(ws)
        .filter(company_domain::Column::CompanyId.eq(company_id))
        .exec(db)
        .await?;
    if domains.is_empty() {
        return Ok(());
    }
    let rows = domains.iter().map(|d| company_domain::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(ws),
        company_id: Set(company_id),
        domain: Set(d.clone()),
        created_at: Set(now()),
        updated_at: Set(now()),
    });
    company_domain::Entity::insert_many(rows).exec(db).await?;
    Ok(())
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
    let name = text::name("name", &input.name, 200)?;
    let domains = parse_domains(&input.domains)?;
    let tags = parse_tags("tags", &input.tags)?;
    let owner = input.owner_id.unwrap_or(scope.user_id);
    check_owner(db, scope, owner).await?;
    if !input.allow_duplicate {
        check_domains(db, scope.workspace_id, &domains, None).await?;
    }
    let id = Uuid::now_v7();
    let number = records::next_number(db, scope.workspace_id, RECORD).await?;
    let row = company::ActiveModel {
        id: Set(id),
        workspace_id: Set(scope.workspace_id),
        number: Set(number),
        name_lower: Set(name.to_lowercase()),
        name: Set(name),
        industry: Set(opt_text("industry", input.industry.as_deref(), 100)?),
        region: Set(opt_text("region", input.region.as_deref(), 100)?),
        address: Set(opt_text("address", input.address.as_deref(), 300)?),
        website: Set(opt_text("website", input.website.as_deref(), 300)?),
        source: Set(opt_text("source", input.source.as_deref(), 100)?),
        tier: Set(opt_text("tier", input.tier.as_deref(), 40)?),
        owner_id: Set(Some(owner)),
        deleted_at: Set(None),
        created_by: Set(Some(scope.user_id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if input.allow_duplicate {
        // A deliberate duplicate shares the domain with the first company; only one row may
        // hold it, so the duplicate keeps none.
        let free: Vec<String> = {
            let taken: Vec<String> = company_domain::Entity::find_in(scope.workspace_id)
                .filter(company_domain::Column::Domain.is_in(domains.iter().cloned()))
                .all(db)
                .await?
                .into_iter()
                .map(|d| d.domain)
                .collect();
            domains.iter().filter(|d| !taken.contains(d)).cloned().collect()
        };
        set_domains(db, scope.workspace_id, id, &free).await?;
    } else {
        set_domains(db, scope.workspace_id, id, &domains).await?;
    }
    set_tags(db, scope.workspace_id, RECORD, id, &tags).await?;
    timeline(
        db,
        scope,
        RECORD,
        id,
        "created",
        json!({ "name": row.name, "domains": domains }),
    )
    .await?;
    Ok(row)
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

/// The same, inside the caller's transaction (the import runs many in one).
pub async fn update_in<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    id: Uuid,
    ch: CompanyChanges,
) -> Result<company::Model> {
    let before = get_visible(db, scope, id, "id").await?;
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
    if let Some(d) = &ch.domains {
        let domains = parse_domains(d)?;
        check_domains(db, scope.workspace_id, &domains, Some(id)).await?;
        set_domains(db, scope.workspace_id, id, &domains).await?;
        changes.insert("domains".into(), json!({ "to": domains }));
    }
    if let Some(t) = &ch.tags {
        let tags = parse_tags("tags", t)?;
        set_tags(db, scope.workspace_id, RECORD, id, &tags).await?;
        changes.insert("tags".into(), json!({ "to": tags }));
    }
    let row = am.update(db).await?;
    if !changes.is_empty() {
        timeline(db, scope, RECORD, id, "updated", json!({ "changes": changes })).await?;
    }
    Ok(row)
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
