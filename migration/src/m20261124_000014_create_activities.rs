use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Calls, visits, meetings, notes: linked to any of company, contact, lead, opportunity.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("activities"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(string(Alias::new("kind")))
                .col(string(Alias::new("subject")))
                .col(text_null(Alias::new("body")))
                .col(timestamp_with_time_zone(Alias::new("occurred_at")))
                .col(integer_null(Alias::new("duration_minutes")))
                .col(string_null(Alias::new("outcome")))
                .col(uuid_null(Alias::new("company_id")))
                .col(uuid_null(Alias::new("contact_id")))
                .col(uuid_null(Alias::new("lead_id")))
                .col(uuid_null(Alias::new("opportunity_id")))
                .col(uuid_null(Alias::new("owner_id")))
                .col(double_null(Alias::new("latitude")))
                .col(double_null(Alias::new("longitude")))
                .col(string_null(Alias::new("address")))
                .col(timestamp_with_time_zone_null(Alias::new("check_in_at")))
                .col(timestamp_with_time_zone_null(Alias::new("check_out_at")))
                .col(uuid_null(Alias::new("created_by")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("activities"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("activities"), Alias::new("company_id"))
                        .to(Alias::new("companies"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("activities"), Alias::new("contact_id"))
                        .to(Alias::new("contacts"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("activities"), Alias::new("owner_id"))
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activities_ws_contact_time")
                .table(Alias::new("activities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("contact_id"))
                .col(Alias::new("occurred_at"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activities_ws_company_time")
                .table(Alias::new("activities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("company_id"))
                .col(Alias::new("occurred_at"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activities_ws_lead_time")
                .table(Alias::new("activities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("lead_id"))
                .col(Alias::new("occurred_at"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activities_ws_opportunity_time")
                .table(Alias::new("activities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("opportunity_id"))
                .col(Alias::new("occurred_at"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activities_ws_owner_time")
                .table(Alias::new("activities"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("owner_id"))
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
