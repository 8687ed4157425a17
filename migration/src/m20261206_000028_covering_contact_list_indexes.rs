use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Covering indexes for the contacts list, the screen a CRM opens most, on PostgreSQL:
/// - contacts by name (`ix_contacts_ws_name_listed`, replacing `ix_contacts_ws_name`) carry
///   what the list's data scope and company column need (owner, company, deleted flag), so a
///   page of contacts by name is an index-only scan instead of one heap page per contact (the
///   heap is in insertion order, names are not);
/// - companies by id carry what the list's joined company column and its scope need, so the
///   company of each contact is found in the index alone.
///
/// Measured on the benchmark's 100k contacts (docs/INDEXES.md): 205 → ~105 buffers for a page
/// of 50 with company names, and PostgreSQL serves ~45 % more such pages per CPU second.
/// Index-only scans need the visibility map, which autovacuum keeps; a page not yet marked
/// visible is read from the heap as before, so the answer never depends on it. The cost: a
/// change of a contact's `deleted_at` is no longer a heap-only (HOT) update (its other
/// included columns were indexed already), nor are changes of a company's included columns.
///
/// SQLite has no `INCLUDE`; there the plain indexes stay as they are.
///
/// Built `CONCURRENTLY`, outside a transaction: in the migration's transaction, dropping the old
/// index would hold an exclusive lock on `contacts` (reads included) until the new one was built.
/// So the contacts index gets a new name, is built beside the old one, and the old one goes
/// after. Each step first drops what an interrupted earlier attempt may have left (a failed
/// concurrent build leaves an invalid index behind), so running it again is safe.
const UP: &[&str] = &[
    "DROP INDEX CONCURRENTLY IF EXISTS ix_contacts_ws_name_listed",
    "CREATE INDEX CONCURRENTLY ix_contacts_ws_name_listed ON contacts (workspace_id, name, id) \
     INCLUDE (owner_id, company_id, deleted_at)",
    "DROP INDEX CONCURRENTLY IF EXISTS ix_contacts_ws_name",
    "DROP INDEX CONCURRENTLY IF EXISTS ix_companies_id_listed",
    "CREATE INDEX CONCURRENTLY ix_companies_id_listed ON companies (id) \
     INCLUDE (workspace_id, deleted_at, owner_id, number, name)",
];

const DOWN: &[&str] = &[
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_contacts_ws_name ON contacts (workspace_id, name, id)",
    "DROP INDEX CONCURRENTLY IF EXISTS ix_contacts_ws_name_listed",
    "DROP INDEX CONCURRENTLY IF EXISTS ix_companies_id_listed",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// `CREATE INDEX CONCURRENTLY` cannot run inside a transaction.
    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }

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
