use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use entity::company;

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::loaders::{Loaders, loader_error};
use crate::graphql::types::activity::Activity;
use crate::graphql::types::contact::Contact;
use crate::graphql::types::contact_page;
use crate::graphql::types::timeline::TimelineEntry;
use crate::graphql::types::user::User;
use crate::graphql::{cx, ids, scope};
use crate::service;

/// A customer company. Shared, not copied: a list page reads one company for many contacts.
pub struct Company(pub Arc<company::Model>);

impl From<company::Model> for Company {
    fn from(m: company::Model) -> Self {
        Self(Arc::new(m))
    }
}

#[Object]
impl Company {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Company", self.0.id)
    }
    /// Record number, unique in the workspace.
    async fn number(&self) -> i64 {
        self.0.number
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Web and mail domains (canonical); mail from these domains is filed to the company.
    async fn domains(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.company_domains
            .load_one(self.0.id)
            .await
            .map_err(loader_error)?
            .unwrap_or_default())
    }
    /// Industry.
    async fn industry(&self) -> Option<&str> {
        self.0.industry.as_deref()
    }
    /// Region.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// Postal address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// Website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// Where the company came from (trade show, referral, …).
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// Key-customer class (e.g. A, B, C), as the workspace uses it.
    async fn tier(&self) -> Option<&str> {
        self.0.tier.as_deref()
    }
    /// Tags, alphabetical.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.company_tags
            .load_one(self.0.id)
            .await
            .map_err(loader_error)?
            .unwrap_or_default())
    }
    /// The responsible user.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.owner_id else { return Ok(None) };
        let l = ctx.data_unchecked::<Loaders>();
        Ok(l.users.load_one(id).await.map_err(loader_error)?.map(User))
    }
    /// Contacts at this company, by name.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    async fn contacts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Contact>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let l = ctx.data_unchecked::<Loaders>();
        let args = connection::args(first, after, last, before);
        let f = service::contact::ContactFilter {
            company_id: Some(service::filter::IdOp {
                eq: Some(self.0.id),
                ..Default::default()
            }),
            ..Default::default()
        };
        let a = service::contact::ListArgs {
            filter: Some(&f),
            search: None,
            order: &[(service::contact::ContactOrder::Name, false)],
            deleted: false,
        };
        // Under a list of companies, first pages come through the DataLoader (one statement
        // for the whole list); one company's people are read on their own, with their
        // relations read ahead like the `contacts` list.
        let batch = connection::under_list(ctx);
        let page = match service::pagination::first_page_only(&args).gql()? {
            Some(n) if batch => l
                .company_contact_pages
                .load_one((self.0.id, n))
                .await
                .map_err(loader_error)?
                .unwrap_or_else(service::pagination::Page::empty),
            // Boxed, like every read behind a field of a type that has cheap fields: all of a
            // type's field futures take the size of its largest (async-graphql inlines them
            // into one), and unboxed this read made every `Company.name` a 10 KB future to
            // allocate and copy (docs/ARCHITECTURE.md, "Resolver futures").
            _ => Box::pin(service::contact::list(cx, scope, &a, &args)).await.gql()?,
        };
        let total = match connection::wants_total(ctx) {
            false => 0,
            true if batch => l
                .company_contact_totals
                .load_one(self.0.id)
                .await
                .map_err(loader_error)?
                .unwrap_or(0),
            true => Box::pin(service::contact::count(cx, scope, &a)).await.gql()?,
        };
        let page = match batch {
            true => page.map(Contact::new),
            false => Box::pin(contact_page::read(ctx, page.map(|c| (c, None)))).await?,
        };
        Ok(connection::build(page, total))
    }
    /// Activities with this company or its people, newest first.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Activity>> {
        crate::graphql::types::activity::connection_of(
            ctx,
            service::activity::Of::Company(self.0.id),
            connection::args(first, after, last, before),
            None,
        )
        .await
    }
    /// Everything that happened to this company, newest first.
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
            service::company::RECORD,
            self.0.id,
            connection::args(first, after, last, before),
        )
        .await
    }
    /// When it was deleted (UTC); deleted companies appear only in `companies(deleted: true)`.
    async fn deleted_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.deleted_at
    }
    /// Creation time (UTC).
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// Last change (UTC).
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}
