//! A person who signs in to a workspace. `status` is `invited`, `active` or `deactivated`;
//! `role` is `admin`, `manager` or `rep` (checked in the domain layer).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub email: String,
    pub email_canonical: String,
    pub name: String,
    pub role: String,
    pub department_id: Option<Uuid>,
    pub password_hash: Option<String>,
    pub status: String,
    pub last_sign_in_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::stamp_timestamps!();
crate::tenant_scoped!();

impl Entity {
    /// Sign-in is the one place that looks a person up before a workspace is known: it finds
    /// every account with this canonical address, across workspaces, to check the password.
    pub fn find_for_sign_in(email_canonical: &str) -> Select<Entity> {
        Entity::find().filter(Column::EmailCanonical.eq(email_canonical))
    }
}
