use async_graphql::{Context, ID, Object};

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::types::department::Department;
use crate::graphql::{cx, ids, scope};
use crate::service;
use crate::service::department::Level;

#[derive(Default)]
pub struct DepartmentQuery;

#[Object]
impl DepartmentQuery {
    /// One department of the workspace.
    async fn department(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A department's global id.")] id: ID,
    ) -> async_graphql::Result<Department> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let id = ids::decode("id", "Department", "department", &id).gql()?;
        Ok(Department(service::department::get(cx, scope, id).await.gql()?))
    }

    /// Departments by name: the top of the tree with `rootsOnly`, every department otherwise.
    /// Walk the tree with `children`.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    async fn departments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only departments without a parent.", default)] roots_only: bool,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Department>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let level = if roots_only { Level::Roots } else { Level::All };
        let args = connection::args(first, after, last, before);
        let page = service::department::list(cx, scope, level, &args).await.gql()?;
        let total = if connection::wants_total(ctx) {
            service::department::count(cx, scope, level).await.gql()?
        } else {
            0
        };
        let _ = ids::encode;
        Ok(connection::build(page.map(Department), total))
    }
}
