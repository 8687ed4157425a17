use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tags on any record (`record_type` = company, contact, lead, opportunity).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("record_tags"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(string(Alias::new("record_type")))
                .col(uuid(Alias::new("record_id")))
                .col(string(Alias::new("tag")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("record_tags"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_record_tags_ws_record_tag")
                .table(Alias::new("record_tags"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("record_type"))
                .col(Alias::new("record_id"))
                .col(Alias::new("tag"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_record_tags_ws_type_tag")
                .table(Alias::new("record_tags"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("record_type"))
                .col(Alias::new("tag"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
