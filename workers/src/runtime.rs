//! Runs the workers of one process until shutdown, plus the recovery sweep that re-enqueues
//! work the database says is due (the queue is a delivery mechanism, not the record).

use std::sync::Arc;
use std::time::Duration;

use apalis::layers::retry::backoff::{ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff};
use apalis::layers::retry::{BackoffRetryPolicy, HasherRng, RetryPolicy};
use apalis::prelude::*;
use apalis_redis::RedisStorage;
use apalis_sqlite::SqliteStorage;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, FailureKind, Result};
use crate::jobs::{JobHandlers, SendMail};
use crate::queue::{Backend, Queue};

/// How often a SQLite-backed worker looks for new jobs.
const POLL: Duration = Duration::from_millis(200);

pub struct Runtime {
    queue: Queue,
    handlers: Arc<dyn JobHandlers>,
    name: String,
    concurrency: usize,
    sweep_every: Duration,
}

/// The handlers as worker data. A named type rather than `Arc<dyn JobHandlers>` in the
/// handler's signature: the trait object's lifetime there defeats the compiler's proof that
/// the worker future is `Send`.
#[derive(Clone)]
struct Shared(Arc<dyn JobHandlers>);

async fn send_mail(job: SendMail, handlers: Data<Shared>) -> std::result::Result<(), BoxDynError> {
    let Shared(handlers) = &*handlers;
    match handlers.send_mail(job.clone()).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == FailureKind::Permanent => {
            tracing::error!(workspace_id = %job.workspace_id, delivery_id = %job.delivery_id, error = %e, "mail job failed for good");
            Err(AbortError::new(e).into())
        }
        Err(e) => {
            tracing::warn!(workspace_id = %job.workspace_id, delivery_id = %job.delivery_id, error = %e, "mail job failed; will retry");
            Err(e.into())
        }
    }
}

impl Runtime {
    /// `name` must be unique per process: apalis refuses a second live worker of one name.
    pub fn new(queue: Queue, handlers: Arc<dyn JobHandlers>, name: String, concurrency: usize) -> Self {
        Self {
            queue,
            handlers,
            name,
            concurrency,
            sweep_every: Duration::from_secs(30),
        }
    }

    /// A worker name unique to this process: host, pid and a random suffix.
    pub fn unique_name(prefix: &str) -> String {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        format!(
            "{prefix}-{host}-{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        )
    }

    fn retry() -> Result<BackoffRetryPolicy<ExponentialBackoff>> {
        let backoff = ExponentialBackoffMaker::new(
            Duration::from_millis(500),
            Duration::from_secs(30),
            0.5,
            HasherRng::default(),
        )
        .map_err(|e| Error::Config(format!("retry backoff: {e}")))?
        .make_backoff();
        Ok(RetryPolicy::retries(2).with_backoff(backoff))
    }

    /// Re-enqueues due work once.
    pub async fn sweep(&self) -> Result<usize> {
        let due = self.handlers.due_mail().await?;
        let n = due.len();
        for job in due {
            self.queue.push_send_mail(job).await?;
        }
        if n > 0 {
            tracing::info!(jobs = n, "recovery sweep re-enqueued due mail");
        }
        Ok(n)
    }

    /// Runs until `shutdown` fires; in-flight jobs finish before this returns.
    pub async fn run(&self, shutdown: CancellationToken) -> Result<()> {
        tracing::info!(worker = %self.name, "workers started");
        let sweeper = async {
            loop {
                if let Err(e) = self.sweep().await {
                    tracing::warn!(error = %e, "recovery sweep failed; will try again");
                }
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(self.sweep_every) => {}
                }
            }
        };
        let worker = self.run_worker(&self.name, shutdown.clone());
        let (res, ()) = tokio::join!(worker, sweeper);
        tracing::info!(worker = %self.name, "workers stopped");
        res
    }

    /// Runs a worker until every queued job is finished, then stops it. For tests and the
    /// `jobs drain` command; it waits on the queue's own state, never on a fixed delay.
    pub async fn drain(&self) -> Result<()> {
        self.sweep().await?;
        let name = format!(
            "{}-drain-{}",
            self.name,
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let idle = CancellationToken::new();
        let queue = self.queue.clone();
        let stop = idle.clone();
        let watcher = async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
            let mut quiet = 0;
            loop {
                // Two quiet readings in a row: a job picked up between a count and the next
                // fetch shows as `Running`, so one zero could race a hand-over.
                match queue.outstanding().await {
                    Ok(0) => quiet += 1,
                    Ok(_) => quiet = 0,
                    Err(e) => tracing::warn!(error = %e, "drain: cannot read the queue"),
                }
                if quiet >= 2 || tokio::time::Instant::now() > deadline {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            stop.cancel();
        };
        let (res, ()) = tokio::join!(self.run_worker(&name, idle.clone()), watcher);
        res?;
        match self.queue.outstanding().await? {
            0 => Ok(()),
            n => Err(Error::Queue(format!("drain gave up with {n} jobs still queued"))),
        }
    }

    async fn run_worker(&self, name: &str, stop: CancellationToken) -> Result<()> {
        let handlers = Shared(self.handlers.clone());
        let until = async move {
            stop.cancelled().await;
            Ok::<(), WorkerError>(())
        };
        let res = match &self.queue.backend {
            Backend::Sqlite { pool, config, .. } => {
                let storage: SqliteStorage<SendMail> = SqliteStorage::new(pool).with_config(config.clone());
                WorkerBuilder::new(name)
                    .backend(storage.poll_with_interval(POLL))
                    .data(handlers)
                    .concurrency(self.concurrency)
                    .retry(Self::retry()?)
                    .build(send_mail)
                    .run_until(until)
                    .await
            }
            Backend::Redis { conn, config, .. } => {
                let storage: RedisStorage<SendMail> = RedisStorage::new(conn.clone()).with_config(config.clone());
                WorkerBuilder::new(name)
                    .backend(storage)
                    .data(handlers)
                    .concurrency(self.concurrency)
                    .retry(Self::retry()?)
                    .build(send_mail)
                    .run_until(until)
                    .await
            }
        };
        res.map_err(|e| Error::Queue(format!("worker {name} stopped with an error: {e}")))
    }
}
