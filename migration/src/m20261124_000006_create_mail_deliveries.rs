use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The delivery ledger: one row per outgoing mail, claimed before the SMTP call, so that a job
/// that runs twice (a killed worker, a replayed queue) sends once. The queue only carries the id.
#[derive(DeriveIden)]
enum MailDeliveries {
    Table,
    Id,
    WorkspaceId,
    IdempotencyKey,
    Kind,
    ReferenceId,
    ToAddress,
    Subject,
    MessageId,
    State,
    Attempts,
    LastError,
    ClaimedAt,
    NextAttemptAt,
    SentAt,
    Transport,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MailDeliveries::Table)
                .col(pk_uuid(MailDeliveries::Id))
                .col(uuid(MailDeliveries::WorkspaceId))
                .col(string(MailDeliveries::IdempotencyKey))
                .col(string(MailDeliveries::Kind))
                .col(uuid(MailDeliveries::ReferenceId))
                .col(string(MailDeliveries::ToAddress))
                .col(string(MailDeliveries::Subject))
                .col(string(MailDeliveries::MessageId))
                .col(string(MailDeliveries::State))
                .col(integer(MailDeliveries::Attempts))
                .col(text_null(MailDeliveries::LastError))
                .col(timestamp_with_time_zone_null(MailDeliveries::ClaimedAt))
                .col(timestamp_with_time_zone_null(MailDeliveries::NextAttemptAt))
                .col(timestamp_with_time_zone_null(MailDeliveries::SentAt))
                .col(string_null(MailDeliveries::Transport))
                .col(timestamp_with_time_zone(MailDeliveries::CreatedAt))
                .col(timestamp_with_time_zone(MailDeliveries::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(MailDeliveries::Table, MailDeliveries::WorkspaceId)
                        .to(Workspaces::Table, Workspaces::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_mail_deliveries_ws_key")
                .table(MailDeliveries::Table)
                .col(MailDeliveries::WorkspaceId)
                .col(MailDeliveries::IdempotencyKey)
                .unique()
                .to_owned(),
        )
        .await?;
        // The recovery sweep looks for unfinished rows across workspaces.
        m.create_index(
            Index::create()
                .name("ix_mail_deliveries_state_next")
                .table(MailDeliveries::Table)
                .col(MailDeliveries::State)
                .col(MailDeliveries::NextAttemptAt)
                .to_owned(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
