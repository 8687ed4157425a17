//! The worker crate's one error type.

/// How a failed job should be treated by the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Try again later with backoff (network trouble, a 4xx SMTP reply, a busy database).
    Retryable,
    /// Never try again; the reason is recorded where the API can show it.
    Permanent,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("mail could not be built: {0}")]
    MailBuild(String),
    #[error("mail transport failed ({kind:?}): {message}")]
    Transport { kind: FailureKind, message: String },
    #[error("job queue error: {0}")]
    Queue(String),
    #[error("job failed ({kind:?}): {message}")]
    Job { kind: FailureKind, message: String },
    #[error("configuration error: {0}")]
    Config(String),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub fn kind(&self) -> FailureKind {
        match self {
            Error::Transport { kind, .. } | Error::Job { kind, .. } => *kind,
            Error::MailBuild(_) | Error::Config(_) => FailureKind::Permanent,
            Error::Queue(_) | Error::Io(_) => FailureKind::Retryable,
        }
    }

    pub fn retryable(message: impl Into<String>) -> Self {
        Error::Job {
            kind: FailureKind::Retryable,
            message: message.into(),
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        Error::Job {
            kind: FailureKind::Permanent,
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
