//! Rapport's schema, as ordered migrations that run unchanged on SQLite and PostgreSQL.
//!
//! One change per file, named `mYYYYMMDD_NNNNNN_verb_object`; a landed migration is frozen.
//! This crate never imports `entity`: migrations describe the schema as it was on their day.
//! Every tenant table carries `workspace_id` first in each composite index so that it can be
//! distributed by tenant later without a redesign.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_workspaces;
mod m20261124_000002_create_departments;
mod m20261124_000003_create_users;
mod m20261124_000004_create_auth_tokens;
mod m20261124_000005_create_invitations;
mod m20261124_000006_create_mail_deliveries;
mod m20261124_000007_create_record_counters;
mod m20261124_000008_create_companies;
mod m20261124_000009_create_company_domains;
mod m20261124_000010_create_contacts;
mod m20261124_000011_create_contact_emails;
mod m20261124_000012_create_contact_phones;
mod m20261124_000013_create_record_tags;
mod m20261124_000014_create_activities;
mod m20261124_000015_create_timeline_entries;
mod m20261124_000016_create_note_shares;
mod m20261124_000017_create_pipelines;
mod m20261124_000018_create_pipeline_stages;
mod m20261124_000019_create_opportunities;
mod m20261124_000020_create_opportunity_contacts;
mod m20261124_000021_create_stage_changes;
mod m20261124_000022_create_tasks;
mod m20261124_000023_create_leads;
mod m20261125_000024_add_tasks_deleted_at;
mod m20261125_000025_create_sales_list_indexes;
mod m20261125_000026_search_trigrams;
mod m20261125_000027_add_lead_task_search_columns;
mod m20261206_000028_covering_contact_list_indexes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_workspaces::Migration),
            Box::new(m20261124_000002_create_departments::Migration),
            Box::new(m20261124_000003_create_users::Migration),
            Box::new(m20261124_000004_create_auth_tokens::Migration),
            Box::new(m20261124_000005_create_invitations::Migration),
            Box::new(m20261124_000006_create_mail_deliveries::Migration),
            Box::new(m20261124_000007_create_record_counters::Migration),
            Box::new(m20261124_000008_create_companies::Migration),
            Box::new(m20261124_000009_create_company_domains::Migration),
            Box::new(m20261124_000010_create_contacts::Migration),
            Box::new(m20261124_000011_create_contact_emails::Migration),
            Box::new(m20261124_000012_create_contact_phones::Migration),
            Box::new(m20261124_000013_create_record_tags::Migration),
            Box::new(m20261124_000014_create_activities::Migration),
            Box::new(m20261124_000015_create_timeline_entries::Migration),
            Box::new(m20261124_000016_create_note_shares::Migration),
            Box::new(m20261124_000017_create_pipelines::Migration),
            Box::new(m20261124_000018_create_pipeline_stages::Migration),
            Box::new(m20261124_000019_create_opportunities::Migration),
            Box::new(m20261124_000020_create_opportunity_contacts::Migration),
            Box::new(m20261124_000021_create_stage_changes::Migration),
            Box::new(m20261124_000022_create_tasks::Migration),
            Box::new(m20261124_000023_create_leads::Migration),
            Box::new(m20261125_000024_add_tasks_deleted_at::Migration),
            Box::new(m20261125_000025_create_sales_list_indexes::Migration),
            Box::new(m20261125_000026_search_trigrams::Migration),
            Box::new(m20261125_000027_add_lead_task_search_columns::Migration),
            Box::new(m20261206_000028_covering_contact_list_indexes::Migration),
        ]
    }
}
