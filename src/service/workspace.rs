//! Workspaces: created by the operator (CLI), read by their members.

use entity::{user, workspace};
use sea_orm::{ActiveModelTrait, Set, TransactionTrait};
use secrecy::SecretString;
use uuid::Uuid;

use crate::auth::{password, token};
use crate::domain::email::EmailAddress;
use crate::domain::role::{Role, status};
use crate::domain::text;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::Context;

pub struct NewWorkspace {
    pub name: String,
    pub slug: Option<String>,
    pub admin_email: String,
    pub admin_name: Option<String>,
}

pub struct CreatedWorkspace {
    pub workspace: workspace::Model,
    pub admin: user::Model,
    /// Shown once to the operator; only its argon2 hash is stored.
    pub admin_password: SecretString,
}

/// Creates a workspace and its first admin with a one-time password, in one transaction.
pub async fn create(cx: &Context, input: NewWorkspace) -> Result<CreatedWorkspace> {
    let name = text::name("name", &input.name, 120)?;
    let slug = text::slug("slug", input.slug.as_deref().unwrap_or(&name))?;
    let email = EmailAddress::parse("email", &input.admin_email)?;
    let admin_name = match input.admin_name.as_deref() {
        Some(n) => text::name("adminName", n, 120)?,
        None => email.display.split('@').next().unwrap_or("Admin").to_string(),
    };
    let admin_password = token::one_time_password();
    let hash = password::hash(&admin_password)?;

    let txn = cx.db.begin().await?;
    if workspace::Entity::by_slug(&slug).one(&txn).await?.is_some() {
        return Err(Error::Conflict(format!(
            "A workspace with the slug {slug:?} already exists; choose another with --slug."
        )));
    }
    let ws = workspace::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        slug: Set(slug),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let admin = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(ws.id),
        email: Set(email.display),
        email_canonical: Set(email.canonical),
        name: Set(admin_name),
        role: Set(Role::Admin.as_str().into()),
        department_id: Set(None),
        password_hash: Set(Some(hash)),
        status: Set(status::ACTIVE.into()),
        last_sign_in_at: Set(None),
        created_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::service::pipeline::create_default(&txn, ws.id).await?;
    txn.commit().await?;
    Ok(CreatedWorkspace {
        workspace: ws,
        admin,
        admin_password,
    })
}

/// The caller's own workspace.
pub async fn current(cx: &Context, scope: &TenantScope) -> Result<workspace::Model> {
    workspace::Entity::by_id(scope.workspace_id)
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::Internal("the session's workspace no longer exists".into()))
}

/// Whether any workspace exists yet (the first-run hint in the log).
pub async fn any_exists(cx: &Context) -> Result<bool> {
    use sea_orm::PaginatorTrait;
    Ok(workspace::Entity::every().count(&cx.db).await? > 0)
}
