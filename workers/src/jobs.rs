//! Job payloads and the trait through which workers call the application.

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Result;

/// Deliver one row of the mail ledger. The row, not the job, says what to send; running this
/// twice sends once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendMail {
    pub workspace_id: Uuid,
    pub delivery_id: Uuid,
}

/// Implemented by the application (`rapport::jobs`). Handlers are idempotent: a queue may
/// deliver a job more than once (a worker killed mid-job, a sweep re-enqueueing a lost job).
pub trait JobHandlers: Send + Sync + 'static {
    fn send_mail(&self, job: SendMail) -> BoxFuture<'_, Result<()>>;

    /// Work the database says is due but the queue may have lost (a Redis restart without
    /// persistence, a crash between commit and enqueue). Re-enqueued by the runtime's sweep.
    fn due_mail(&self) -> BoxFuture<'_, Result<Vec<SendMail>>>;
}
