use async_graphql::{Context, ID, Object};
use entity::department;

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::loaders::{Loaders, loader_error};
use crate::graphql::types::user::User;
use crate::graphql::{cx, ids, scope};
use crate::service;
use crate::service::department::Level;
use crate::service::user::{UserFilter, UserOrder};

/// A node of the department tree. Managers see the records of their department and below.
pub struct Department(pub department::Model);

#[Object]
impl Department {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Department", self.0.id)
    }
    /// Name, unique among its siblings.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The department above, or null at the top of the tree.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        let loaders = ctx.data_unchecked::<Loaders>();
        Ok(loaders
            .departments
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(Department))
    }
    /// Depth in the tree: 0 at the top.
    async fn depth(&self) -> i32 {
        (self.0.path.matches('/').count() as i32 - 2).max(0)
    }
    /// Direct sub-departments, by name.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Department>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let level = Level::ChildrenOf(self.0.id);
        let page = service::department::list(cx, scope, level, &connection::args(first, after, last, before))
            .await
            .gql()?;
        let total = if connection::wants_total(ctx) {
            service::department::count(cx, scope, level).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page.map(Department), total))
    }
    /// People whose department this is (not those of sub-departments), by name.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<User>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let filter = UserFilter {
            department_id: Some(self.0.id),
            ..Default::default()
        };
        let args = connection::args(first, after, last, before);
        let page = service::user::list(cx, scope, &filter, &[(UserOrder::Name, false)], &args)
            .await
            .gql()?;
        let total = if connection::wants_total(ctx) {
            service::user::count(cx, scope, &filter).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page.map(User), total))
    }
    /// When the department was created (UTC).
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When it was last renamed or moved (UTC).
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}
