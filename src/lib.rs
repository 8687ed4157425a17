//! Rapport: an open-source CRM backend. This crate is the application: configuration, the
//! composition root (`app`), the GraphQL gateway (`http` → `graphql`), use cases (`service`)
//! over pure rules (`domain`), and the job handlers (`jobs`) that the `workers` crate calls.
//!
//! Dependency direction: `http → graphql → service → domain`; `service → entity, workers`;
//! `jobs → service`. Nothing but `app` depends on `http` or `graphql`.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod jobs;
pub mod scope;
pub mod service;

pub use app::App;
pub use config::Config;
pub use error::{Error, Result};
