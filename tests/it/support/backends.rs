//! Which real servers a test runs against. Plain `cargo test`: SQLite files, the SQLite job
//! store and the outbox folder, all in a temporary directory. With `RAPPORT_TEST_DATABASE_URL`,
//! `RAPPORT_TEST_REDIS_URL` and `RAPPORT_TEST_SMTP_URL` (set by `.ci/run`): a new PostgreSQL
//! database per test, a fresh Redis key prefix, and a real SMTP server.
//! `RAPPORT_REQUIRE_SERVICES=1` turns "not configured" into a failure, so CI never skips.

use std::path::PathBuf;

use rapport::config::Config;
use sea_orm::{ConnectionTrait, Database};
use secrecy::SecretString;

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub database_url: String,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub smtp_url: Option<String>,
    /// Where delivered mail can be read back: the SMTP server's Maildir, or our outbox folder.
    pub mail_dir: PathBuf,
    pub secret_key: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

pub fn services_required() -> bool {
    var("RAPPORT_REQUIRE_SERVICES").as_deref() == Some("1")
}

/// A service a test needs: its variable's value, or `None` after saying the test skipped it
/// (and a panic instead when CI requires services).
pub fn service(var_name: &str, what: &str) -> Option<String> {
    match var(var_name) {
        Some(v) => Some(v),
        None if services_required() => {
            panic!("{what} is required (RAPPORT_REQUIRE_SERVICES=1) but {var_name} is not set")
        }
        None => {
            eprintln!("skipping the {what} part: set {var_name} to run it");
            None
        }
    }
}

/// `url` with its database name replaced.
fn with_database(url: &str, db: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

impl TestEnv {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = match var("RAPPORT_TEST_DATABASE_URL") {
            Some(app_url) => {
                let admin = var("RAPPORT_TEST_DATABASE_ADMIN_URL").unwrap_or_else(|| app_url.clone());
                let name = format!("rapport_t_{}", uuid::Uuid::new_v4().simple());
                let conn = Database::connect(admin.as_str())
                    .await
                    .expect("connect as PostgreSQL admin");
                conn.execute_unprepared(&format!("CREATE DATABASE {name} OWNER rapport"))
                    .await
                    .expect("create test database");
                conn.close().await.ok();
                with_database(&app_url, &name)
            }
            None => {
                if services_required() {
                    panic!(
                        "PostgreSQL is required (RAPPORT_REQUIRE_SERVICES=1) but RAPPORT_TEST_DATABASE_URL is not set"
                    );
                }
                format!("sqlite://{}?mode=rwc", dir.path().join("rapport.db").display())
            }
        };
        let redis_url = var("RAPPORT_TEST_REDIS_URL");
        if redis_url.is_none() && services_required() {
            panic!("Redis is required (RAPPORT_TEST_REDIS_URL)");
        }
        let smtp_url = var("RAPPORT_TEST_SMTP_URL");
        if smtp_url.is_none() && services_required() {
            panic!("an SMTP server is required (RAPPORT_TEST_SMTP_URL)");
        }
        let mail_dir = match (&smtp_url, var("RAPPORT_TEST_MAILDIR")) {
            (Some(_), Some(maildir)) => PathBuf::from(maildir),
            (Some(_), None) => panic!("RAPPORT_TEST_SMTP_URL needs RAPPORT_TEST_MAILDIR to read delivered mail back"),
            (None, _) => dir.path().join("outbox"),
        };
        use base64::Engine;
        let secret_key = base64::engine::general_purpose::STANDARD.encode(rand_key());
        TestEnv {
            dir,
            database_url,
            redis_url,
            redis_prefix: format!("rapport-test-{}", uuid::Uuid::new_v4().simple()),
            smtp_url,
            mail_dir,
            secret_key,
        }
    }

    pub fn config(&self) -> Config {
        Config {
            data_dir: self.dir.path().join("data"),
            database_url: Some(SecretString::from(self.database_url.clone())),
            database_max_connections: 5,
            redis_url: self.redis_url.clone().map(SecretString::from),
            redis_prefix: self.redis_prefix.clone(),
            job_store_path: Some(self.dir.path().join("jobs.db")),
            smtp_url: self.smtp_url.clone().map(SecretString::from),
            outbox_dir: Some(self.dir.path().join("outbox")),
            mail_from: "Rapport Test <crm@rapport.test>".into(),
            secret_key: Some(SecretString::from(self.secret_key.clone())),
            ..Config::default()
        }
    }

    pub fn uses_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }
}

fn rand_key() -> [u8; 32] {
    let mut k = [0u8; 32];
    for chunk in k.chunks_mut(16) {
        chunk.copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    k
}
