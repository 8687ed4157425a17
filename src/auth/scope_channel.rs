//! Tells the other processes sharing a Redis that a workspace's token scopes changed, and
//! listens for their news, so that every process's [`ScopeCache`] forgets at once.
//!
//! The message is the workspace id and the sending process's random id: no token, user or
//! secret crosses the channel. A process skips its own messages: it forgot the workspace
//! before announcing it, and forgetting it again when the echo came back made its next
//! request read the token once more for nothing (and, in the tests, at a time that depended on
//! Redis).

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
    /// This process's id in its messages.
    sender: Uuid,
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
        let sender = Uuid::new_v4();
        tokio::spawn(listen(client, channel.clone(), first, cache, sender));
        Ok(Self { conn, channel, sender })
    }

    /// Announces that the workspace's scopes changed, from a task of its own: the change has
    /// committed, so neither a slow Redis nor a request cancelled at this point may keep the
    /// news from the other processes. Retried a few times; if Redis stays unreachable the other
    /// processes are either cut off too (then their caches answer nothing) or forget within the
    /// cache's time to live.
    pub fn publish(&self, workspace_id: Uuid) {
        let (mut conn, channel) = (self.conn.clone(), self.channel.clone());
        let message = format!("{workspace_id} {}", self.sender);
        tokio::spawn(async move {
            let mut pause = Duration::from_millis(50);
            for attempt in 1..=5 {
                let sent: redis::RedisResult<i64> = conn.publish(&channel, &message).await;
                match sent {
                    Ok(_) => return,
                    Err(e) if attempt == 5 => {
                        tracing::error!(error = %e, %workspace_id, "could not announce a change of token scopes; other processes forget it within RAPPORT_AUTH_CACHE_SECS");
                    }
                    Err(_) => {
                        tokio::time::sleep(pause).await;
                        pause *= 2;
                    }
                }
            }
        });
    }
}

/// How often the listener checks that its subscription still reaches Redis: a subscriber
/// sends nothing, so a connection cut without a reset would otherwise look alive forever.
const CHECK_EVERY: Duration = Duration::from_secs(5);

async fn listen(client: redis::Client, channel: String, first: redis::aio::PubSub, cache: Arc<ScopeCache>, me: Uuid) {
    let mut pubsub = Some(first);
    let mut pause = Duration::from_millis(100);
    loop {
        let subscribed = match pubsub.take() {
            Some(p) => Ok(p),
            None => subscribe(&client, &channel).await,
        };
        match subscribed {
            Ok(p) => {
                pause = Duration::from_millis(100);
                cache.set_live(true);
                hear(p, &cache, me).await;
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

/// Applies the news until the subscription ends or stops answering a ping.
async fn hear(pubsub: redis::aio::PubSub, cache: &ScopeCache, me: Uuid) {
    let (mut sink, mut messages) = pubsub.split();
    let mut check = tokio::time::interval(CHECK_EVERY);
    check.tick().await;
    loop {
        tokio::select! {
            msg = messages.next() => match msg {
                Some(msg) => match msg.get_payload::<String>().ok().as_deref().and_then(parse) {
                    Some((_, Some(sender))) if sender == me => {}
                    Some((ws, _)) => cache.forget_workspace(ws),
                    // Not ours to parse: forgetting everything is always safe.
                    None => cache.forget_all(),
                },
                None => return,
            },
            _ = check.tick() => {
                let pong = tokio::time::timeout(CHECK_EVERY, sink.ping::<redis::Value>()).await;
                if !matches!(pong, Ok(Ok(_))) {
                    return;
                }
            }
        }
    }
}

/// A message: the workspace, then the sender (absent in messages of versions before it).
fn parse(message: &str) -> Option<(Uuid, Option<Uuid>)> {
    let mut parts = message.split(' ');
    let ws = Uuid::parse_str(parts.next()?).ok()?;
    let sender = match parts.next() {
        Some(s) => Some(Uuid::parse_str(s).ok()?),
        None => None,
    };
    parts.next().is_none().then_some((ws, sender))
}

async fn subscribe(client: &redis::Client, channel: &str) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    Ok(pubsub)
}

#[cfg(test)]
mod tests {
    use super::parse;
    use uuid::Uuid;

    #[test]
    fn messages_name_the_workspace_and_their_sender() {
        let (ws, me) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(parse(&format!("{ws} {me}")), Some((ws, Some(me))));
        assert_eq!(parse(&ws.to_string()), Some((ws, None)));
        assert_eq!(parse("hello"), None);
        assert_eq!(parse(&format!("{ws} {me} more")), None);
    }
}
