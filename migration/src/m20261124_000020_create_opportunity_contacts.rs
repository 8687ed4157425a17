use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The people on a deal and their role in it (decision maker, champion, …).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("opportunity_contacts"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(uuid(Alias::new("opportunity_id")))
                .col(uuid(Alias::new("contact_id")))
                .col(string_null(Alias::new("role")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("opportunity_contacts"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("opportunity_contacts"), Alias::new("opportunity_id"))
                        .to(Alias::new("opportunities"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("opportunity_contacts"), Alias::new("contact_id"))
                        .to(Alias::new("contacts"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_opportunity_contacts_ws_opp_contact")
                .table(Alias::new("opportunity_contacts"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("opportunity_id"))
                .col(Alias::new("contact_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_opportunity_contacts_ws_contact")
                .table(Alias::new("opportunity_contacts"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("contact_id"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
