use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Ordered stages of a pipeline with a win probability; `kind` is open, won, lost or after_sales.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("pipeline_stages"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(uuid(Alias::new("pipeline_id")))
                .col(string(Alias::new("name")))
                .col(integer(Alias::new("position")))
                .col(integer(Alias::new("probability")))
                .col(string(Alias::new("kind")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("pipeline_stages"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("pipeline_stages"), Alias::new("pipeline_id"))
                        .to(Alias::new("pipelines"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_pipeline_stages_ws_pipeline_position")
                .table(Alias::new("pipeline_stages"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("pipeline_id"))
                .col(Alias::new("position"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
