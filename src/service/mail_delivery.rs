//! The outgoing-mail ledger and its delivery: record in the business transaction, enqueue
//! after commit, claim before sending, settle after. A job that runs twice sends once; a job
//! the queue lost is found again by `due` and re-enqueued by the workers' sweep.
//!
//! The one window left is a crash after the SMTP server accepted the mail and before `sent`
//! was committed: the row's claim then goes stale and the mail is sent again, with the same
//! Message-ID, which mail clients treat as the same message.

use chrono::Duration;
use entity::{invitation, mail_delivery, user, workspace};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect, Set};
use secrecy::ExposeSecret;
use uuid::Uuid;
use workers::mail::{Mailer, OutgoingMail};
use workers::{FailureKind, SendMail};

use crate::error::{Error, Result};
use crate::service::{Context, now};

pub const KIND_INVITATION: &str = "invitation";

/// A fresh row is left to the normal enqueue for this long before the sweep treats it as lost.
const ENQUEUE_GRACE: i64 = 60;
/// A `sending` claim older than this belongs to a worker that died.
const STALE_CLAIM_MINUTES: i64 = 10;

pub struct NewDelivery {
    pub workspace_id: Uuid,
    pub idempotency_key: String,
    pub kind: &'static str,
    pub reference_id: Uuid,
    pub to: String,
    pub subject: String,
}

/// Inserts the ledger row inside the caller's transaction.
pub async fn record<C: ConnectionTrait>(db: &C, cx: &Context, d: NewDelivery) -> Result<mail_delivery::Model> {
    let id = Uuid::now_v7();
    Ok(mail_delivery::ActiveModel {
        id: Set(id),
        workspace_id: Set(d.workspace_id),
        idempotency_key: Set(d.idempotency_key),
        kind: Set(d.kind.into()),
        reference_id: Set(d.reference_id),
        to_address: Set(d.to),
        subject: Set(d.subject),
        message_id: Set(format!("{id}@{}", message_id_domain(cx))),
        state: Set("pending".into()),
        attempts: Set(0),
        last_error: Set(None),
        claimed_at: Set(None),
        next_attempt_at: Set(Some(now() + Duration::seconds(ENQUEUE_GRACE))),
        sent_at: Set(None),
        transport: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The domain of our Message-IDs: the sender's, so replies and bounces are recognisable.
fn message_id_domain(cx: &Context) -> String {
    let from = &cx.config.mail_from;
    let addr = from
        .rsplit_once('<')
        .map(|(_, a)| a.trim_end_matches('>'))
        .unwrap_or(from);
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "rapport.local".into())
}

/// Enqueues after commit. A failure is logged, not returned: the row is in the ledger and the
/// sweep will enqueue it, so the user's action has succeeded.
pub async fn enqueue(cx: &Context, row: &mail_delivery::Model) {
    if let Err(e) = cx
        .queue
        .push_send_mail(SendMail {
            workspace_id: row.workspace_id,
            delivery_id: row.id,
        })
        .await
    {
        tracing::warn!(workspace_id = %row.workspace_id, delivery_id = %row.id, error = %e, "enqueue failed; the recovery sweep will send it");
    }
}

/// Ledger rows that are due and may be missing from the queue, across workspaces (each job
/// carries its own row's workspace). Bounded per sweep.
pub async fn due(cx: &Context) -> Result<Vec<SendMail>> {
    let t = now();
    let rows = mail_delivery::Entity::find_unfinished()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(mail_delivery::Column::State.eq("pending"))
                        .add(mail_delivery::Column::NextAttemptAt.lte(t)),
                )
                .add(
                    Condition::all()
                        .add(mail_delivery::Column::State.eq("sending"))
                        .add(mail_delivery::Column::ClaimedAt.lte(t - Duration::minutes(STALE_CLAIM_MINUTES))),
                ),
        )
        .limit(500)
        .all(&cx.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| SendMail {
            workspace_id: r.workspace_id,
            delivery_id: r.id,
        })
        .collect())
}

/// Delivers one ledger row, at most once per claim. Returns Ok when there is nothing left to do
/// (sent, given up, or another worker holds a fresh claim).
pub async fn deliver(cx: &Context, mailer: &Mailer, workspace_id: Uuid, delivery_id: Uuid) -> Result<()> {
    let t = now();
    let claimed = mail_delivery::Entity::update_in(workspace_id)
        .filter(mail_delivery::Column::Id.eq(delivery_id))
        .filter(
            Condition::any().add(mail_delivery::Column::State.eq("pending")).add(
                Condition::all()
                    .add(mail_delivery::Column::State.eq("sending"))
                    .add(mail_delivery::Column::ClaimedAt.lte(t - Duration::minutes(STALE_CLAIM_MINUTES))),
            ),
        )
        .col_expr(mail_delivery::Column::State, Expr::value("sending"))
        .col_expr(mail_delivery::Column::ClaimedAt, Expr::value(t))
        .col_expr(
            mail_delivery::Column::Attempts,
            Expr::col(mail_delivery::Column::Attempts).add(1),
        )
        .col_expr(mail_delivery::Column::UpdatedAt, Expr::value(t))
        .exec(&cx.db)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(());
    }
    let row = mail_delivery::Entity::find_by_id_in(workspace_id, delivery_id)
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::Internal("claimed delivery vanished".into()))?;

    let text = match render(cx, &row).await {
        Ok(Some(text)) => text,
        Ok(None) => {
            return settle(
                cx,
                &row,
                Outcome::Cancelled("the invitation was withdrawn or used before its mail went out".into()),
                mailer,
            )
            .await;
        }
        Err(e) => {
            release(cx, &row).await?;
            return Err(e);
        }
    };
    let mail = OutgoingMail {
        from: cx.config.mail_from.clone(),
        to: row.to_address.clone(),
        subject: row.subject.clone(),
        text,
        message_id: row.message_id.clone(),
        delivery_id: row.id.to_string(),
    };
    let outcome = match mailer.send(&mail).await {
        Ok(()) => Outcome::Sent,
        Err(e) if e.kind() == FailureKind::Permanent => Outcome::Failed(e.to_string()),
        Err(e) if row.attempts >= cx.config.mail_max_attempts => {
            Outcome::Failed(format!("gave up after {} attempts: {e}", row.attempts))
        }
        Err(e) => Outcome::Retry(e.to_string()),
    };
    settle(cx, &row, outcome, mailer).await
}

enum Outcome {
    Sent,
    Retry(String),
    Failed(String),
    Cancelled(String),
}

async fn settle(cx: &Context, row: &mail_delivery::Model, outcome: Outcome, mailer: &Mailer) -> Result<()> {
    let mut am: mail_delivery::ActiveModel = row.clone().into();
    match &outcome {
        Outcome::Sent => {
            am.state = Set("sent".into());
            am.sent_at = Set(Some(now()));
            am.transport = Set(Some(if mailer.is_outbox() {
                "outbox".into()
            } else {
                "smtp".into()
            }));
            am.last_error = Set(None);
        }
        Outcome::Retry(e) => {
            am.state = Set("pending".into());
            am.last_error = Set(Some(e.clone()));
            am.next_attempt_at = Set(Some(now() + backoff(row.attempts)));
        }
        Outcome::Failed(e) | Outcome::Cancelled(e) => {
            am.state = Set(if matches!(outcome, Outcome::Failed(_)) {
                "failed".into()
            } else {
                "cancelled".into()
            });
            am.last_error = Set(Some(e.clone()));
        }
    }
    am.update(&cx.db).await?;
    match outcome {
        Outcome::Failed(e) => Err(Error::Worker(workers::Error::permanent(e))),
        _ => Ok(()),
    }
}

/// Gives a claim back when rendering failed for a reason that may pass (the database).
async fn release(cx: &Context, row: &mail_delivery::Model) -> Result<()> {
    let mut am: mail_delivery::ActiveModel = row.clone().into();
    am.state = Set("pending".into());
    am.next_attempt_at = Set(Some(now() + backoff(row.attempts)));
    am.update(&cx.db).await?;
    Ok(())
}

/// 30 s, 1 min, 2 min … capped at an hour, with ±20 % jitter so retries do not bunch up.
fn backoff(attempts: i32) -> Duration {
    let base = Ord::min(30i64.saturating_mul(1i64 << attempts.clamp(0, 7)), 3600);
    let jitter = (rand::random::<f64>() * 0.4 - 0.2) * base as f64;
    Duration::seconds(base + jitter as i64)
}

/// The body of a mail, rendered at send time from the rows it is about; `None` when the
/// reason for the mail no longer holds.
async fn render(cx: &Context, row: &mail_delivery::Model) -> Result<Option<String>> {
    match row.kind.as_str() {
        KIND_INVITATION => {
            let Some(inv) = invitation::Entity::find_by_id_in(row.workspace_id, row.reference_id)
                .one(&cx.db)
                .await?
            else {
                return Ok(None);
            };
            if inv.status != "pending" {
                return Ok(None);
            }
            let ws = workspace::Entity::by_id(row.workspace_id).one(&cx.db).await?;
            let inviter = user::Entity::find_by_id_in(row.workspace_id, inv.invited_by)
                .one(&cx.db)
                .await?;
            let token = cx.keys.derive_token("invitation", &inv.id)?;
            let base = cx.config.public_url.trim_end_matches('/');
            Ok(Some(format!(
                "Hello,\n\n{inviter} invited you to the workspace \"{ws}\" on Rapport.\n\n\
                 Accept the invitation and choose your password here:\n{base}/accept-invitation?token={token}\n\n\
                 Or call the GraphQL API at {base}/graphql with:\n\
                 mutation {{ acceptInvitation(input: {{ token: \"{token}\", password: \"<your new password>\" }}) {{ token }} }}\n\n\
                 Invitation token: {token}\n\
                 This invitation expires on {expires} (UTC).\n\nIf you did not expect this mail, you can ignore it.\n",
                inviter = inviter.map(|u| u.name).unwrap_or_else(|| "An admin".into()),
                ws = ws.map(|w| w.name).unwrap_or_default(),
                token = token.expose_secret(),
                expires = inv.expires_at.format("%Y-%m-%d %H:%M"),
            )))
        }
        other => Err(Error::Internal(format!("no renderer for mail kind {other:?}"))),
    }
}
