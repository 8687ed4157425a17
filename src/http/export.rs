//! `GET /export/contacts.csv?filter=<ContactFilter as JSON>&search=<text>`: a streamed CSV of
//! the same list the `contacts` query returns, with the same bearer token. The handler only
//! authenticates, parses and hands over to `service::export`.

use async_graphql::InputType;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use serde::Deserialize;

use super::HttpState;
use super::graphql::{authenticate_request, refuse, request_id};
use crate::graphql::filters::ContactFilter;
use crate::service;

#[derive(Deserialize)]
pub struct Params {
    filter: Option<String>,
    search: Option<String>,
}

pub async fn contacts(State(st): State<HttpState>, Query(params): Query<Params>, req: Request) -> Response {
    let rid = request_id();
    let scope = match authenticate_request(&st, req.headers(), &rid).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "Send `Authorization: Bearer <token>`.",
                &rid,
            );
        }
        Err(resp) => return resp,
    };
    let filter = match params.filter.as_deref().map(parse_filter).transpose() {
        Ok(f) => f,
        Err(msg) => return refuse(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &msg, &rid),
    };
    let stream = service::export::contacts_csv(st.cx.clone(), scope, filter, params.search).map_err(|e| {
        // Headers are gone once streaming started; the error ends the body and goes to the log.
        tracing::error!(error = %e, "contact export failed mid-stream");
        std::io::Error::other("export failed")
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(header::CONTENT_DISPOSITION, "attachment; filename=\"contacts.csv\"")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The `filter` parameter: the same JSON a client passes as the `contacts(filter:)` variable.
fn parse_filter(raw: &str) -> Result<service::contact::ContactFilter, String> {
    let json: serde_json::Value = serde_json::from_str(raw).map_err(|e| format!("`filter` is not JSON: {e}"))?;
    let value = async_graphql::Value::from_json(json).map_err(|e| format!("`filter` is not a filter: {e}"))?;
    let f = ContactFilter::parse(Some(value)).map_err(|e| {
        format!(
            "`filter` is not a ContactFilter: {}",
            e.into_server_error(Default::default()).message
        )
    })?;
    f.to_service().map_err(|e| e.to_string())
}
