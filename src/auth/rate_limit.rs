//! Token buckets for sign-in attempts, keyed per account and per client IP. In Redis when
//! configured (shared by every gateway replica), in process memory otherwise.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use redis::aio::ConnectionManager;

use crate::error::{Error, Result};

pub struct RateLimiter {
    per_minute: f64,
    burst: f64,
    backend: Backend,
}

enum Backend {
    Local(Mutex<HashMap<String, (f64, Instant)>>),
    Redis { conn: ConnectionManager, prefix: String },
}

/// Refill-then-take, atomically. Returns {allowed, seconds until a token is back}.
const BUCKET_LUA: &str = r#"
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 60.0
local burst = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(v[1]) or burst
local ts = tonumber(v[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
local wait = 0
if allowed == 0 then wait = math.ceil((1 - tokens) / rate) end
return {allowed, wait}
"#;

impl RateLimiter {
    pub fn local(per_minute: u32, burst: u32) -> Self {
        Self {
            per_minute: f64::from(per_minute),
            burst: f64::from(burst),
            backend: Backend::Local(Mutex::new(HashMap::new())),
        }
    }

    pub fn redis(conn: ConnectionManager, prefix: &str, per_minute: u32, burst: u32) -> Self {
        Self {
            per_minute: f64::from(per_minute),
            burst: f64::from(burst),
            backend: Backend::Redis {
                conn,
                prefix: format!("{prefix}:ratelimit:"),
            },
        }
    }

    /// Takes one token from every bucket named; `RATE_LIMITED` if any is empty.
    pub async fn check(&self, keys: &[String]) -> Result<()> {
        let mut wait = 0u64;
        for key in keys {
            wait = wait.max(self.take(key).await?);
        }
        if wait > 0 {
            Err(Error::RateLimited { retry_after_secs: wait })
        } else {
            Ok(())
        }
    }

    /// Seconds to wait (0 = allowed).
    async fn take(&self, key: &str) -> Result<u64> {
        match &self.backend {
            Backend::Local(map) => {
                let rate = self.per_minute / 60.0;
                let mut map = map
                    .lock()
                    .map_err(|_| Error::Internal("rate limiter lock poisoned".into()))?;
                if map.len() > 100_000 {
                    // Bounded memory under a spray of distinct keys: full buckets carry no state.
                    let now = Instant::now();
                    map.retain(|_, (t, ts)| *t + now.duration_since(*ts).as_secs_f64() * rate < self.burst);
                }
                let now = Instant::now();
                let (tokens, ts) = map.entry(key.to_string()).or_insert((self.burst, now));
                *tokens = (*tokens + now.duration_since(*ts).as_secs_f64() * rate).min(self.burst);
                *ts = now;
                if *tokens >= 1.0 {
                    *tokens -= 1.0;
                    Ok(0)
                } else {
                    Ok(((1.0 - *tokens) / rate).ceil() as u64)
                }
            }
            Backend::Redis { conn, prefix } => {
                let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
                let mut conn = conn.clone();
                let (allowed, wait): (i64, i64) = redis::Script::new(BUCKET_LUA)
                    .key(format!("{prefix}{key}"))
                    .arg(now)
                    .arg(self.per_minute)
                    .arg(self.burst)
                    .invoke_async(&mut conn)
                    .await?;
                Ok(if allowed == 1 { 0 } else { wait.max(1) as u64 })
            }
        }
    }
}
