use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::graphql::errors::GqlResult;
use crate::graphql::types::department::Department;
use crate::graphql::{cx, ids, scope};
use crate::service;

#[derive(Default)]
pub struct DepartmentMutation;

fn parent(id: Option<&ID>) -> crate::Result<Option<uuid::Uuid>> {
    id.map(|p| ids::decode("parentId", "Department", "department", p))
        .transpose()
}

/// A new department.
#[derive(InputObject)]
pub struct CreateDepartmentInput {
    /// Name, unique among its siblings.
    pub name: String,
    /// The department above; at the top of the tree when left out.
    pub parent_id: Option<ID>,
}

/// A new name.
#[derive(InputObject)]
pub struct RenameDepartmentInput {
    /// The department.
    pub id: ID,
    /// The new name, unique among its siblings.
    pub name: String,
}

/// A move in the tree.
#[derive(InputObject)]
pub struct MoveDepartmentInput {
    /// The department; its whole subtree moves with it.
    pub id: ID,
    /// The new parent; to the top of the tree when null. Not the department itself nor one below it.
    pub parent_id: Option<ID>,
}

/// Which department to delete.
#[derive(InputObject)]
pub struct DeleteDepartmentInput {
    /// An empty department (no sub-departments, no members).
    pub id: ID,
}

/// The department after the change.
#[derive(SimpleObject)]
pub struct DepartmentPayload {
    /// The department.
    pub department: Department,
}

/// What was deleted.
#[derive(SimpleObject)]
pub struct DeleteDepartmentPayload {
    /// Global id of the deleted department.
    pub deleted_id: ID,
}

#[Object]
impl DepartmentMutation {
    /// Creates a department (admins).
    async fn create_department(
        &self,
        ctx: &Context<'_>,
        input: CreateDepartmentInput,
    ) -> async_graphql::Result<DepartmentPayload> {
        let parent_id = parent(input.parent_id.as_ref()).gql()?;
        let input = service::department::NewDepartment {
            name: input.name,
            parent_id,
        };
        let row = service::department::create(cx(ctx), scope(ctx)?, input).await.gql()?;
        Ok(DepartmentPayload {
            department: Department(row),
        })
    }

    /// Renames a department (admins).
    async fn rename_department(
        &self,
        ctx: &Context<'_>,
        input: RenameDepartmentInput,
    ) -> async_graphql::Result<DepartmentPayload> {
        let id = ids::decode("id", "Department", "department", &input.id).gql()?;
        let row = service::department::rename(cx(ctx), scope(ctx)?, id, &input.name)
            .await
            .gql()?;
        Ok(DepartmentPayload {
            department: Department(row),
        })
    }

    /// Moves a department and its subtree (admins). A move under itself is `BAD_USER_INPUT`.
    async fn move_department(
        &self,
        ctx: &Context<'_>,
        input: MoveDepartmentInput,
    ) -> async_graphql::Result<DepartmentPayload> {
        let id = ids::decode("id", "Department", "department", &input.id).gql()?;
        let parent_id = parent(input.parent_id.as_ref()).gql()?;
        let row = service::department::move_to(cx(ctx), scope(ctx)?, id, parent_id)
            .await
            .gql()?;
        Ok(DepartmentPayload {
            department: Department(row),
        })
    }

    /// Deletes an empty department (admins); `CONFLICT` while it has sub-departments or members.
    async fn delete_department(
        &self,
        ctx: &Context<'_>,
        input: DeleteDepartmentInput,
    ) -> async_graphql::Result<DeleteDepartmentPayload> {
        let id = ids::decode("id", "Department", "department", &input.id).gql()?;
        let row = service::department::delete(cx(ctx), scope(ctx)?, id).await.gql()?;
        Ok(DeleteDepartmentPayload {
            deleted_id: ids::encode("Department", row.id),
        })
    }
}
