//! A task or follow-up; `reminder_offsets` is a JSON array of minutes before `due_at`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub title: String,
    /// `title` lowercased, for `contains`/`startsWith`.
    pub title_lower: String,
    pub due_at: Option<DateTimeUtc>,
    pub time_zone: String,
    pub assignee_id: Uuid,
    pub status: String,
    pub priority: String,
    pub record_type: Option<String>,
    pub record_id: Option<Uuid>,
    pub reminder_offsets: String,
    pub completed_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::stamp_timestamps!();
crate::tenant_scoped!();
