//! `/healthz`: the process answers. `/readyz`: the database and the job store answer too.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::HttpState;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(st): State<HttpState>) -> (StatusCode, Json<serde_json::Value>) {
    let db = st.cx.db.execute_unprepared("SELECT 1").await.is_ok();
    let jobs = st.cx.queue.outstanding().await.is_ok();
    let status = if db && jobs {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(json!({ "database": db, "jobs": jobs })))
}
