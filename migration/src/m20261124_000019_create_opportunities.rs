use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Deals in a pipeline. Money is integer minor units plus an ISO 4217 code.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("opportunities"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(big_integer(Alias::new("number")))
                .col(string(Alias::new("name")))
                .col(string(Alias::new("name_lower")))
                .col(uuid_null(Alias::new("company_id")))
                .col(uuid(Alias::new("pipeline_id")))
                .col(uuid(Alias::new("stage_id")))
                .col(big_integer(Alias::new("amount_minor")))
                .col(string(Alias::new("currency")))
                .col(date_null(Alias::new("expected_close_date")))
                .col(uuid_null(Alias::new("owner_id")))
                .col(string_null(Alias::new("lost_reason")))
                .col(string_null(Alias::new("next_step")))
                .col(timestamp_with_time_zone_null(Alias::new("closed_at")))
                .col(timestamp_with_time_zone_null(Alias::new("deleted_at")))
                .col(uuid_null(Alias::new("created_by")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("opportunities"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("opportunities"), Alias::new("company_id"))
                        .to(Alias::new("companies"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("opportunities"), Alias::new("pipeline_id"))
                        .to(Alias::new("pipelines"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("opportunities"), Alias::new("stage_id"))
                        .to(Alias::new("pipeline_stages"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("opportunities"), Alias::new("owner_id"))
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_opportunities_ws_number")
                .table(Alias::new("opportunities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("number"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_opportunities_ws_stage")
                .table(Alias::new("opportunities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("stage_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_opportunities_ws_owner")
                .table(Alias::new("opportunities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("owner_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_opportunities_ws_company")
                .table(Alias::new("opportunities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("company_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_opportunities_ws_close")
                .table(Alias::new("opportunities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("expected_close_date"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_opportunities_ws_name")
                .table(Alias::new("opportunities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("name"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_opportunities_ws_amount")
                .table(Alias::new("opportunities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("amount_minor"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_opportunities_ws_created")
                .table(Alias::new("opportunities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("created_at"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_opportunities_ws_updated")
                .table(Alias::new("opportunities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("updated_at"))
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
