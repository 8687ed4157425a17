//! `rapport::Error`: the crate's one error type. Service functions return it; the GraphQL edge
//! maps it to `extensions.code` (see `graphql::errors`), and only there.

/// The closed set of failures a client can see, plus the internal ones it never sees in detail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    /// Unknown ids and ids of another workspace answer exactly alike.
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    BadInput { field: String, message: String },
    /// An uploaded file that cannot be read (a CSV import with broken quoting or bytes, or an
    /// upload that broke off), at a line when there is one. Nothing of it was applied.
    #[error("{message}")]
    BadFile { line: Option<u64>, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("jobs: {0}")]
    Worker(#[from] workers::Error),
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn bad_file(line: Option<u64>, message: impl Into<String>) -> Self {
        Error::BadFile {
            line,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Error::NotFound(format!("No {what} with this id exists in your workspace."))
    }

    /// True for failures whose details must stay in the log.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Error::Config(_) | Error::Database(_) | Error::Worker(_) | Error::Redis(_) | Error::Internal(_)
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
