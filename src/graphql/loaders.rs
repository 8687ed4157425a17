//! DataLoaders, built per request with the caller's workspace, so a batch can never load rows
//! of another tenant and nothing is cached across requests.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{department, user};
use uuid::Uuid;

use crate::service::{self, Context};

pub struct DepartmentLoader {
    cx: Arc<Context>,
    workspace_id: Uuid,
}

impl Loader<Uuid> for DepartmentLoader {
    type Value = department::Model;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = service::department::by_ids(&self.cx, self.workspace_id, keys)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

pub struct UserLoader {
    cx: Arc<Context>,
    workspace_id: Uuid,
}

impl Loader<Uuid> for UserLoader {
    type Value = user::Model;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = service::user::by_ids(&self.cx, self.workspace_id, keys)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

/// All loaders of one request.
pub struct Loaders {
    pub departments: DataLoader<DepartmentLoader>,
    pub users: DataLoader<UserLoader>,
}

impl Loaders {
    pub fn new(cx: Arc<Context>, workspace_id: Uuid) -> Self {
        Self {
            departments: DataLoader::new(
                DepartmentLoader {
                    cx: cx.clone(),
                    workspace_id,
                },
                tokio::spawn,
            ),
            users: DataLoader::new(UserLoader { cx, workspace_id }, tokio::spawn),
        }
    }
}

/// Loader errors keep their kind (a loader error is shared between waiters, hence the Arc).
pub fn loader_error(e: Arc<crate::Error>) -> async_graphql::Error {
    let inner = match Arc::try_unwrap(e) {
        Ok(e) => e,
        Err(shared) => crate::Error::Internal(shared.to_string()),
    };
    super::errors::gql(inner)
}
