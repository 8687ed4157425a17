use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{invitation, user};

use crate::graphql::errors::GqlResult;
use crate::graphql::loaders::{Loaders, loader_error};
use crate::graphql::types::Role;
use crate::graphql::types::department::Department;
use crate::graphql::{cx, ids, scope};
use crate::service;

/// Where an account stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum UserStatus {
    /// Invited; has not accepted yet, cannot sign in.
    Invited,
    /// Can sign in.
    Active,
    /// Switched off by an admin: cannot sign in, and every token it had is revoked.
    Deactivated,
}

impl UserStatus {
    pub fn from_stored(s: &str) -> Self {
        match s {
            "invited" => UserStatus::Invited,
            "active" => UserStatus::Active,
            _ => UserStatus::Deactivated,
        }
    }

    pub fn as_stored(self) -> &'static str {
        match self {
            UserStatus::Invited => "invited",
            UserStatus::Active => "active",
            UserStatus::Deactivated => "deactivated",
        }
    }
}

/// A person in the workspace.
pub struct User(pub user::Model);

#[Object]
impl User {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("User", self.0.id)
    }
    /// Email address as entered.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Role in the workspace.
    async fn role(&self) -> Role {
        Role::from_stored(&self.0.role)
    }
    /// Whether the account can sign in.
    async fn status(&self) -> UserStatus {
        UserStatus::from_stored(&self.0.status)
    }
    /// The department the person belongs to, if any.
    async fn department(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        let Some(id) = self.0.department_id else {
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
    /// Last successful sign-in (UTC).
    async fn last_sign_in_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.last_sign_in_at
    }
    /// When the account was created (UTC).
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When the account last changed (UTC).
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
    /// Invitations sent to this person, newest first, with their mail delivery (admins only).
    async fn invitations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Invitation>> {
        let rows = service::user::invitations(cx(ctx), scope(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(rows.into_iter().map(Invitation).collect())
    }
}

/// State of an invitation.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum InvitationStatus {
    /// Waiting to be accepted.
    Pending,
    /// Accepted; the account is active.
    Accepted,
    /// Withdrawn (the account was deactivated).
    Revoked,
}

/// An invitation to join the workspace.
pub struct Invitation(pub invitation::Model);

#[Object]
impl Invitation {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Invitation", self.0.id)
    }
    /// Pending, accepted or revoked. A pending invitation past `expiresAt` can no longer be used.
    async fn status(&self) -> InvitationStatus {
        match self.0.status.as_str() {
            "pending" => InvitationStatus::Pending,
            "accepted" => InvitationStatus::Accepted,
            _ => InvitationStatus::Revoked,
        }
    }
    /// Until when it can be accepted (UTC).
    async fn expires_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.expires_at
    }
    /// When it was accepted (UTC).
    async fn accepted_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.accepted_at
    }
    /// When it was sent (UTC).
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// The invitation mail's delivery state.
    async fn delivery(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<MailDelivery>> {
        let row = service::user::invitation_deliveries(cx(ctx), scope(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(row.map(|r| MailDelivery {
            state: r.state,
            attempts: r.attempts,
            last_error: r.last_error,
            sent_at: r.sent_at,
            transport: r.transport,
        }))
    }
}

/// Delivery of one outgoing mail.
#[derive(SimpleObject)]
pub struct MailDelivery {
    /// `pending`, `sending`, `sent`, `failed` or `cancelled`.
    pub state: String,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When the mail was handed to the mail server (UTC).
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `smtp`, or `outbox` when no SMTP server is configured and mail is written to files.
    pub transport: Option<String>,
}
