//! Outbound mail: SMTP through lettre, or `.eml` files in an outbox folder when no SMTP server
//! is configured (zero-config installs). Mail is never silently dropped.
//!
//! Headers are built only through lettre's typed builders, so no caller can inject CR/LF.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, FailureKind, Result};

/// One mail, ready to go out. `message_id` is ours (without angle brackets) so replies thread back.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub message_id: String,
    /// Used to name the outbox file, so a retried delivery overwrites instead of duplicating.
    pub delivery_id: String,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

/// Sends mail through whichever transport the configuration chose.
pub struct Mailer {
    transport: Transport,
}

impl Mailer {
    /// SMTP from a URL such as `smtp://host:25`, `smtp://user:pass@host:587?tls=required` or
    /// `smtps://host:465` (lettre's URL syntax). The URL may hold a password: it stays secret.
    pub fn smtp(url: &SecretString, timeout: Duration) -> Result<Self> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .map_err(|e| Error::Config(format!("RAPPORT_SMTP_URL is not a valid SMTP URL: {e}")))?;
        Ok(Self {
            transport: Transport::Smtp(builder.timeout(Some(timeout)).build()),
        })
    }

    /// Writes each mail as `<outbox>/<delivery id>.eml`.
    pub fn outbox(dir: PathBuf) -> Self {
        Self {
            transport: Transport::Outbox(dir),
        }
    }

    /// A short name for logs and the ledger: `smtp` or `outbox:<dir>`.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "smtp".to_string(),
            Transport::Outbox(dir) => format!("outbox:{}", dir.display()),
        }
    }

    pub fn is_outbox(&self) -> bool {
        matches!(self.transport, Transport::Outbox(_))
    }

    /// Sends one mail. Errors say whether trying again could help.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<()> {
        let message = build(mail)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                let kind = if e.is_permanent() {
                    FailureKind::Permanent
                } else {
                    FailureKind::Retryable
                };
                Error::Transport {
                    kind,
                    message: e.to_string(),
                }
            }),
            Transport::Outbox(dir) => write_outbox(dir, &mail.delivery_id, &message.formatted()).await,
        }
    }
}

/// Whether `s` is a mailbox lettre accepts, e.g. `Rapport <crm@example.com>`.
pub fn is_valid_mailbox(s: &str) -> bool {
    s.parse::<Mailbox>().is_ok()
}

fn build(mail: &OutgoingMail) -> Result<Message> {
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|e| Error::MailBuild(format!("sender {:?}: {e}", mail.from)))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| Error::MailBuild(format!("recipient {:?}: {e}", mail.to)))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}>", mail.message_id)))
        .header(ContentType::TEXT_PLAIN)
        .body(mail.text.clone())
        .map_err(|e| Error::MailBuild(e.to_string()))
}

/// Write-then-rename, so a reader never sees half a mail and a crash leaves no torn file.
async fn write_outbox(dir: &std::path::Path, delivery_id: &str, bytes: &[u8]) -> Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let tmp = dir.join(format!(".{delivery_id}.eml.tmp"));
    let path = dir.join(format!("{delivery_id}.eml"));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, &path).await?;
    tracing::info!(path = %path.display(), "no SMTP server configured: mail written to the outbox folder");
    Ok(())
}
