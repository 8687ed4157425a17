use async_graphql::{Context, ID, Object};
use entity::auth_token;

use crate::graphql::ids;
use crate::graphql::loaders::{Loaders, loader_error};
use crate::graphql::types::user::User;

/// A long-lived credential for integrations. The secret is shown once, at creation.
pub struct ApiKey(pub auth_token::Model);

#[Object]
impl ApiKey {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("ApiKey", self.0.id)
    }
    /// What the key is for.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the secret, to recognise it (e.g. in a password manager).
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// The person the key acts as.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        Ok(loaders
            .users
            .load_one(self.0.user_id)
            .await
            .map_err(loader_error)?
            .map(User))
    }
    /// When the key stops working on its own (UTC); null for never.
    async fn expires_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.expires_at
    }
    /// Last use, to the minute (UTC).
    async fn last_used_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.last_used_at
    }
    /// When it was revoked (UTC); a revoked key never works again.
    async fn revoked_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.revoked_at
    }
    /// When it was created (UTC).
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}
