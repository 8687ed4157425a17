//! The department tree: create, rename, move (no cycles), delete when empty.

use entity::{department, user};
use sea_orm::sea_query::{BinOper, Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, Select, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::domain::department::{child_path, would_cycle};
use crate::domain::text;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::pagination::{Page, PageArgs, SortKey, SortPart, SortValue, paginate, total};
use crate::service::{Context, now, session};

pub struct NewDepartment {
    pub name: String,
    pub parent_id: Option<Uuid>,
}

/// Which level of the tree a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Level {
    All,
    Roots,
    ChildrenOf(Uuid),
}

fn by_name() -> SortKey<department::Entity> {
    SortKey::single(
        "departments",
        department::Column::Id,
        |m| m.id,
        SortPart {
            name: "name",
            column: department::Column::Name,
            descending: false,
            value: |m| SortValue::Text(m.name.clone()),
        },
    )
}

fn select(scope: &TenantScope, level: Level) -> Select<department::Entity> {
    let q = department::Entity::find_in(scope.workspace_id);
    match level {
        Level::All => q,
        Level::Roots => q.filter(department::Column::ParentId.is_null()),
        Level::ChildrenOf(p) => q.filter(department::Column::ParentId.eq(p)),
    }
}

pub async fn list(cx: &Context, scope: &TenantScope, level: Level, args: &PageArgs) -> Result<Page<department::Model>> {
    paginate(&cx.db, scope.workspace_id, select(scope, level), &by_name(), args).await
}

pub async fn count(cx: &Context, scope: &TenantScope, level: Level) -> Result<i64> {
    total(&cx.db, select(scope, level)).await
}

pub async fn get(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<department::Model> {
    find(&cx.db, scope.workspace_id, id, "id").await
}

/// A department of this workspace, or `NOT_FOUND` naming the input field.
async fn find<C: ConnectionTrait>(db: &C, ws: Uuid, id: Uuid, field: &str) -> Result<department::Model> {
    department::Entity::find_by_id_in(ws, id).one(db).await?.ok_or_else(|| {
        if field == "id" {
            Error::not_found("department")
        } else {
            Error::NotFound(format!("No department with this `{field}` exists in your workspace."))
        }
    })
}

/// Sibling names are unique, so a tree reads unambiguously.
async fn check_unique_name<C: ConnectionTrait>(
    db: &C,
    ws: Uuid,
    parent: Option<Uuid>,
    name: &str,
    except: Option<Uuid>,
) -> Result<()> {
    let mut q = department::Entity::find_in(ws).filter(department::Column::Name.eq(name));
    q = match parent {
        Some(p) => q.filter(department::Column::ParentId.eq(p)),
        None => q.filter(department::Column::ParentId.is_null()),
    };
    if let Some(id) = except {
        q = q.filter(department::Column::Id.ne(id));
    }
    if q.one(db).await?.is_some() {
        return Err(Error::Conflict(format!(
            "A department named {name:?} already exists at this place in the tree."
        )));
    }
    Ok(())
}

pub async fn create(cx: &Context, scope: &TenantScope, input: NewDepartment) -> Result<department::Model> {
    scope.require_admin("change departments")?;
    let name = text::name("name", &input.name, 100)?;
    let txn = cx.db.begin().await?;
    let parent = match input.parent_id {
        Some(p) => Some(find(&txn, scope.workspace_id, p, "parentId").await?),
        None => None,
    };
    check_unique_name(&txn, scope.workspace_id, input.parent_id, &name, None).await?;
    let id = Uuid::now_v7();
    let row = department::ActiveModel {
        id: Set(id),
        workspace_id: Set(scope.workspace_id),
        parent_id: Set(input.parent_id),
        name: Set(name),
        path: Set(child_path(parent.as_ref().map(|p| p.path.as_str()), id)),
        created_by: Set(Some(scope.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn rename(cx: &Context, scope: &TenantScope, id: Uuid, name: &str) -> Result<department::Model> {
    scope.require_admin("change departments")?;
    let name = text::name("name", name, 100)?;
    let txn = cx.db.begin().await?;
    let dep = find(&txn, scope.workspace_id, id, "id").await?;
    check_unique_name(&txn, scope.workspace_id, dep.parent_id, &name, Some(id)).await?;
    let mut am: department::ActiveModel = dep.into();
    am.name = Set(name);
    let row = am.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// Moves a department (and its subtree) under a new parent, or to the top when `None`.
/// Moving under itself or a descendant is a `BAD_USER_INPUT` and changes nothing.
pub async fn move_to(
    cx: &Context,
    scope: &TenantScope,
    id: Uuid,
    parent_id: Option<Uuid>,
) -> Result<department::Model> {
    scope.require_admin("change departments")?;
    let txn = cx.db.begin().await?;
    let dep = find(&txn, scope.workspace_id, id, "id").await?;
    let parent = match parent_id {
        Some(p) => Some(find(&txn, scope.workspace_id, p, "parentId").await?),
        None => None,
    };
    if let Some(p) = &parent
        && would_cycle(&dep.path, &p.path)
    {
        return Err(Error::bad_input(
            "parentId",
            "A department cannot move under itself or one of its own sub-departments.",
        ));
    }
    check_unique_name(&txn, scope.workspace_id, parent_id, &dep.name, Some(id)).await?;
    let old_path = dep.path.clone();
    let new_path = child_path(parent.as_ref().map(|p| p.path.as_str()), id);
    // One statement rewrites the whole subtree's paths: new prefix || rest of the old path.
    department::Entity::update_in(scope.workspace_id)
        .filter(department::Column::Path.starts_with(&old_path))
        .col_expr(
            department::Column::Path,
            Expr::val(new_path.clone()).binary(
                BinOper::Custom("||"),
                Func::cust("substr")
                    .arg(Expr::col(department::Column::Path))
                    .arg((old_path.len() + 1) as i32),
            ),
        )
        .col_expr(department::Column::UpdatedAt, Expr::value(now()))
        .exec(&txn)
        .await?;
    let mut am: department::ActiveModel = find(&txn, scope.workspace_id, id, "id").await?.into();
    am.parent_id = Set(parent_id);
    let row = am.update(&txn).await?;
    txn.commit().await?;
    // Managers' data scopes are path prefixes: the moved subtree's managers see other rows now.
    session::forget(cx, scope.workspace_id).await;
    Ok(row)
}

/// Deletes a department with no sub-departments and no members; otherwise `CONFLICT` saying
/// what is still in it.
pub async fn delete(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<department::Model> {
    scope.require_admin("change departments")?;
    let txn = cx.db.begin().await?;
    let dep = find(&txn, scope.workspace_id, id, "id").await?;
    let children = department::Entity::find_in(scope.workspace_id)
        .filter(department::Column::ParentId.eq(id))
        .count(&txn)
        .await?;
    let members = user::Entity::find_in(scope.workspace_id)
        .filter(user::Column::DepartmentId.eq(id))
        .count(&txn)
        .await?;
    if children > 0 || members > 0 {
        return Err(Error::Conflict(format!(
            "The department still has {children} sub-department(s) and {members} member(s); move them elsewhere first."
        )));
    }
    department::Entity::delete_in(scope.workspace_id)
        .filter(department::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(dep)
}

/// Departments by id, for the DataLoader; only this workspace's.
pub async fn by_ids(cx: &Context, workspace_id: Uuid, ids: &[Uuid]) -> Result<Vec<department::Model>> {
    Ok(department::Entity::find_in(workspace_id)
        .filter(department::Column::Id.is_in(ids.iter().copied()))
        .all(&cx.db)
        .await?)
}
