use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Customer companies. Every filter and sort the API offers has an index led by `workspace_id`.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("companies"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(big_integer(Alias::new("number")))
                .col(string(Alias::new("name")))
                .col(string(Alias::new("name_lower")))
                .col(string_null(Alias::new("industry")))
                .col(string_null(Alias::new("region")))
                .col(string_null(Alias::new("address")))
                .col(string_null(Alias::new("website")))
                .col(string_null(Alias::new("source")))
                .col(string_null(Alias::new("tier")))
                .col(uuid_null(Alias::new("owner_id")))
                .col(timestamp_with_time_zone_null(Alias::new("deleted_at")))
                .col(uuid_null(Alias::new("created_by")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("companies"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("companies"), Alias::new("owner_id"))
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_companies_ws_number")
                .table(Alias::new("companies"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("number"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_companies_ws_name")
                .table(Alias::new("companies"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("name"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_companies_ws_name_lower")
                .table(Alias::new("companies"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("name_lower"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_companies_ws_owner")
                .table(Alias::new("companies"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("owner_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_companies_ws_industry")
                .table(Alias::new("companies"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("industry"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_companies_ws_region")
                .table(Alias::new("companies"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("region"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_companies_ws_tier")
                .table(Alias::new("companies"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("tier"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_companies_ws_created")
                .table(Alias::new("companies"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("created_at"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_companies_ws_updated")
                .table(Alias::new("companies"))
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
