use async_graphql::{Context, Object};

use crate::graphql::errors::GqlResult;
use crate::graphql::types::Role;
use crate::graphql::types::user::User;
use crate::graphql::types::workspace::Workspace;
use crate::graphql::{cx, scope};
use crate::service;

#[derive(Default)]
pub struct MeQuery;

/// The signed-in person, their workspace and role.
pub struct Me {
    user: User,
    workspace: Workspace,
}

#[Object]
impl Me {
    /// The signed-in person.
    async fn user(&self) -> &User {
        &self.user
    }
    /// Their workspace.
    async fn workspace(&self) -> &Workspace {
        &self.workspace
    }
    /// Their role in it.
    async fn role(&self) -> Role {
        Role::from_stored(&self.user.0.role)
    }
}

#[Object]
impl MeQuery {
    /// Who is signed in. `UNAUTHENTICATED` without a valid token.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Me> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let user = service::user::get(cx, scope, scope.user_id).await.gql()?;
        let workspace = service::workspace::current(cx, scope).await.gql()?;
        Ok(Me {
            user: User(user),
            workspace: Workspace(workspace),
        })
    }
}
