//! API keys: long-lived bearer tokens for integrations, shown once, stored hashed, revocable.

use entity::{auth_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, QueryFilter, Select};
use secrecy::SecretString;
use uuid::Uuid;

use crate::auth::token::TokenKind;
use crate::domain::text;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::pagination::{Page, PageArgs, SortKey, SortPart, SortValue, paginate, total};
use crate::service::{Context, now, session};

pub struct NewApiKey {
    pub name: String,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A key for the caller's own account; it acts with the caller's role.
pub async fn create(cx: &Context, scope: &TenantScope, input: NewApiKey) -> Result<(SecretString, auth_token::Model)> {
    let name = text::name("name", &input.name, 100)?;
    if let Some(e) = input.expires_at
        && e <= now()
    {
        return Err(Error::bad_input(
            "expiresAt",
            "`expiresAt` must be in the future; leave it out for a key that does not expire.",
        ));
    }
    let me = user::Entity::find_by_id_in(scope.workspace_id, scope.user_id)
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::Unauthenticated("Your account no longer exists.".into()))?;
    session::issue(&cx.db, &me, TokenKind::ApiKey, &name, input.expires_at).await
}

/// The caller's keys; admins see every key of the workspace.
fn visible(scope: &TenantScope) -> Select<auth_token::Entity> {
    let q =
        auth_token::Entity::find_in(scope.workspace_id).filter(auth_token::Column::Kind.eq(TokenKind::ApiKey.as_str()));
    if scope.is_admin() {
        q
    } else {
        q.filter(auth_token::Column::UserId.eq(scope.user_id))
    }
}

fn newest_first() -> SortKey<auth_token::Entity> {
    SortKey::single(
        "apiKeys",
        auth_token::Column::Id,
        |m| m.id,
        SortPart {
            name: "createdAt",
            column: auth_token::Column::CreatedAt,
            descending: true,
            value: |m| SortValue::Time(m.created_at),
        },
    )
}

pub async fn list(cx: &Context, scope: &TenantScope, args: &PageArgs) -> Result<Page<auth_token::Model>> {
    paginate(&cx.db, scope.workspace_id, visible(scope), &newest_first(), args).await
}

pub async fn count(cx: &Context, scope: &TenantScope) -> Result<i64> {
    total(&cx.db, visible(scope)).await
}

/// Revokes at once: the next request with the key is `UNAUTHENTICATED`.
pub async fn revoke(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<auth_token::Model> {
    let key = visible(scope)
        .filter(auth_token::Column::Id.eq(id))
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::not_found("API key"))?;
    if key.revoked_at.is_none() {
        auth_token::Entity::update_in(scope.workspace_id)
            .filter(auth_token::Column::Id.eq(id))
            .filter(auth_token::Column::RevokedAt.is_null())
            .col_expr(auth_token::Column::RevokedAt, Expr::value(now()))
            .exec(&cx.db)
            .await?;
        session::forget(cx, scope.workspace_id).await;
    }
    visible(scope)
        .filter(auth_token::Column::Id.eq(id))
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::not_found("API key"))
}

/// One key the caller may see.
pub async fn get(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<auth_token::Model> {
    visible(scope)
        .filter(auth_token::Column::Id.eq(id))
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::not_found("API key"))
}
