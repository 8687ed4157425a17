//! Implements `workers::JobHandlers` by calling the service layer: each handler builds the
//! scope from the job's `workspace_id`, calls one service function and maps its error.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use workers::mail::Mailer;
use workers::{JobHandlers, SendMail};

use crate::error::Error;
use crate::service::{self, Context};

pub struct Handlers {
    pub cx: Arc<Context>,
    pub mailer: Arc<Mailer>,
}

/// Service errors become retryable or permanent job failures; details stay in the log.
fn to_job_error(e: Error) -> workers::Error {
    match e {
        Error::Worker(w) => w,
        Error::Database(db) => workers::Error::retryable(format!("database: {db}")),
        other if other.is_internal() => workers::Error::retryable(other.to_string()),
        other => workers::Error::permanent(other.to_string()),
    }
}

impl JobHandlers for Handlers {
    fn send_mail(&self, job: SendMail) -> BoxFuture<'_, workers::Result<()>> {
        async move {
            service::mail_delivery::deliver(&self.cx, &self.mailer, job.workspace_id, job.delivery_id)
                .await
                .map_err(to_job_error)
        }
        .boxed()
    }

    fn due_mail(&self) -> BoxFuture<'_, workers::Result<Vec<SendMail>>> {
        async move { service::mail_delivery::due(&self.cx).await.map_err(to_job_error) }.boxed()
    }
}
