use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;
use crate::graphql::errors::GqlResult;
use crate::graphql::types::Role;
use crate::graphql::types::user::{Invitation, User};
use crate::graphql::{cx, ids, scope};
use crate::service;

#[derive(Default)]
pub struct UserMutation;

fn user_id(id: &ID) -> crate::Result<uuid::Uuid> {
    ids::decode("id", "User", "user", id)
}

fn department_id(id: Option<&ID>) -> crate::Result<Option<uuid::Uuid>> {
    id.map(|d| ids::decode("departmentId", "Department", "department", d))
        .transpose()
}

/// Whom to invite.
#[derive(InputObject)]
pub struct InviteUserInput {
    /// Their email address; the invitation is mailed there.
    pub email: String,
    /// Their full name.
    pub name: String,
    /// Their role once they accept.
    pub role: Role,
    /// Their department, if any.
    pub department_id: Option<ID>,
}

/// The invited person and the invitation.
#[derive(SimpleObject)]
pub struct InviteUserPayload {
    /// The new account, `INVITED` until accepted.
    pub user: User,
    /// The invitation; its mail is sent by a background job.
    pub invitation: Invitation,
}

/// Accepting an invitation (signed out).
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The token from the invitation mail.
    #[graphql(secret)]
    pub token: String,
    /// The password to set (at least 10 characters).
    #[graphql(secret)]
    pub password: String,
    /// Your name, if the one the admin typed is wrong.
    pub name: Option<String>,
}

/// A session for the newly active account.
#[derive(SimpleObject)]
pub struct AcceptInvitationPayload {
    /// Bearer token; shown once.
    pub token: String,
    /// When the session ends on its own (UTC).
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The now active account.
    pub user: User,
}

/// Changes to a person. Admins change role and department; anyone changes their own name.
#[derive(InputObject)]
pub struct UpdateUserInput {
    /// The person.
    pub id: ID,
    /// New full name.
    pub name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New department.
    pub department_id: Option<ID>,
    /// Remove the person from their department (cannot be combined with `departmentId`).
    #[graphql(default)]
    pub clear_department: bool,
}

/// Which person.
#[derive(InputObject)]
pub struct UserIdInput {
    /// The person's global id.
    pub id: ID,
}

/// A password change.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// Your current password.
    #[graphql(secret)]
    pub current_password: String,
    /// The new one (at least 10 characters).
    #[graphql(secret)]
    pub new_password: String,
}

/// The person after the change.
#[derive(SimpleObject)]
pub struct UserPayload {
    /// The person.
    pub user: User,
}

#[Object]
impl UserMutation {
    /// Invites a person by email (admins). The mail goes out through a background job; with no
    /// SMTP server configured it is written to the outbox folder.
    async fn invite_user(&self, ctx: &Context<'_>, input: InviteUserInput) -> async_graphql::Result<InviteUserPayload> {
        let department_id = department_id(input.department_id.as_ref()).gql()?;
        let new = service::user::NewInvitation {
            email: input.email,
            name: input.name,
            role: input.role.into(),
            department_id,
        };
        let (user, inv) = service::user::invite(cx(ctx), scope(ctx)?, new).await.gql()?;
        Ok(InviteUserPayload {
            user: User(user),
            invitation: Invitation(inv),
        })
    }

    /// Accepts an invitation with the token from its mail, sets a password and signs in.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        input: AcceptInvitationInput,
    ) -> async_graphql::Result<AcceptInvitationPayload> {
        let s = service::user::accept_invitation(cx(ctx), &input.token, SecretString::from(input.password), input.name)
            .await
            .gql()?;
        Ok(AcceptInvitationPayload {
            token: s.token.expose_secret().to_string(),
            expires_at: s.expires_at,
            user: User(s.user),
        })
    }

    /// Changes a person's name, role or department.
    async fn update_user(&self, ctx: &Context<'_>, input: UpdateUserInput) -> async_graphql::Result<UserPayload> {
        let id = user_id(&input.id).gql()?;
        if input.clear_department && input.department_id.is_some() {
            return Err(Error::bad_input(
                "clearDepartment",
                "Pass either `departmentId` or `clearDepartment`, not both.",
            ))
            .gql();
        }
        let department = if input.clear_department {
            Some(None)
        } else {
            department_id(input.department_id.as_ref()).gql()?.map(Some)
        };
        let changes = service::user::UserChanges {
            name: input.name,
            role: input.role.map(Into::into),
            department_id: department,
        };
        Ok(UserPayload {
            user: User(service::user::update(cx(ctx), scope(ctx)?, id, changes).await.gql()?),
        })
    }

    /// Deactivates a person (admins): they cannot sign in, and their sessions and API keys stop
    /// working immediately.
    async fn deactivate_user(&self, ctx: &Context<'_>, input: UserIdInput) -> async_graphql::Result<UserPayload> {
        let id = user_id(&input.id).gql()?;
        Ok(UserPayload {
            user: User(service::user::deactivate(cx(ctx), scope(ctx)?, id).await.gql()?),
        })
    }

    /// Reactivates a deactivated person (admins). Old tokens stay revoked; they sign in again.
    async fn reactivate_user(&self, ctx: &Context<'_>, input: UserIdInput) -> async_graphql::Result<UserPayload> {
        let id = user_id(&input.id).gql()?;
        Ok(UserPayload {
            user: User(service::user::reactivate(cx(ctx), scope(ctx)?, id).await.gql()?),
        })
    }

    /// Changes your password and signs out your other sessions.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> async_graphql::Result<UserPayload> {
        let row = service::user::change_password(
            cx(ctx),
            scope(ctx)?,
            SecretString::from(input.current_password),
            SecretString::from(input.new_password),
        )
        .await
        .gql()?;
        Ok(UserPayload { user: User(row) })
    }
}
