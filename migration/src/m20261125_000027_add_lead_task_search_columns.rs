use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Shadow columns that `contains`, `startsWith` and `search` on leads and tasks look in:
/// `(table, new column, the column it is derived from, how)`. The service layer writes them on
/// every create and update; this migration fills them for the rows that exist.
const SHADOWS: &[(&str, &str, &str, Derive)] = &[
    ("leads", "phone_digits", "phone", Derive::Digits),
    ("leads", "company_name_lower", "company_name", Derive::Lower),
    ("leads", "source_lower", "source", Derive::Lower),
    ("tasks", "title_lower", "title", Derive::Lower),
];

/// Trigram indexes for substring search on PostgreSQL (like m20261125_000026): the new shadow
/// columns, and the lead email, which the lead search looks in too.
const TRIGRAMS: &[(&str, &str)] = &[
    ("leads", "email_canonical"),
    ("leads", "phone_digits"),
    ("leads", "company_name_lower"),
    ("leads", "source_lower"),
    ("tasks", "title_lower"),
];

#[derive(Clone, Copy)]
enum Derive {
    /// Lowercase (Unicode), as `str::to_lowercase`.
    Lower,
    /// The digits of a phone number, with a leading `+` kept (as `domain::phone::Phone`).
    Digits,
}

impl Derive {
    /// The same as the service layer computes, for the correction pass.
    fn apply(self, v: &str) -> String {
        match self {
            Derive::Lower => v.to_lowercase(),
            Derive::Digits => {
                let v = v.trim();
                let digits: String = v.chars().filter(char::is_ascii_digit).collect();
                if v.starts_with('+') {
                    format!("+{digits}")
                } else {
                    digits
                }
            }
        }
    }

    /// A bulk SQL approximation, the same on both backends. Phones were stored through the
    /// phone parser (digits, spaces, `+ - ( ) .` and `x`), so removing those leaves the digits.
    fn sql(self, col: &str) -> String {
        match self {
            Derive::Lower => format!("LOWER({col})"),
            Derive::Digits => {
                let mut e = format!("TRIM({col})");
                for ch in ["+", " ", "-", "(", ")", ".", "x", "X"] {
                    e = format!("REPLACE({e}, '{ch}', '')");
                }
                format!("CASE WHEN TRIM({col}) LIKE '+%' THEN '+' ELSE '' END || {e}")
            }
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = m.get_database_backend();
        for (table, column, source, how) in SHADOWS {
            // `tasks.title` is required, so its shadow is too; a default lets SQLite add a NOT
            // NULL column to a table with rows (the backfill below replaces it).
            let mut def = ColumnDef::new(Alias::new(*column));
            def.string();
            if *table == "tasks" {
                def.not_null().default("");
            } else {
                def.null();
            }
            m.alter_table(Table::alter().table(Alias::new(*table)).add_column(def).to_owned())
                .await?;
            db.execute_unprepared(&format!(
                "UPDATE {table} SET {column} = {} WHERE {source} IS NOT NULL",
                how.sql(source)
            ))
            .await?;
            // SQLite's LOWER folds ASCII only, and a phone could hold what the bulk expression
            // missed: recompute each distinct value the way the service does and fix the rows
            // that differ (few or none; keyed by value, so no per-row work).
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!("SELECT DISTINCT {source} AS v, {column} AS s FROM {table} WHERE {source} IS NOT NULL"),
                ))
                .await?;
            for r in rows {
                let v: String = r.try_get("", "v")?;
                let s: Option<String> = r.try_get("", "s")?;
                let want = how.apply(&v);
                if s.as_deref() != Some(want.as_str()) {
                    db.execute_raw(Statement::from_sql_and_values(
                        backend,
                        format!(
                            "UPDATE {table} SET {column} = {} WHERE {source} = {}",
                            param(backend, 1),
                            param(backend, 2)
                        ),
                        [want.into(), v.into()],
                    ))
                    .await?;
                }
            }
        }
        if backend == DbBackend::Postgres && trigrams_available(db).await? {
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
            for (table, column) in TRIGRAMS {
                db.execute_unprepared(&format!(
                    "CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DbBackend::Postgres {
            for (table, column) in TRIGRAMS {
                db.execute_unprepared(&format!("DROP INDEX IF EXISTS ix_{table}_{column}_trgm"))
                    .await?;
            }
        }
        for (table, column, _, _) in SHADOWS {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(*table))
                    .drop_column(Alias::new(*column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

fn param(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".into(),
    }
}

/// Whether pg_trgm is there or may be created by this role (the check m20261125_000026 makes;
/// without it the indexes are skipped and search scans).
async fn trigrams_available<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT (EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') \
             OR (EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') \
                 AND has_database_privilege(current_database(), 'CREATE'))) AS ok",
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<bool>("", "ok")).transpose()?.unwrap_or(false))
}
