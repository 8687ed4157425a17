//! A deal in a pipeline; money in integer minor units.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opportunities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub number: i64,
    pub name: String,
    pub name_lower: String,
    pub company_id: Option<Uuid>,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub expected_close_date: Option<Date>,
    pub owner_id: Option<Uuid>,
    pub lost_reason: Option<String>,
    pub next_step: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::stamp_timestamps!();
crate::tenant_scoped!();
