//! A person at a customer, with three layers of relationship notes.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub number: i64,
    pub name: String,
    pub name_lower: String,
    pub title: Option<String>,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub referred_by_id: Option<Uuid>,
    pub public_notes: Option<String>,
    pub semi_public_notes: Option<String>,
    pub private_notes: Option<String>,
    pub deleted_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::stamp_timestamps!();
crate::tenant_scoped!();
