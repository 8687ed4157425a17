use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Covering indexes for the contacts list, the screen a CRM opens most, on PostgreSQL:
/// - contacts by name carry what the list's data scope and company column need (owner,
///   company, deleted flag), so a page of contacts by name is an index-only scan instead of
///   one heap page per contact (the heap is in insertion order, names are not);
/// - companies by id carry what the list's joined company column and its scope need, so the
///   company of each contact is found in the index alone.
///
/// Measured on the benchmark's 100k contacts (docs/INDEXES.md): 205 → ~105 buffers for a page
/// of 50 with company names, and PostgreSQL serves ~45 % more such pages per CPU second.
/// Index-only scans need the visibility map, which autovacuum keeps; a page not yet marked
/// visible is read from the heap as before, so the answer never depends on it.
///
/// SQLite has no `INCLUDE`; there the plain indexes stay as they are.
const UP: &[&str] = &[
    "DROP INDEX IF EXISTS ix_contacts_ws_name",
    "CREATE INDEX ix_contacts_ws_name ON contacts (workspace_id, name, id) \
     INCLUDE (owner_id, company_id, deleted_at)",
    "CREATE INDEX ix_companies_id_listed ON companies (id) \
     INCLUDE (workspace_id, deleted_at, owner_id, number, name)",
];

const DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS ix_companies_id_listed",
    "DROP INDEX IF EXISTS ix_contacts_ws_name",
    "CREATE INDEX ix_contacts_ws_name ON contacts (workspace_id, name, id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, DOWN).await
    }
}

async fn run(m: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if m.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for s in statements {
        m.get_connection().execute_unprepared(s).await?;
    }
    Ok(())
}
