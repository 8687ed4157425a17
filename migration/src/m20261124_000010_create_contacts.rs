use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// People at customers. Notes come in three layers; the private layer is visible only to the
/// owner and to those the owner shares it with.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("contacts"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(big_integer(Alias::new("number")))
                .col(string(Alias::new("name")))
                .col(string(Alias::new("name_lower")))
                .col(string_null(Alias::new("title")))
                .col(uuid_null(Alias::new("company_id")))
                .col(uuid_null(Alias::new("owner_id")))
                .col(uuid_null(Alias::new("referred_by_id")))
                .col(text_null(Alias::new("public_notes")))
                .col(text_null(Alias::new("semi_public_notes")))
                .col(text_null(Alias::new("private_notes")))
                .col(timestamp_with_time_zone_null(Alias::new("deleted_at")))
                .col(uuid_null(Alias::new("created_by")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("contacts"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("contacts"), Alias::new("company_id"))
                        .to(Alias::new("companies"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("contacts"), Alias::new("owner_id"))
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("contacts"), Alias::new("referred_by_id"))
                        .to(Alias::new("contacts"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_contacts_ws_number")
                .table(Alias::new("contacts"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("number"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contacts_ws_name")
                .table(Alias::new("contacts"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("name"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contacts_ws_name_lower")
                .table(Alias::new("contacts"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("name_lower"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contacts_ws_company")
                .table(Alias::new("contacts"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("company_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contacts_ws_owner")
                .table(Alias::new("contacts"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("owner_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contacts_ws_referred")
                .table(Alias::new("contacts"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("referred_by_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contacts_ws_created")
                .table(Alias::new("contacts"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("created_at"))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contacts_ws_updated")
                .table(Alias::new("contacts"))
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
