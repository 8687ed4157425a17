//! Use cases, one module per aggregate: `fn(cx, scope, input) -> Result<T>`.
//!
//! Business rules live here and in `domain`; resolvers and job handlers only unpack, call one
//! function and map the result. Every tenant query starts from a scoped constructor in
//! `entity`; every multi-row change runs in one transaction.

pub mod activity;
pub mod api_key;
pub mod company;
pub mod contact;
pub mod csv;
pub mod department;
pub mod export;
pub mod filter;
pub mod import;
pub mod lead;
pub mod listing;
pub mod mail_delivery;
pub mod merge;
pub mod opportunity;
pub mod pagination;
pub mod pipeline;
pub mod records;
pub mod seed;
pub mod session;
pub mod task;
pub mod timeline;
pub mod user;
pub mod workspace;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::keys::Keys;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::scope_cache::ScopeCache;
use crate::auth::scope_channel::ScopeChannel;
use crate::config::Config;

/// What the use cases need from the outside world, built once by `App::build`.
pub struct Context {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub keys: Keys,
    pub queue: workers::Queue,
    pub limiter: RateLimiter,
    /// Verified tokens' scopes, reused for a few seconds (see `auth::scope_cache`).
    pub scopes: Arc<ScopeCache>,
    /// Announces scope changes to other processes; `None` without Redis (one process).
    pub scope_channel: Option<ScopeChannel>,
    /// SQL statements this process has run: a cheap counter that the N+1 tests read.
    pub statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// The current time, truncated to microseconds so that values read back from either database
/// compare equal to the ones written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    Utc::now().trunc_subsecs(6)
}
