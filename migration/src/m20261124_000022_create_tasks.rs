use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tasks and follow-ups. Reminder offsets (minutes before `due_at`, JSON) are stored now and
/// sent by the reminder workers later.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("tasks"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(string(Alias::new("title")))
                .col(timestamp_with_time_zone_null(Alias::new("due_at")))
                .col(string(Alias::new("time_zone")))
                .col(uuid(Alias::new("assignee_id")))
                .col(string(Alias::new("status")))
                .col(string(Alias::new("priority")))
                .col(string_null(Alias::new("record_type")))
                .col(uuid_null(Alias::new("record_id")))
                .col(text(Alias::new("reminder_offsets")))
                .col(timestamp_with_time_zone_null(Alias::new("completed_at")))
                .col(uuid_null(Alias::new("created_by")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("tasks"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("tasks"), Alias::new("assignee_id"))
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_tasks_ws_assignee_status_due")
                .table(Alias::new("tasks"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("assignee_id"))
                .col(Alias::new("status"))
                .col(Alias::new("due_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_tasks_ws_record")
                .table(Alias::new("tasks"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("record_type"))
                .col(Alias::new("record_id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
