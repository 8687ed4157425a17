use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Session tokens and API keys. Only a SHA-256 of the secret is stored; `prefix` is the first
/// characters of the secret so that a person can tell keys apart in a list.
#[derive(DeriveIden)]
enum AuthTokens {
    Table,
    Id,
    WorkspaceId,
    UserId,
    Kind,
    Name,
    Prefix,
    TokenHash,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
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
                .table(AuthTokens::Table)
                .col(pk_uuid(AuthTokens::Id))
                .col(uuid(AuthTokens::WorkspaceId))
                .col(uuid(AuthTokens::UserId))
                .col(string(AuthTokens::Kind))
                .col(string(AuthTokens::Name))
                .col(string(AuthTokens::Prefix))
                .col(string_uniq(AuthTokens::TokenHash))
                .col(timestamp_with_time_zone_null(AuthTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(AuthTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(AuthTokens::RevokedAt))
                .col(timestamp_with_time_zone(AuthTokens::CreatedAt))
                .col(timestamp_with_time_zone(AuthTokens::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(AuthTokens::Table, AuthTokens::WorkspaceId)
                        .to(Workspaces::Table, Workspaces::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AuthTokens::Table, AuthTokens::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_auth_tokens_ws_user_kind")
                .table(AuthTokens::Table)
                .col(AuthTokens::WorkspaceId)
                .col(AuthTokens::UserId)
                .col(AuthTokens::Kind)
                .col(AuthTokens::CreatedAt)
                .to_owned(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
