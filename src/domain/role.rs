//! Workspace roles. Stored as text; parsed here.

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    Manager,
    Rep,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Rep => "rep",
        }
    }

    /// Parses a stored value; an unknown one is data corruption, not user error.
    pub fn from_stored(s: &str) -> Result<Self> {
        match s {
            "admin" => Ok(Role::Admin),
            "manager" => Ok(Role::Manager),
            "rep" => Ok(Role::Rep),
            other => Err(Error::Internal(format!("unknown stored role {other:?}"))),
        }
    }
}

/// Account states, stored as text.
pub mod status {
    pub const INVITED: &str = "invited";
    pub const ACTIVE: &str = "active";
    pub const DEACTIVATED: &str = "deactivated";
}
