//! The composition root: `App::build(Config)` wires everything once, for `main` and for every
//! test alike, and `App::run` serves the modes the configuration asks for until shutdown.

use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use workers::mail::Mailer;
use workers::{JobStore, Queue, Runtime};

use crate::auth::keys::Keys;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::scope_cache::ScopeCache;
use crate::auth::scope_channel::ScopeChannel;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::graphql::{self, AppSchema};
use crate::jobs::Handlers;
use crate::service::Context;

pub struct App {
    pub config: Arc<Config>,
    pub cx: Arc<Context>,
    pub schema: AppSchema,
    /// Built in every mode (tests drain it), run only in `all` and `worker` modes.
    pub runtime: Arc<Runtime>,
}

/// How long workers wait before taking over the jobs of a worker that stopped heart-beating.
const HEARTBEAT: Duration = Duration::from_secs(30);

impl App {
    pub async fn build(config: Config) -> Result<Self> {
        config.validate()?;
        let config = Arc::new(config);
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            Error::Config(format!(
                "cannot create data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
        let mut db = connect(&config).await?;
        Migrator::up(&db, None).await?;
        let statements = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });

        let keys = Keys::load(&config)?;
        let store = match &config.redis_url {
            Some(url) => JobStore::Redis {
                url: url.clone(),
                namespace: config.redis_prefix.clone(),
            },
            None => JobStore::Sqlite(config.job_store_path()),
        };
        let queue = Queue::open(&store, HEARTBEAT).await?;
        let redis = match &config.redis_url {
            Some(url) => {
                let client = redis::Client::open(url.expose_secret())?;
                let conn = redis::aio::ConnectionManager::new(client.clone()).await?;
                Some((client, conn))
            }
            None => None,
        };
        let limiter = match &redis {
            Some((_, conn)) => RateLimiter::redis(
                conn.clone(),
                &config.redis_prefix,
                config.login_rate_per_minute,
                config.login_burst,
            ),
            None => RateLimiter::local(config.login_rate_per_minute, config.login_burst),
        };
        let scopes = Arc::new(ScopeCache::new(Duration::from_secs(config.auth_cache_secs), true));
        let scope_channel = match redis {
            Some((client, conn)) => {
                Some(ScopeChannel::start(client, conn, &config.redis_prefix, scopes.clone()).await?)
            }
            None => None,
        };
        let mailer = Arc::new(match &config.smtp_url {
            Some(url) => Mailer::smtp(url, Duration::from_secs(30))?,
            None => Mailer::outbox(config.outbox_dir()),
        });
        let cx = Arc::new(Context {
            db,
            config: config.clone(),
            keys,
            queue: queue.clone(),
            limiter,
            scopes,
            scope_channel,
            statements,
        });
        let handlers = Arc::new(Handlers {
            cx: cx.clone(),
            mailer: mailer.clone(),
        });
        let runtime = Arc::new(Runtime::new(
            queue,
            handlers,
            Runtime::unique_name("rapport-worker"),
            config.worker_concurrency,
        ));
        let schema = graphql::build_schema(cx.clone());
        tracing::info!(
            mode = ?config.mode,
            database = %redact(&config.database_url()),
            jobs = %match &store { JobStore::Sqlite(p) => format!("sqlite:{}", p.display()), JobStore::Redis { .. } => "redis".into() },
            mail = %mailer.describe(),
            "Rapport ready"
        );
        Ok(Self {
            config,
            cx,
            schema,
            runtime,
        })
    }

    /// The HTTP router (GraphQL, GraphiQL, health).
    pub fn router(&self) -> axum::Router {
        crate::http::router(self.cx.clone(), self.schema.clone())
    }

    /// Serves the configured modes until `shutdown` fires, then drains in-flight requests and
    /// jobs. `listener` is used only when the mode includes the gateway.
    pub async fn run(self, listener: Option<TcpListener>, shutdown: CancellationToken) -> Result<()> {
        let api = async {
            match (self.config.runs_api(), listener) {
                (true, Some(listener)) => {
                    let addr = listener.local_addr().map_err(|e| Error::Internal(e.to_string()))?;
                    tracing::info!("GraphQL at http://{addr}/graphql");
                    let app = self
                        .router()
                        .into_make_service_with_connect_info::<std::net::SocketAddr>();
                    let stop = shutdown.clone();
                    axum::serve(listener, app)
                        .with_graceful_shutdown(async move { stop.cancelled().await })
                        .await
                        .map_err(|e| Error::Internal(format!("HTTP server: {e}")))
                }
                _ => Ok(()),
            }
        };
        let jobs = async {
            if self.config.runs_workers() {
                self.runtime.run(shutdown.clone()).await.map_err(Error::from)
            } else {
                Ok(())
            }
        };
        let (a, j) = tokio::join!(api, jobs);
        a.and(j)
    }
}

async fn connect(config: &Config) -> Result<DatabaseConnection> {
    let url = config.database_url();
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings every connection it hands out by default: one more round trip per
        // statement. Only a connection idle long enough to have been dropped is checked.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false)
        // WAL lets readers and the writer work at once; the busy timeout makes writers queue
        // instead of failing under concurrent requests.
        .map_sqlx_sqlite_opts(|o| {
            o.pragma("journal_mode", "WAL")
                .pragma("synchronous", "NORMAL")
                .busy_timeout(Duration::from_secs(10))
        });
    Database::connect(opts).await.map_err(|e| {
        Error::Config(format!(
            "cannot open the database at {}: {e}",
            redact(&config.database_url())
        ))
    })
}

/// A URL with its password replaced, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// A URL given as a secret, redacted for display.
pub fn redact_secret(url: &SecretString) -> String {
    redact(url.expose_secret())
}
