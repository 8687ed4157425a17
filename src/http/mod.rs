//! The HTTP edge: routes, the GraphQL endpoint with its request rules (JSON-only POST, no
//! mutations over GET, body and batch limits, execution timeout), authentication from the
//! bearer token, CORS, and health checks. Only `app` depends on this module.

mod documents;
mod export;
mod graphiql;
mod graphql;
mod health;
mod import;
mod ws;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{get, post};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::graphql::AppSchema;
use crate::service::Context;

#[derive(Clone)]
pub struct HttpState {
    pub cx: Arc<Context>,
    pub schema: AppSchema,
    pub documents: Arc<documents::Documents>,
}

pub fn router(cx: Arc<Context>, schema: AppSchema) -> Router {
    let origins: Vec<HeaderValue> = cx
        .config
        .cors_origins()
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static("x-request-id")]);
    let state = HttpState {
        cx,
        schema,
        documents: Arc::default(),
    };
    Router::new()
        .route("/graphql", get(graphql::get_handler).post(graphql::post_handler))
        .route("/graphql/ws", get(ws::handler))
        .route("/export/contacts.csv", get(export::contacts))
        .route("/export/companies.csv", get(export::companies))
        .route("/export/leads.csv", get(export::leads))
        .route("/export/opportunities.csv", get(export::opportunities))
        .route("/import/contacts.csv", post(import::contacts))
        .route("/import/companies.csv", post(import::companies))
        .route("/import/leads.csv", post(import::leads))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .layer(cors)
        .with_state(state)
}
