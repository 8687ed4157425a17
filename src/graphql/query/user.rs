use async_graphql::{Context, Enum, ID, InputObject, Object};

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::types::SortDirection;
use crate::graphql::types::user::{User, UserStatus};
use crate::graphql::{cx, ids, scope};
use crate::service;
use crate::service::user::{UserFilter as Filter, UserOrder};

#[derive(Default)]
pub struct UserQuery;

/// Narrows the people list.
#[derive(InputObject, Default)]
pub struct UserFilter {
    /// Only accounts in this state.
    pub status: Option<UserStatus>,
    /// Only members of this department (not of its sub-departments).
    pub department_id: Option<ID>,
}

/// Fields people can be ordered by.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum UserOrderField {
    /// Full name.
    Name,
    /// Email address (canonical form).
    Email,
    /// Creation time.
    CreatedAt,
}

/// One ordering; ties are broken by id so pages never overlap.
#[derive(InputObject)]
pub struct UserOrderBy {
    /// The field.
    pub field: UserOrderField,
    /// The direction; ascending when left out.
    #[graphql(default)]
    pub direction: SortDirection,
}

#[Object]
impl UserQuery {
    /// One person of the workspace.
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A user's global id.")] id: ID,
    ) -> async_graphql::Result<User> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let id = ids::decode("id", "User", "user", &id).gql()?;
        Ok(User(service::user::get(cx, scope, id).await.gql()?))
    }

    /// The workspace's people, by name unless `orderBy` says otherwise.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<UserFilter>,
        #[graphql(desc = "Ordering, 1 to 3 fields, the first one first; by name when left out.")] order_by: Option<
            Vec<UserOrderBy>,
        >,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<User>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let f = filter.unwrap_or_default();
        let filter = Filter {
            status: f.status.map(|s| s.as_stored().to_string()),
            department_id: f
                .department_id
                .as_ref()
                .map(|d| ids::decode("filter.departmentId", "Department", "department", d))
                .transpose()
                .gql()?,
        };
        let field = |f| match f {
            UserOrderField::Name => UserOrder::Name,
            UserOrderField::Email => UserOrder::Email,
            UserOrderField::CreatedAt => UserOrder::CreatedAt,
        };
        let order: Vec<(UserOrder, bool)> = match order_by {
            Some(v) => v
                .into_iter()
                .map(|o| (field(o.field), o.direction == SortDirection::Desc))
                .collect(),
            None => vec![(UserOrder::Name, false)],
        };
        let args = connection::args(first, after, last, before);
        let page = service::user::list(cx, scope, &filter, &order, &args).await.gql()?;
        let total = if connection::wants_total(ctx) {
            service::user::count(cx, scope, &filter).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page.map(User), total))
    }
}
