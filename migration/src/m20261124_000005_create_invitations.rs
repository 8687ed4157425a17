use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An invitation points at the `invited` user row it will activate. The accept token is never
/// stored: it is derived from the server key and the invitation id, and only its hash is kept.
#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    WorkspaceId,
    UserId,
    InvitedBy,
    TokenHash,
    Status,
    ExpiresAt,
    AcceptedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Invitations::Table)
                .col(pk_uuid(Invitations::Id))
                .col(uuid(Invitations::WorkspaceId))
                .col(uuid(Invitations::UserId))
                .col(uuid(Invitations::InvitedBy))
                .col(string_uniq(Invitations::TokenHash))
                .col(string(Invitations::Status))
                .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                .col(timestamp_with_time_zone(Invitations::CreatedAt))
                .col(timestamp_with_time_zone(Invitations::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Invitations::Table, Invitations::WorkspaceId)
                        .to(Workspaces::Table, Workspaces::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Invitations::Table, Invitations::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_invitations_ws_user")
                .table(Invitations::Table)
                .col(Invitations::WorkspaceId)
                .col(Invitations::UserId)
                .to_owned(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
