//! Pipelines, deals with the funnel aggregates, tasks and leads.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::filters::{
    CompanyFilter, ContactFilter, DateTimeFilter, IdFilter, IntFilter, LeadFilter, StringFilter, TaskFilter, id_op,
};
use crate::graphql::types::SortDirection;
use crate::graphql::types::sales::{Lead, Opportunity, Pipeline, Task};
use crate::graphql::{cx, ids, scope};
use crate::service;
use crate::service::lead::LeadOrder;
use crate::service::opportunity::{GroupBy, OpportunityOrder, Status};
use crate::service::task::TaskOrder;

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

/// Narrows a list of deals. Fields combine with AND; use `or` and `not` for the rest.
#[derive(InputObject, Default, Clone)]
pub struct OpportunityFilter {
    /// All of these.
    pub and: Option<Vec<OpportunityFilter>>,
    /// Any of these.
    pub or: Option<Vec<OpportunityFilter>>,
    /// Not this.
    pub not: Option<Box<OpportunityFilter>>,
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
    /// Creation time.
    pub created_at: Option<DateTimeFilter>,
    /// At least one of its contacts matches, e.g. `{ email: { eq: "pat@buyer.com" } }`.
    pub contact: Option<ContactFilter>,
    /// Its company matches, e.g. `{ industry: { eq: "Logistics" } }`.
    pub company: Option<CompanyFilter>,
}

impl OpportunityFilter {
    pub(crate) fn to_service(&self) -> crate::Result<service::opportunity::OpportunityFilter> {
        let list = |v: &Option<Vec<OpportunityFilter>>| {
            v.iter()
                .flatten()
                .map(|f| f.to_service())
                .collect::<crate::Result<Vec<_>>>()
        };
        Ok(service::opportunity::OpportunityFilter {
            and: list(&self.and)?,
            or: list(&self.or)?,
            not: self.not.as_ref().map(|n| n.to_service().map(Box::new)).transpose()?,
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
            created_at: self.created_at.as_ref().map(Into::into),
            contact: self.contact.as_ref().map(|c| c.to_service()).transpose()?,
            company: self.company.as_ref().map(|c| c.to_service()).transpose()?,
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

/// Fields leads can be ordered by.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum LeadOrderField {
    /// The person's name.
    Name,
    /// Creation time.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// One ordering of leads; ties are broken by id so pages never overlap.
#[derive(InputObject)]
pub struct LeadOrderBy {
    /// The field.
    pub field: LeadOrderField,
    /// The direction; ascending when left out.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Fields tasks can be ordered by.
// The variants are the API's field names (DUE_AT, CREATED_AT, UPDATED_AT), as on other lists.
#[allow(clippy::enum_variant_names)]
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum TaskOrderField {
    /// Due time. Tasks without one come last in ascending order and first in descending.
    DueAt,
    /// Creation time.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// One ordering of tasks; ties are broken by id so pages never overlap.
#[derive(InputObject)]
pub struct TaskOrderBy {
    /// The field.
    pub field: TaskOrderField,
    /// The direction; ascending when left out.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// `orderBy` as `(field, descending)` pairs in the service's terms, or the list's default.
fn order<F, O>(order_by: Option<Vec<(F, SortDirection)>>, field: fn(F) -> O, default: &[(O, bool)]) -> Vec<(O, bool)>
where
    O: Copy,
{
    match order_by {
        Some(v) => v
            .into_iter()
            .map(|(f, d)| (field(f), d == SortDirection::Desc))
            .collect(),
        None => default.to_vec(),
    }
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
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn opportunities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list, also across their contacts and company.")] filter: Option<
            OpportunityFilter,
        >,
        #[graphql(desc = "Case-insensitive search in names.")] search: Option<String>,
        #[graphql(desc = "Ordering, 1 to 3 fields, the first one first; newest first when left out.")] order_by: Option<
            Vec<OpportunityOrderBy>,
        >,
        #[graphql(desc = "List deleted deals instead (to restore them).", default)] deleted: bool,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Opportunity>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let f = filter.map(|f| f.to_service()).transpose().gql()?;
        let order = order(
            order_by.map(|v| v.into_iter().map(|o| (o.field, o.direction)).collect()),
            |f| match f {
                OpportunityOrderField::Name => OpportunityOrder::Name,
                OpportunityOrderField::Amount => OpportunityOrder::Amount,
                OpportunityOrderField::CreatedAt => OpportunityOrder::CreatedAt,
            },
            &[(OpportunityOrder::CreatedAt, true)],
        );
        let a = service::opportunity::ListArgs {
            filter: f.as_ref(),
            search: search.as_deref(),
            order: &order,
            deleted,
        };
        let page = service::opportunity::list(cx, scope, &a, &connection::args(first, after, last, before))
            .await
            .gql()?;
        let total = if connection::wants_total(ctx) {
            service::opportunity::count(cx, scope, &a).await.gql()?
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

    /// Tasks you may see (yours; a manager's team's; everyone's for admins), by creation
    /// unless `orderBy` says otherwise. "My tasks" is `filter: { assigneeId: { eq: <me> } }`.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<TaskFilter>,
        #[graphql(desc = "Ordering, 1 to 3 fields, the first one first; oldest first when left out.")] order_by: Option<
            Vec<TaskOrderBy>,
        >,
        #[graphql(desc = "List deleted tasks instead (to restore them).", default)] deleted: bool,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Task>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let f = filter.map(|f| f.to_service()).transpose().gql()?;
        let order = order(
            order_by.map(|v| v.into_iter().map(|o| (o.field, o.direction)).collect()),
            |f| match f {
                TaskOrderField::DueAt => TaskOrder::DueAt,
                TaskOrderField::CreatedAt => TaskOrder::CreatedAt,
                TaskOrderField::UpdatedAt => TaskOrder::UpdatedAt,
            },
            &[(TaskOrder::CreatedAt, false)],
        );
        let a = service::task::ListArgs {
            filter: f.as_ref(),
            order: &order,
            deleted,
        };
        let page = service::task::list(cx, scope, &a, &connection::args(first, after, last, before))
            .await
            .gql()?;
        let total = if connection::wants_total(ctx) {
            service::task::count(cx, scope, &a).await.gql()?
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

    /// Leads you may see, newest first unless `orderBy` says otherwise.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn leads(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<LeadFilter>,
        #[graphql(desc = "Case-insensitive search in names, emails, phone numbers and company names.")] search: Option<
            String,
        >,
        #[graphql(desc = "Ordering, 1 to 3 fields, the first one first; newest first when left out.")] order_by: Option<
            Vec<LeadOrderBy>,
        >,
        #[graphql(desc = "List deleted leads instead (to restore them).", default)] deleted: bool,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Lead>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let f = filter.map(|f| f.to_service()).transpose().gql()?;
        let order = order(
            order_by.map(|v| v.into_iter().map(|o| (o.field, o.direction)).collect()),
            |f| match f {
                LeadOrderField::Name => LeadOrder::Name,
                LeadOrderField::CreatedAt => LeadOrder::CreatedAt,
                LeadOrderField::UpdatedAt => LeadOrder::UpdatedAt,
            },
            service::lead::NEWEST_FIRST,
        );
        let a = service::lead::ListArgs {
            filter: f.as_ref(),
            search: search.as_deref(),
            order: &order,
            deleted,
        };
        let page = service::lead::list(cx, scope, &a, &connection::args(first, after, last, before))
            .await
            .gql()?;
        let total = if connection::wants_total(ctx) {
            service::lead::count(cx, scope, &a).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page.map(Lead), total))
    }
}
