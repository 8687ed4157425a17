use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tasks are soft-deleted like the other records people expect to undo. A nullable column
/// added without a default is a catalog-only change on PostgreSQL (no table rewrite).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("tasks"))
                .add_column(timestamp_with_time_zone_null(Alias::new("deleted_at")))
                .to_owned(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
