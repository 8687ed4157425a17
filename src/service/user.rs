//! People in a workspace: listing, inviting, accepting, role and department changes,
//! deactivation (which revokes every token at once) and password changes.

use chrono::Duration;
use entity::{auth_token, department, invitation, mail_delivery, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, Select, Set, TransactionTrait,
};
use secrecy::SecretString;
use uuid::Uuid;

use crate::auth::password;
use crate::auth::token::{self, TokenKind};
use crate::domain::email::EmailAddress;
use crate::domain::password::check_new;
use crate::domain::role::{Role, status};
use crate::domain::text;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::pagination::{OrderPart, Page, PageArgs, SortKey, SortValue, paginate, total};
use crate::service::{Context, mail_delivery as delivery, now, session};

/// Orderings the `users` list offers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UserOrder {
    Name,
    Email,
    CreatedAt,
}

fn order_part(o: UserOrder) -> OrderPart<user::Entity> {
    match o {
        UserOrder::Name => ("name", user::Column::Name, |m| SortValue::Text(m.name.clone())),
        UserOrder::Email => ("email", user::Column::EmailCanonical, |m| {
            SortValue::Text(m.email_canonical.clone())
        }),
        UserOrder::CreatedAt => ("createdAt", user::Column::CreatedAt, |m| SortValue::Time(m.created_at)),
    }
}

fn sort_key(order: &[(UserOrder, bool)]) -> Result<SortKey<user::Entity>> {
    SortKey::of("users", user::Column::Id, |m: &user::Model| m.id, order, order_part)
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub status: Option<String>,
    pub department_id: Option<Uuid>,
}

fn select(scope: &TenantScope, filter: &UserFilter) -> Select<user::Entity> {
    let mut q = user::Entity::find_in(scope.workspace_id);
    if let Some(s) = &filter.status {
        q = q.filter(user::Column::Status.eq(s.as_str()));
    }
    if let Some(d) = filter.department_id {
        q = q.filter(user::Column::DepartmentId.eq(d));
    }
    q
}

/// The workspace's people. Every member may see the directory (names, roles, departments).
pub async fn list(
    cx: &Context,
    scope: &TenantScope,
    filter: &UserFilter,
    order: &[(UserOrder, bool)],
    args: &PageArgs,
) -> Result<Page<user::Model>> {
    paginate(
        &cx.db,
        scope.workspace_id,
        select(scope, filter),
        &sort_key(order)?,
        args,
    )
    .await
}

pub async fn count(cx: &Context, scope: &TenantScope, filter: &UserFilter) -> Result<i64> {
    total(&cx.db, select(scope, filter)).await
}

pub async fn get(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<user::Model> {
    find(&cx.db, scope.workspace_id, id).await
}

async fn find<C: ConnectionTrait>(db: &C, ws: Uuid, id: Uuid) -> Result<user::Model> {
    user::Entity::find_by_id_in(ws, id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("user"))
}

async fn check_department<C: ConnectionTrait>(db: &C, ws: Uuid, id: Option<Uuid>) -> Result<()> {
    if let Some(d) = id
        && department::Entity::find_by_id_in(ws, d).one(db).await?.is_none()
    {
        return Err(Error::NotFound(
            "No department with this `departmentId` exists in your workspace.".into(),
        ));
    }
    Ok(())
}

pub struct NewInvitation {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub department_id: Option<Uuid>,
}

/// Invites a person: an `invited` user, an invitation and a ledger row for the mail, in one
/// transaction; then the mail job is enqueued. If enqueueing fails the ledger row stays due
/// and the workers' recovery sweep sends it, so the invitation is never lost.
pub async fn invite(
    cx: &Context,
    scope: &TenantScope,
    input: NewInvitation,
) -> Result<(user::Model, invitation::Model)> {
    scope.require_admin("invite people")?;
    let email = EmailAddress::parse("email", &input.email)?;
    let name = text::name("name", &input.name, 120)?;
    let txn = cx.db.begin().await?;
    check_department(&txn, scope.workspace_id, input.department_id).await?;
    if let Some(existing) = user::Entity::find_in(scope.workspace_id)
        .filter(user::Column::EmailCanonical.eq(&email.canonical))
        .one(&txn)
        .await?
    {
        return Err(Error::Conflict(format!(
            "{} already has an account in this workspace (status: {}).",
            email.display, existing.status
        )));
    }
    let person = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(scope.workspace_id),
        email: Set(email.display),
        email_canonical: Set(email.canonical),
        name: Set(name),
        role: Set(input.role.as_str().into()),
        department_id: Set(input.department_id),
        password_hash: Set(None),
        status: Set(status::INVITED.into()),
        last_sign_in_at: Set(None),
        created_by: Set(Some(scope.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let inv_id = Uuid::now_v7();
    let inv = invitation::ActiveModel {
        id: Set(inv_id),
        workspace_id: Set(scope.workspace_id),
        user_id: Set(person.id),
        invited_by: Set(scope.user_id),
        token_hash: Set(token::hash_secret(&cx.keys.derive_token("invitation", &inv_id)?)),
        status: Set("pending".into()),
        expires_at: Set(now() + Duration::hours(cx.config.invitation_ttl_hours)),
        accepted_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let ws_name = crate::service::workspace::current(cx, scope)
        .await
        .map(|w| w.name)
        .unwrap_or_default();
    let ledger = delivery::record(
        &txn,
        cx,
        delivery::NewDelivery {
            workspace_id: scope.workspace_id,
            idempotency_key: format!("invitation:{inv_id}"),
            kind: delivery::KIND_INVITATION,
            reference_id: inv_id,
            to: person.email.clone(),
            subject: format!("You are invited to {ws_name} on Rapport"),
        },
    )
    .await?;
    txn.commit().await?;
    delivery::enqueue(cx, &ledger).await;
    Ok((person, inv))
}

/// The invitation a one-time token names, if it can still be accepted.
pub async fn pending_invitation(cx: &Context, presented: &str) -> Result<invitation::Model> {
    let invalid = || {
        Error::bad_input(
            "token",
            "This invitation is invalid, already used or expired; ask an admin to invite you again.",
        )
    };
    let inv = invitation::Entity::find_by_hash(&token::hash(presented.trim()))
        .one(&cx.db)
        .await?
        .ok_or_else(invalid)?;
    if inv.status != "pending" || inv.expires_at <= now() {
        return Err(invalid());
    }
    Ok(inv)
}

/// Accepts an invitation: sets the password, activates the account and signs in.
pub async fn accept_invitation(
    cx: &Context,
    presented: &str,
    new_password: SecretString,
    name: Option<String>,
) -> Result<session::Session> {
    check_new("password", &new_password)?;
    let name = name.map(|n| text::name("name", &n, 120)).transpose()?;
    let inv = pending_invitation(cx, presented).await?;
    let hash = tokio::task::spawn_blocking(move || password::hash(&new_password))
        .await
        .map_err(|e| Error::Internal(format!("password hashing panicked: {e}")))??;
    let txn = cx.db.begin().await?;
    // Claim the invitation first: of two concurrent accepts only one updates a pending row.
    let claimed = invitation::Entity::update_in(inv.workspace_id)
        .filter(invitation::Column::Id.eq(inv.id))
        .filter(invitation::Column::Status.eq("pending"))
        .col_expr(invitation::Column::Status, Expr::value("accepted"))
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now()))
        .col_expr(invitation::Column::UpdatedAt, Expr::value(now()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(Error::bad_input(
            "token",
            "This invitation was already used; sign in instead.",
        ));
    }
    let person = find(&txn, inv.workspace_id, inv.user_id).await?;
    if person.status != status::INVITED {
        return Err(Error::bad_input(
            "token",
            "This account is no longer waiting for an invitation; ask an admin.",
        ));
    }
    let mut am: user::ActiveModel = person.into();
    am.password_hash = Set(Some(hash));
    am.status = Set(status::ACTIVE.into());
    am.last_sign_in_at = Set(Some(now()));
    if let Some(n) = name {
        am.name = Set(n);
    }
    let person = am.update(&txn).await?;
    let ttl = Duration::hours(cx.config.session_ttl_hours);
    let (secret, tok) = session::issue(&txn, &person, TokenKind::Session, "session", Some(now() + ttl)).await?;
    txn.commit().await?;
    Ok(session::Session {
        token: secret,
        expires_at: tok.expires_at.unwrap_or_else(now),
        user: person,
    })
}

pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    /// `Some(None)` removes the person from any department.
    pub department_id: Option<Option<Uuid>>,
}

/// Admins change anyone's role and department; people change their own name.
pub async fn update(cx: &Context, scope: &TenantScope, id: Uuid, changes: UserChanges) -> Result<user::Model> {
    let own = id == scope.user_id;
    if !scope.is_admin() && (!own || changes.role.is_some() || changes.department_id.is_some()) {
        return Err(Error::Forbidden(
            "Only workspace admins can change other people, roles or departments.".into(),
        ));
    }
    // A new name changes no token's scope; a role or a department does.
    let scope_changes = changes.role.is_some() || changes.department_id.is_some();
    let name = changes
        .name
        .as_deref()
        .map(|n| text::name("name", n, 120))
        .transpose()?;
    let txn = cx.db.begin().await?;
    let person = find(&txn, scope.workspace_id, id).await?;
    if let Some(Some(d)) = changes.department_id {
        check_department(&txn, scope.workspace_id, Some(d)).await?;
    }
    if let Some(role) = changes.role
        && role != Role::Admin
        && person.role == Role::Admin.as_str()
        && person.status == status::ACTIVE
    {
        ensure_other_admin(&txn, scope.workspace_id, id).await?;
    }
    let mut am: user::ActiveModel = person.into();
    if let Some(n) = name {
        am.name = Set(n);
    }
    if let Some(r) = changes.role {
        am.role = Set(r.as_str().into());
    }
    if let Some(d) = changes.department_id {
        am.department_id = Set(d);
    }
    let row = am.update(&txn).await?;
    txn.commit().await?;
    if scope_changes {
        session::forget(cx, scope.workspace_id).await;
    }
    Ok(row)
}

async fn ensure_other_admin<C: ConnectionTrait>(db: &C, ws: Uuid, except: Uuid) -> Result<()> {
    let others = user::Entity::find_in(ws)
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::Status.eq(status::ACTIVE))
        .filter(user::Column::Id.ne(except))
        .count(db)
        .await?;
    if others == 0 {
        return Err(Error::Conflict(
            "This is the workspace's last active admin; make someone else admin first.".into(),
        ));
    }
    Ok(())
}

/// Deactivates an account: it can no longer sign in, and every session and API key it holds
/// stops working with the next request. Pending invitations are withdrawn.
pub async fn deactivate(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<user::Model> {
    scope.require_admin("deactivate people")?;
    if id == scope.user_id {
        return Err(Error::bad_input(
            "id",
            "You cannot deactivate your own account; ask another admin.",
        ));
    }
    let txn = cx.db.begin().await?;
    let person = find(&txn, scope.workspace_id, id).await?;
    if person.role == Role::Admin.as_str() && person.status == status::ACTIVE {
        ensure_other_admin(&txn, scope.workspace_id, id).await?;
    }
    let t = now();
    auth_token::Entity::update_in(scope.workspace_id)
        .filter(auth_token::Column::UserId.eq(id))
        .filter(auth_token::Column::RevokedAt.is_null())
        .col_expr(auth_token::Column::RevokedAt, Expr::value(t))
        .exec(&txn)
        .await?;
    invitation::Entity::update_in(scope.workspace_id)
        .filter(invitation::Column::UserId.eq(id))
        .filter(invitation::Column::Status.eq("pending"))
        .col_expr(invitation::Column::Status, Expr::value("revoked"))
        .col_expr(invitation::Column::UpdatedAt, Expr::value(t))
        .exec(&txn)
        .await?;
    let mut am: user::ActiveModel = person.into();
    am.status = Set(status::DEACTIVATED.into());
    let row = am.update(&txn).await?;
    txn.commit().await?;
    session::forget(cx, scope.workspace_id).await;
    Ok(row)
}

/// Gives a deactivated account back its access (it signs in with its old password).
pub async fn reactivate(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<user::Model> {
    scope.require_admin("reactivate people")?;
    let txn = cx.db.begin().await?;
    let person = find(&txn, scope.workspace_id, id).await?;
    if person.status != status::DEACTIVATED {
        return Err(Error::bad_input(
            "id",
            format!("This account is {}, not deactivated.", person.status),
        ));
    }
    let next = if person.password_hash.is_some() {
        status::ACTIVE
    } else {
        status::INVITED
    };
    let mut am: user::ActiveModel = person.into();
    am.status = Set(next.into());
    let row = am.update(&txn).await?;
    txn.commit().await?;
    session::forget(cx, scope.workspace_id).await;
    Ok(row)
}

/// Changes the caller's password and signs out every other session.
pub async fn change_password(
    cx: &Context,
    scope: &TenantScope,
    current: SecretString,
    new: SecretString,
) -> Result<user::Model> {
    check_new("newPassword", &new)?;
    let me = find(&cx.db, scope.workspace_id, scope.user_id).await?;
    let stored = me.password_hash.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&current, stored.as_deref()))
        .await
        .map_err(|e| Error::Internal(format!("password check panicked: {e}")))?;
    if !ok {
        return Err(Error::bad_input(
            "currentPassword",
            "The current password is incorrect.",
        ));
    }
    let hash = tokio::task::spawn_blocking(move || password::hash(&new))
        .await
        .map_err(|e| Error::Internal(format!("password hashing panicked: {e}")))??;
    let txn = cx.db.begin().await?;
    let mut others = auth_token::Entity::update_in(scope.workspace_id)
        .filter(auth_token::Column::UserId.eq(scope.user_id))
        .filter(auth_token::Column::Kind.eq(TokenKind::Session.as_str()))
        .filter(auth_token::Column::RevokedAt.is_null());
    if let Some(current_token) = scope.token_id {
        others = others.filter(auth_token::Column::Id.ne(current_token));
    }
    others
        .col_expr(auth_token::Column::RevokedAt, Expr::value(now()))
        .exec(&txn)
        .await?;
    let mut am: user::ActiveModel = me.into();
    am.password_hash = Set(Some(hash));
    let row = am.update(&txn).await?;
    txn.commit().await?;
    session::forget(cx, scope.workspace_id).await;
    Ok(row)
}

/// Invitations of the workspace, newest first (admins only).
pub async fn invitations(cx: &Context, scope: &TenantScope, user_id: Uuid) -> Result<Vec<invitation::Model>> {
    scope.require_admin("see invitations")?;
    use sea_orm::QueryOrder;
    Ok(invitation::Entity::find_in(scope.workspace_id)
        .filter(invitation::Column::UserId.eq(user_id))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(&cx.db)
        .await?)
}

/// Users by id, for the DataLoader; only this workspace's.
pub async fn by_ids(cx: &Context, workspace_id: Uuid, ids: &[Uuid]) -> Result<Vec<user::Model>> {
    Ok(user::Entity::find_in(workspace_id)
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(&cx.db)
        .await?)
}

/// The ledger rows of invitation mail for one user, for admins checking delivery.
pub async fn invitation_deliveries(
    cx: &Context,
    scope: &TenantScope,
    invitation_id: Uuid,
) -> Result<Option<mail_delivery::Model>> {
    scope.require_admin("see mail deliveries")?;
    Ok(mail_delivery::Entity::find_in(scope.workspace_id)
        .filter(mail_delivery::Column::IdempotencyKey.eq(format!("invitation:{invitation_id}")))
        .one(&cx.db)
        .await?)
}
