use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Indexes for the filters and sorts the leads, tasks and deals lists gained (see
/// docs/INDEXES.md). Each starts with `workspace_id`; sort indexes end with `id`, the tiebreak.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let indexes: &[(&str, &str, &[&str])] = &[
            ("ix_leads_ws_updated", "leads", &["updated_at", "id"]),
            ("ix_leads_ws_name_lower", "leads", &["name_lower"]),
            ("ix_leads_ws_phone", "leads", &["phone"]),
            ("ix_leads_ws_company_name", "leads", &["company_name"]),
            ("ix_leads_ws_source", "leads", &["source"]),
            ("ix_tasks_ws_due", "tasks", &["due_at", "id"]),
            ("ix_tasks_ws_created", "tasks", &["created_at", "id"]),
            ("ix_tasks_ws_updated", "tasks", &["updated_at", "id"]),
            ("ix_tasks_ws_status_due", "tasks", &["status", "due_at"]),
            ("ix_tasks_ws_priority", "tasks", &["priority"]),
            ("ix_tasks_ws_record_id", "tasks", &["record_id"]),
            ("ix_opportunities_ws_name_lower", "opportunities", &["name_lower"]),
        ];
        for (name, table, cols) in indexes {
            let mut ix = Index::create();
            ix.name(*name).table(Alias::new(*table)).col(Alias::new("workspace_id"));
            for c in *cols {
                ix.col(Alias::new(*c));
            }
            m.create_index(ix.to_owned()).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
