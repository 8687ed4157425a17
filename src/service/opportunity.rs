//! Opportunities (deals): amounts in minor units, contacts with roles, stage moves recorded
//! with who, when, from and to, won/lost, and the funnel aggregates sales screens need.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{
    company as company_entity, contact as contact_entity, opportunity, opportunity_contact, pipeline_stage,
    stage_change,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait,
    Select, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{money, text};
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::company::CompanyFilter;
use crate::service::contact::ContactFilter;
use crate::service::filter::{self, IdOp, IntOp, StrOp, TimeOp};
use crate::service::listing::{self, Listed};
use crate::service::pagination::{OrderPart, SortValue};
use crate::service::records::{self, change, check_owner, timeline};
use crate::service::{Context, company, contact, now, pipeline};

pub const RECORD: &str = "opportunity";

#[derive(Debug, Clone, Default)]
pub struct OpportunityInput {
    pub name: String,
    pub company_id: Option<Uuid>,
    /// (contact, role)
    pub contacts: Vec<(Uuid, Option<String>)>,
    pub amount_minor: i64,
    pub currency: String,
    pub expected_close_date: Option<NaiveDate>,
    pub pipeline_id: Option<Uuid>,
    pub stage_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub next_step: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct OpportunityChanges {
    pub name: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub expected_close_date: Option<Option<NaiveDate>>,
    pub next_step: Option<String>,
    pub contacts: Option<Vec<(Uuid, Option<String>)>>,
}

/// Open, won or lost, from the stage's kind (after-sales counts as won).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, Default)]
pub struct OpportunityFilter {
    pub and: Vec<OpportunityFilter>,
    pub or: Vec<OpportunityFilter>,
    pub not: Option<Box<OpportunityFilter>>,
    pub name: Option<StrOp>,
    pub stage_id: Option<IdOp>,
    pub owner_id: Option<IdOp>,
    pub company_id: Option<IdOp>,
    pub contact_id: Option<Uuid>,
    pub amount_minor: Option<IntOp>,
    pub currency: Option<String>,
    pub status: Option<Status>,
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
    pub created_at: Option<TimeOp>,
    /// Deals with at least one contact that matches.
    pub contact: Option<ContactFilter>,
    /// Deals whose company matches.
    pub company: Option<CompanyFilter>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OpportunityOrder {
    Name,
    Amount,
    CreatedAt,
}

/// Live deals the caller may see.
pub fn visible(scope: &TenantScope) -> Select<opportunity::Entity> {
    listing::visible(scope, false)
}

pub async fn get_visible<C: ConnectionTrait>(db: &C, scope: &TenantScope, id: Uuid) -> Result<opportunity::Model> {
    visible(scope)
        .filter(opportunity::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("opportunity"))
}

pub async fn get(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<opportunity::Model> {
    get_visible(&cx.db, scope, id).await
}

async fn set_contacts<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    opp: Uuid,
    contacts: &[(Uuid, Option<String>)],
) -> Result<()> {
    for (i, (c, _)) in contacts.iter().enumerate() {
        contact::get_visible(db, scope, *c, &format!("contacts[{i}].contactId")).await?;
    }
    opportunity_contact::Entity::delete_in(scope.workspace_id)
        .filter(opportunity_contact::Column::OpportunityId.eq(opp))
        .exec(db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for (c, role) in contacts {
        if !seen.insert(*c) {
            continue;
        }
        opportunity_contact::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(scope.workspace_id),
            opportunity_id: Set(opp),
            contact_id: Set(*c),
            role: Set(role
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(String::from)),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub async fn create(cx: &Context, scope: &TenantScope, input: OpportunityInput) -> Result<opportunity::Model> {
    let txn = cx.db.begin().await?;
    let row = create_in(&txn, scope, input).await?;
    txn.commit().await?;
    Ok(row)
}

/// The same, inside the caller's transaction.
pub async fn create_in<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    input: OpportunityInput,
) -> Result<opportunity::Model> {
    let name = text::name("name", &input.name, 200)?;
    let amount = money::amount("amountMinor", input.amount_minor)?;
    let currency = money::currency("currency", &input.currency)?;
    let owner = input.owner_id.unwrap_or(scope.user_id);
    check_owner(db, scope, owner).await?;
    if let Some(c) = input.company_id {
        company::get_visible(db, scope, c, "companyId").await?;
    }
    let pipe = match input.pipeline_id {
        Some(p) => pipeline::get(db, scope.workspace_id, p).await?,
        None => pipeline::default_pipeline(db, scope.workspace_id).await?,
    };
    let stage = match input.stage_id {
        Some(s) => {
            let st = pipeline::stage(db, scope.workspace_id, s, "stageId").await?;
            if st.pipeline_id != pipe.id {
                return Err(Error::bad_input(
                    "stageId",
                    "This stage belongs to another pipeline; pick a stage of the opportunity's pipeline.",
                ));
            }
            st
        }
        None => pipeline::stages(db, scope.workspace_id, pipe.id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Internal("pipeline without stages".into()))?,
    };
    let id = Uuid::now_v7();
    let number = records::next_number(db, scope.workspace_id, RECORD).await?;
    let row = opportunity::ActiveModel {
        id: Set(id),
        workspace_id: Set(scope.workspace_id),
        number: Set(number),
        name_lower: Set(name.to_lowercase()),
        name: Set(name),
        company_id: Set(input.company_id),
        pipeline_id: Set(pipe.id),
        stage_id: Set(stage.id),
        amount_minor: Set(amount),
        currency: Set(currency),
        expected_close_date: Set(input.expected_close_date),
        owner_id: Set(Some(owner)),
        lost_reason: Set(None),
        next_step: Set(input.next_step.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())),
        closed_at: Set(None),
        deleted_at: Set(None),
        created_by: Set(Some(scope.user_id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    set_contacts(db, scope, id, &input.contacts).await?;
    stage_change::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(scope.workspace_id),
        opportunity_id: Set(id),
        from_stage_id: Set(None),
        to_stage_id: Set(stage.id),
        changed_by: Set(Some(scope.user_id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    timeline(
        db,
        scope,
        RECORD,
        id,
        "created",
        json!({ "name": row.name, "stage": stage.name }),
    )
    .await?;
    if let Some(c) = input.company_id {
        timeline(
            db,
            scope,
            company::RECORD,
            c,
            "opportunity_added",
            json!({ "opportunityId": id, "name": row.name }),
        )
        .await?;
    }
    Ok(row)
}

pub async fn update(cx: &Context, scope: &TenantScope, id: Uuid, ch: OpportunityChanges) -> Result<opportunity::Model> {
    let txn = cx.db.begin().await?;
    let before = get_visible(&txn, scope, id).await?;
    let mut am: opportunity::ActiveModel = before.clone().into();
    let mut changes = serde_json::Map::new();
    if let Some(n) = &ch.name {
        let n = text::name("name", n, 200)?;
        if n != before.name {
            changes.insert("name".into(), change(&before.name, &n));
            am.name_lower = Set(n.to_lowercase());
            am.name = Set(n);
        }
    }
    if let Some(a) = ch.amount_minor {
        let a = money::amount("amountMinor", a)?;
        if a != before.amount_minor {
            changes.insert("amountMinor".into(), change(&before.amount_minor, &a));
            am.amount_minor = Set(a);
        }
    }
    if let Some(c) = &ch.currency {
        let c = money::currency("currency", c)?;
        if c != before.currency {
            changes.insert("currency".into(), change(&before.currency, &c));
            am.currency = Set(c);
        }
    }
    if let Some(d) = ch.expected_close_date
        && d != before.expected_close_date
    {
        changes.insert("expectedCloseDate".into(), change(&before.expected_close_date, &d));
        am.expected_close_date = Set(d);
    }
    if let Some(n) = &ch.next_step {
        let n = Some(n.trim().to_string()).filter(|s| !s.is_empty());
        if n != before.next_step {
            changes.insert("nextStep".into(), change(&before.next_step, &n));
            am.next_step = Set(n);
        }
    }
    if let Some(c) = &ch.contacts {
        set_contacts(&txn, scope, id, c).await?;
        changes.insert(
            "contacts".into(),
            json!({ "to": c.iter().map(|(id, _)| id).collect::<Vec<_>>() }),
        );
    }
    let row = am.update(&txn).await?;
    if !changes.is_empty() {
        timeline(&txn, scope, RECORD, id, "updated", json!({ "changes": changes })).await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// Moves a deal to a stage of its own pipeline; a won or lost stage closes it (with the lost
/// reason), an open stage reopens it.
pub async fn move_stage(
    cx: &Context,
    scope: &TenantScope,
    id: Uuid,
    stage_id: Uuid,
    lost_reason: Option<String>,
) -> Result<opportunity::Model> {
    let txn = cx.db.begin().await?;
    let before = get_visible(&txn, scope, id).await?;
    let stage = pipeline::stage(&txn, scope.workspace_id, stage_id, "stageId").await?;
    if stage.pipeline_id != before.pipeline_id {
        return Err(Error::bad_input(
            "stageId",
            "This stage belongs to another pipeline; pick a stage of the opportunity's pipeline.",
        ));
    }
    if stage.id == before.stage_id {
        txn.commit().await?;
        return Ok(before);
    }
    let from = pipeline::stage(&txn, scope.workspace_id, before.stage_id, "stageId").await?;
    let reason = lost_reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    if stage.kind == "lost" && reason.is_none() {
        return Err(Error::bad_input(
            "lostReason",
            "Say why the deal was lost (lostReason); the team learns from it.",
        ));
    }
    let mut am: opportunity::ActiveModel = before.clone().into();
    am.stage_id = Set(stage.id);
    am.closed_at = Set(matches!(stage.kind.as_str(), "won" | "lost" | "after_sales").then(now));
    am.lost_reason = Set(if stage.kind == "lost" { reason.clone() } else { None });
    let row = am.update(&txn).await?;
    stage_change::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(scope.workspace_id),
        opportunity_id: Set(id),
        from_stage_id: Set(Some(from.id)),
        to_stage_id: Set(stage.id),
        changed_by: Set(Some(scope.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let kind = match stage.kind.as_str() {
        "won" => "won",
        "lost" => "lost",
        _ => "stage_moved",
    };
    timeline(
        &txn,
        scope,
        RECORD,
        id,
        kind,
        json!({ "from": from.name, "to": stage.name, "lostReason": reason }),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Marks won or lost: the pipeline's won (or lost) stage.
pub async fn close(
    cx: &Context,
    scope: &TenantScope,
    id: Uuid,
    won: bool,
    lost_reason: Option<String>,
) -> Result<opportunity::Model> {
    let opp = get_visible(&cx.db, scope, id).await?;
    let kind = if won { "won" } else { "lost" };
    let stage = pipeline::stages(&cx.db, scope.workspace_id, opp.pipeline_id)
        .await?
        .into_iter()
        .find(|s| s.kind == kind)
        .ok_or_else(|| Error::Conflict(format!("This pipeline has no {kind} stage; add one first.")))?;
    move_stage(cx, scope, id, stage.id, lost_reason).await
}

pub async fn history(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<Vec<stage_change::Model>> {
    use sea_orm::QueryOrder;
    Ok(stage_change::Entity::find_in(scope.workspace_id)
        .filter(stage_change::Column::OpportunityId.eq(id))
        .order_by_asc(stage_change::Column::CreatedAt)
        .order_by_asc(stage_change::Column::Id)
        .all(&cx.db)
        .await?)
}

fn stage_kinds(scope: &TenantScope, kinds: &[&str]) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(pipeline_stage::Column::Id)
        .from(pipeline_stage::Entity)
        .and_where(Expr::col(pipeline_stage::Column::WorkspaceId).eq(scope.workspace_id))
        .and_where(Expr::col(pipeline_stage::Column::Kind).is_in(kinds.iter().map(|k| k.to_string())))
        .to_owned()
}

pub fn condition(scope: &TenantScope, f: &OpportunityFilter, depth: usize) -> Result<Condition> {
    let ws = scope.workspace_id;
    let col = |c: opportunity::Column| (opportunity::Entity, c);
    let mut c = filter::combinators(&f.and, &f.or, f.not.as_deref(), depth, |sub, d| {
        condition(scope, sub, d)
    })?;
    if let Some(op) = &f.name {
        c = c.add(filter::name(
            "filter.name",
            col(opportunity::Column::NameLower),
            col(opportunity::Column::Name),
            op,
        )?);
    }
    if let Some(op) = &f.stage_id {
        c = c.add(filter::id("filter.stageId", col(opportunity::Column::StageId), op)?);
    }
    if let Some(op) = &f.owner_id {
        c = c.add(filter::id("filter.ownerId", col(opportunity::Column::OwnerId), op)?);
    }
    if let Some(op) = &f.company_id {
        c = c.add(filter::id("filter.companyId", col(opportunity::Column::CompanyId), op)?);
    }
    if let Some(op) = &f.amount_minor {
        c = c.add(filter::int(
            "filter.amountMinor",
            col(opportunity::Column::AmountMinor),
            op,
        )?);
    }
    if let Some(cur) = &f.currency {
        c = c.add(Expr::col(col(opportunity::Column::Currency)).eq(money::currency("filter.currency", cur)?));
    }
    if let Some(d) = f.close_from {
        c = c.add(Expr::col(col(opportunity::Column::ExpectedCloseDate)).gte(d));
    }
    if let Some(d) = f.close_to {
        c = c.add(Expr::col(col(opportunity::Column::ExpectedCloseDate)).lte(d));
    }
    if let Some(contact) = f.contact_id {
        let sub = Query::select()
            .column(opportunity_contact::Column::OpportunityId)
            .from(opportunity_contact::Entity)
            .and_where(Expr::col(opportunity_contact::Column::WorkspaceId).eq(scope.workspace_id))
            .and_where(Expr::col(opportunity_contact::Column::ContactId).eq(contact))
            .to_owned();
        c = c.add(Expr::col(col(opportunity::Column::Id)).in_subquery(sub));
    }
    if let Some(s) = f.status {
        let kinds: &[&str] = match s {
            Status::Open => &["open"],
            Status::Won => &["won", "after_sales"],
            Status::Lost => &["lost"],
        };
        c = c.add(Expr::col(col(opportunity::Column::StageId)).in_subquery(stage_kinds(scope, kinds)));
    }
    if let Some(op) = &f.created_at {
        c = c.add(filter::time(col(opportunity::Column::CreatedAt), op));
    }
    if let Some(cf) = &f.contact {
        // Across the relation, within the contacts the caller may see: a filter must not
        // reveal what a hidden contact looks like.
        let people = contact::visible(scope, false)
            .filter(contact::condition(scope, cf, depth + 1)?)
            .select_only()
            .column(contact_entity::Column::Id)
            .into_query();
        let sub = Query::select()
            .column(opportunity_contact::Column::OpportunityId)
            .from(opportunity_contact::Entity)
            .and_where(Expr::col(opportunity_contact::Column::WorkspaceId).eq(ws))
            .and_where(Expr::col(opportunity_contact::Column::ContactId).in_subquery(people))
            .to_owned();
        c = c.add(Expr::col(col(opportunity::Column::Id)).in_subquery(sub));
    }
    if let Some(cf) = &f.company {
        // The companies the caller may see, as the `companies` list has them.
        let sub = company::visible(scope, false)
            .filter(company::condition(scope, cf, depth + 1)?)
            .select_only()
            .column(company_entity::Column::Id)
            .into_query();
        // `IS NOT NULL` first: `not` of a company filter must include deals without one.
        c = c.add(Expr::col(col(opportunity::Column::CompanyId)).is_not_null());
        c = c.add(Expr::col(col(opportunity::Column::CompanyId)).in_subquery(sub));
    }
    Ok(c)
}

impl Listed for opportunity::Entity {
    const OWNED: records::Owned<Self> = OWNED;
    type Filter = OpportunityFilter;
    type Order = OpportunityOrder;

    fn order_part(o: OpportunityOrder) -> OrderPart<Self> {
        match o {
            OpportunityOrder::Name => ("name", opportunity::Column::Name, |m| SortValue::Text(m.name.clone())),
            OpportunityOrder::Amount => ("amount", opportunity::Column::AmountMinor, |m| {
                SortValue::Int(m.amount_minor)
            }),
            OpportunityOrder::CreatedAt => ("createdAt", opportunity::Column::CreatedAt, |m| {
                SortValue::Time(m.created_at)
            }),
        }
    }

    fn condition(scope: &TenantScope, f: &OpportunityFilter) -> Result<Condition> {
        condition(scope, f, 0)
    }

    /// The name (case-insensitive substring).
    fn search(scope: &TenantScope, s: &str) -> Result<Condition> {
        let by_name = OpportunityFilter {
            name: Some(StrOp {
                contains: Some(s.into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        condition(scope, &by_name, 0)
    }
}

pub type ListArgs<'a> = listing::ListArgs<'a, opportunity::Entity>;
pub use listing::{count, list};

/// One group of the funnel: a stage (or owner, or month), how many deals and their sum per
/// currency (amounts in different currencies are never added together).
#[derive(Debug, Clone, FromQueryResult)]
pub struct GroupRow {
    pub key: Option<String>,
    pub currency: String,
    pub count: i64,
    pub amount_minor: i64,
}

/// What to group by.
#[derive(Debug, Clone, Copy)]
pub enum GroupBy {
    Stage,
    Owner,
    CloseMonth,
}

#[derive(Debug, Clone, FromQueryResult)]
struct IdGroup {
    key: Option<Uuid>,
    currency: String,
    count: i64,
    amount_minor: i64,
}

/// Counts and sums of the visible, filtered deals per group and currency, in one statement.
/// Stage and owner keys are ids (as text); the month key is `YYYY-MM`.
pub async fn aggregate(cx: &Context, scope: &TenantScope, f: &OpportunityFilter, by: GroupBy) -> Result<Vec<GroupRow>> {
    let base = visible(scope).filter(condition(scope, f, 0)?).select_only();
    let totals = |q: Select<opportunity::Entity>| {
        q.column(opportunity::Column::Currency)
            .expr_as(Expr::cust("COUNT(*)"), "count")
            .expr_as(
                Expr::cust("CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT)"),
                "amount_minor",
            )
            .group_by(opportunity::Column::Currency)
    };
    let rows = match by {
        GroupBy::Stage | GroupBy::Owner => {
            let col = if matches!(by, GroupBy::Stage) {
                opportunity::Column::StageId
            } else {
                opportunity::Column::OwnerId
            };
            totals(base.column_as(col, "key").group_by(col))
                .into_model::<IdGroup>()
                .all(&cx.db)
                .await?
                .into_iter()
                .map(|g| GroupRow {
                    key: g.key.map(|k| k.to_string()),
                    currency: g.currency,
                    count: g.count,
                    amount_minor: g.amount_minor,
                })
                .collect()
        }
        GroupBy::CloseMonth => {
            // Dates are text in SQLite and `date` in PostgreSQL; both print as YYYY-MM-DD.
            let month = Expr::cust("SUBSTR(CAST(expected_close_date AS TEXT), 1, 7)");
            totals(base.expr_as(month.clone(), "key").group_by(month))
                .into_model::<GroupRow>()
                .all(&cx.db)
                .await?
        }
    };
    Ok(rows)
}

/// Contacts of many deals (DataLoader).
pub async fn contacts_of(
    cx: &Context,
    ws: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<opportunity_contact::Model>>> {
    let rows = opportunity_contact::Entity::find_in(ws)
        .filter(opportunity_contact::Column::OpportunityId.is_in(ids.iter().copied()))
        .all(&cx.db)
        .await?;
    let mut map: HashMap<Uuid, Vec<opportunity_contact::Model>> = HashMap::new();
    for r in rows {
        map.entry(r.opportunity_id).or_default().push(r);
    }
    Ok(map)
}

/// Soft delete (restorable) or restore a deal.
pub async fn set_deleted(cx: &Context, scope: &TenantScope, id: Uuid, deleted: bool) -> Result<opportunity::Model> {
    let txn = cx.db.begin().await?;
    let row = records::set_deleted(&txn, scope, &OWNED, id, deleted).await?;
    txn.commit().await?;
    Ok(row)
}

/// Who may see, reassign and restore deals: the columns for it (see [`listing`]).
const OWNED: records::Owned<opportunity::Entity> = records::Owned {
    record: RECORD,
    plural: "opportunities",
    workspace: opportunity::Column::WorkspaceId,
    id: opportunity::Column::Id,
    owner: opportunity::Column::OwnerId,
    updated_at: opportunity::Column::UpdatedAt,
    deleted_at: opportunity::Column::DeletedAt,
    id_of: |m| m.id,
    owner_of: |m| m.owner_id,
};

/// Gives deals a new owner, all or none.
pub async fn reassign(cx: &Context, scope: &TenantScope, ids: &[Uuid], owner: Uuid) -> Result<Vec<opportunity::Model>> {
    let txn = cx.db.begin().await?;
    let rows = records::reassign(&txn, scope, visible(scope), &OWNED, ids, owner).await?;
    txn.commit().await?;
    Ok(rows)
}
