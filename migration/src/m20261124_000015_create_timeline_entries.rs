use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One ordered feed per record, written in the same transaction as the change it records.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("timeline_entries"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(string(Alias::new("record_type")))
                .col(uuid(Alias::new("record_id")))
                .col(string(Alias::new("kind")))
                .col(uuid_null(Alias::new("actor_id")))
                .col(timestamp_with_time_zone(Alias::new("occurred_at")))
                .col(text(Alias::new("data")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("timeline_entries"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_timeline_ws_record_time")
                .table(Alias::new("timeline_entries"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("record_type"))
                .col(Alias::new("record_id"))
                .col(Alias::new("occurred_at"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
