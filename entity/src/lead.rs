//! An unqualified prospect.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub number: i64,
    pub name: String,
    pub name_lower: String,
    pub company_name: Option<String>,
    /// `company_name` lowercased, for `contains`/`startsWith` and search.
    pub company_name_lower: Option<String>,
    pub email: Option<String>,
    pub email_canonical: Option<String>,
    pub phone: Option<String>,
    /// `phone`'s digits (a leading `+` kept), for `contains`/`startsWith` and search.
    pub phone_digits: Option<String>,
    pub source: Option<String>,
    /// `source` lowercased, for `contains`/`startsWith`.
    pub source_lower: Option<String>,
    pub status: String,
    pub owner_id: Option<Uuid>,
    pub converted_contact_id: Option<Uuid>,
    pub converted_company_id: Option<Uuid>,
    pub converted_opportunity_id: Option<Uuid>,
    pub converted_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::stamp_timestamps!();
crate::tenant_scoped!();
