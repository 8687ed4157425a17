use async_graphql::{ID, Object};
use entity::workspace;

use crate::graphql::ids;

/// A tenant: one company's CRM. Nothing crosses from one workspace to another.
pub struct Workspace(pub workspace::Model);

#[Object]
impl Workspace {
    /// Global id.
    async fn id(&self) -> ID {
        ids::encode("Workspace", self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Short unique name, used to pick the workspace at sign-in when an email has several.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// When the workspace was created (UTC).
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}
