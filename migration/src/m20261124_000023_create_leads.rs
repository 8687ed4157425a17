use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Unqualified prospects; converting one links it to the contact, company and deal it became.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("leads"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(big_integer(Alias::new("number")))
                .col(string(Alias::new("name")))
                .col(string(Alias::new("name_lower")))
                .col(string_null(Alias::new("company_name")))
                .col(string_null(Alias::new("email")))
                .col(string_null(Alias::new("email_canonical")))
                .col(string_null(Alias::new("phone")))
                .col(string_null(Alias::new("source")))
                .col(string(Alias::new("status")))
                .col(uuid_null(Alias::new("owner_id")))
                .col(uuid_null(Alias::new("converted_contact_id")))
                .col(uuid_null(Alias::new("converted_company_id")))
                .col(uuid_null(Alias::new("converted_opportunity_id")))
                .col(timestamp_with_time_zone_null(Alias::new("converted_at")))
                .col(timestamp_with_time_zone_null(Alias::new("deleted_at")))
                .col(uuid_null(Alias::new("created_by")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("leads"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("leads"), Alias::new("owner_id"))
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("leads"), Alias::new("converted_contact_id"))
                        .to(Alias::new("contacts"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("leads"), Alias::new("converted_company_id"))
                        .to(Alias::new("companies"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("leads"), Alias::new("converted_opportunity_id"))
                        .to(Alias::new("opportunities"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_leads_ws_number")
                .table(Alias::new("leads"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("number"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_leads_ws_status")
                .table(Alias::new("leads"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("status"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_leads_ws_owner")
                .table(Alias::new("leads"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("owner_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_leads_ws_email")
                .table(Alias::new("leads"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("email_canonical"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_leads_ws_name")
                .table(Alias::new("leads"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("name"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_leads_ws_created")
                .table(Alias::new("leads"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("created_at"))
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
