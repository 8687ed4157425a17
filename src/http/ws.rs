//! `GET /graphql/ws`: GraphQL subscriptions over WebSocket (`graphql-transport-ws`, and the
//! older `graphql-ws`). The client authenticates in `connection_init` with
//! `{"Authorization": "Bearer <token>"}`; a missing or invalid token closes the connection.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;

use super::HttpState;
use crate::graphql::RequestInfo;
use crate::graphql::loaders::Loaders;
use crate::graphql::subscription::SessionToken;
use crate::service;

pub async fn handler(State(st): State<HttpState>, protocol: GraphQLProtocol, upgrade: WebSocketUpgrade) -> Response {
    let schema = st.schema.clone();
    let cx = st.cx.clone();
    upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| {
        GraphQLWebSocket::new(socket, schema, protocol)
            .on_connection_init(move |payload| async move {
                let token = payload
                    .get("Authorization")
                    .or_else(|| payload.get("authorization"))
                    .and_then(|v| v.as_str())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .map(str::trim)
                    .unwrap_or("");
                let scope = service::session::authenticate(&cx, token).await.map_err(|e| {
                    if e.is_internal() {
                        tracing::error!(error = %e, "websocket authentication failed internally");
                    }
                    async_graphql::Error::new(
                        "UNAUTHENTICATED: send {\"Authorization\": \"Bearer <token>\"} in connection_init.",
                    )
                })?;
                let mut data = Data::default();
                data.insert(SessionToken(token.to_string().into()));
                data.insert(Loaders::new(cx.clone(), &scope));
                data.insert(RequestInfo {
                    scope: Some(scope),
                    client_ip: "websocket".into(),
                    batch_size: 1,
                    sign_ins: Arc::new(AtomicUsize::new(0)),
                });
                Ok(data)
            })
            .serve()
    })
}
