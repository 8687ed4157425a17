use async_graphql::{Context, ID, Object, SimpleObject};
use entity::{contact, contact_email};

use crate::graphql::connection::{self, Conn};
use crate::graphql::loaders::{Loaders, loader_error};
use crate::graphql::types::activity::Activity;
use crate::graphql::types::company::Company;
use crate::graphql::types::contact_page::Ahead;
use crate::graphql::types::timeline::TimelineEntry;
use crate::graphql::types::user::User;
use crate::graphql::{ids, scope};
use crate::service;

/// An email address of a contact.
#[derive(SimpleObject)]
pub struct ContactEmail {
    /// As entered.
    pub email: String,
    /// The one used when writing to the contact.
    pub primary: bool,
}

/// A phone number of a contact.
#[derive(SimpleObject)]
pub struct ContactPhone {
    /// As entered.
    pub phone: String,
    /// The one to call first.
    pub primary: bool,
}

/// A person at a customer.
pub struct Contact {
    row: contact::Model,
    /// Relations a list read ahead for the whole page (see `contact_page`); the fields fall
    /// back to the DataLoaders for whatever was not. Boxed: most contacts have none.
    ahead: Option<Box<Ahead>>,
}

impl Contact {
    pub fn new(row: contact::Model) -> Self {
        Self { row, ahead: None }
    }

    pub fn ahead(row: contact::Model, ahead: Ahead) -> Self {
        Self {
            row,
            ahead: Some(Box::new(ahead)),
        }
    }

    fn read(&self) -> &Ahead {
        self.ahead.as_deref().unwrap_or(&Ahead::NOTHING)
    }

    /// Emails, primary first: read ahead or through the loader.
    async fn email_rows(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<contact_email::Model>> {
        if let Some(rows) = &self.read().emails {
            return Ok(rows.clone());
        }
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.contact_emails
            .load_one(self.row.id)
            .await
            .map_err(loader_error)?
            .unwrap_or_default())
    }
}

#[Object]
impl Contact {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Contact", self.row.id)
    }
    /// Record number, unique in the workspace.
    async fn number(&self) -> i64 {
        self.row.number
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.row.name
    }
    /// Job title.
    async fn title(&self) -> Option<&str> {
        self.row.title.as_deref()
    }
    /// Their company.
    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Company>> {
        if let Some(read) = &self.read().company {
            return Ok(read.clone().map(Company));
        }
        let Some(id) = self.row.company_id else { return Ok(None) };
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.companies.load_one(id).await.map_err(loader_error)?.map(Company::from))
    }
    /// Every email address, primary first. All of them match incoming mail.
    async fn emails(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ContactEmail>> {
        Ok(self
            .email_rows(ctx)
            .await?
            .into_iter()
            .map(|e| ContactEmail {
                email: e.email,
                primary: e.is_primary,
            })
            .collect())
    }
    /// The primary email address.
    async fn primary_email(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self
            .email_rows(ctx)
            .await?
            .into_iter()
            .find(|e| e.is_primary)
            .map(|e| e.email))
    }
    /// Every phone number, primary first.
    async fn phones(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ContactPhone>> {
        let l = ctx.data_unchecked::<Loaders>();
        let rows = l
            .contact_phones
            .load_one(self.row.id)
            .await
            .map_err(loader_error)?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|p| ContactPhone {
                phone: p.phone,
                primary: p.is_primary,
            })
            .collect())
    }
    /// Tags, alphabetical.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        if let Some(tags) = &self.read().tags {
            return Ok(tags.clone());
        }
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.contact_tags
            .load_one(self.row.id)
            .await
            .map_err(loader_error)?
            .unwrap_or_default())
    }
    /// The responsible user.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        if let Some(read) = &self.read().owner {
            return Ok(read.as_deref().cloned().map(User));
        }
        let Some(id) = self.row.owner_id else { return Ok(None) };
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.users.load_one(id).await.map_err(loader_error)?.map(User))
    }
    /// The contact who referred this one (the referral chain), if visible to you.
    async fn referred_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        let Some(id) = self.row.referred_by_id else {
            return Ok(None);
        };
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.contacts.load_one(id).await.map_err(loader_error)?.map(Contact::new))
    }
    /// Business-card facts anyone who sees the contact may read.
    async fn public_notes(&self) -> Option<&str> {
        self.row.public_notes.as_deref()
    }
    /// Interests, hometown, school, family: visible to whoever may see the contact.
    async fn semi_public_notes(&self) -> Option<&str> {
        self.row.semi_public_notes.as_deref()
    }
    /// Personal confidences: only the owner and those they shared them with read these; null
    /// for everyone else (see `canReadPrivateNotes`).
    async fn private_notes(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(if self.readable(ctx).await? {
            self.row.private_notes.clone()
        } else {
            None
        })
    }
    /// Whether you may read and change the private notes.
    async fn can_read_private_notes(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        self.readable(ctx).await
    }
    /// The latest activity with this contact.
    async fn last_activity(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Activity>> {
        if let Some(read) = &self.read().last_activity {
            return Ok(read.clone().map(Activity));
        }
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.last_activity
            .load_one(self.row.id)
            .await
            .map_err(loader_error)?
            .map(Activity))
    }
    /// Activities with this contact, newest first.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Activity>> {
        let args = connection::args_for(ctx, first, after, last, before);
        let read = self.read().activities.as_ref().and_then(|a| a.take_for(&args));
        crate::graphql::types::activity::connection_of(ctx, service::activity::Of::Contact(self.row.id), args, read)
            .await
    }
    /// Everything that happened to this contact, newest first.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<TimelineEntry>> {
        TimelineEntry::connection(
            ctx,
            service::contact::RECORD,
            self.row.id,
            connection::args(first, after, last, before),
        )
        .await
    }
    /// When it was deleted (UTC).
    async fn deleted_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.row.deleted_at
    }
    /// Creation time (UTC).
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.row.created_at
    }
    /// Last change (UTC).
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.row.updated_at
    }
}

impl Contact {
    async fn readable(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let scope = scope(ctx)?;
        if self.row.owner_id == Some(scope.user_id) {
            return Ok(true);
        }
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.shared_notes
            .load_one(self.row.id)
            .await
            .map_err(loader_error)?
            .unwrap_or(false))
    }
}
