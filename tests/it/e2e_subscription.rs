//! Timeline subscriptions over `graphql-transport-ws`, authenticated at `connection_init`.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::TestApp;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(app: &TestApp) -> Ws {
    let url = format!("{}/graphql/ws", app.base.replacen("http", "ws", 1));
    let mut req = url.into_client_request().unwrap();
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws
}

/// The next JSON message, skipping pings; `None` when the server closed the connection.
async fn next(ws: &mut Ws) -> Option<Value> {
    let wait = std::time::Duration::from_secs(15);
    loop {
        match tokio::time::timeout(wait, ws.next())
            .await
            .expect("a message within 15 s")
        {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] == "ping" {
                    continue;
                }
                return Some(v);
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

#[tokio::test]
async fn new_timeline_entries_arrive_over_the_websocket() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let c = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation { createContact(input: { name: \"Pat\" }) { contact { id createdAt } } }",
            json!({}),
        )
        .await;
    let contact = c["createContact"]["contact"]["id"].as_str().unwrap().to_string();
    // Resume from just before the contact existed: its "created" entry comes first, so the test
    // does not depend on which of the subscribe and the mutation the server handles first.
    let created: chrono::DateTime<chrono::Utc> = c["createContact"]["contact"]["createdAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let since = (created - chrono::Duration::seconds(1)).to_rfc3339();

    let mut ws = open(&app).await;
    send(
        &mut ws,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", t.admin_token) } }),
    )
    .await;
    assert_eq!(next(&mut ws).await.unwrap()["type"], "connection_ack");
    send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription($r: ID!, $a: DateTime) { timelineEntries(recordId: $r, after: $a) { kind actor { email } data } }", "variables": { "r": contact, "a": since } } }),
    )
    .await;
    let first = next(&mut ws).await.unwrap();
    assert_eq!(
        first["payload"]["data"]["timelineEntries"]["kind"], "created",
        "{first:#}"
    );
    app.gql_ok(Some(&t.admin_token), "mutation($c: ID!) { logActivity(input: { kind: \"call\", subject: \"Live call\", contactId: $c }) { activity { id } } }", json!({ "c": contact })).await;
    let msg = next(&mut ws).await.unwrap();
    assert_eq!(msg["type"], "next", "{msg:#}");
    let entry = &msg["payload"]["data"]["timelineEntries"];
    assert_eq!(entry["kind"], "activity_logged");
    assert_eq!(entry["data"]["subject"], "Live call");
    assert_eq!(entry["actor"]["email"], t.admin_email.as_str());
}

#[tokio::test]
async fn subscriptions_need_a_valid_token_and_a_visible_record() {
    let app = TestApp::spawn().await;
    let a = app.tenant("Acme").await;
    let b = app.tenant("Other").await;
    let c = app
        .gql_ok(
            Some(&b.admin_token),
            "mutation { createContact(input: { name: \"Theirs\" }) { contact { id } } }",
            json!({}),
        )
        .await;
    let theirs = c["createContact"]["contact"]["id"].as_str().unwrap().to_string();

    let mut ws = open(&app).await;
    send(
        &mut ws,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer rpt_s_forged" } }),
    )
    .await;
    let reply = next(&mut ws).await;
    assert!(
        reply.is_none() || reply.as_ref().unwrap()["type"] != "connection_ack",
        "a forged token is refused: {reply:?}"
    );

    let mut ws = open(&app).await;
    send(
        &mut ws,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", a.admin_token) } }),
    )
    .await;
    assert_eq!(next(&mut ws).await.unwrap()["type"], "connection_ack");
    send(&mut ws, json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription($r: ID!) { timelineEntries(recordId: $r) { kind } }", "variables": { "r": theirs } } })).await;
    let msg = next(&mut ws).await.unwrap();
    let text = msg.to_string();
    assert!(
        text.contains("NOT_FOUND") || text.contains("No contact with this id"),
        "{msg:#}"
    );
}

/// A rep streams their contact's timeline; once the contact is reassigned to someone else the
/// rep gets NOT_FOUND and the stream ends: neither the reassignment's entry nor later ones reach
/// them.
#[tokio::test]
async fn a_record_reassigned_away_stops_streaming_to_the_old_owner() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let rep = crate::e2e_invitation::invite_and_accept_in(&app, &t, "REP", None).await;
    let other = crate::e2e_invitation::invite_and_accept_in(&app, &t, "REP", None).await;
    let c = app
        .gql_ok(
            Some(&rep.token),
            "mutation { createContact(input: { name: \"Mine\" }) { contact { id createdAt } } }",
            json!({}),
        )
        .await;
    let contact = c["createContact"]["contact"]["id"].as_str().unwrap().to_string();
    let created: chrono::DateTime<chrono::Utc> = c["createContact"]["contact"]["createdAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let since = (created - chrono::Duration::seconds(1)).to_rfc3339();

    let mut ws = open(&app).await;
    send(
        &mut ws,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", rep.token) } }),
    )
    .await;
    assert_eq!(next(&mut ws).await.unwrap()["type"], "connection_ack");
    send(&mut ws, json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription($r: ID!, $a: DateTime) { timelineEntries(recordId: $r, after: $a) { kind data } }", "variables": { "r": contact, "a": since } } })).await;
    // While it is theirs, entries arrive (from its creation on, whichever of the subscribe and
    // the mutations the server handles first).
    let first = next(&mut ws).await.unwrap();
    assert_eq!(
        first["payload"]["data"]["timelineEntries"]["kind"], "created",
        "{first:#}"
    );
    let log = "mutation($c: ID!, $s: String!) { logActivity(input: { kind: \"call\", subject: $s, contactId: $c }) { activity { id } } }";
    app.gql_ok(Some(&rep.token), log, json!({ "c": contact, "s": "Own call" }))
        .await;
    let got = next(&mut ws).await.unwrap();
    assert_eq!(
        got["payload"]["data"]["timelineEntries"]["data"]["subject"], "Own call",
        "{got:#}"
    );

    app.gql_ok(
        Some(&t.admin_token),
        "mutation($i: ReassignInput!) { reassignContacts(input: $i) { contacts { id } } }",
        json!({ "i": { "ids": [contact], "ownerId": other.id } }),
    )
    .await;
    app.gql_ok(Some(&t.admin_token), log, json!({ "c": contact, "s": "Secret call" }))
        .await;
    // Nothing after the reassignment (not even its own entry); the stream ends with NOT_FOUND.
    let mut saw_error = false;
    while let Some(msg) = next(&mut ws).await {
        let text = msg.to_string();
        assert!(!text.contains("Secret call"), "leaked after reassignment: {msg:#}");
        assert!(!text.contains("owner"), "leaked the reassignment itself: {msg:#}");
        if msg["type"] == "next" && msg["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND" {
            saw_error = true;
        }
        if msg["type"] == "complete" {
            break;
        }
    }
    assert!(saw_error, "the stream ended with NOT_FOUND");
}
