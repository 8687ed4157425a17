use async_graphql::{Context, ID, Object};
use entity::timeline_entry;
use uuid::Uuid;

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::loaders::{Loaders, TimelineOf, loader_error};
use crate::graphql::types::user::User;
use crate::graphql::{cx, ids, scope};
use crate::service;
use crate::service::pagination::{self, Page, PageArgs};

/// One thing that happened to a record.
pub struct TimelineEntry(pub timeline_entry::Model);

#[Object]
impl TimelineEntry {
    /// Global id.
    async fn id(&self) -> ID {
        ids::encode("TimelineEntry", self.0.id)
    }
    /// What happened: `created`, `updated`, `deleted`, `restored`, `owner_changed`,
    /// `activity_logged`, `contact_added`, `private_notes_shared`, `private_notes_unshared`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// When (UTC).
    async fn occurred_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.occurred_at
    }
    /// Who did it (null for the system).
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.actor_id else { return Ok(None) };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .users
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(User))
    }
    /// Details as JSON: for `updated`, `{"changes": {"field": {"from": …, "to": …}}}`.
    async fn data(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(serde_json::from_str(&self.0.data).unwrap_or(serde_json::Value::Null))
    }
}

impl TimelineEntry {
    pub async fn connection(
        ctx: &Context<'_>,
        record_type: &'static str,
        id: Uuid,
        args: PageArgs,
    ) -> async_graphql::Result<Conn<TimelineEntry>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let l = ctx.data_unchecked::<Loaders>();
        // Under a list, the first pages of all the page's records are read together.
        let batch = connection::under_list(ctx);
        let page = match pagination::first_page_only(&args).gql()? {
            Some(n) if batch => l
                .timeline_pages
                .load_one((TimelineOf { record_type, id }, n))
                .await
                .map_err(loader_error)?
                .unwrap_or_else(Page::empty),
            // Boxed: see `Company.contacts`.
            _ => Box::pin(service::timeline::list(cx, scope, record_type, id, &args))
                .await
                .gql()?,
        };
        let total = match connection::wants_total(ctx) {
            false => 0,
            true if batch => l
                .timeline_totals
                .load_one(TimelineOf { record_type, id })
                .await
                .map_err(loader_error)?
                .unwrap_or(0),
            true => Box::pin(service::timeline::count(cx, scope, record_type, id))
                .await
                .gql()?,
        };
        Ok(connection::build(page.map(TimelineEntry), total))
    }
}
