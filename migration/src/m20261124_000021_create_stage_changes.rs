use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every stage move of a deal: who, when, from, to.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("stage_changes"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(uuid(Alias::new("opportunity_id")))
                .col(uuid_null(Alias::new("from_stage_id")))
                .col(uuid(Alias::new("to_stage_id")))
                .col(uuid_null(Alias::new("changed_by")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("stage_changes"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("stage_changes"), Alias::new("opportunity_id"))
                        .to(Alias::new("opportunities"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_stage_changes_ws_opp_time")
                .table(Alias::new("stage_changes"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("opportunity_id"))
                .col(Alias::new("created_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
