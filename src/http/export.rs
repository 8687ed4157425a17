//! `GET /export/{contacts,companies,leads,opportunities}.csv`: streamed CSVs of the same lists
//! the GraphQL queries return, with the same bearer token and the same `filter` (JSON, as the
//! query's `filter` variable) and `search` (contacts, companies) or `status` (leads). The
//! handlers only authenticate, parse and hand over to `service::export`.

use async_graphql::InputType;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{Stream, TryStreamExt};
use serde::Deserialize;

use super::HttpState;
use super::graphql::{authenticate_request, refuse, request_id};
use crate::graphql::filters::{CompanyFilter, ContactFilter};
use crate::graphql::query::sales::OpportunityFilter;
use crate::scope::TenantScope;
use crate::service;

#[derive(Deserialize)]
pub struct Params {
    filter: Option<String>,
    search: Option<String>,
    status: Option<String>,
}

/// The caller's scope, or the response refusing them.
pub(super) async fn scope_of(st: &HttpState, headers: &HeaderMap, rid: &str) -> Result<TenantScope, Response> {
    match authenticate_request(st, headers, rid).await? {
        Some(s) => Ok(s),
        None => Err(refuse(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Send `Authorization: Bearer <token>`.",
            rid,
        )),
    }
}

fn csv_response(name: &str, stream: impl Stream<Item = crate::Result<Vec<u8>>> + Send + 'static) -> Response {
    let stream = stream.map_err(|e| {
        // Headers are gone once streaming started; the error ends the body and goes to the log.
        tracing::error!(error = %e, "export failed mid-stream");
        std::io::Error::other("export failed")
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The `filter` parameter: the same JSON a client passes as the list's `filter` variable.
fn parse_filter<T: InputType>(raw: Option<&str>, type_name: &str) -> Result<Option<T>, String> {
    let Some(raw) = raw else { return Ok(None) };
    let json: serde_json::Value = serde_json::from_str(raw).map_err(|e| format!("`filter` is not JSON: {e}"))?;
    let value = async_graphql::Value::from_json(json).map_err(|e| format!("`filter` is not a filter: {e}"))?;
    T::parse(Some(value)).map(Some).map_err(|e| {
        format!(
            "`filter` is not a {type_name}: {}",
            e.into_server_error(Default::default()).message
        )
    })
}

fn bad(rid: &str, msg: &str) -> Response {
    refuse(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", msg, rid)
}

pub async fn contacts(State(st): State<HttpState>, Query(params): Query<Params>, req: Request) -> Response {
    let rid = request_id();
    let scope = match scope_of(&st, req.headers(), &rid).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let filter = parse_filter::<ContactFilter>(params.filter.as_deref(), "ContactFilter")
        .and_then(|f| f.map(|f| f.to_service()).transpose().map_err(|e| e.to_string()));
    match filter {
        Ok(filter) => csv_response(
            "contacts.csv",
            service::export::contacts_csv(st.cx.clone(), scope, filter, params.search),
        ),
        Err(msg) => bad(&rid, &msg),
    }
}

pub async fn companies(State(st): State<HttpState>, Query(params): Query<Params>, req: Request) -> Response {
    let rid = request_id();
    let scope = match scope_of(&st, req.headers(), &rid).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let filter = parse_filter::<CompanyFilter>(params.filter.as_deref(), "CompanyFilter")
        .and_then(|f| f.map(|f| f.to_service()).transpose().map_err(|e| e.to_string()));
    match filter {
        Ok(filter) => csv_response(
            "companies.csv",
            service::export::companies_csv(st.cx.clone(), scope, filter, params.search),
        ),
        Err(msg) => bad(&rid, &msg),
    }
}

pub async fn leads(State(st): State<HttpState>, Query(params): Query<Params>, req: Request) -> Response {
    let rid = request_id();
    let scope = match scope_of(&st, req.headers(), &rid).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if params.filter.is_some() || params.search.is_some() {
        return bad(
            &rid,
            "The leads list takes only `status` (like the `leads` query), not `filter` or `search`.",
        );
    }
    csv_response(
        "leads.csv",
        service::export::leads_csv(st.cx.clone(), scope, params.status),
    )
}

pub async fn opportunities(State(st): State<HttpState>, Query(params): Query<Params>, req: Request) -> Response {
    let rid = request_id();
    let scope = match scope_of(&st, req.headers(), &rid).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if params.search.is_some() {
        return bad(&rid, "The opportunities list takes `filter`, not `search`.");
    }
    let filter = parse_filter::<OpportunityFilter>(params.filter.as_deref(), "OpportunityFilter")
        .and_then(|f| f.unwrap_or_default().to_service().map_err(|e| e.to_string()));
    match filter {
        Ok(filter) => csv_response(
            "opportunities.csv",
            service::export::opportunities_csv(st.cx.clone(), scope, filter),
        ),
        Err(msg) => bad(&rid, &msg),
    }
}
