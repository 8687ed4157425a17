//! The GraphQL schema: hand-written types over the service layer.
//!
//! Resolvers unpack arguments, call one service function and map the result; they hold no
//! business rules. Errors leave through `errors::gql`, the one place that turns
//! `rapport::Error` into `extensions.code`. Relations resolve through per-request DataLoaders
//! (`loaders`), which carry the caller's workspace.

pub mod columns;
pub mod connection;
pub mod errors;
pub mod filters;
pub mod ids;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod subscription;
pub mod types;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use async_graphql::{Context as GqlContext, Schema};

use crate::scope::TenantScope;
use crate::service::Context;

pub type AppSchema = Schema<query::Query, mutation::Mutation, subscription::SubscriptionRoot>;

/// Per-request facts the HTTP layer hands to resolvers.
pub struct RequestInfo {
    pub scope: Option<TenantScope>,
    pub client_ip: String,
    /// Operations in this HTTP request (batching), and sign-ins seen so far in it.
    pub batch_size: usize,
    pub sign_ins: Arc<AtomicUsize>,
}

pub fn build_schema(cx: Arc<Context>) -> AppSchema {
    let config = cx.config.clone();
    let mut builder = Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        subscription::SubscriptionRoot,
    )
    .data(cx)
    .limit_depth(config.max_depth)
    .limit_complexity(config.max_complexity)
    .limit_recursive_depth(64)
    .limit_directives(16);
    if config.is_production() {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The SDL as committed at `docs/schema.graphql`.
pub fn sdl() -> String {
    let schema = Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        subscription::SubscriptionRoot,
    )
    .finish();
    schema.sdl()
}

pub(crate) fn cx<'a>(ctx: &GqlContext<'a>) -> &'a Arc<Context> {
    ctx.data_unchecked::<Arc<Context>>()
}

pub(crate) fn info<'a>(ctx: &GqlContext<'a>) -> &'a RequestInfo {
    ctx.data_unchecked::<RequestInfo>()
}

/// The caller's scope, or `UNAUTHENTICATED`.
pub(crate) fn scope<'a>(ctx: &GqlContext<'a>) -> async_graphql::Result<&'a TenantScope> {
    info(ctx).scope.as_ref().ok_or_else(|| {
        errors::gql(crate::Error::Unauthenticated(
            "Sign in first: send `Authorization: Bearer <token>` with a session token or API key.".into(),
        ))
    })
}
