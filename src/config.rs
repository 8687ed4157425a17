//! Configuration: one struct, loaded once at start-up.
//!
//! Layers, later wins: built-in defaults (zero configuration: SQLite and an embedded job store
//! under `./rapport-data/`) → the TOML file named by `RAPPORT_CONFIG` (default `rapport.toml`,
//! if present) → `RAPPORT_*` environment variables (`RAPPORT_DATABASE_URL` sets
//! `database_url`). Nothing else in the code base reads the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::error::{Error, Result};

/// Which parts of the product this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Gateway and workers in one process (the default).
    All,
    /// Only the GraphQL gateway; jobs are enqueued for separate workers.
    Api,
    /// Only the background workers.
    Worker,
}

/// `production` turns off introspection, suggestions and GraphiQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Every setting, with its environment variable in the doc comment. README's configuration
/// table lists the same names; a test keeps the two in step.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    // --- process ---
    /// RAPPORT_MODE: all | api | worker.
    pub mode: Mode,
    /// RAPPORT_ENV: development | production.
    pub env: Environment,
    /// RAPPORT_LOG_FORMAT: text | json.
    pub log_format: LogFormat,
    /// RAPPORT_DATA_DIR: where the embedded defaults keep their files.
    pub data_dir: PathBuf,

    // --- HTTP gateway ---
    /// RAPPORT_LISTEN: address the gateway binds.
    pub listen: SocketAddr,
    /// RAPPORT_PUBLIC_URL: how people reach the product; used in links inside mail.
    pub public_url: String,
    /// RAPPORT_CORS_ORIGINS: comma-separated browser origins allowed to call the API.
    pub cors_origins: String,
    /// RAPPORT_TRUST_FORWARDED_FOR: take the client IP from `X-Forwarded-For` (behind a proxy).
    pub trust_forwarded_for: bool,
    /// RAPPORT_MAX_BODY_BYTES: largest request body accepted.
    pub max_body_bytes: usize,
    /// RAPPORT_REQUEST_TIMEOUT_SECS: execution limit of one GraphQL request.
    pub request_timeout_secs: u64,
    /// RAPPORT_MAX_DEPTH: deepest selection set accepted.
    pub max_depth: usize,
    /// RAPPORT_MAX_COMPLEXITY: query cost limit (list fields cost `first` × child).
    pub max_complexity: usize,
    /// RAPPORT_MAX_BATCH: most operations in one batched request.
    pub max_batch: usize,
    /// RAPPORT_GRAPHIQL: serve GraphiQL on GET /graphql (default: on unless production).
    pub graphiql: Option<bool>,

    // --- storage ---
    /// RAPPORT_DATABASE_URL: `postgres://…` or `sqlite://…` (default: SQLite in the data dir).
    pub database_url: Option<SecretString>,
    /// RAPPORT_DATABASE_MAX_CONNECTIONS: connection pool size.
    pub database_max_connections: u32,
    /// RAPPORT_REDIS_URL: `redis://…`; jobs and rate limits move to Redis when set.
    pub redis_url: Option<SecretString>,
    /// RAPPORT_REDIS_PREFIX: key prefix, so that several installations can share one Redis.
    pub redis_prefix: String,
    /// RAPPORT_JOB_STORE_PATH: the embedded job store's SQLite file (when no Redis).
    pub job_store_path: Option<PathBuf>,
    /// RAPPORT_WORKER_CONCURRENCY: jobs one worker process runs at once.
    pub worker_concurrency: usize,

    // --- mail ---
    /// RAPPORT_SMTP_URL: `smtp://user:pass@host:587?tls=required`; unset writes `.eml` files.
    pub smtp_url: Option<SecretString>,
    /// RAPPORT_MAIL_FROM: sender of mail the product sends.
    pub mail_from: String,
    /// RAPPORT_OUTBOX_DIR: where mail goes when no SMTP server is configured.
    pub outbox_dir: Option<PathBuf>,
    /// RAPPORT_MAIL_MAX_ATTEMPTS: deliveries give up (and say why) after this many tries.
    pub mail_max_attempts: i32,

    // --- security ---
    /// RAPPORT_SECRET_KEY: 32 bytes, base64; derives invitation tokens and encrypts secrets.
    /// Default: generated once into `<data dir>/secret.key`.
    pub secret_key: Option<SecretString>,
    /// RAPPORT_SESSION_TTL_HOURS: lifetime of a sign-in session.
    pub session_ttl_hours: i64,
    /// RAPPORT_INVITATION_TTL_HOURS: how long an invitation can be accepted.
    pub invitation_ttl_hours: i64,
    /// RAPPORT_LOGIN_RATE_PER_MINUTE: sign-in attempts per account and per IP, refilled per minute.
    pub login_rate_per_minute: u32,
    /// RAPPORT_LOGIN_BURST: sign-in attempts allowed back to back before the rate applies.
    pub login_burst: u32,
    /// RAPPORT_AUTH_CACHE_SECS: how long a verified token's scope is reused without reading the
    /// database (0 = never). Revocations and role changes drop it at once, in every process
    /// subscribed to the same Redis; this bounds only changes made outside the API.
    pub auth_cache_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::All,
            env: Environment::Development,
            log_format: LogFormat::Text,
            data_dir: PathBuf::from("rapport-data"),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: "http://127.0.0.1:8080".into(),
            cors_origins: String::new(),
            trust_forwarded_for: false,
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            max_depth: 12,
            max_complexity: 10_000,
            max_batch: 10,
            graphiql: None,
            database_url: None,
            database_max_connections: 10,
            redis_url: None,
            redis_prefix: "rapport".into(),
            job_store_path: None,
            worker_concurrency: 4,
            smtp_url: None,
            mail_from: "Rapport <rapport@localhost>".into(),
            outbox_dir: None,
            mail_max_attempts: 8,
            secret_key: None,
            session_ttl_hours: 24 * 30,
            invitation_ttl_hours: 24 * 7,
            login_rate_per_minute: 10,
            login_burst: 10,
            auth_cache_secs: 10,
        }
    }
}

/// Variables that belong to the test harness and CI scripts, not to the product.
const NOT_CONFIG: &[&str] = &["CONFIG", "REQUIRE_SERVICES"];

impl Config {
    /// Defaults, then the TOML file, then `RAPPORT_*` variables; then `validate()`.
    pub fn load() -> Result<Self> {
        let file = std::env::var("RAPPORT_CONFIG").unwrap_or_else(|_| "rapport.toml".into());
        let config: Config = Figment::new()
            .merge(Toml::file(&file))
            .merge(Env::prefixed("RAPPORT_").filter(|k| {
                let k = k.as_str().to_ascii_uppercase();
                !NOT_CONFIG.contains(&k.as_str()) && !k.starts_with("TEST_")
            }))
            .extract()
            .map_err(|e| Error::Config(format!("{e} (from {file} or a RAPPORT_* variable)")))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what can be checked before connecting to anything; messages say what to set.
    pub fn validate(&self) -> Result<()> {
        let db = self.database_url();
        if !(db.starts_with("sqlite:") || db.starts_with("postgres://") || db.starts_with("postgresql://")) {
            return Err(Error::Config(
                "RAPPORT_DATABASE_URL must start with postgres:// or sqlite: (leave it unset for the embedded SQLite file)".into(),
            ));
        }
        if let Some(redis) = &self.redis_url {
            let r = redis.expose_secret();
            if !(r.starts_with("redis://") || r.starts_with("rediss://")) {
                return Err(Error::Config(
                    "RAPPORT_REDIS_URL must start with redis:// or rediss://".into(),
                ));
            }
        }
        if let Some(smtp) = &self.smtp_url {
            let s = smtp.expose_secret();
            if !(s.starts_with("smtp://") || s.starts_with("smtps://")) {
                return Err(Error::Config(
                    "RAPPORT_SMTP_URL must start with smtp:// or smtps://".into(),
                ));
            }
        }
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err(Error::Config(
                "RAPPORT_PUBLIC_URL must be an http:// or https:// URL".into(),
            ));
        }
        if !workers::mail::is_valid_mailbox(&self.mail_from) {
            return Err(Error::Config(format!(
                "RAPPORT_MAIL_FROM {:?} is not a mail address such as `Rapport <crm@example.com>`",
                self.mail_from
            )));
        }
        let positive = [
            ("RAPPORT_MAX_BODY_BYTES", self.max_body_bytes as u64),
            ("RAPPORT_REQUEST_TIMEOUT_SECS", self.request_timeout_secs),
            ("RAPPORT_MAX_DEPTH", self.max_depth as u64),
            ("RAPPORT_MAX_COMPLEXITY", self.max_complexity as u64),
            ("RAPPORT_MAX_BATCH", self.max_batch as u64),
            (
                "RAPPORT_DATABASE_MAX_CONNECTIONS",
                u64::from(self.database_max_connections),
            ),
            ("RAPPORT_WORKER_CONCURRENCY", self.worker_concurrency as u64),
            ("RAPPORT_LOGIN_RATE_PER_MINUTE", u64::from(self.login_rate_per_minute)),
            ("RAPPORT_LOGIN_BURST", u64::from(self.login_burst)),
            ("RAPPORT_MAIL_MAX_ATTEMPTS", self.mail_max_attempts.max(0) as u64),
            ("RAPPORT_SESSION_TTL_HOURS", self.session_ttl_hours.max(0) as u64),
            ("RAPPORT_INVITATION_TTL_HOURS", self.invitation_ttl_hours.max(0) as u64),
        ];
        if self.auth_cache_secs > 300 {
            return Err(Error::Config(
                "RAPPORT_AUTH_CACHE_SECS must be at most 300 (0 turns the cache off)".into(),
            ));
        }
        if let Some((name, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(Error::Config(format!("{name} must be a positive number")));
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose_secret().to_string(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("rapport.db").display()),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }

    pub fn job_store_path(&self) -> PathBuf {
        self.job_store_path
            .clone()
            .unwrap_or_else(|| self.data_dir.join("jobs.db"))
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.outbox_dir.clone().unwrap_or_else(|| self.data_dir.join("outbox"))
    }

    pub fn secret_key_path(&self) -> PathBuf {
        self.data_dir.join("secret.key")
    }

    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }

    pub fn graphiql_enabled(&self) -> bool {
        self.graphiql.unwrap_or(!self.is_production())
    }

    pub fn cors_origins(&self) -> Vec<String> {
        self.cors_origins
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    pub fn runs_api(&self) -> bool {
        matches!(self.mode, Mode::All | Mode::Api)
    }

    pub fn runs_workers(&self) -> bool {
        matches!(self.mode, Mode::All | Mode::Worker)
    }
}
