use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use secrecy::ExposeSecret;

use crate::graphql::errors::GqlResult;
use crate::graphql::types::api_key::ApiKey;
use crate::graphql::{cx, ids, scope};
use crate::service;

#[derive(Default)]
pub struct ApiKeyMutation;

/// A new API key.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// What the key is for, e.g. "ERP sync".
    pub name: String,
    /// When it stops working on its own (UTC, in the future); never when left out.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The created key and its secret.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The key.
    pub api_key: ApiKey,
    /// The secret, for `Authorization: Bearer <secret>`. Shown only now; it cannot be retrieved later.
    pub secret: String,
}

/// Which key to revoke.
#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    /// The key's global id.
    pub id: ID,
}

/// The revoked key.
#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    /// The key, with `revokedAt` set.
    pub api_key: ApiKey,
}

#[Object]
impl ApiKeyMutation {
    /// Creates an API key acting as you.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        input: CreateApiKeyInput,
    ) -> async_graphql::Result<CreateApiKeyPayload> {
        let input = service::api_key::NewApiKey {
            name: input.name,
            expires_at: input.expires_at,
        };
        let (secret, row) = service::api_key::create(cx(ctx), scope(ctx)?, input).await.gql()?;
        Ok(CreateApiKeyPayload {
            api_key: ApiKey(row),
            secret: secret.expose_secret().to_string(),
        })
    }

    /// Revokes an API key at once (your own; admins any of the workspace).
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiKeyInput,
    ) -> async_graphql::Result<RevokeApiKeyPayload> {
        let id = ids::decode("id", "ApiKey", "API key", &input.id).gql()?;
        let row = service::api_key::revoke(cx(ctx), scope(ctx)?, id).await.gql()?;
        Ok(RevokeApiKeyPayload { api_key: ApiKey(row) })
    }
}
