use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The lowercase columns `contains`, `startsWith` and `search` look in, with the trigram index
/// that serves `LIKE '%…%'` on PostgreSQL.
const COLUMNS: &[(&str, &str)] = &[
    ("contacts", "name_lower"),
    ("contact_emails", "email_canonical"),
    ("contact_phones", "phone_digits"),
    ("companies", "name_lower"),
    ("company_domains", "domain"),
    ("opportunities", "name_lower"),
    ("leads", "name_lower"),
];

/// Trigram (GIN) indexes for substring search, PostgreSQL only: a B-tree cannot serve
/// `LIKE '%li%'`. SQLite has no equivalent; there the search scans the workspace's rows.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        // pg_trgm ships with PostgreSQL and is a trusted extension (13+): the database's owner
        // may create it. Where it is not available or not allowed, the indexes are skipped
        // rather than failing the whole upgrade; search still works, by scanning.
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT (EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') \
                 OR (EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') \
                     AND has_database_privilege(current_database(), 'CREATE'))) AS ok",
            ))
            .await?;
        let ok = row.map(|r| r.try_get::<bool>("", "ok")).transpose()?.unwrap_or(false);
        if !ok {
            return Ok(());
        }
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
        for (table, column) in COLUMNS {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for (table, column) in COLUMNS {
            m.get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS ix_{table}_{column}_trgm"))
                .await?;
        }
        Ok(())
    }
}
