//! The `rapport` binary: read the configuration, start logging, build the app, run a command.

use std::process::ExitCode;

use rapport::cli::{self, Command};
use rapport::config::{Config, LogFormat};
use rapport::{App, service};
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// glibc's allocator took about 30 % of the gateway's CPU on list queries (profiled with perf
/// under load, see docs/BENCHMARKS.md); mimalloc is built for many small, short-lived objects.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Command::Help = command {
        println!("{}", cli::USAGE);
        return ExitCode::SUCCESS;
    }
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rapport: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    match run(config, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "rapport stopped");
            eprintln!("rapport: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config, command: Command) -> rapport::Result<()> {
    let listen = config.listen;
    let app = App::build(config).await?;
    match command {
        Command::Migrate | Command::Help => Ok(()),
        Command::CreateWorkspace {
            name,
            email,
            slug,
            admin_name,
        } => cli::create_workspace(&app, name, email, slug, admin_name).await,
        Command::DrainJobs => Ok(app.runtime.drain().await?),
        Command::Seed(input) => cli::seed(&app, input).await,
        Command::Serve => {
            if !service::workspace::any_exists(&app.cx).await? {
                tracing::info!(
                    "No workspace yet. Create the first one with: cargo run -- admin create-workspace --name Acme --email admin@acme.test"
                );
            }
            let listener = if app.config.runs_api() {
                Some(tokio::net::TcpListener::bind(listen).await.map_err(|e| {
                    rapport::Error::Config(format!("cannot listen on {listen}: {e} (set RAPPORT_LISTEN)"))
                })?)
            } else {
                None
            };
            let shutdown = CancellationToken::new();
            tokio::spawn(signal_shutdown(shutdown.clone()));
            app.run(listener, shutdown).await
        }
    }
}

/// SIGINT or SIGTERM: stop accepting, finish in-flight requests and jobs, exit.
async fn signal_shutdown(token: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                token.cancel();
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: draining requests and jobs");
    token.cancel();
}

fn init_tracing(config: &Config) {
    let filter =
        EnvFilter::try_from_env("RAPPORT_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
