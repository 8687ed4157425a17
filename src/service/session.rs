//! Signing in and out, and turning a presented bearer token into a `TenantScope`.

use chrono::Duration;
use entity::{auth_token, department, user, workspace};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, Set, TransactionTrait};
use secrecy::SecretString;
use uuid::Uuid;

use crate::auth::password;
use crate::auth::scope_cache::Entry as ScopeEntry;
use crate::auth::token::{self, TokenKind};
use crate::domain::email::EmailAddress;
use crate::domain::role::{Role, status};
use crate::error::{Error, Result};
use crate::scope::{DataScope, TenantScope};
use crate::service::{Context, now};

pub struct SignIn {
    pub email: String,
    pub password: SecretString,
    /// Needed only when one address has accounts in several workspaces.
    pub workspace: Option<String>,
    pub client_ip: String,
}

pub struct Session {
    pub token: SecretString,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub user: user::Model,
}

const WRONG_CREDENTIALS: &str = "The email or password is incorrect.";

/// Email + password → a new session token. Rate-limited per account and per client IP before
/// any password is checked; an unknown email and a wrong password answer identically.
pub async fn sign_in(cx: &Context, input: SignIn) -> Result<Session> {
    let email = EmailAddress::parse("email", &input.email)?;
    cx.limiter
        .check(&[
            format!("signin:acct:{}", email.canonical),
            format!("signin:ip:{}", input.client_ip),
        ])
        .await?;

    let mut candidates = user::Entity::find_for_sign_in(&email.canonical)
        .filter(user::Column::Status.eq(status::ACTIVE))
        .all(&cx.db)
        .await?;
    if let Some(slug) = &input.workspace {
        let ws = workspace::Entity::by_slug(&slug.trim().to_lowercase())
            .one(&cx.db)
            .await?;
        let ws_id = ws.map(|w| w.id);
        candidates.retain(|u| Some(u.workspace_id) == ws_id);
    }
    let pw = input.password;
    let matching: Vec<user::Model> = if candidates.is_empty() {
        password::verify(&pw, None);
        Vec::new()
    } else {
        let mut ok = Vec::new();
        for u in candidates {
            let hash = u.password_hash.clone();
            let pw2 = pw.clone();
            // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
            let good = tokio::task::spawn_blocking(move || password::verify(&pw2, hash.as_deref()))
                .await
                .map_err(|e| Error::Internal(format!("password check panicked: {e}")))?;
            if good {
                ok.push(u);
            }
        }
        ok
    };
    let user = match matching.len() {
        0 => return Err(Error::Unauthenticated(WRONG_CREDENTIALS.into())),
        1 => matching
            .into_iter()
            .next()
            .ok_or_else(|| Error::Internal("empty match".into()))?,
        _ => {
            return Err(Error::bad_input(
                "workspace",
                "This email has accounts in several workspaces; pass `workspace` with the workspace's slug.",
            ));
        }
    };

    let txn = cx.db.begin().await?;
    let session = issue(
        &txn,
        &user,
        TokenKind::Session,
        "session",
        Some(now() + Duration::hours(cx.config.session_ttl_hours)),
    )
    .await?;
    user::Entity::update_in(user.workspace_id)
        .filter(user::Column::Id.eq(user.id))
        .col_expr(user::Column::LastSignInAt, Expr::value(now()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    let expires_at = session.1.expires_at.unwrap_or_else(now);
    Ok(Session {
        token: session.0,
        expires_at,
        user,
    })
}

/// Creates a token row and returns the secret (shown once) with the row.
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    user: &user::Model,
    kind: TokenKind,
    name: &str,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(SecretString, auth_token::Model)> {
    let t = token::generate(kind);
    let row = auth_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(user.workspace_id),
        user_id: Set(user.id),
        kind: Set(kind.as_str().into()),
        name: Set(name.into()),
        prefix: Set(t.prefix),
        token_hash: Set(t.hash),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((t.secret, row))
}

/// Revokes the token the caller is using.
pub async fn sign_out(cx: &Context, scope: &TenantScope) -> Result<()> {
    if let Some(id) = scope.token_id {
        auth_token::Entity::update_in(scope.workspace_id)
            .filter(auth_token::Column::Id.eq(id))
            .filter(auth_token::Column::RevokedAt.is_null())
            .col_expr(auth_token::Column::RevokedAt, Expr::value(now()))
            .exec(&cx.db)
            .await?;
        forget(cx, scope.workspace_id).await;
    }
    Ok(())
}

/// A bearer token → the caller's scope; every failure is the same `UNAUTHENTICATED`.
pub async fn authenticate(cx: &Context, presented: &str) -> Result<TenantScope> {
    let invalid = || Error::Unauthenticated("The token is invalid, expired or revoked; sign in again.".into());
    let hash = token::hash(presented);
    let t = now();
    if let Some(scope) = cx.scopes.get(&hash, t) {
        return Ok(scope);
    }
    let generation = cx.scopes.generation();
    // Token and user in one statement: this runs on every request the cache cannot answer.
    let Some((tok, Some(user))) = auth_token::Entity::find_by_hash(&hash)
        .find_also_related(user::Entity)
        .one(&cx.db)
        .await?
    else {
        return Err(invalid());
    };
    if tok.revoked_at.is_some() || tok.expires_at.is_some_and(|e| e <= t) || user.workspace_id != tok.workspace_id {
        return Err(invalid());
    }
    if user.status != status::ACTIVE {
        return Err(invalid());
    }
    // last_used_at is for people auditing keys; a minute's precision spares a write per request.
    let mut last_used = tok.last_used_at.unwrap_or(t);
    if tok.last_used_at.is_none_or(|u| t - u > Duration::minutes(1)) {
        auth_token::Entity::update_in(tok.workspace_id)
            .filter(auth_token::Column::Id.eq(tok.id))
            .col_expr(auth_token::Column::LastUsedAt, Expr::value(t))
            .exec(&cx.db)
            .await?;
        last_used = t;
    }
    let scope = scope_for(cx, &user, Some(tok.id)).await?;
    // Reused until last_used_at is due again, so the database path keeps it to the minute.
    let entry = ScopeEntry::new(scope.clone(), tok.expires_at, last_used + Duration::minutes(1));
    cx.scopes.put(generation, hash, entry);
    Ok(scope)
}

/// After a change to what the workspace's tokens grant has committed (a token revoked, a
/// user's role, department, status or password, the department tree): every process stops
/// reusing the workspace's verified tokens, so the change acts on the next request.
pub async fn forget(cx: &Context, workspace_id: Uuid) {
    cx.scopes.forget_workspace(workspace_id);
    if let Some(channel) = &cx.scope_channel {
        channel.publish(workspace_id);
    }
}

/// The data scope follows role and department: admins see the workspace, managers their
/// department subtree, reps (and managers outside any department) their own records.
pub async fn scope_for(cx: &Context, user: &user::Model, token_id: Option<Uuid>) -> Result<TenantScope> {
    let role = Role::from_stored(&user.role)?;
    let data_scope = match role {
        Role::Admin => DataScope::Workspace,
        Role::Rep => DataScope::Own,
        Role::Manager => match user.department_id {
            Some(d) => match department::Entity::find_by_id_in(user.workspace_id, d)
                .one(&cx.db)
                .await?
            {
                Some(dep) => DataScope::Department { path: dep.path },
                None => DataScope::Own,
            },
            None => DataScope::Own,
        },
    };
    Ok(TenantScope {
        workspace_id: user.workspace_id,
        user_id: user.id,
        role,
        data_scope,
        token_id,
    })
}
