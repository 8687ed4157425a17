//! Pipelines, stages, opportunities, tasks and leads.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{lead, opportunity, pipeline, pipeline_stage, stage_change, task};

use crate::graphql::errors::GqlResult;
use crate::graphql::ids;
use crate::graphql::loaders::{Loaders, loader_error};
use crate::graphql::types::company::Company;
use crate::graphql::types::contact::Contact;
use crate::graphql::types::timeline::TimelineEntry;
use crate::graphql::types::user::User;
use crate::graphql::{connection, cx, scope};
use crate::service;

/// What reaching a stage means.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum StageKind {
    /// Still being worked.
    Open,
    /// Closed, won.
    Won,
    /// Closed, lost.
    Lost,
    /// Won and in after-sales maintenance.
    AfterSales,
}

/// A stage of a pipeline.
pub struct Stage(pub pipeline_stage::Model);

#[Object]
impl Stage {
    /// Global id.
    async fn id(&self) -> ID {
        ids::encode("Stage", self.0.id)
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Order within the pipeline, from 0.
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// Win probability in percent.
    async fn probability(&self) -> i32 {
        self.0.probability
    }
    /// Open, won, lost or after-sales.
    async fn kind(&self) -> StageKind {
        match self.0.kind.as_str() {
            "won" => StageKind::Won,
            "lost" => StageKind::Lost,
            "after_sales" => StageKind::AfterSales,
            _ => StageKind::Open,
        }
    }
}

/// A sales pipeline.
pub struct Pipeline(pub pipeline::Model);

#[Object]
impl Pipeline {
    /// Global id.
    async fn id(&self) -> ID {
        ids::encode("Pipeline", self.0.id)
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Whether new deals land here when no pipeline is given.
    async fn is_default(&self) -> bool {
        self.0.is_default
    }
    /// Stages in order.
    async fn stages(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Stage>> {
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.pipeline_stages
            .load_one(self.0.id)
            .await
            .map_err(loader_error)?
            .unwrap_or_default()
            .into_iter()
            .map(Stage)
            .collect())
    }
}

/// A contact on a deal.
pub struct DealContact {
    contact_id: uuid::Uuid,
    role: Option<String>,
}

#[Object]
impl DealContact {
    /// The contact (null if you may not see them).
    async fn contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        Ok(ctx
            .data_unchecked::<Loaders>()
            .contacts
            .load_one(self.contact_id)
            .await
            .map_err(loader_error)?
            .map(Contact::new))
    }
    /// Their role in the deal (decision maker, champion, …).
    async fn role(&self) -> Option<&str> {
        self.role.as_deref()
    }
}

/// One stage move.
pub struct StageChange(pub stage_change::Model);

#[Object]
impl StageChange {
    /// The stage before (null at creation).
    async fn from(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Stage>> {
        let Some(id) = self.0.from_stage_id else {
            return Ok(None);
        };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .stages
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(Stage))
    }
    /// The stage after.
    async fn to(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Stage>> {
        Ok(ctx
            .data_unchecked::<Loaders>()
            .stages
            .load_one(self.0.to_stage_id)
            .await
            .map_err(loader_error)?
            .map(Stage))
    }
    /// Who moved it.
    async fn by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.changed_by else { return Ok(None) };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .users
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(User))
    }
    /// When (UTC).
    async fn at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// Money as integer minor units and an ISO 4217 code (no floating point anywhere).
#[derive(SimpleObject)]
pub struct Money {
    /// Minor units: cents, fen (e.g. 1234500 CNY = ¥12,345.00).
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// A deal.
pub struct Opportunity(pub opportunity::Model);

#[Object]
impl Opportunity {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Opportunity", self.0.id)
    }
    /// Record number.
    async fn number(&self) -> i64 {
        self.0.number
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The amount.
    async fn amount(&self) -> Money {
        Money {
            amount_minor: self.0.amount_minor,
            currency: self.0.currency.clone(),
        }
    }
    /// Expected close date.
    async fn expected_close_date(&self) -> Option<chrono::NaiveDate> {
        self.0.expected_close_date
    }
    /// The current stage.
    async fn stage(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Stage>> {
        Ok(ctx
            .data_unchecked::<Loaders>()
            .stages
            .load_one(self.0.stage_id)
            .await
            .map_err(loader_error)?
            .map(Stage))
    }
    /// The company.
    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Company>> {
        let Some(id) = self.0.company_id else { return Ok(None) };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .companies
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(Company::from))
    }
    /// The people on the deal.
    async fn contacts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DealContact>> {
        let rows = ctx
            .data_unchecked::<Loaders>()
            .deal_contacts
            .load_one(self.0.id)
            .await
            .map_err(loader_error)?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|r| DealContact {
                contact_id: r.contact_id,
                role: r.role,
            })
            .collect())
    }
    /// The responsible user.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.owner_id else { return Ok(None) };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .users
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(User))
    }
    /// Why it was lost.
    async fn lost_reason(&self) -> Option<&str> {
        self.0.lost_reason.as_deref()
    }
    /// The next step.
    async fn next_step(&self) -> Option<&str> {
        self.0.next_step.as_deref()
    }
    /// When it was won or lost (UTC).
    async fn closed_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.closed_at
    }
    /// Every stage move, oldest first: who, when, from, to.
    async fn stage_history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<StageChange>> {
        Ok(service::opportunity::history(cx(ctx), scope(ctx)?, self.0.id)
            .await
            .gql()?
            .into_iter()
            .map(StageChange)
            .collect())
    }
    /// Everything that happened to this deal, newest first.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<connection::Conn<TimelineEntry>> {
        TimelineEntry::connection(
            ctx,
            service::opportunity::RECORD,
            self.0.id,
            connection::args(first, after, None, None),
        )
        .await
    }
    /// Creation time (UTC).
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// A task or follow-up.
pub struct Task(pub task::Model);

#[Object]
impl Task {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Task", self.0.id)
    }
    /// What to do.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// When it is due (UTC).
    async fn due_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.due_at
    }
    /// The time zone the due time was set in (IANA), for display and reminders.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }
    /// `open` or `done`.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// `low`, `normal` or `high`.
    async fn priority(&self) -> &str {
        &self.0.priority
    }
    /// Minutes before the due time at which reminders go out.
    async fn reminder_offsets(&self) -> Vec<i32> {
        serde_json::from_str(&self.0.reminder_offsets).unwrap_or_default()
    }
    /// Who does it.
    async fn assignee(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(ctx
            .data_unchecked::<Loaders>()
            .users
            .load_one(self.0.assignee_id)
            .await
            .map_err(loader_error)?
            .map(User))
    }
    /// The global id of the record it is about (a contact, company or opportunity).
    async fn record_id(&self) -> Option<ID> {
        let kind = match self.0.record_type.as_deref()? {
            "contact" => "Contact",
            "company" => "Company",
            _ => "Opportunity",
        };
        self.0.record_id.map(|id| ids::encode(kind, id))
    }
    /// When it was completed (UTC).
    async fn completed_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.completed_at
    }
    /// When it was deleted (UTC); null unless listed with `deleted: true`.
    async fn deleted_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.deleted_at
    }
    /// Everything that happened to this task, newest first.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<connection::Conn<TimelineEntry>> {
        TimelineEntry::connection(
            ctx,
            service::task::RECORD,
            self.0.id,
            connection::args(first, after, None, None),
        )
        .await
    }
}

/// An unqualified prospect.
pub struct Lead(pub lead::Model);

#[Object]
impl Lead {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Lead", self.0.id)
    }
    /// Record number.
    async fn number(&self) -> i64 {
        self.0.number
    }
    /// The person's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Their company, as given.
    async fn company_name(&self) -> Option<&str> {
        self.0.company_name.as_deref()
    }
    /// Email.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    /// Phone.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Where it came from.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// `new`, `working`, `qualified`, `disqualified` or `converted`.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// The owner.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.owner_id else { return Ok(None) };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .users
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(User))
    }
    /// The contact it became.
    async fn converted_contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        let Some(id) = self.0.converted_contact_id else {
            return Ok(None);
        };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .contacts
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(Contact::new))
    }
    /// The company it became or joined.
    async fn converted_company(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Company>> {
        let Some(id) = self.0.converted_company_id else {
            return Ok(None);
        };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .companies
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(Company::from))
    }
    /// The deal opened at conversion.
    async fn converted_opportunity(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Opportunity>> {
        let Some(id) = self.0.converted_opportunity_id else {
            return Ok(None);
        };
        Ok(service::opportunity::get(cx(ctx), scope(ctx)?, id)
            .await
            .ok()
            .map(Opportunity))
    }
    /// When it was converted (UTC).
    async fn converted_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.converted_at
    }
    /// Everything that happened to this lead, newest first.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<connection::Conn<TimelineEntry>> {
        TimelineEntry::connection(
            ctx,
            service::lead::RECORD,
            self.0.id,
            connection::args(first, after, None, None),
        )
        .await
    }
    /// Creation time (UTC).
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}
