//! Rapport's background work: the job queue (apalis on an embedded SQLite file or on Redis),
//! the runtime that runs workers, and the outbound adapters (SMTP mail; later IMAP, Microsoft
//! Graph and chat apps).
//!
//! This crate holds no business rules and depends on no crate of ours: it calls back into the
//! application only through [`JobHandlers`], which the app's `jobs` module implements by calling
//! its service layer. The database is the source of truth; jobs carry only ids.

pub mod error;
pub mod jobs;
pub mod mail;
pub mod queue;
pub mod runtime;

pub use error::{Error, FailureKind, Result};
pub use jobs::{JobHandlers, SendMail};
pub use queue::{JobStore, Queue};
pub use runtime::Runtime;
