//! An invitation to an `invited` user. `status` is `pending`, `accepted` or `revoked`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub user_id: Uuid,
    pub invited_by: Uuid,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub status: String,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::stamp_timestamps!();
crate::tenant_scoped!();

impl Entity {
    /// Accepting an invitation happens signed out: the token's hash is the only key.
    pub fn find_by_hash(token_hash: &str) -> Select<Entity> {
        Entity::find().filter(Column::TokenHash.eq(token_hash))
    }
}
