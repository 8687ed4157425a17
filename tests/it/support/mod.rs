//! Test harness: `TestApp::spawn()` builds the real app through `App::build` on fresh
//! backends, listens on port 0, and seeds one workspace with a signed-in admin.

#![allow(dead_code)]

pub mod backends;
pub mod mail;

use std::sync::Arc;

use rapport::config::{Config, Mode};
use rapport::service;
use rapport::service::Context;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

pub use backends::TestEnv;

pub struct TestApp {
    pub base: String,
    pub cx: Arc<Context>,
    pub runtime: Arc<workers::Runtime>,
    pub env: Arc<TestEnv>,
    shutdown: CancellationToken,
    handle: Option<tokio::task::JoinHandle<()>>,
    http: reqwest::Client,
}

/// A workspace with a signed-in admin.
pub struct Tenant {
    pub slug: String,
    pub admin_email: String,
    pub admin_password: String,
    pub admin_token: String,
    pub admin_id: String,
}

impl TestApp {
    /// A fresh app on fresh backends. Workers do not run in the background: tests drain the
    /// queue explicitly, so every job runs at a point the test chooses.
    pub async fn spawn() -> TestApp {
        let env = Arc::new(TestEnv::new().await);
        Self::start(env, Mode::Api, |_| {}).await
    }

    /// Like `spawn`, with a configuration change.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let env = Arc::new(TestEnv::new().await);
        Self::start(env, Mode::Api, tweak).await
    }

    /// A new app process on the same backends (a restart).
    pub async fn start(env: Arc<TestEnv>, mode: Mode, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let _ = rustls::crypto::ring::default_provider().install_default();
        // Errors the app logs (internal ones especially) show up in a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG").unwrap_or_else(|_| "error".into()),
            )
            .with_test_writer()
            .try_init();
        let mut config = env.config();
        config.mode = mode;
        tweak(&mut config);
        let app = rapport::App::build(config).await.expect("app builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (cx, runtime) = (app.cx.clone(), app.runtime.clone());
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        let handle = tokio::spawn(async move {
            app.run(Some(listener), stop).await.expect("app runs");
        });
        TestApp {
            base,
            cx,
            runtime,
            env,
            shutdown,
            handle: Some(handle),
            http: reqwest::Client::new(),
        }
    }

    /// Stops the app as SIGTERM would: in-flight requests and jobs finish first.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(h) = self.handle.take() {
            h.await.expect("app stopped cleanly");
        }
    }

    /// Runs the real workers on the real job store until the queue is empty.
    pub async fn drain(&self) {
        self.runtime.drain().await.expect("queue drains");
    }

    /// Creates a workspace through the service (as the CLI does) and signs its admin in over HTTP.
    pub async fn tenant(&self, name: &str) -> Tenant {
        let email = format!(
            "admin-{}@{}.test",
            uuid::Uuid::new_v4().simple(),
            name.to_lowercase().replace(' ', "-")
        );
        let slug = format!(
            "{}-{}",
            name.to_lowercase().replace(' ', "-"),
            &uuid::Uuid::new_v4().simple().to_string()[..6]
        );
        let created = service::workspace::create(
            &self.cx,
            service::workspace::NewWorkspace {
                name: name.into(),
                slug: Some(slug.clone()),
                admin_email: email.clone(),
                admin_name: Some(format!("{name} Admin")),
            },
        )
        .await
        .expect("workspace created");
        let password = created.admin_password.expose_secret().to_string();
        let token = self.sign_in(&email, &password).await;
        let me = self.gql_ok(Some(&token), "{ me { user { id } } }", json!({})).await;
        Tenant {
            slug,
            admin_email: email,
            admin_password: password,
            admin_token: token,
            admin_id: me["me"]["user"]["id"].as_str().expect("id").to_string(),
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let r = self
            .gql_ok(
                None,
                "mutation($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { token } }",
                json!({ "e": email, "p": password }),
            )
            .await;
        r["signIn"]["token"].as_str().expect("token").to_string()
    }

    /// POSTs one GraphQL request and returns the whole JSON body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req = self
            .http
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request sent");
        resp.json().await.expect("JSON body")
    }

    /// Like `gql`, asserting there are no errors; returns `data`.
    pub async fn gql_ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Asserts the response failed with `code` and returns the first error.
    pub async fn gql_err(&self, token: Option<&str>, query: &str, variables: Value, code: &str) -> Value {
        let body = self.gql(token, query, variables).await;
        let err = body["errors"][0].clone();
        assert_eq!(err["extensions"]["code"], code, "expected {code}, got: {body:#}");
        err
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.http
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
