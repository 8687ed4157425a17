use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every address of a contact; all of them match incoming mail. One is primary.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("contact_emails"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(uuid(Alias::new("contact_id")))
                .col(string(Alias::new("email")))
                .col(string(Alias::new("email_canonical")))
                .col(boolean(Alias::new("is_primary")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("contact_emails"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("contact_emails"), Alias::new("contact_id"))
                        .to(Alias::new("contacts"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contact_emails_ws_email")
                .table(Alias::new("contact_emails"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("email_canonical"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contact_emails_ws_contact")
                .table(Alias::new("contact_emails"))
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
