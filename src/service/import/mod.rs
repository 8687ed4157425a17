//! CSV import of companies, contacts and leads: upsert on natural keys (contacts by any of their
//! emails, companies by any of their domains, else by name, leads by email), in one
//! transaction per file, with a per-row report.
//!
//! - **All or nothing per file, row by row inside.** The whole file runs in one transaction:
//!   a file-level error (broken quoting, bad bytes, a bad mapping) found on the last line
//!   leaves nothing behind, and a dry run is the same run rolled back, so its report is exactly
//!   what the real run does (later rows see what earlier rows created). A row that fails its
//!   checks is *rejected* (row number, field, reason) and the others are applied; the batch
//!   functions check an item fully before writing it, and the rows that still go alone run in a
//!   savepoint, so a rejected row leaves nothing half-changed.
//! - **Bounded memory.** The body is read as a stream and parsed incrementally
//!   (`service::csv::Reader`); rows are handled in batches of at most [`BATCH_ROWS`] rows or
//!   [`BATCH_BYTES`] bytes, each batch looking its keys up in a few statements; look-up maps
//!   live for one batch; the report keeps at most [`MAX_REJECTIONS`] rejections.
//! - **The services' rules, not copies of them.** Rows become `ContactInput`/`ContactChanges`
//!   (and the company and lead equivalents) and go through the services' `create_many_in`/
//!   `update_many_in` a batch at a time (`create_in`/`update_in` are those with one item), which
//!   validate, check owners and duplicates as if the rows came one after the other, and write
//!   the timeline as any other change does. Rows wait in row order and are written before any
//!   row that names what a waiting row takes or changes, so later rows see earlier ones; the
//!   rare row that must go alone (an update creating a company, an owner the check refuses)
//!   first writes what waits.
//!   Here are only the file's rules: columns, matching, and what counts as a change (an empty
//!   cell changes nothing; emails, phones, domains and tags are added, never removed).
//!
//! Modules: `columns` (headers, aliases, the mapping, the column plan and rows), `owners` (the
//! owner column), `contacts`, `companies`, `leads` (each kind's row parsing, look-ups and apply)
//! and `company_refs` (the companies that contact rows name).

mod columns;
mod companies;
mod company_refs;
mod contacts;
mod leads;
mod owners;

use futures::{Stream, StreamExt};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::Context;
use crate::service::csv::{Charset, Reader, Record};
use columns::{Plan, Row, parse_mapping};

/// Rows handled per batch (one set of look-ups each).
pub const BATCH_ROWS: usize = 500;
/// Bytes of cell text per batch, whatever the row count.
pub const BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Rejections listed in the report; the counts go on beyond.
pub const MAX_REJECTIONS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Companies,
    Contacts,
    Leads,
}

impl Kind {
    fn plural(self) -> &'static str {
        match self {
            Kind::Companies => "companies",
            Kind::Contacts => "contacts",
            Kind::Leads => "leads",
        }
    }

    /// The fields a file of this kind may fill, as mapping targets and header names.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Contacts => &[
                "name",
                "title",
                "company",
                "email",
                "phone",
                "tags",
                "owner",
                "public_notes",
                "semi_public_notes",
            ],
            Kind::Companies => &[
                "name", "domain", "industry", "region", "address", "website", "source", "tier", "tags", "owner",
            ],
            Kind::Leads => &["name", "company", "email", "phone", "source", "owner", "status"],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub kind: Kind,
    pub dry_run: bool,
    /// The `mapping` parameter as sent: a JSON object of CSV header → field (`null` or `""`
    /// skips a column).
    pub mapping: Option<String>,
    pub charset: Charset,
}

/// Why a row was not applied.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rejection {
    /// The record number, the header being row 1 (the line number unless cells span lines).
    pub row: u64,
    /// The field at fault (`email`, `owner`, …), empty when it is the whole row.
    pub field: String,
    /// The CSV column it came from, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub dry_run: bool,
    pub encoding: String,
    /// Data rows read (the header not counted).
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Companies created because a contact named one that did not exist.
    pub companies_created: u64,
    pub rejections: Vec<Rejection>,
    pub rejections_truncated: bool,
    /// Headers that fill no field (read past).
    pub ignored_columns: Vec<String>,
}

/// A rejection before it has a row number and column.
struct Reject {
    field: &'static str,
    reason: String,
}

fn reject(field: &'static str, reason: impl Into<String>) -> Reject {
    Reject {
        field,
        reason: reason.into(),
    }
}

/// A service error on one row: a rejection for what the person can fix, the import's failure
/// for anything internal.
fn row_error(e: Error, default_field: &'static str) -> Result<Reject> {
    let by_name = |f: &str| -> &'static str {
        let f = f.split('[').next().unwrap_or(f);
        match f {
            "emails" | "email" => "email",
            "phones" | "phone" => "phone",
            "domains" | "domain" => "domain",
            "ownerId" => "owner",
            "companyId" | "companyName" => "company",
            "publicNotes" => "public_notes",
            "semiPublicNotes" => "semi_public_notes",
            "name" => "name",
            "title" => "title",
            "tags" => "tags",
            "industry" => "industry",
            "region" => "region",
            "address" => "address",
            "website" => "website",
            "source" => "source",
            "tier" => "tier",
            "status" => "status",
            _ => default_field,
        }
    };
    match e {
        Error::BadInput { field, message } => Ok(reject(by_name(&field), message)),
        Error::Forbidden(m) => Ok(reject("owner", m)),
        Error::NotFound(m) if m.contains("`ownerId`") => Ok(reject("owner", m)),
        Error::NotFound(m) | Error::Conflict(m) => Ok(reject(default_field, m)),
        other => Err(other),
    }
}

/// Runs an import of `body` (the raw file, chunk by chunk) as `scope`.
pub async fn run<S, B, E>(cx: &Context, scope: &TenantScope, opts: Options, mut body: S) -> Result<Report>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let mapping = opts.mapping.as_deref().map(parse_mapping).transpose()?;
    let txn = cx.db.begin().await?;
    let mut im = Importer {
        kind: opts.kind,
        scope,
        plan: None,
        mapping,
        batch: Vec::new(),
        batch_bytes: 0,
        report: Report {
            dry_run: opts.dry_run,
            ..Default::default()
        },
    };
    let mut reader = Reader::new(opts.charset);
    loop {
        match body.next().await {
            Some(Ok(chunk)) => reader.feed(chunk.as_ref())?,
            Some(Err(e)) => {
                return Err(Error::bad_file(None, format!("The upload broke off: {e}.")));
            }
            None => {
                reader.finish()?;
                while let Some(rec) = reader.next_record() {
                    im.push(&txn, rec).await?;
                }
                break;
            }
        }
        while let Some(rec) = reader.next_record() {
            im.push(&txn, rec).await?;
        }
    }
    if im.plan.is_none() {
        return Err(Error::bad_input("file", "The file is empty; it needs a header row."));
    }
    im.flush(&txn).await?;
    im.report.encoding = reader.encoding().unwrap_or("UTF-8").to_string();
    if opts.dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(im.report)
}

struct Importer<'a> {
    kind: Kind,
    scope: &'a TenantScope,
    plan: Option<Plan>,
    mapping: Option<Vec<(String, Option<String>)>>,
    batch: Vec<Row>,
    batch_bytes: usize,
    report: Report,
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// Waiting to be written with others; its slot is filled in when it is (never recorded).
    Waiting,
    /// Nothing done: the row writes on its own, after the waiting rows (never recorded).
    Later,
}

impl Importer<'_> {
    async fn push(&mut self, txn: &DatabaseTransaction, rec: Record) -> Result<()> {
        let Some(plan) = &self.plan else {
            let (plan, ignored) = Plan::build(self.kind, rec.cells, self.mapping.as_deref())?;
            self.plan = Some(plan);
            self.report.ignored_columns = ignored;
            return Ok(());
        };
        self.report.rows += 1;
        self.batch_bytes += rec.cells.iter().map(String::len).sum::<usize>();
        match Row::new(plan, rec) {
            Ok(row) => self.batch.push(row),
            Err(r) => self.rejected(r),
        }
        if self.batch.len() >= BATCH_ROWS || self.batch_bytes >= BATCH_BYTES {
            self.flush(txn).await?;
        }
        Ok(())
    }

    fn rejected(&mut self, r: Rejection) {
        self.report.rejected += 1;
        if self.report.rejections.len() < MAX_REJECTIONS {
            self.report.rejections.push(r);
        } else {
            self.report.rejections_truncated = true;
        }
    }

    fn record(&mut self, row: u64, outcome: Result<Outcome, Reject>) {
        match outcome {
            Ok(Outcome::Created) => self.report.created += 1,
            Ok(Outcome::Updated) => self.report.updated += 1,
            Ok(Outcome::Unchanged) => self.report.unchanged += 1,
            Ok(Outcome::Waiting | Outcome::Later) => {}
            Err(r) => {
                let column = self.plan.as_ref().and_then(|p| p.column_of(r.field));
                self.rejected(Rejection {
                    row,
                    field: r.field.to_string(),
                    column,
                    reason: r.reason,
                });
            }
        }
    }

    /// Records outcomes gathered for a batch, in row order; a `None` was never filled in (its
    /// row's write failed the whole import first).
    fn record_all(&mut self, outcomes: Vec<Slot>) {
        for (n, outcome) in outcomes {
            if let Some(o) = outcome {
                self.record(n, o);
            }
        }
    }

    /// Whether a row's new owner (if any) passes `check_owner`, checked once per owner.
    pub(super) async fn owner_ok(
        &self,
        txn: &DatabaseTransaction,
        known: &mut HashMap<Uuid, bool>,
        owner: Option<Uuid>,
    ) -> Result<bool> {
        let Some(o) = owner else { return Ok(true) };
        if let Some(ok) = known.get(&o) {
            return Ok(*ok);
        }
        let ok = match crate::service::records::check_owner(txn, self.scope, o).await {
            Ok(()) => true,
            Err(e) if e.is_internal() => return Err(e),
            Err(_) => false,
        };
        known.insert(o, ok);
        Ok(ok)
    }

    async fn flush(&mut self, txn: &DatabaseTransaction) -> Result<()> {
        let rows = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        if rows.is_empty() {
            return Ok(());
        }
        match self.kind {
            Kind::Contacts => self.contacts(txn, rows).await,
            Kind::Companies => self.companies(txn, rows).await,
            Kind::Leads => self.leads(txn, rows).await,
        }
    }
}

/// A row's number and its outcome, `None` while the row waits to be written with others.
type Slot = (u64, Option<Result<Outcome, Reject>>);

/// Items of `new` not yet in `have` (by key), appended to `have`; `None` if nothing is new.
fn added<T: Clone, K: PartialEq>(have: &[T], new: &[T], key: impl Fn(&T) -> K) -> Option<Vec<T>> {
    let mut out = have.to_vec();
    for n in new {
        if !out.iter().any(|h| key(h) == key(n)) {
            out.push(n.clone());
        }
    }
    (out.len() > have.len()).then_some(out)
}

/// A text field's change: `Some(new)` when the cell has a value that differs.
fn differs(cell: Option<String>, current: Option<&str>) -> Option<String> {
    cell.filter(|v| Some(v.as_str()) != current)
}
