//! The GraphQL endpoint. Rules enforced here, before any resolver runs:
//! - POST bodies must be `application/json` (a CSRF defence: browsers cannot send that
//!   cross-site without a CORS preflight) and at most `max_body_bytes`;
//! - GET runs queries only, never mutations;
//! - batches hold at most `max_batch` operations;
//! - each request finishes within `request_timeout_secs`.
//!
//! Every error leaves with `extensions.code`; internal ones carry the request id, whose
//! details are in the log.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse, Response as GqlResponse, ServerError};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use tracing::Instrument;

use super::HttpState;
use super::graphiql;
use crate::graphql::RequestInfo;
use crate::graphql::errors::{INTERNAL_MESSAGE, gql};
use crate::graphql::loaders::Loaders;
use crate::scope::TenantScope;
use crate::service;

pub(super) fn request_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_string()
}

/// A transport-level refusal, shaped like a GraphQL error so clients parse one format.
pub(super) fn refuse(status: StatusCode, code: &str, message: &str, request_id: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code, "requestId": request_id } }] });
    with_request_id((status, axum::Json(body)).into_response(), request_id)
}

fn with_request_id(mut resp: Response, request_id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

fn client_ip(st: &HttpState, headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    if st.cx.config.trust_forwarded_for
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_string();
    }
    peer.map(|p| p.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// The bearer token's scope: `Ok(None)` when no token was sent (sign-in, accepting an
/// invitation), an `UNAUTHENTICATED` response when one was sent but is not valid.
pub(super) async fn authenticate_request(
    st: &HttpState,
    headers: &HeaderMap,
    rid: &str,
) -> Result<Option<TenantScope>, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Send the token as `Authorization: Bearer <token>`.",
            rid,
        ));
    };
    match service::session::authenticate(&st.cx, token).await {
        Ok(scope) => Ok(Some(scope)),
        Err(e) if e.is_internal() => {
            tracing::error!(error = %e, "authentication failed internally");
            Err(refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                INTERNAL_MESSAGE,
                rid,
            ))
        }
        Err(e) => Err(refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", &e.to_string(), rid)),
    }
}

pub async fn post_handler(State(st): State<HttpState>, req: Request) -> Response {
    let rid = request_id();
    let span = tracing::info_span!("graphql", request_id = %rid, method = "POST");
    async move {
        let (parts, body) = req.into_parts();
        let json = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().eq_ignore_ascii_case("application/json"))
            .unwrap_or(false);
        if !json {
            return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "BAD_USER_INPUT",
                "POST /graphql takes `Content-Type: application/json` with a body like {\"query\": \"…\", \"variables\": {…}}.",
                &rid,
            );
        }
        let limit = st.cx.config.max_body_bytes;
        let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_USER_INPUT",
                &format!("The request body is larger than {limit} bytes."),
                &rid,
            );
        };
        let batch: BatchRequest = match serde_json::from_slice(&bytes) {
            Ok(b) => b,
            Err(e) => {
                return refuse(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &format!("The body is not a GraphQL request in JSON: {e}."), &rid);
            }
        };
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        execute(&st, &parts.headers, peer, batch, &rid).await
    }
    .instrument(span)
    .await
}

pub async fn get_handler(State(st): State<HttpState>, req: Request) -> Response {
    let rid = request_id();
    let query = req.uri().query().unwrap_or("").to_string();
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if query.is_empty() {
        if wants_html && st.cx.config.graphiql_enabled() {
            return Html(graphiql::PAGE).into_response();
        }
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            "GET /graphql needs a `query` parameter.",
            &rid,
        );
    }
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(r) => r,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("The query string is not a GraphQL request: {e}."),
                &rid,
            );
        }
    };
    // Only queries over GET: a link or an <img> must never change data.
    if let Ok(doc) = async_graphql::parser::parse_query(&request.query) {
        let op_type = match &request.operation_name {
            Some(name) => doc
                .operations
                .iter()
                .find(|(n, _)| n.map(|n| n.as_str()) == Some(name.as_str()))
                .map(|(_, op)| op.node.ty),
            None => doc.operations.iter().next().map(|(_, op)| op.node.ty),
        };
        if matches!(
            op_type,
            Some(OperationType::Mutation) | Some(OperationType::Subscription)
        ) {
            return refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "BAD_USER_INPUT",
                "Mutations must be sent with POST.",
                &rid,
            );
        }
    }
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let headers = req.headers().clone();
    execute(&st, &headers, peer, BatchRequest::Single(request), &rid)
        .instrument(tracing::info_span!("graphql", request_id = %rid, method = "GET"))
        .await
}

async fn execute(
    st: &HttpState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    batch: BatchRequest,
    rid: &str,
) -> Response {
    let size = match &batch {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(v) => v.len(),
    };
    let max = st.cx.config.max_batch;
    if size == 0 || size > max {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            &format!("A batch holds 1 to {max} operations."),
            rid,
        );
    }
    let scope = match authenticate_request(st, headers, rid).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let ip = client_ip(st, headers, peer);
    let sign_ins = Arc::new(AtomicUsize::new(0));
    let prepare = |mut r: async_graphql::Request| {
        if scope.is_some() {
            st.documents.prepare(&mut r);
        }
        let mut r = r.data(RequestInfo {
            scope: scope.clone(),
            client_ip: ip.clone(),
            batch_size: size,
            sign_ins: sign_ins.clone(),
        });
        if let Some(s) = &scope {
            r = r.data(Loaders::new(st.cx.clone(), s));
        }
        r
    };
    let batch = match batch {
        BatchRequest::Single(r) => BatchRequest::Single(prepare(r)),
        BatchRequest::Batch(v) => BatchRequest::Batch(v.into_iter().map(prepare).collect()),
    };
    let timeout = Duration::from_secs(st.cx.config.request_timeout_secs);
    let response = match tokio::time::timeout(timeout, st.schema.execute_batch(batch)).await {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!(timeout_secs = timeout.as_secs(), "GraphQL request timed out");
            let e = gql(crate::Error::Internal(format!(
                "request exceeded {} s",
                timeout.as_secs()
            )));
            BatchResponse::Single(GqlResponse::from_errors(vec![e.into_server_error(Default::default())]))
        }
    };
    let response = match response {
        BatchResponse::Single(r) => BatchResponse::Single(finish(r, rid)),
        BatchResponse::Batch(v) => BatchResponse::Batch(v.into_iter().map(|r| finish(r, rid)).collect()),
    };
    let body = serde_json::to_vec(&response)
        .unwrap_or_else(|_| b"{\"errors\":[{\"message\":\"serialisation failed\"}]}".to_vec());
    let resp = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    with_request_id(resp, rid)
}

/// Every error gets a code: parse and validation errors (unknown fields, depth and complexity
/// limits, wrong types) are the client's to fix; internal ones carry the request id.
fn finish(mut r: GqlResponse, rid: &str) -> GqlResponse {
    for e in &mut r.errors {
        tag(e, rid);
    }
    r
}

fn tag(e: &mut ServerError, rid: &str) {
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", "BAD_USER_INPUT");
    }
    if ext.get("code").map(|c| c.to_string()) == Some("\"INTERNAL\"".into())
        || ext.get("code") == Some(&async_graphql::Value::from("INTERNAL"))
    {
        ext.set("requestId", rid);
    }
}
