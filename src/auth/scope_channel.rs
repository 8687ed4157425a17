//! Tells the other processes sharing a Redis that a workspace's token scopes changed, and
//! listens for their news, so that every process's [`ScopeCache`] forgets at once.
//!
//! The message is the workspace id alone: no token, user or secret crosses the channel.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use uuid::Uuid;

use super::scope_cache::ScopeCache;

pub struct ScopeChannel {
    conn: ConnectionManager,
    channel: String,
}

impl ScopeChannel {
    /// Subscribes (so a process that starts cannot miss a change made after its start) and
    /// leaves a task listening, which keeps `cache` live only while it is subscribed and
    /// resubscribes after Redis restarts.
    pub async fn start(
        client: redis::Client,
        conn: ConnectionManager,
        prefix: &str,
        cache: Arc<ScopeCache>,
    ) -> redis::RedisResult<Self> {
        let channel = format!("{prefix}:auth-scopes");
        cache.set_live(false);
        let first = subscribe(&client, &channel).await?;
        tokio::spawn(listen(client, channel.clone(), first, cache));
        Ok(Self { conn, channel })
    }

    /// Announces that the workspace's scopes changed. A failure is logged, not returned: the
    /// change has committed, and a process that cannot hear Redis either is not live (its
    /// cache answers nothing) or forgets within the cache's time to live.
    pub async fn publish(&self, workspace_id: Uuid) {
        let mut conn = self.conn.clone();
        let sent: redis::RedisResult<i64> = conn.publish(&self.channel, workspace_id.to_string()).await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, %workspace_id, "could not announce a change of token scopes");
        }
    }
}

async fn listen(client: redis::Client, channel: String, first: redis::aio::PubSub, cache: Arc<ScopeCache>) {
    let mut pubsub = Some(first);
    let mut pause = Duration::from_millis(100);
    loop {
        let subscribed = match pubsub.take() {
            Some(p) => Ok(p),
            None => subscribe(&client, &channel).await,
        };
        match subscribed {
            Ok(mut p) => {
                pause = Duration::from_millis(100);
                cache.set_live(true);
                let mut messages = p.on_message();
                while let Some(msg) = messages.next().await {
                    match msg.get_payload::<String>().ok().and_then(|m| Uuid::parse_str(&m).ok()) {
                        Some(ws) => cache.forget_workspace(ws),
                        // Not ours to parse: forgetting everything is always safe.
                        None => cache.forget_all(),
                    }
                }
                cache.set_live(false);
                tracing::warn!("lost the Redis subscription for token scopes; resubscribing");
            }
            Err(e) => {
                cache.set_live(false);
                tracing::warn!(error = %e, "cannot subscribe to token scope changes in Redis; retrying");
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

async fn subscribe(client: &redis::Client, channel: &str) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    Ok(pubsub)
}
