use async_graphql::{Context, Object};

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::types::api_key::ApiKey;
use crate::graphql::{cx, scope};
use crate::service;

#[derive(Default)]
pub struct ApiKeyQuery;

#[Object]
impl ApiKeyQuery {
    /// Your API keys, newest first (admins see every key of the workspace). Secrets are never shown again.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<ApiKey>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let page = service::api_key::list(cx, scope, &connection::args(first, after, last, before))
            .await
            .gql()?;
        let total = if connection::wants_total(ctx) {
            service::api_key::count(cx, scope).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page.map(ApiKey), total))
    }
}
