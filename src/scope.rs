//! `TenantScope`: who is asking, in which workspace, and what they may see.
//!
//! Built only by the HTTP auth extractor (from a verified token) and by job handlers (from the
//! job's `workspace_id`). Client input never names the workspace of a query.

use uuid::Uuid;

use crate::domain::role::Role;

/// Which records a person sees, from their role and place in the department tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataScope {
    /// Everything in the workspace (admins).
    Workspace,
    /// Own department and all below it: the materialised path prefix (managers).
    Department { path: String },
    /// Own records only (reps, and managers without a department).
    Own,
}

#[derive(Debug, Clone)]
pub struct TenantScope {
    pub workspace_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub data_scope: DataScope,
    /// The token this request was authenticated with (sign-out revokes it).
    pub token_id: Option<Uuid>,
}

impl TenantScope {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Fails with `FORBIDDEN` unless the caller is an admin.
    pub fn require_admin(&self, action: &str) -> crate::Result<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(crate::Error::Forbidden(format!("Only workspace admins can {action}.")))
        }
    }

    /// The scope a background job acts with: the whole workspace, as the system.
    pub fn system(workspace_id: Uuid) -> Self {
        Self {
            workspace_id,
            user_id: Uuid::nil(),
            role: Role::Admin,
            data_scope: DataScope::Workspace,
            token_id: None,
        }
    }
}
