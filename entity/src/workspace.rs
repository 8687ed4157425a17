//! A workspace: one customer company's tenant. Not itself tenant-scoped.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workspaces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::stamp_timestamps!();

/// Workspaces are the tenants themselves: these look-ups are by design not workspace-scoped.
impl Entity {
    pub fn by_id(id: Uuid) -> Select<Entity> {
        Entity::find().filter(Column::Id.eq(id))
    }

    pub fn by_slug(slug: &str) -> Select<Entity> {
        Entity::find().filter(Column::Slug.eq(slug))
    }

    /// Every tenant: only for installation-wide facts (is this a fresh install?).
    pub fn every() -> Select<Entity> {
        Entity::find()
    }
}
