use std::sync::atomic::Ordering;

use async_graphql::{Context, InputObject, Object, SimpleObject};
use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;
use crate::graphql::errors::GqlResult;
use crate::graphql::types::user::User;
use crate::graphql::{cx, info, scope};
use crate::service;

#[derive(Default)]
pub struct SessionMutation;

/// Credentials for `signIn`.
#[derive(InputObject)]
pub struct SignInInput {
    /// The account's email address.
    pub email: String,
    /// The account's password.
    #[graphql(secret)]
    pub password: String,
    /// The workspace's slug; needed only when the email has accounts in several workspaces.
    pub workspace: Option<String>,
}

/// A new session.
#[derive(SimpleObject)]
pub struct SignInPayload {
    /// Bearer token for `Authorization: Bearer <token>`. Shown once; keep it secret.
    pub token: String,
    /// When the session ends on its own (UTC).
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The signed-in person.
    pub user: User,
}

/// Result of `signOut`.
#[derive(SimpleObject)]
pub struct SignOutPayload {
    /// True once the token used for this request is revoked.
    pub signed_out: bool,
}

#[Object]
impl SessionMutation {
    /// Signs in with email and password. Rate-limited per account and per IP; must be the only
    /// sign-in of its HTTP request (no batching, no aliases).
    async fn sign_in(&self, ctx: &Context<'_>, input: SignInInput) -> async_graphql::Result<SignInPayload> {
        let info = info(ctx);
        let seen = info.sign_ins.fetch_add(1, Ordering::SeqCst);
        if info.batch_size > 1 || seen > 0 {
            return Err(Error::bad_input(
                "signIn",
                "Send signIn on its own: it cannot be batched or repeated with aliases.",
            ))
            .gql();
        }
        let session = service::session::sign_in(
            cx(ctx),
            service::session::SignIn {
                email: input.email,
                password: SecretString::from(input.password),
                workspace: input.workspace,
                client_ip: info.client_ip.clone(),
            },
        )
        .await
        .gql()?;
        Ok(SignInPayload {
            token: session.token.expose_secret().to_string(),
            expires_at: session.expires_at,
            user: User(session.user),
        })
    }

    /// Ends the current session (or revokes the API key used for this request).
    async fn sign_out(&self, ctx: &Context<'_>) -> async_graphql::Result<SignOutPayload> {
        service::session::sign_out(cx(ctx), scope(ctx)?).await.gql()?;
        Ok(SignOutPayload { signed_out: true })
    }
}
