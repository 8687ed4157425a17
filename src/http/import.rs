//! `POST /import/{companies,contacts,leads}.csv?dryRun=&mapping=&encoding=`: the raw CSV as the
//! body, read as a stream (never buffered whole), with the same bearer token as the API. The
//! handler only authenticates, parses the parameters and hands the body to `service::import`;
//! the answer is the import's report, or a `BAD_USER_INPUT` refusal naming the field or line.

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::HttpState;
use super::export::scope_of;
use super::graphql::{refuse, request_id};
use crate::graphql::errors::INTERNAL_MESSAGE;
use crate::service::csv::Charset;
use crate::service::import::{Kind, Options};
use crate::{Error, service};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    dry_run: Option<String>,
    mapping: Option<String>,
    encoding: Option<String>,
}

pub async fn companies(st: State<HttpState>, params: Query<Params>, req: Request) -> Response {
    run(st, params, req, Kind::Companies).await
}

pub async fn contacts(st: State<HttpState>, params: Query<Params>, req: Request) -> Response {
    run(st, params, req, Kind::Contacts).await
}

pub async fn leads(st: State<HttpState>, params: Query<Params>, req: Request) -> Response {
    run(st, params, req, Kind::Leads).await
}

fn bad_input(rid: &str, message: &str, field: Option<&str>, line: Option<u64>) -> Response {
    let mut ext = json!({ "code": "BAD_USER_INPUT", "requestId": rid });
    if let Some(f) = field {
        ext["field"] = json!(f);
    }
    if let Some(l) = line {
        ext["line"] = json!(l);
    }
    let body = json!({ "errors": [{ "message": message, "extensions": ext }] });
    let mut resp = (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(rid) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

async fn run(State(st): State<HttpState>, Query(params): Query<Params>, req: Request, kind: Kind) -> Response {
    let rid = request_id();
    let scope = match scope_of(&st, req.headers(), &rid).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let dry_run = match params.dry_run.as_deref() {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") | Some("") => true,
        Some(other) => {
            return bad_input(
                &rid,
                &format!("`dryRun` is true or false, not {other:?}."),
                Some("dryRun"),
                None,
            );
        }
    };
    let charset = match params.encoding.as_deref().map(|e| e.trim().to_lowercase()) {
        None => Charset::Detect,
        Some(e) if e == "utf-8" || e == "utf8" => Charset::Utf8,
        Some(e) if e == "gbk" || e == "gb2312" || e == "gb18030" => Charset::Gbk,
        Some(other) => {
            return bad_input(
                &rid,
                &format!("`encoding` is utf-8 or gbk (or leave it out to detect), not {other:?}."),
                Some("encoding"),
                None,
            );
        }
    };
    let opts = Options {
        kind,
        dry_run,
        mapping: params.mapping,
        charset,
    };
    let body = req.into_body().into_data_stream();
    match service::import::run(&st.cx, &scope, opts, body).await {
        Ok(report) => (StatusCode::OK, axum::Json(report)).into_response(),
        Err(e) => failed(&rid, e),
    }
}

/// A refusal or failure: the same codes the GraphQL API uses, plus the line for a bad file.
fn failed(rid: &str, e: Error) -> Response {
    let (status, code) = match &e {
        Error::BadInput { field, message } => return bad_input(rid, message, Some(field), None),
        Error::BadFile { line, message } => return bad_input(rid, message, None, *line),
        Error::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
        Error::Forbidden(_) => (StatusCode::FORBIDDEN, "FORBIDDEN"),
        Error::NotFound(_) => (StatusCode::NOT_FOUND, "NOT_FOUND"),
        Error::Conflict(_) => (StatusCode::CONFLICT, "CONFLICT"),
        Error::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED"),
        _ => {
            tracing::error!(request_id = %rid, error = %e, "import failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", INTERNAL_MESSAGE, rid);
        }
    };
    refuse(status, code, &e.to_string(), rid)
}
