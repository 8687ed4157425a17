//! GraphQL object types, one module per noun, wrapping entity models. Secret columns
//! (password hashes, token hashes) have no field at all.

pub mod activity;
pub mod api_key;
pub mod company;
pub mod contact;
pub mod contact_lookup;
pub mod contact_page;
pub mod department;
pub mod node;
pub mod sales;
pub mod timeline;
pub mod user;
pub mod workspace;

use async_graphql::Enum;

use crate::domain::role::Role as DomainRole;

/// What a person may do in a workspace.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Role {
    /// Everything, including people, departments and settings.
    Admin,
    /// Sees and manages the records of their department and its sub-departments.
    Manager,
    /// Sees and manages their own records.
    Rep,
}

impl From<Role> for DomainRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => DomainRole::Admin,
            Role::Manager => DomainRole::Manager,
            Role::Rep => DomainRole::Rep,
        }
    }
}

impl Role {
    pub fn from_stored(s: &str) -> Self {
        match s {
            "admin" => Role::Admin,
            "manager" => Role::Manager,
            _ => Role::Rep,
        }
    }
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum SortDirection {
    /// A to Z, oldest first.
    #[default]
    Asc,
    /// Z to A, newest first.
    Desc,
}
