//! Subscriptions over `graphql-transport-ws` at `/graphql/ws`, authenticated at
//! `connection_init` with `{"Authorization": "Bearer <token>"}`.
//!
//! New timeline entries are read from the database (the source of truth) every second per
//! subscription, after the entry's transaction committed, and on whichever replica the client is
//! connected to; no message bus is needed and nothing uncommitted is ever sent.
//!
//! Before entries are sent, the token and the record's visibility are checked again: a record
//! reassigned away, deleted, or a token revoked or a user deactivated since subscribing ends the
//! subscription with an error instead of streaming on.

use std::collections::VecDeque;
use std::time::Duration;

use async_graphql::{Context, ID, Subscription};
use entity::timeline_entry;
use futures::Stream;
use secrecy::{ExposeSecret, SecretString};

use crate::graphql::errors::{GqlResult, gql};
use crate::graphql::types::timeline::TimelineEntry;
use crate::graphql::{cx, ids, scope};
use crate::service::{self, now};

const POLL: Duration = Duration::from_secs(1);

/// The token a websocket connection authenticated with, kept to re-check it while streaming.
pub struct SessionToken(pub SecretString);

#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// New timeline entries of a contact, company, opportunity or lead you may see, as they are
    /// committed.
    async fn timeline_entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's global id.")] record_id: ID,
        #[graphql(
            desc = "Also send entries after this time (to resume after a reconnect without a gap); from now when left out."
        )]
        after: Option<chrono::DateTime<chrono::Utc>>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<TimelineEntry>>> {
        let (cx, scope) = (cx(ctx).clone(), scope(ctx)?.clone());
        let token = ctx.data_opt::<SessionToken>().map(|t| t.0.clone());
        let (kind, id) = ids::parse("recordId", &record_id).gql()?;
        // The record must be visible now; the same check as a lookup, same NOT_FOUND.
        let record_type = service::timeline::visible_record(&cx, &scope, &kind, id).await.gql()?;
        let state = Poll {
            at: after.unwrap_or_else(now),
            last: uuid::Uuid::nil(),
            buf: VecDeque::new(),
            tick: tokio::time::interval(POLL),
            done: false,
        };
        Ok(futures::stream::unfold(state, move |mut p| {
            let (cx, scope, kind, token) = (cx.clone(), scope.clone(), kind.clone(), token.clone());
            async move {
                loop {
                    if p.done {
                        return None;
                    }
                    if let Some(e) = p.buf.pop_front() {
                        return Some((Ok(TimelineEntry(e)), p));
                    }
                    p.tick.tick().await;
                    let rows = match service::timeline::newer(&cx, &scope, record_type, id, p.at, p.last).await {
                        Ok(rows) => rows,
                        // A database hiccup ends the subscription; the client resubscribes.
                        Err(e) => {
                            tracing::warn!(error = %e, "timeline subscription stopped");
                            return None;
                        }
                    };
                    let Some(l) = rows.last() else { continue };
                    (p.at, p.last) = (l.occurred_at, l.id);
                    // Still allowed? With the token's current user (role, department, status)
                    // and the record as it is now.
                    let still = match &token {
                        Some(t) => match service::session::authenticate(&cx, t.expose_secret()).await {
                            Ok(fresh) => service::timeline::visible_record(&cx, &fresh, &kind, id)
                                .await
                                .map(|_| ()),
                            Err(e) => Err(e),
                        },
                        None => service::timeline::visible_record(&cx, &scope, &kind, id)
                            .await
                            .map(|_| ()),
                    };
                    if let Err(e) = still {
                        p.done = true;
                        return Some((Err(gql(e)), p));
                    }
                    p.buf.extend(rows);
                }
            }
        }))
    }
}

/// Where a timeline subscription stands: the last entry sent and the ones waiting.
struct Poll {
    at: chrono::DateTime<chrono::Utc>,
    last: uuid::Uuid,
    buf: VecDeque<timeline_entry::Model>,
    tick: tokio::time::Interval,
    done: bool,
}
