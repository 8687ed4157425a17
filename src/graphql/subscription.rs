//! Subscriptions over `graphql-transport-ws` at `/graphql/ws`, authenticated at
//! `connection_init` with `{"Authorization": "Bearer <token>"}`.
//!
//! New timeline entries are read from the database (the source of truth) every second per
//! subscription, after the entry's transaction committed, and on whichever replica the client is
//! connected to; no message bus is needed and nothing uncommitted is ever sent.

use std::collections::VecDeque;
use std::time::Duration;

use async_graphql::{Context, ID, Subscription};
use entity::timeline_entry;
use futures::Stream;
use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect};

use crate::error::Error;
use crate::graphql::errors::GqlResult;
use crate::graphql::types::timeline::TimelineEntry;
use crate::graphql::{cx, ids, scope};
use crate::service::{self, now};

const POLL: Duration = Duration::from_secs(1);

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
    ) -> async_graphql::Result<impl Stream<Item = TimelineEntry>> {
        let (cx, scope) = (cx(ctx).clone(), scope(ctx)?.clone());
        let (kind, id) = ids::parse("recordId", &record_id).gql()?;
        // The record must be visible now; the same check as a lookup, same NOT_FOUND.
        let record_type = match kind.as_str() {
            "Contact" => service::contact::get(&cx, &scope, id)
                .await
                .map(|_| service::contact::RECORD),
            "Company" => service::company::get(&cx, &scope, id)
                .await
                .map(|_| service::company::RECORD),
            "Opportunity" => service::opportunity::get(&cx, &scope, id)
                .await
                .map(|_| service::opportunity::RECORD),
            "Lead" => service::lead::get(&cx, &scope, id).await.map(|_| service::lead::RECORD),
            _ => Err(Error::bad_input(
                "recordId",
                "Timelines exist for contacts, companies, opportunities and leads.",
            )),
        }
        .gql()?;
        let state = (
            after.unwrap_or_else(now),
            uuid::Uuid::nil(),
            VecDeque::<timeline_entry::Model>::new(),
            tokio::time::interval(POLL),
        );
        Ok(futures::stream::unfold(
            state,
            move |(mut at, mut last, mut buf, mut tick)| {
                let (cx, scope) = (cx.clone(), scope.clone());
                async move {
                    loop {
                        if let Some(e) = buf.pop_front() {
                            return Some((TimelineEntry(e), (at, last, buf, tick)));
                        }
                        tick.tick().await;
                        let newer = Condition::any().add(timeline_entry::Column::OccurredAt.gt(at)).add(
                            Condition::all()
                                .add(timeline_entry::Column::OccurredAt.eq(at))
                                .add(timeline_entry::Column::Id.gt(last)),
                        );
                        let rows = timeline_entry::Entity::find_in(scope.workspace_id)
                            .filter(timeline_entry::Column::RecordType.eq(record_type))
                            .filter(timeline_entry::Column::RecordId.eq(id))
                            .filter(newer)
                            .order_by_asc(timeline_entry::Column::OccurredAt)
                            .order_by_asc(timeline_entry::Column::Id)
                            .limit(100)
                            .all(&cx.db)
                            .await;
                        match rows {
                            Ok(rows) => {
                                if let Some(l) = rows.last() {
                                    (at, last) = (l.occurred_at, l.id);
                                }
                                buf.extend(rows);
                            }
                            // A database hiccup ends the subscription; the client resubscribes.
                            Err(e) => {
                                tracing::warn!(error = %e, "timeline subscription stopped");
                                return None;
                            }
                        }
                    }
                }
            },
        ))
    }
}
