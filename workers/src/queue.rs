//! The job queue: apalis storage on its own SQLite file (embedded default) or on Redis.
//!
//! Queue names are explicit (`rapport.send_mail`), never apalis' default Rust type name, so a
//! refactor cannot orphan queued jobs.

use std::path::PathBuf;
use std::time::Duration;

use apalis::prelude::{TaskBuilder, TaskSink};
use apalis_redis::{Config as RedisConfig, ConnectionManager, RedisStorage};
use apalis_sqlite::{Config as SqliteConfig, SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteStorage};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};
use crate::jobs::SendMail;

pub const SEND_MAIL_QUEUE: &str = "rapport.send_mail";

/// Attempts the queue itself makes for one enqueued job (infrastructure failures such as a
/// busy database). Delivery failures are retried by the ledger's own schedule instead.
const MAX_ATTEMPTS: usize = 4;

/// Where jobs are kept.
#[derive(Clone)]
pub enum JobStore {
    /// An SQLite file of its own (apalis tunes its connections for throughput, which must not
    /// touch the application's database).
    Sqlite(PathBuf),
    /// Redis; `namespace` prefixes every key so installations and tests can share a server.
    Redis { url: SecretString, namespace: String },
}

#[derive(Clone)]
pub(crate) enum Backend {
    Sqlite {
        pool: SqlitePool,
        config: SqliteConfig,
        queue: String,
    },
    Redis {
        conn: ConnectionManager,
        config: RedisConfig,
        queue: String,
    },
}

/// A handle to push jobs; cheap to clone.
#[derive(Clone)]
pub struct Queue {
    pub(crate) backend: Backend,
}

impl Queue {
    /// Opens (and on SQLite creates and migrates) the job store. `heartbeat` sets how soon the
    /// jobs of a dead worker are handed to a live one (two missed heartbeats).
    pub async fn open(store: &JobStore, heartbeat: Duration) -> Result<Self> {
        let backend = match store {
            JobStore::Sqlite(path) => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .pragma("journal_mode", "WAL")
                    .pragma("synchronous", "NORMAL")
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(opts)
                    .await
                    .map_err(|e| Error::Queue(format!("cannot open job store {}: {e}", path.display())))?;
                // Only the migrations: `setup()` would also turn `synchronous=OFF` on a
                // connection, trading durability of queued jobs for speed.
                SqliteStorage::<()>::migrations()
                    .run(&pool)
                    .await
                    .map_err(|e| Error::Queue(format!("cannot migrate job store: {e}")))?;
                let config = SqliteConfig::default()
                    .queue(SEND_MAIL_QUEUE)
                    .heartbeat_interval(heartbeat)
                    .missed_heartbeats(2);
                Backend::Sqlite {
                    pool,
                    config,
                    queue: SEND_MAIL_QUEUE.to_string(),
                }
            }
            JobStore::Redis { url, namespace } => {
                let conn = apalis_redis::connect(url.expose_secret())
                    .await
                    .map_err(|e| Error::Queue(format!("cannot connect to Redis for jobs: {e}")))?;
                let queue = format!("{namespace}:{SEND_MAIL_QUEUE}");
                let config = RedisConfig::default()
                    .queue(&queue)
                    .heartbeat_interval(heartbeat)
                    .missed_heartbeats(2);
                Backend::Redis { conn, config, queue }
            }
        };
        Ok(Self { backend })
    }

    /// Enqueues a delivery. Safe to call more than once for the same row.
    pub async fn push_send_mail(&self, job: SendMail) -> Result<()> {
        let task = TaskBuilder::new(job).max_attempts(MAX_ATTEMPTS).build();
        match &self.backend {
            Backend::Sqlite { pool, config, .. } => {
                let mut s: SqliteStorage<SendMail> = SqliteStorage::new(pool).with_config(config.clone());
                s.push_task(task).await.map_err(|e| Error::Queue(e.to_string()))
            }
            Backend::Redis { conn, config, .. } => {
                let mut s: RedisStorage<SendMail> = RedisStorage::new(conn.clone()).with_config(config.clone());
                s.push_task(task).await.map_err(|e| Error::Queue(e.to_string()))
            }
        }
    }

    /// Removes every job of this installation's queue. For operators after restoring a
    /// database backup (the ledger re-enqueues what is due) and for tests of a lost queue.
    pub async fn clear(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite { pool, queue, .. } => {
                sqlx::query("DELETE FROM Jobs WHERE job_type = ?1")
                    .bind(queue.as_str())
                    .execute(pool)
                    .await
                    .map_err(|e| Error::Queue(e.to_string()))?;
            }
            Backend::Redis { conn, queue, .. } => {
                let mut c = conn.clone();
                let q = |e: redis::RedisError| Error::Queue(e.to_string());
                let keys: Vec<String> = redis::cmd("KEYS")
                    .arg(format!("{queue}:*"))
                    .query_async(&mut c)
                    .await
                    .map_err(q)?;
                for k in keys {
                    let _: i64 = redis::cmd("DEL").arg(&k).query_async(&mut c).await.map_err(q)?;
                }
            }
        }
        Ok(())
    }

    /// Jobs not yet finished: queued, running, or failed with attempts left.
    pub async fn outstanding(&self) -> Result<i64> {
        match &self.backend {
            Backend::Sqlite { pool, queue, .. } => sqlx::query_scalar(
                "SELECT COUNT(*) FROM Jobs WHERE job_type = ?1 AND (status IN ('Pending', 'Queued', 'Running') \
                 OR (status = 'Failed' AND attempts < max_attempts))",
            )
            .bind(queue.as_str())
            .fetch_one(pool)
            .await
            .map_err(|e| Error::Queue(e.to_string())),
            Backend::Redis { conn, config, .. } => {
                let mut c = conn.clone();
                let q = |e: redis::RedisError| Error::Queue(e.to_string());
                let active: i64 = redis::cmd("LLEN")
                    .arg(config.active_jobs_list())
                    .query_async(&mut c)
                    .await
                    .map_err(q)?;
                let scheduled: i64 = redis::cmd("ZCARD")
                    .arg(config.scheduled_jobs_set())
                    .query_async(&mut c)
                    .await
                    .map_err(q)?;
                let keys: Vec<String> = redis::cmd("KEYS")
                    .arg(format!("{}:*", config.inflight_jobs_set()))
                    .query_async(&mut c)
                    .await
                    .map_err(q)?;
                let mut inflight = 0i64;
                for k in keys {
                    let n: i64 = redis::cmd("SCARD").arg(&k).query_async(&mut c).await.map_err(q)?;
                    inflight += n;
                }
                Ok(active + scheduled + inflight)
            }
        }
    }
}
