use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Who, besides its owner, may read a contact's private notes.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("note_shares"))
                .col(pk_uuid(Alias::new("id")))
                .col(uuid(Alias::new("workspace_id")))
                .col(uuid(Alias::new("contact_id")))
                .col(uuid(Alias::new("user_id")))
                .col(uuid_null(Alias::new("created_by")))
                .col(timestamp_with_time_zone(Alias::new("created_at")))
                .col(timestamp_with_time_zone(Alias::new("updated_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("note_shares"), Alias::new("workspace_id"))
                        .to(Alias::new("workspaces"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("note_shares"), Alias::new("contact_id"))
                        .to(Alias::new("contacts"), Alias::new("id")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Alias::new("note_shares"), Alias::new("user_id"))
                        .to(Alias::new("users"), Alias::new("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_note_shares_ws_contact_user")
                .table(Alias::new("note_shares"))
                .col(Alias::new("workspace_id"))
                .col(Alias::new("contact_id"))
                .col(Alias::new("user_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
