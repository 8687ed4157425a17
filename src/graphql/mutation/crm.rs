//! Changes to companies, contacts and activities. Each writes its timeline entries in the
//! same transaction (see the service layer).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::error::Result;
use crate::graphql::errors::GqlResult;
use crate::graphql::types::activity::Activity;
use crate::graphql::types::company::Company;
use crate::graphql::types::contact::Contact;
use crate::graphql::{cx, ids, scope};
use crate::service;

#[derive(Default)]
pub struct CrmMutation;

fn company_id(field: &str, id: &ID) -> Result<uuid::Uuid> {
    ids::decode(field, "Company", "company", id)
}
fn contact_id(field: &str, id: &ID) -> Result<uuid::Uuid> {
    ids::decode(field, "Contact", "contact", id)
}
fn user_id(field: &str, id: &ID) -> Result<uuid::Uuid> {
    ids::decode(field, "User", "user", id)
}

/// An email address of a contact.
#[derive(InputObject)]
pub struct EmailInput {
    /// The address.
    pub email: String,
    /// The one to write to; the first is primary when none is marked.
    #[graphql(default)]
    pub primary: bool,
}

/// A phone number of a contact.
#[derive(InputObject)]
pub struct PhoneInput {
    /// The number as people write it, e.g. "+86 138 0013 8000".
    pub phone: String,
    /// The one to call first; the first is primary when none is marked.
    #[graphql(default)]
    pub primary: bool,
}

/// A new company.
#[derive(InputObject)]
pub struct CreateCompanyInput {
    /// Name.
    pub name: String,
    /// Web and mail domains, e.g. "acme.com" (URLs are accepted and reduced to the domain).
    #[graphql(default)]
    pub domains: Vec<String>,
    /// Industry.
    pub industry: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Where it came from.
    pub source: Option<String>,
    /// Key-customer class.
    pub tier: Option<String>,
    /// Owner; you when left out.
    pub owner_id: Option<ID>,
    /// Tags.
    #[graphql(default)]
    pub tags: Vec<String>,
    /// Create it even if another company already has one of these domains.
    #[graphql(default)]
    pub allow_duplicate: bool,
}

/// Changes to a company; fields left out stay, an empty string clears a text field.
#[derive(InputObject)]
pub struct UpdateCompanyInput {
    /// The company.
    pub id: ID,
    /// Name.
    pub name: Option<String>,
    /// Replaces all domains.
    pub domains: Option<Vec<String>>,
    /// Industry.
    pub industry: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Source.
    pub source: Option<String>,
    /// Key-customer class.
    pub tier: Option<String>,
    /// Replaces all tags.
    pub tags: Option<Vec<String>>,
}

/// A new contact.
#[derive(InputObject)]
pub struct CreateContactInput {
    /// Full name.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Their company.
    pub company_id: Option<ID>,
    /// Email addresses.
    #[graphql(default)]
    pub emails: Vec<EmailInput>,
    /// Phone numbers.
    #[graphql(default)]
    pub phones: Vec<PhoneInput>,
    /// Owner; you when left out.
    pub owner_id: Option<ID>,
    /// The contact who referred them.
    pub referred_by_id: Option<ID>,
    /// Tags.
    #[graphql(default)]
    pub tags: Vec<String>,
    /// Business-card facts.
    pub public_notes: Option<String>,
    /// Interests, hometown, school, family.
    pub semi_public_notes: Option<String>,
    /// Personal confidences, readable only by the owner and whom they share them with.
    pub private_notes: Option<String>,
    /// Create it even if another contact already has one of these emails.
    #[graphql(default)]
    pub allow_duplicate: bool,
}

/// Changes to a contact; fields left out stay, an empty string clears a text field.
#[derive(InputObject)]
pub struct UpdateContactInput {
    /// The contact.
    pub id: ID,
    /// Full name.
    pub name: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Their company.
    pub company_id: Option<ID>,
    /// Remove the company link.
    #[graphql(default)]
    pub clear_company: bool,
    /// Replaces all emails.
    pub emails: Option<Vec<EmailInput>>,
    /// Replaces all phones.
    pub phones: Option<Vec<PhoneInput>>,
    /// Who referred them.
    pub referred_by_id: Option<ID>,
    /// Replaces all tags.
    pub tags: Option<Vec<String>>,
    /// Business-card facts.
    pub public_notes: Option<String>,
    /// Interests, hometown, school, family.
    pub semi_public_notes: Option<String>,
    /// Personal confidences (owner and those they share with only).
    pub private_notes: Option<String>,
}

/// Which record.
#[derive(InputObject)]
pub struct RecordIdInput {
    /// Its global id.
    pub id: ID,
}

/// A new owner for several records at once (all or nothing).
#[derive(InputObject)]
pub struct ReassignInput {
    /// The records (1–500).
    pub ids: Vec<ID>,
    /// The new owner.
    pub owner_id: ID,
}

/// Sharing a contact's private notes.
#[derive(InputObject)]
pub struct ShareNotesInput {
    /// The contact (you must own it).
    pub contact_id: ID,
    /// The colleague.
    pub user_id: ID,
    /// True to share, false to stop sharing.
    #[graphql(default = true)]
    pub share: bool,
}

/// A call, visit, meeting or note.
#[derive(InputObject)]
pub struct LogActivityInput {
    /// `call`, `visit`, `meeting` or `note`.
    pub kind: String,
    /// One line saying what it was.
    pub subject: String,
    /// Details.
    pub body: Option<String>,
    /// When it happened; now when left out.
    pub occurred_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Minutes, 0–1440.
    pub duration_minutes: Option<i32>,
    /// How it went.
    pub outcome: Option<String>,
    /// The contact (its company is linked too).
    pub contact_id: Option<ID>,
    /// The company.
    pub company_id: Option<ID>,
    /// Visit location: latitude.
    pub latitude: Option<f64>,
    /// Visit location: longitude.
    pub longitude: Option<f64>,
    /// Visit location: address.
    pub address: Option<String>,
    /// Visit check-in.
    pub check_in_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Visit check-out.
    pub check_out_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The company after the change.
#[derive(SimpleObject)]
pub struct CompanyPayload {
    /// The company.
    pub company: Company,
}

/// The companies after the change.
#[derive(SimpleObject)]
pub struct CompaniesPayload {
    /// The companies.
    pub companies: Vec<Company>,
}

/// The contact after the change.
#[derive(SimpleObject)]
pub struct ContactPayload {
    /// The contact.
    pub contact: Contact,
}

/// The contacts after the change.
#[derive(SimpleObject)]
pub struct ContactsPayload {
    /// The contacts.
    pub contacts: Vec<Contact>,
}

/// Two records to merge.
#[derive(InputObject)]
pub struct MergeInput {
    /// The record that stays.
    pub keep_id: ID,
    /// The record merged into it (then deleted, restorable).
    pub merge_id: ID,
    /// Only show what would happen; change nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// What a merge moved to the surviving record.
#[derive(SimpleObject)]
pub struct MergeCounts {
    /// Activities.
    pub activities: i64,
    /// Deals (re-pointed or, for contacts, already on the survivor).
    pub opportunities: i64,
    /// Tasks.
    pub tasks: i64,
    /// Timeline entries (the merged record's history is kept on the survivor).
    pub timeline_entries: i64,
    /// Email addresses (contacts) or domains (companies) added to the survivor.
    pub emails_or_domains: i64,
    /// Contacts moved to the surviving company.
    pub contacts: i64,
}

impl From<service::merge::Moved> for MergeCounts {
    fn from(m: service::merge::Moved) -> Self {
        let n = |v: u64| v as i64;
        MergeCounts {
            activities: n(m.activities),
            opportunities: n(m.opportunities),
            tasks: n(m.tasks),
            timeline_entries: n(m.timeline_entries),
            emails_or_domains: n(m.emails_or_domains),
            contacts: n(m.contacts),
        }
    }
}

/// The surviving contact (as it is, or as it would be on a dry run).
#[derive(SimpleObject)]
pub struct MergeContactsPayload {
    /// The survivor.
    pub contact: Contact,
    /// What moved.
    pub moved: MergeCounts,
    /// True when nothing was changed.
    pub dry_run: bool,
}

/// The surviving company (as it is, or as it would be on a dry run).
#[derive(SimpleObject)]
pub struct MergeCompaniesPayload {
    /// The survivor.
    pub company: Company,
    /// What moved.
    pub moved: MergeCounts,
    /// True when nothing was changed.
    pub dry_run: bool,
}

/// The logged activity.
#[derive(SimpleObject)]
pub struct ActivityPayload {
    /// The activity.
    pub activity: Activity,
}

fn emails(v: Vec<EmailInput>) -> Vec<(String, bool)> {
    v.into_iter().map(|e| (e.email, e.primary)).collect()
}
fn phones(v: Vec<PhoneInput>) -> Vec<(String, bool)> {
    v.into_iter().map(|p| (p.phone, p.primary)).collect()
}

#[Object]
impl CrmMutation {
    /// Creates a company. A domain another company already has is a `CONFLICT` naming it.
    async fn create_company(
        &self,
        ctx: &Context<'_>,
        input: CreateCompanyInput,
    ) -> async_graphql::Result<CompanyPayload> {
        let owner_id = input
            .owner_id
            .as_ref()
            .map(|o| user_id("ownerId", o))
            .transpose()
            .gql()?;
        let new = service::company::CompanyInput {
            name: input.name,
            domains: input.domains,
            industry: input.industry,
            region: input.region,
            address: input.address,
            website: input.website,
            source: input.source,
            tier: input.tier,
            owner_id,
            tags: input.tags,
            allow_duplicate: input.allow_duplicate,
        };
        Ok(CompanyPayload {
            company: Company::from(service::company::create(cx(ctx), scope(ctx)?, new).await.gql()?),
        })
    }

    /// Changes a company; the timeline records each field's before and after.
    async fn update_company(
        &self,
        ctx: &Context<'_>,
        input: UpdateCompanyInput,
    ) -> async_graphql::Result<CompanyPayload> {
        let id = company_id("id", &input.id).gql()?;
        let ch = service::company::CompanyChanges {
            name: input.name,
            domains: input.domains,
            industry: input.industry,
            region: input.region,
            address: input.address,
            website: input.website,
            source: input.source,
            tier: input.tier,
            tags: input.tags,
        };
        Ok(CompanyPayload {
            company: Company::from(service::company::update(cx(ctx), scope(ctx)?, id, ch).await.gql()?),
        })
    }

    /// Deletes a company (it can be restored).
    async fn delete_company(&self, ctx: &Context<'_>, input: RecordIdInput) -> async_graphql::Result<CompanyPayload> {
        let id = company_id("id", &input.id).gql()?;
        Ok(CompanyPayload {
            company: Company::from(
                service::company::set_deleted(cx(ctx), scope(ctx)?, id, true)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Restores a deleted company.
    async fn restore_company(&self, ctx: &Context<'_>, input: RecordIdInput) -> async_graphql::Result<CompanyPayload> {
        let id = company_id("id", &input.id).gql()?;
        Ok(CompanyPayload {
            company: Company::from(
                service::company::set_deleted(cx(ctx), scope(ctx)?, id, false)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Gives companies a new owner, all or none.
    async fn reassign_companies(
        &self,
        ctx: &Context<'_>,
        input: ReassignInput,
    ) -> async_graphql::Result<CompaniesPayload> {
        let ids = input
            .ids
            .iter()
            .map(|i| company_id("ids", i))
            .collect::<Result<Vec<_>>>()
            .gql()?;
        let owner = user_id("ownerId", &input.owner_id).gql()?;
        let rows = service::company::reassign(cx(ctx), scope(ctx)?, &ids, owner)
            .await
            .gql()?;
        Ok(CompaniesPayload {
            companies: rows.into_iter().map(Company::from).collect(),
        })
    }

    /// Creates a contact. An email another contact already has is a `CONFLICT` naming it.
    async fn create_contact(
        &self,
        ctx: &Context<'_>,
        input: CreateContactInput,
    ) -> async_graphql::Result<ContactPayload> {
        let new = service::contact::ContactInput {
            name: input.name,
            title: input.title,
            company_id: input
                .company_id
                .as_ref()
                .map(|c| company_id("companyId", c))
                .transpose()
                .gql()?,
            emails: emails(input.emails),
            phones: phones(input.phones),
            owner_id: input
                .owner_id
                .as_ref()
                .map(|o| user_id("ownerId", o))
                .transpose()
                .gql()?,
            referred_by_id: input
                .referred_by_id
                .as_ref()
                .map(|r| contact_id("referredById", r))
                .transpose()
                .gql()?,
            tags: input.tags,
            public_notes: input.public_notes,
            semi_public_notes: input.semi_public_notes,
            private_notes: input.private_notes,
            allow_duplicate: input.allow_duplicate,
        };
        Ok(ContactPayload {
            contact: Contact::new(service::contact::create(cx(ctx), scope(ctx)?, new).await.gql()?),
        })
    }

    /// Changes a contact; the timeline records each field's before and after (never the
    /// content of private notes).
    async fn update_contact(
        &self,
        ctx: &Context<'_>,
        input: UpdateContactInput,
    ) -> async_graphql::Result<ContactPayload> {
        let id = contact_id("id", &input.id).gql()?;
        let company = if input.clear_company {
            Some(None)
        } else {
            input
                .company_id
                .as_ref()
                .map(|c| company_id("companyId", c))
                .transpose()
                .gql()?
                .map(Some)
        };
        let ch = service::contact::ContactChanges {
            name: input.name,
            title: input.title,
            company_id: company,
            emails: input.emails.map(emails),
            phones: input.phones.map(phones),
            referred_by_id: input
                .referred_by_id
                .as_ref()
                .map(|r| contact_id("referredById", r))
                .transpose()
                .gql()?
                .map(Some),
            tags: input.tags,
            public_notes: input.public_notes,
            semi_public_notes: input.semi_public_notes,
            private_notes: input.private_notes,
        };
        Ok(ContactPayload {
            contact: Contact::new(service::contact::update(cx(ctx), scope(ctx)?, id, ch).await.gql()?),
        })
    }

    /// Deletes a contact (it can be restored).
    async fn delete_contact(&self, ctx: &Context<'_>, input: RecordIdInput) -> async_graphql::Result<ContactPayload> {
        let id = contact_id("id", &input.id).gql()?;
        Ok(ContactPayload {
            contact: Contact::new(
                service::contact::set_deleted(cx(ctx), scope(ctx)?, id, true)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Restores a deleted contact.
    async fn restore_contact(&self, ctx: &Context<'_>, input: RecordIdInput) -> async_graphql::Result<ContactPayload> {
        let id = contact_id("id", &input.id).gql()?;
        Ok(ContactPayload {
            contact: Contact::new(
                service::contact::set_deleted(cx(ctx), scope(ctx)?, id, false)
                    .await
                    .gql()?,
            ),
        })
    }

    /// Gives contacts a new owner, all or none.
    async fn reassign_contacts(
        &self,
        ctx: &Context<'_>,
        input: ReassignInput,
    ) -> async_graphql::Result<ContactsPayload> {
        let ids = input
            .ids
            .iter()
            .map(|i| contact_id("ids", i))
            .collect::<Result<Vec<_>>>()
            .gql()?;
        let owner = user_id("ownerId", &input.owner_id).gql()?;
        let rows = service::contact::reassign(cx(ctx), scope(ctx)?, &ids, owner)
            .await
            .gql()?;
        Ok(ContactsPayload {
            contacts: rows.into_iter().map(Contact::new).collect(),
        })
    }

    /// Shares (or stops sharing) a contact's private notes with a colleague. Owner only.
    async fn share_private_notes(
        &self,
        ctx: &Context<'_>,
        input: ShareNotesInput,
    ) -> async_graphql::Result<ContactPayload> {
        let id = contact_id("contactId", &input.contact_id).gql()?;
        let user = user_id("userId", &input.user_id).gql()?;
        let row = service::contact::share_private_notes(cx(ctx), scope(ctx)?, id, user, input.share)
            .await
            .gql()?;
        Ok(ContactPayload {
            contact: Contact::new(row),
        })
    }

    /// Merges two contacts: addresses, phones, tags, activities, deals, tasks and the whole
    /// timeline move to `keepId`; the other is deleted (restorable). `dryRun` previews it.
    async fn merge_contacts(
        &self,
        ctx: &Context<'_>,
        input: MergeInput,
    ) -> async_graphql::Result<MergeContactsPayload> {
        let keep = contact_id("keepId", &input.keep_id).gql()?;
        let merge = contact_id("mergeId", &input.merge_id).gql()?;
        let m = service::merge::contacts(cx(ctx), scope(ctx)?, keep, merge, input.dry_run)
            .await
            .gql()?;
        Ok(MergeContactsPayload {
            contact: Contact::new(m.survivor),
            moved: m.moved.into(),
            dry_run: input.dry_run,
        })
    }

    /// Merges two companies: domains, tags, contacts, activities, deals, tasks and the timeline
    /// move to `keepId`; the other is deleted (restorable). `dryRun` previews it.
    async fn merge_companies(
        &self,
        ctx: &Context<'_>,
        input: MergeInput,
    ) -> async_graphql::Result<MergeCompaniesPayload> {
        let keep = company_id("keepId", &input.keep_id).gql()?;
        let merge = company_id("mergeId", &input.merge_id).gql()?;
        let m = service::merge::companies(cx(ctx), scope(ctx)?, keep, merge, input.dry_run)
            .await
            .gql()?;
        Ok(MergeCompaniesPayload {
            company: Company::from(m.survivor),
            moved: m.moved.into(),
            dry_run: input.dry_run,
        })
    }

    /// Logs a call, visit, meeting or note against a contact and/or company.
    async fn log_activity(&self, ctx: &Context<'_>, input: LogActivityInput) -> async_graphql::Result<ActivityPayload> {
        let new = service::activity::ActivityInput {
            kind: input.kind,
            subject: input.subject,
            body: input.body,
            occurred_at: input.occurred_at,
            duration_minutes: input.duration_minutes,
            outcome: input.outcome,
            contact_id: input
                .contact_id
                .as_ref()
                .map(|c| contact_id("contactId", c))
                .transpose()
                .gql()?,
            company_id: input
                .company_id
                .as_ref()
                .map(|c| company_id("companyId", c))
                .transpose()
                .gql()?,
            latitude: input.latitude,
            longitude: input.longitude,
            address: input.address,
            check_in_at: input.check_in_at,
            check_out_at: input.check_out_at,
        };
        Ok(ActivityPayload {
            activity: Activity(service::activity::log(cx(ctx), scope(ctx)?, new).await.gql()?),
        })
    }
}
