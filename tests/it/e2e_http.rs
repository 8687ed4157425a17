//! Bad input at the HTTP edge: the right status and code, never a 500, nothing written.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn user_count(app: &TestApp) -> usize {
    use sea_orm::EntityTrait;
    entity::user::Entity::find().all(&app.cx.db).await.unwrap().len()
}

async fn post_raw(app: &TestApp, token: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let resp = app
        .client()
        .post(format!("{}/graphql", app.base))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

const INVITE: &str =
    "mutation { inviteUser(input: { email: \"x@acme.test\", name: \"X\", role: REP }) { user { id } } }";

#[tokio::test]
async fn malformed_oversized_and_mistyped_requests_are_refused_cleanly() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let before = user_count(&app).await;

    let (status, body) = post_raw(
        &app,
        &t.admin_token,
        "application/json",
        b"{\"query\": \"mutation { inviteUser(".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

    // 5 MB: refused before parsing.
    let mut big = format!("{{\"query\": \"{INVITE}\", \"variables\": {{\"pad\": \"").into_bytes();
    big.extend(std::iter::repeat_n(b'a', 5 * 1024 * 1024));
    big.extend(b"\"}}");
    let (status, body) = post_raw(&app, &t.admin_token, "application/json", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

    // text/plain (what a cross-site form can send without a preflight).
    let (status, _) = post_raw(
        &app,
        &t.admin_token,
        "text/plain",
        json!({ "query": INVITE }).to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A mutation over GET.
    let resp = app
        .client()
        .get(reqwest::Url::parse_with_params(&format!("{}/graphql", app.base), [("query", INVITE)]).unwrap())
        .bearer_auth(&t.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    // A query over GET works.
    let resp = app
        .client()
        .get(reqwest::Url::parse_with_params(&format!("{}/graphql", app.base), [("query", "{ me { role } }")]).unwrap())
        .bearer_auth(&t.admin_token)
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["me"]["role"], "ADMIN");

    // Too many operations in one batch.
    let batch: Vec<Value> = (0..11).map(|_| json!({ "query": "{ me { role } }" })).collect();
    let (status, _) = post_raw(
        &app,
        &t.admin_token,
        "application/json",
        serde_json::to_vec(&batch).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    assert_eq!(user_count(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn deep_unknown_and_wrongly_typed_queries_get_bad_user_input() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    // 50 levels deep.
    let mut q = String::from("id");
    for _ in 0..25 {
        q = format!("department {{ parent {{ {q} }} }}");
    }
    let deep = format!("{{ me {{ user {{ {q} }} }} }}");
    let err = app
        .gql_err(Some(&t.admin_token), &deep, json!({}), "BAD_USER_INPUT")
        .await;
    assert!(
        err["message"].as_str().unwrap().to_lowercase().contains("too deep"),
        "{err:#}"
    );

    let err = app
        .gql_err(
            Some(&t.admin_token),
            "{ me { user { password } } }",
            json!({}),
            "BAD_USER_INPUT",
        )
        .await;
    assert!(err["message"].as_str().unwrap().contains("password"));
    app.gql_err(
        Some(&t.admin_token),
        "{ users(first: \"ten\") { totalCount } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    // A list costs `first` times its children: a huge fan-out is refused up front.
    let wide = "{ departments(first: 100) { edges { node { children(first: 100) { edges { node { members(first: 100) { totalCount edges { node { id } } } } } } } } } }";
    let err = app
        .gql_err(Some(&t.admin_token), wide, json!({}), "BAD_USER_INPUT")
        .await;
    assert!(
        err["message"].as_str().unwrap().to_lowercase().contains("complex"),
        "{err:#}"
    );
}

#[tokio::test]
async fn production_hides_introspection_and_graphiql() {
    let dev = TestApp::spawn().await;
    let page = dev
        .client()
        .get(format!("{}/graphql", dev.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("GraphiQL"));
    let intro = dev.gql(None, "{ __schema { queryType { name } } }", json!({})).await;
    assert_eq!(intro["data"]["__schema"]["queryType"]["name"], "Query");

    let prod = TestApp::spawn_with(|c| c.env = rapport::config::Environment::Production).await;
    let page = prod
        .client()
        .get(format!("{}/graphql", prod.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    let intro = prod.gql(None, "{ __schema { queryType { name } } }", json!({})).await;
    assert!(
        intro["data"]["__schema"].is_null(),
        "introspection must answer nothing: {intro:#}"
    );
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::spawn_with(|c| c.cors_origins = "https://app.acme.test".into()).await;
    let preflight = |origin: &'static str| {
        app.client()
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,authorization")
            .send()
    };
    let ok = preflight("https://app.acme.test").await.unwrap();
    assert_eq!(
        ok.headers().get("access-control-allow-origin").unwrap(),
        "https://app.acme.test"
    );
    let other = preflight("https://evil.test").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let h = app.client().get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(h.status(), StatusCode::OK);
    let r: Value = app
        .client()
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r, json!({ "database": true, "jobs": true }));
}

#[tokio::test]
async fn internal_errors_carry_a_request_id_and_no_details() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    // Break the database under the app.
    app.cx
        .db
        .execute_unprepared("ALTER TABLE departments RENAME TO departments_gone")
        .await
        .unwrap();
    let resp = app
        .client()
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&t.admin_token)
        .json(&json!({ "query": "{ departments { totalCount edges { node { name } } } }" }))
        .send()
        .await
        .unwrap();
    let header = resp
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = resp.json().await.unwrap();
    let err = &body["errors"][0];
    assert_eq!(err["extensions"]["code"], "INTERNAL");
    assert_eq!(err["extensions"]["requestId"], header.as_str());
    let text = body.to_string().to_lowercase();
    for leak in [
        "departments_gone",
        "select",
        "sqlite",
        "postgres",
        "relation",
        "/src/",
        "table",
    ] {
        assert!(!text.contains(leak), "the response leaks {leak:?}: {body:#}");
    }
}
