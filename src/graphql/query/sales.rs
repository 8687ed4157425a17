//! Pipelines, deals with the funnel aggregates, tasks and leads.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::filters::{IdFilter, IntFilter, StringFilter};
use crate::graphql::types::SortDirection;
use crate::graphql::types::sales::{Lead, Opportunity, Pipeline, Task};
use crate::graphql::{cx, ids, scope};
use crate::service;
use crate::service::opportunity::{GroupBy, OpportunityOrder, Status};

#[derive(Default)]
pub struct SalesQuery;

/// Open, won or lost.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum DealStatus {
    /// In an open stage.
    Open,
    /// Won (including after-sales).
    Won,
    /// Lost.
    Lost,
}

/// Narrows a list of deals.
#[derive(InputObject, Default)]
pub struct OpportunityFilter {
    /// Name.
    pub name: Option<StringFilter>,
    /// Stage.
    pub stage_id: Option<IdFilter>,
    /// Owner.
    pub owner_id: Option<IdFilter>,
    /// Company.
    pub company_id: Option<IdFilter>,
    /// Deals this contact is on.
    pub contact_id: Option<ID>,
    /// Amount in minor units.
    pub amount_minor: Option<IntFilter>,
    /// Currency (ISO 4217).
    pub currency: Option<String>,
    /// Open, won or lost.
    pub status: Option<DealStatus>,
    /// Expected to close on or after.
    pub close_from: Option<chrono::NaiveDate>,
    /// Expected to close on or before.
    pub close_to: Option<chrono::NaiveDate>,
}

fn id_op(field: &str, kind: &str, what: &str, f: &IdFilter) -> crate::Result<service::filter::IdOp> {
    let one = |v: &ID| ids::decode(field, kind, what, v);
    Ok(service::filter::IdOp {
        eq: f.eq.as_ref().map(one).transpose()?,
        ne: f.ne.as_ref().map(one).transpose()?,
        in_: f
            .in_
            .as_ref()
            .map(|v| v.iter().map(one).collect::<crate::Result<Vec<_>>>())
            .transpose()?,
        not_in: f
            .not_in
            .as_ref()
            .map(|v| v.iter().map(one).collect::<crate::Result<Vec<_>>>())
            .transpose()?,
        is_null: f.is_null,
    })
}

impl OpportunityFilter {
    pub(crate) fn to_service(&self) -> crate::Result<service::opportunity::OpportunityFilter> {
        Ok(service::opportunity::OpportunityFilter {
            name: self.name.as_ref().map(Into::into),
            stage_id: self
                .stage_id
                .as_ref()
                .map(|f| id_op("filter.stageId", "Stage", "stage", f))
                .transpose()?,
            owner_id: self
                .owner_id
                .as_ref()
                .map(|f| id_op("filter.ownerId", "User", "user", f))
                .transpose()?,
            company_id: self
                .company_id
                .as_ref()
                .map(|f| id_op("filter.companyId", "Company", "company", f))
                .transpose()?,
            contact_id: self
                .contact_id
                .as_ref()
                .map(|c| ids::decode("filter.contactId", "Contact", "contact", c))
                .transpose()?,
            amount_minor: self.amount_minor.as_ref().map(Into::into),
            currency: self.currency.clone(),
            status: self.status.map(|s| match s {
                DealStatus::Open => Status::Open,
                DealStatus::Won => Status::Won,
                DealStatus::Lost => Status::Lost,
            }),
            close_from: self.close_from,
            close_to: self.close_to,
        })
    }
}

/// Fields deals can be ordered by.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum OpportunityOrderField {
    /// Name.
    Name,
    /// Amount (minor units; compare within one currency).
    Amount,
    /// Creation time.
    CreatedAt,
}

/// One ordering of deals; ties are broken by id so pages never overlap.
#[derive(InputObject)]
pub struct OpportunityOrderBy {
    /// The field.
    pub field: OpportunityOrderField,
    /// The direction; ascending when left out.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// What to group deal totals by.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum DealGrouping {
    /// Stage: the sales funnel.
    Stage,
    /// Owner.
    Owner,
    /// Expected close month (YYYY-MM).
    CloseMonth,
}

/// Totals of one group in one currency.
#[derive(SimpleObject)]
pub struct DealGroup {
    /// The stage's or owner's global id, or the month as YYYY-MM; null for deals without one.
    pub key: Option<String>,
    /// ISO 4217 code (amounts of different currencies are never added together).
    pub currency: String,
    /// How many deals.
    pub count: i64,
    /// Their total in minor units.
    pub amount_minor: i64,
}

#[Object]
impl SalesQuery {
    /// The workspace's pipelines with their stages.
    async fn pipelines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Pipeline>> {
        Ok(service::pipeline::list(cx(ctx), scope(ctx)?)
            .await
            .gql()?
            .into_iter()
            .map(Pipeline)
            .collect())
    }

    /// One deal.
    async fn opportunity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A deal's global id.")] id: ID,
    ) -> async_graphql::Result<Opportunity> {
        let id = ids::decode("id", "Opportunity", "opportunity", &id).gql()?;
        Ok(Opportunity(
            service::opportunity::get(cx(ctx), scope(ctx)?, id).await.gql()?,
        ))
    }

    /// Deals you may see, newest first unless `orderBy` says otherwise.
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<OpportunityFilter>,
        #[graphql(desc = "Ordering, 1 to 3 fields, the first one first; newest first when left out.")] order_by: Option<
            Vec<OpportunityOrderBy>,
        >,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
    ) -> async_graphql::Result<Conn<Opportunity>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let f = filter.unwrap_or_default().to_service().gql()?;
        let field = |f| match f {
            OpportunityOrderField::Name => OpportunityOrder::Name,
            OpportunityOrderField::Amount => OpportunityOrder::Amount,
            OpportunityOrderField::CreatedAt => OpportunityOrder::CreatedAt,
        };
        let order: Vec<(OpportunityOrder, bool)> = match order_by {
            Some(v) => v
                .into_iter()
                .map(|o| (field(o.field), o.direction == SortDirection::Desc))
                .collect(),
            None => vec![(OpportunityOrder::CreatedAt, true)],
        };
        let page = service::opportunity::list(cx, scope, &f, &order, &connection::args(first, after, None, None))
            .await
            .gql()?;
        let total = if connection::wants_total(ctx) {
            service::opportunity::count(cx, scope, &f).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page.map(Opportunity), total))
    }

    /// Deal counts and amounts grouped by stage (the funnel), owner or close month, over the
    /// deals you may see that match the filter. One SQL statement.
    async fn opportunity_totals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to group by.")] group_by: DealGrouping,
        #[graphql(desc = "Narrows the deals counted.")] filter: Option<OpportunityFilter>,
    ) -> async_graphql::Result<Vec<DealGroup>> {
        let f = filter.unwrap_or_default().to_service().gql()?;
        let by = match group_by {
            DealGrouping::Stage => GroupBy::Stage,
            DealGrouping::Owner => GroupBy::Owner,
            DealGrouping::CloseMonth => GroupBy::CloseMonth,
        };
        let rows = service::opportunity::aggregate(cx(ctx), scope(ctx)?, &f, by)
            .await
            .gql()?;
        let key = |k: Option<String>| -> Option<String> {
            let k = k?;
            match group_by {
                DealGrouping::Stage => uuid::Uuid::parse_str(&k).ok().map(|u| ids::encode("Stage", u).0),
                DealGrouping::Owner => uuid::Uuid::parse_str(&k).ok().map(|u| ids::encode("User", u).0),
                DealGrouping::CloseMonth => Some(k),
            }
        };
        Ok(rows
            .into_iter()
            .map(|r| DealGroup {
                key: key(r.key),
                currency: r.currency,
                count: r.count,
                amount_minor: r.amount_minor,
            })
            .collect())
    }

    /// Tasks you may see: yours by default; `assigneeId` for a colleague's in your team.
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose tasks; yours when left out.")] assignee_id: Option<ID>,
        #[graphql(desc = "`open` or `done`.")] status: Option<String>,
        #[graphql(desc = "Only those due before this time.")] due_before: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "Page size, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
    ) -> async_graphql::Result<Conn<Task>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let assignee = match assignee_id {
            Some(a) => ids::decode("assigneeId", "User", "user", &a).gql()?,
            None => scope.user_id,
        };
        let f = service::task::TaskFilter {
            assignee_id: Some(assignee),
            status,
            link: None,
            due_before,
        };
        let page = service::task::list(cx, scope, &f, &connection::args(first, after, None, None))
            .await
            .gql()?;
        let total = if connection::wants_total(ctx) {
            service::task::count(cx, scope, &f).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page.map(Task), total))
    }

    /// One lead.
    async fn lead(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A lead's global id.")] id: ID,
    ) -> async_graphql::Result<Lead> {
        let id = ids::decode("id", "Lead", "lead", &id).gql()?;
        Ok(Lead(service::lead::get(cx(ctx), scope(ctx)?, id).await.gql()?))
    }

    /// Leads you may see, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn leads(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only leads in this status.")] status: Option<String>,
        #[graphql(desc = "Page size, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
    ) -> async_graphql::Result<Conn<Lead>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let page = service::lead::list(
            cx,
            scope,
            status.as_deref(),
            &connection::args(first, after, None, None),
        )
        .await
        .gql()?;
        let total = if connection::wants_total(ctx) {
            service::lead::count(cx, scope, status.as_deref()).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page.map(Lead), total))
    }
}
