//! Deals (create, update, move stage, win, lose), tasks and leads (create, convert).

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use crate::error::{Error, Result};
use crate::graphql::errors::GqlResult;
use crate::graphql::mutation::crm::ReassignInput;
use crate::graphql::types::company::Company;
use crate::graphql::types::contact::Contact;
use crate::graphql::types::sales::{Lead, Opportunity, Task};
use crate::graphql::{cx, ids, scope};
use crate::service;

#[derive(Default)]
pub struct SalesMutation;

fn opp_id(id: &ID) -> Result<uuid::Uuid> {
    ids::decode("id", "Opportunity", "opportunity", id)
}

/// A contact on a deal.
#[derive(InputObject)]
pub struct DealContactInput {
    /// The contact.
    pub contact_id: ID,
    /// Their role, e.g. "decision maker".
    pub role: Option<String>,
}

/// A new deal.
#[derive(InputObject)]
pub struct CreateOpportunityInput {
    /// Name.
    pub name: String,
    /// The company.
    pub company_id: Option<ID>,
    /// The people on it.
    #[graphql(default)]
    pub contacts: Vec<DealContactInput>,
    /// Amount in minor units (cents, fen); not negative.
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. CNY.
    pub currency: String,
    /// Expected close date.
    pub expected_close_date: Option<chrono::NaiveDate>,
    /// Pipeline; the default one when left out.
    pub pipeline_id: Option<ID>,
    /// Stage of that pipeline; its first stage when left out.
    pub stage_id: Option<ID>,
    /// Owner; you when left out.
    pub owner_id: Option<ID>,
    /// The next step.
    pub next_step: Option<String>,
}

/// Changes to a deal.
#[derive(InputObject)]
pub struct UpdateOpportunityInput {
    /// The deal.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// Amount in minor units.
    pub amount_minor: Option<i64>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// Expected close date.
    pub expected_close_date: Option<chrono::NaiveDate>,
    /// Next step (empty clears).
    pub next_step: Option<String>,
    /// Replaces the people on it.
    pub contacts: Option<Vec<DealContactInput>>,
}

/// A stage move.
#[derive(InputObject)]
pub struct MoveStageInput {
    /// The deal.
    pub id: ID,
    /// A stage of the deal's own pipeline.
    pub stage_id: ID,
    /// Required when moving to a lost stage.
    pub lost_reason: Option<String>,
}

/// Closing a deal.
#[derive(InputObject)]
pub struct CloseDealInput {
    /// The deal.
    pub id: ID,
    /// Why it was lost (required for markLost).
    pub reason: Option<String>,
}

/// A new task.
#[derive(InputObject)]
pub struct CreateTaskInput {
    /// What to do.
    pub title: String,
    /// When it is due.
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    /// IANA time zone the due time was set in; UTC when left out.
    pub time_zone: Option<String>,
    /// Who does it; you when left out.
    pub assignee_id: Option<ID>,
    /// `low`, `normal` (default) or `high`.
    pub priority: Option<String>,
    /// The contact, company or opportunity it is about.
    pub record_id: Option<ID>,
    /// Minutes before `dueAt` to send reminders (up to 10).
    #[graphql(default)]
    pub reminder_offsets: Vec<i32>,
}

/// Changes to a task; fields left out stay. Checked as `createTask` checks them.
#[derive(InputObject)]
pub struct UpdateTaskInput {
    /// The task.
    pub id: ID,
    /// What to do.
    pub title: Option<String>,
    /// When it is due; `null` clears it (its reminders must go too).
    pub due_at: MaybeUndefined<chrono::DateTime<chrono::Utc>>,
    /// IANA time zone the due time was set in.
    pub time_zone: Option<String>,
    /// Who does it.
    pub assignee_id: Option<ID>,
    /// `low`, `normal` or `high`.
    pub priority: Option<String>,
    /// Replaces the reminders: minutes before `dueAt` (up to 10; empty removes them).
    pub reminder_offsets: Option<Vec<i32>>,
}

/// A new lead.
#[derive(InputObject)]
pub struct CreateLeadInput {
    /// The person's name.
    pub name: String,
    /// Their company, as given.
    pub company_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Where it came from.
    pub source: Option<String>,
    /// Owner; you when left out.
    pub owner_id: Option<ID>,
}

/// Converting a lead.
#[derive(InputObject)]
pub struct ConvertLeadInput {
    /// The lead.
    pub id: ID,
    /// Also open a deal with this name.
    pub opportunity_name: Option<String>,
    /// The deal's amount in minor units.
    #[graphql(default)]
    pub amount_minor: i64,
    /// The deal's currency; CNY when left out.
    pub currency: Option<String>,
}

/// Changes to a lead; fields left out stay, an empty string clears one.
#[derive(InputObject)]
pub struct UpdateLeadInput {
    /// The lead.
    pub id: ID,
    /// The person's name.
    pub name: Option<String>,
    /// Their company, as given.
    pub company_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Where it came from.
    pub source: Option<String>,
}

/// A lead's status change.
#[derive(InputObject)]
pub struct SetLeadStatusInput {
    /// The lead.
    pub id: ID,
    /// `new`, `working`, `qualified` or `disqualified`.
    pub status: String,
}

/// The deal after the change.
#[derive(SimpleObject)]
pub struct OpportunityPayload {
    /// The deal.
    pub opportunity: Opportunity,
}

/// Several deals after a change.
#[derive(SimpleObject)]
pub struct OpportunitiesPayload {
    /// The deals.
    pub opportunities: Vec<Opportunity>,
}

/// A new owner for several deals at once (all or nothing).
#[derive(InputObject)]
pub struct ReassignDealsInput {
    /// The deals (1–500).
    pub ids: Vec<ID>,
    /// The new owner.
    pub owner_id: ID,
}

/// The task after the change.
#[derive(SimpleObject)]
pub struct TaskPayload {
    /// The task.
    pub task: Task,
}

/// The lead after the change.
#[derive(SimpleObject)]
pub struct LeadPayload {
    /// The lead.
    pub lead: Lead,
}

/// Several leads after a change.
#[derive(SimpleObject)]
pub struct LeadsPayload {
    /// The leads.
    pub leads: Vec<Lead>,
}

/// What a conversion produced.
#[derive(SimpleObject)]
pub struct ConvertLeadPayload {
    /// The converted lead, linked to what it became.
    pub lead: Lead,
    /// The contact (found by email, or created).
    pub contact: Contact,
    /// The company (found by domain or name, or created).
    pub company: Option<Company>,
    /// The deal, when one was asked for.
    pub opportunity: Option<Opportunity>,
    /// Whether the contact was new (false: an existing contact matched).
    pub created_contact: bool,
    /// Whether the company was new.
    pub created_company: bool,
}

fn deal_contacts(v: Vec<DealContactInput>) -> Result<Vec<(uuid::Uuid, Option<String>)>> {
    v.into_iter()
        .enumerate()
        .map(|(i, c)| {
            Ok((
                ids::decode(&format!("contacts[{i}].contactId"), "Contact", "contact", &c.contact_id)?,
                c.role,
            ))
        })
        .collect()
}

#[Object]
impl SalesMutation {
    /// Creates a deal in a pipeline (the default one unless given).
    async fn create_opportunity(
        &self,
        ctx: &Context<'_>,
        input: CreateOpportunityInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let new = service::opportunity::OpportunityInput {
            name: input.name,
            company_id: input
                .company_id
                .as_ref()
                .map(|c| ids::decode("companyId", "Company", "company", c))
                .transpose()
                .gql()?,
            contacts: deal_contacts(input.contacts).gql()?,
            amount_minor: input.amount_minor,
            currency: input.currency,
            expected_close_date: input.expected_close_date,
            pipeline_id: input
                .pipeline_id
                .as_ref()
                .map(|p| ids::decode("pipelineId", "Pipeline", "pipeline", p))
                .transpose()
                .gql()?,
            stage_id: input
                .stage_id
                .as_ref()
                .map(|s| ids::decode("stageId", "Stage", "stage", s))
                .transpose()
                .gql()?,
            owner_id: input
                .owner_id
                .as_ref()
                .map(|o| ids::decode("ownerId", "User", "user", o))
                .transpose()
                .gql()?,
            next_step: input.next_step,
        };
        Ok(OpportunityPayload {
            opportunity: Opportunity(service::opportunity::create(cx(ctx), scope(ctx)?, new).await.gql()?),
        })
    }

    /// Changes a deal.
    async fn update_opportunity(
        &self,
        ctx: &Context<'_>,
        input: UpdateOpportunityInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let id = opp_id(&input.id).gql()?;
        let ch = service::opportunity::OpportunityChanges {
            name: input.name,
            amount_minor: input.amount_minor,
            currency: input.currency,
            expected_close_date: input.expected_close_date.map(Some),
            next_step: input.next_step,
            contacts: input.contacts.map(deal_contacts).transpose().gql()?,
        };
        Ok(OpportunityPayload {
            opportunity: Opportunity(service::opportunity::update(cx(ctx), scope(ctx)?, id, ch).await.gql()?),
        })
    }

    /// Moves a deal to another stage of its pipeline; recorded with who, when, from and to.
    async fn move_opportunity_stage(
        &self,
        ctx: &Context<'_>,
        input: MoveStageInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let id = opp_id(&input.id).gql()?;
        let stage = ids::decode("stageId", "Stage", "stage", &input.stage_id).gql()?;
        let row = service::opportunity::move_stage(cx(ctx), scope(ctx)?, id, stage, input.lost_reason)
            .await
            .gql()?;
        Ok(OpportunityPayload {
            opportunity: Opportunity(row),
        })
    }

    /// Marks a deal won.
    async fn mark_opportunity_won(
        &self,
        ctx: &Context<'_>,
        input: CloseDealInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let id = opp_id(&input.id).gql()?;
        Ok(OpportunityPayload {
            opportunity: Opportunity(
                service::opportunity::close(cx(ctx), scope(ctx)?, id, true, None)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Marks a deal lost, with the reason.
    async fn mark_opportunity_lost(
        &self,
        ctx: &Context<'_>,
        input: CloseDealInput,
    ) -> async_graphql::Result<OpportunityPayload> {
        let id = opp_id(&input.id).gql()?;
        let row = service::opportunity::close(cx(ctx), scope(ctx)?, id, false, input.reason)
            .await
            .gql()?;
        Ok(OpportunityPayload {
            opportunity: Opportunity(row),
        })
    }

    /// Deletes a deal (it can be restored).
    async fn delete_opportunity(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<OpportunityPayload> {
        let id = opp_id(&id).gql()?;
        Ok(OpportunityPayload {
            opportunity: Opportunity(
                service::opportunity::set_deleted(cx(ctx), scope(ctx)?, id, true)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Restores a deleted deal.
    async fn restore_opportunity(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<OpportunityPayload> {
        let id = opp_id(&id).gql()?;
        Ok(OpportunityPayload {
            opportunity: Opportunity(
                service::opportunity::set_deleted(cx(ctx), scope(ctx)?, id, false)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Gives deals a new owner, all or none.
    async fn reassign_opportunities(
        &self,
        ctx: &Context<'_>,
        input: ReassignDealsInput,
    ) -> async_graphql::Result<OpportunitiesPayload> {
        let ids = input
            .ids
            .iter()
            .map(|i| ids::decode("ids", "Opportunity", "opportunity", i))
            .collect::<Result<Vec<_>>>()
            .gql()?;
        let owner = ids::decode("ownerId", "User", "user", &input.owner_id).gql()?;
        let rows = service::opportunity::reassign(cx(ctx), scope(ctx)?, &ids, owner)
            .await
            .gql()?;
        Ok(OpportunitiesPayload {
            opportunities: rows.into_iter().map(Opportunity).collect(),
        })
    }

    /// Creates a task, optionally about a contact, company or deal (it shows on that timeline).
    async fn create_task(&self, ctx: &Context<'_>, input: CreateTaskInput) -> async_graphql::Result<TaskPayload> {
        use service::task::Link;
        let link = match &input.record_id {
            None => None,
            Some(r) => {
                let (kind, id) = ids::parse("recordId", r).gql()?;
                Some(match kind.as_str() {
                    "Contact" => Link::Contact(id),
                    "Company" => Link::Company(id),
                    "Opportunity" => Link::Opportunity(id),
                    _ => {
                        return Err(Error::bad_input(
                            "recordId",
                            "A task can be about a contact, a company or an opportunity.",
                        ))
                        .gql();
                    }
                })
            }
        };
        let new = service::task::TaskInput {
            title: input.title,
            due_at: input.due_at,
            time_zone: input.time_zone,
            assignee_id: input
                .assignee_id
                .as_ref()
                .map(|a| ids::decode("assigneeId", "User", "user", a))
                .transpose()
                .gql()?,
            priority: input.priority,
            link,
            reminder_offsets: input.reminder_offsets,
        };
        Ok(TaskPayload {
            task: Task(service::task::create(cx(ctx), scope(ctx)?, new).await.gql()?),
        })
    }

    /// Marks a task done.
    async fn complete_task(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<TaskPayload> {
        let id = ids::decode("id", "Task", "task", &id).gql()?;
        Ok(TaskPayload {
            task: Task(service::task::set_done(cx(ctx), scope(ctx)?, id, true).await.gql()?),
        })
    }

    /// Opens a done task again.
    async fn reopen_task(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<TaskPayload> {
        let id = ids::decode("id", "Task", "task", &id).gql()?;
        Ok(TaskPayload {
            task: Task(service::task::set_done(cx(ctx), scope(ctx)?, id, false).await.gql()?),
        })
    }

    /// Changes a task (title, due time and zone, priority, assignee, reminders); the task's
    /// timeline and that of the record it is about say what changed.
    async fn update_task(&self, ctx: &Context<'_>, input: UpdateTaskInput) -> async_graphql::Result<TaskPayload> {
        let id = ids::decode("id", "Task", "task", &input.id).gql()?;
        let ch = service::task::TaskChanges {
            title: input.title,
            due_at: match input.due_at {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(t) => Some(Some(t)),
            },
            time_zone: input.time_zone,
            priority: input.priority,
            assignee_id: input
                .assignee_id
                .as_ref()
                .map(|a| ids::decode("assigneeId", "User", "user", a))
                .transpose()
                .gql()?,
            reminder_offsets: input.reminder_offsets,
        };
        Ok(TaskPayload {
            task: Task(service::task::update(cx(ctx), scope(ctx)?, id, ch).await.gql()?),
        })
    }

    /// Deletes a task (it can be restored).
    async fn delete_task(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<TaskPayload> {
        let id = ids::decode("id", "Task", "task", &id).gql()?;
        Ok(TaskPayload {
            task: Task(service::task::set_deleted(cx(ctx), scope(ctx)?, id, true).await.gql()?),
        })
    }

    /// Restores a deleted task.
    async fn restore_task(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<TaskPayload> {
        let id = ids::decode("id", "Task", "task", &id).gql()?;
        Ok(TaskPayload {
            task: Task(
                service::task::set_deleted(cx(ctx), scope(ctx)?, id, false)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Creates a lead.
    async fn create_lead(&self, ctx: &Context<'_>, input: CreateLeadInput) -> async_graphql::Result<LeadPayload> {
        let new = service::lead::LeadInput {
            name: input.name,
            company_name: input.company_name,
            email: input.email,
            phone: input.phone,
            source: input.source,
            owner_id: input
                .owner_id
                .as_ref()
                .map(|o| ids::decode("ownerId", "User", "user", o))
                .transpose()
                .gql()?,
            status: None,
        };
        Ok(LeadPayload {
            lead: Lead(service::lead::create(cx(ctx), scope(ctx)?, new).await.gql()?),
        })
    }

    /// Changes a lead (not once it is converted).
    async fn update_lead(&self, ctx: &Context<'_>, input: UpdateLeadInput) -> async_graphql::Result<LeadPayload> {
        let id = ids::decode("id", "Lead", "lead", &input.id).gql()?;
        let ch = service::lead::LeadChanges {
            name: input.name,
            company_name: input.company_name,
            email: input.email,
            phone: input.phone,
            source: input.source,
            status: None,
        };
        Ok(LeadPayload {
            lead: Lead(service::lead::update(cx(ctx), scope(ctx)?, id, ch).await.gql()?),
        })
    }

    /// Deletes a lead (it can be restored).
    async fn delete_lead(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<LeadPayload> {
        let id = ids::decode("id", "Lead", "lead", &id).gql()?;
        Ok(LeadPayload {
            lead: Lead(service::lead::set_deleted(cx(ctx), scope(ctx)?, id, true).await.gql()?),
        })
    }

    /// Restores a deleted lead.
    async fn restore_lead(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<LeadPayload> {
        let id = ids::decode("id", "Lead", "lead", &id).gql()?;
        Ok(LeadPayload {
            lead: Lead(
                service::lead::set_deleted(cx(ctx), scope(ctx)?, id, false)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Gives leads a new owner, all or none.
    async fn reassign_leads(&self, ctx: &Context<'_>, input: ReassignInput) -> async_graphql::Result<LeadsPayload> {
        let ids = input
            .ids
            .iter()
            .map(|i| ids::decode("ids", "Lead", "lead", i))
            .collect::<Result<Vec<_>>>()
            .gql()?;
        let owner = ids::decode("ownerId", "User", "user", &input.owner_id).gql()?;
        let rows = service::lead::reassign(cx(ctx), scope(ctx)?, &ids, owner).await.gql()?;
        Ok(LeadsPayload {
            leads: rows.into_iter().map(Lead).collect(),
        })
    }

    /// Changes a lead's status.
    async fn set_lead_status(
        &self,
        ctx: &Context<'_>,
        input: SetLeadStatusInput,
    ) -> async_graphql::Result<LeadPayload> {
        let id = ids::decode("id", "Lead", "lead", &input.id).gql()?;
        Ok(LeadPayload {
            lead: Lead(
                service::lead::set_status(cx(ctx), scope(ctx)?, id, &input.status)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Converts a lead into a contact and company (matching existing ones by email and
    /// domain), optionally with a deal, in one step.
    async fn convert_lead(
        &self,
        ctx: &Context<'_>,
        input: ConvertLeadInput,
    ) -> async_graphql::Result<ConvertLeadPayload> {
        let id = ids::decode("id", "Lead", "lead", &input.id).gql()?;
        let deal = input.opportunity_name.map(|name| service::lead::NewDeal {
            name,
            amount_minor: input.amount_minor,
            currency: input.currency.unwrap_or_else(|| "CNY".into()),
        });
        let c = service::lead::convert(cx(ctx), scope(ctx)?, id, deal).await.gql()?;
        Ok(ConvertLeadPayload {
            lead: Lead(c.lead),
            contact: Contact::new(c.contact),
            company: c.company.map(Company::from),
            opportunity: c.opportunity.map(Opportunity),
            created_contact: c.created_contact,
            created_company: c.created_company,
        })
    }
}
