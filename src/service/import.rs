//! CSV import of companies, contacts and leads: upsert on natural keys (contacts by any of their
//! emails, companies by any of their domains, else by name, leads by email), in one
//! transaction per file, with a per-row report.
//!
//! - **All or nothing per file, row by row inside.** The whole file runs in one transaction:
//!   a file-level error (broken quoting, bad bytes, a bad mapping) found on the last line
//!   leaves nothing behind, and a dry run is the same run rolled back, so its report is exactly
//!   what the real run does (later rows see what earlier rows created). A row that fails its
//!   checks is *rejected* (row number, field, reason) and the others are applied; a rejected
//!   update runs in a savepoint so it leaves nothing half-changed.
//! - **Bounded memory.** The body is read as a stream and parsed incrementally
//!   (`service::csv::Reader`); rows are handled in batches of at most [`BATCH_ROWS`] rows or
//!   [`BATCH_BYTES`] bytes, each batch looking its keys up in a few statements; look-up maps
//!   live for one batch; the report keeps at most [`MAX_REJECTIONS`] rejections.
//! - **The services' rules, not copies of them.** Rows become `ContactInput`/`ContactChanges`
//!   (and the company and lead equivalents) and go through `create_in`/`update_in`, which
//!   validate, check owners and duplicates, and write the timeline as any other change does.
//!   Here are only the file's rules: columns, matching, and what counts as a change (an empty
//!   cell changes nothing; emails, phones, domains and tags are added, never removed).

use std::collections::{HashMap, HashSet};

use entity::{company, company_domain, contact, contact_email, contact_phone, lead, user};
use futures::{Stream, StreamExt};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter, TransactionTrait};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::domain_name;
use crate::domain::email::EmailAddress;
use crate::domain::phone::Phone;
use crate::error::Error;
use crate::scope::TenantScope;
use crate::service::csv::{self, Charset, CsvError, Reader, Record};
use crate::service::{Context, company as companies, contact as contacts, lead as leads, records};

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
            Kind::Leads => &["name", "company", "email", "phone", "source", "owner"],
        }
    }
}

/// Fields that hold a list (cells split on `;`); several columns may feed one of them.
const LIST_FIELDS: &[&str] = &["email", "phone", "tags", "domain"];

/// Columns our own exports write that an import reads past without a word.
const EXPORT_ONLY: &[&str] = &["number", "created_at", "updated_at", "status"];

/// Other names people give columns, by field. One table for all kinds: a kind uses the
/// entries for its own fields, and a header that is a field's own name wins over an alias
/// (a companies file's `website` column is the website; in other files it is no field).
const ALIASES: &[(&str, &str)] = &[
    ("e-mail", "email"),
    ("emails", "email"),
    ("primary_email", "email"),
    ("mail", "email"),
    ("邮箱", "email"),
    ("电子邮件", "email"),
    ("phones", "phone"),
    ("mobile", "phone"),
    ("tel", "phone"),
    ("telephone", "phone"),
    ("手机", "phone"),
    ("电话", "phone"),
    ("company_name", "company"),
    ("公司", "company"),
    ("公司名称", "company"),
    ("full_name", "name"),
    ("姓名", "name"),
    ("名称", "name"),
    ("domains", "domain"),
    ("website", "domain"),
    ("域名", "domain"),
    ("职位", "title"),
    ("标签", "tags"),
    ("tag", "tags"),
    ("负责人", "owner"),
    ("行业", "industry"),
    ("地区", "region"),
    ("地址", "address"),
    ("来源", "source"),
    ("级别", "tier"),
];

/// How a header compares: case, spaces, `-`, `_` and `.` do not matter (`E-Mail` = `email`).
fn norm(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .collect()
}

/// The field a header (or a mapping target) names for this kind.
fn resolve(kind: Kind, name: &str) -> Option<&'static str> {
    let n = norm(name);
    let fields = kind.fields();
    fields.iter().find(|f| norm(f) == n).copied().or_else(|| {
        ALIASES
            .iter()
            .find(|(a, f)| norm(a) == n && fields.contains(f))
            .map(|(_, f)| *f)
    })
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

/// Why a whole import was refused (nothing was written), or failed.
#[derive(Debug)]
pub enum ImportError {
    /// The file or the parameters: `BAD_USER_INPUT`, naming the field or line.
    Refused {
        message: String,
        field: Option<String>,
        line: Option<u64>,
    },
    Failed(Error),
}

impl From<Error> for ImportError {
    fn from(e: Error) -> Self {
        ImportError::Failed(e)
    }
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        ImportError::Failed(e.into())
    }
}

impl From<CsvError> for ImportError {
    fn from(e: CsvError) -> Self {
        ImportError::Refused {
            message: e.message,
            field: None,
            line: Some(e.line),
        }
    }
}

fn refused(field: &str, message: String) -> ImportError {
    ImportError::Refused {
        message,
        field: Some(field.into()),
        line: None,
    }
}

/// Which field each column fills.
struct Plan {
    headers: Vec<String>,
    columns: Vec<Option<&'static str>>,
}

impl Plan {
    fn build(
        kind: Kind,
        headers: Vec<String>,
        mapping: Option<&[(String, Option<String>)]>,
    ) -> Result<(Plan, Vec<String>), ImportError> {
        let mut columns: Vec<Option<&'static str>> = vec![None; headers.len()];
        match mapping {
            Some(m) => {
                for (header, target) in m {
                    let Some(i) = headers.iter().position(|h| h.trim() == header.trim()) else {
                        return Err(refused(
                            "mapping",
                            format!(
                                "The mapping names the column {header:?}, which the file does not have (its columns: {}).",
                                headers.join(", ")
                            ),
                        ));
                    };
                    let Some(target) = target.as_deref().filter(|t| !t.trim().is_empty()) else {
                        continue;
                    };
                    let Some(field) = resolve(kind, target) else {
                        return Err(refused(
                            "mapping",
                            format!(
                                "The mapping sends {header:?} to {target:?}, which is not a field of {}; use one of {} (or null to skip the column).",
                                kind.plural(),
                                kind.fields().join(", ")
                            ),
                        ));
                    };
                    columns[i] = Some(field);
                }
            }
            None => {
                for (i, h) in headers.iter().enumerate() {
                    columns[i] = resolve(kind, h);
                }
            }
        }
        for (i, f) in columns.iter().enumerate() {
            let Some(f) = f else { continue };
            if LIST_FIELDS.contains(f) {
                continue;
            }
            if let Some(j) = columns[i + 1..].iter().position(|g| g == &Some(*f)) {
                return Err(refused(
                    f,
                    format!(
                        "Both the columns {:?} and {:?} fill {f}; map one of them to null.",
                        headers[i],
                        headers[i + 1 + j]
                    ),
                ));
            }
        }
        if !columns.contains(&Some("name")) {
            return Err(refused(
                "name",
                format!(
                    "The file has no column for the name, which {} need; name a column `name` or pass a mapping like {{\"Full name\": \"name\"}} (columns found: {}).",
                    kind.plural(),
                    headers.join(", ")
                ),
            ));
        }
        let ignored = headers
            .iter()
            .zip(&columns)
            .filter(|(h, c)| c.is_none() && !h.trim().is_empty() && !EXPORT_ONLY.iter().any(|e| norm(e) == norm(h)))
            .map(|(h, _)| h.clone())
            .collect();
        Ok((Plan { headers, columns }, ignored))
    }

    fn column_of(&self, field: &str) -> Option<String> {
        self.columns
            .iter()
            .position(|c| *c == Some(field))
            .map(|i| self.headers[i].clone())
    }
}

/// One data row with its cells assigned to fields.
struct Row {
    row: u64,
    values: HashMap<&'static str, Vec<String>>,
}

impl Row {
    fn new(plan: &Plan, rec: Record) -> Result<Row, Rejection> {
        if rec.cells.len() > plan.headers.len() {
            return Err(Rejection {
                row: rec.row,
                field: String::new(),
                column: None,
                reason: format!(
                    "The row has {} cells but the header has {} columns; quote cells that contain commas.",
                    rec.cells.len(),
                    plan.headers.len()
                ),
            });
        }
        let mut values: HashMap<&'static str, Vec<String>> = HashMap::new();
        for (cell, field) in rec.cells.iter().zip(&plan.columns) {
            let (Some(field), v) = (field, csv::undefuse(cell.trim()).trim()) else {
                continue;
            };
            if v.is_empty() {
                continue;
            }
            let slot = values.entry(field).or_default();
            if LIST_FIELDS.contains(field) {
                slot.extend(
                    v.split([';', '；', '\n'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                );
            } else {
                slot.push(v.to_string());
            }
        }
        Ok(Row { row: rec.row, values })
    }

    /// A single-valued field; `None` when the cell is empty or there is no such column.
    fn one(&self, field: &str) -> Option<String> {
        self.values.get(field).and_then(|v| v.first()).cloned()
    }

    fn list(&self, field: &str) -> &[String] {
        self.values.get(field).map(Vec::as_slice).unwrap_or_default()
    }
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
fn row_error(e: Error, default_field: &'static str) -> Result<Reject, ImportError> {
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
            _ => default_field,
        }
    };
    match e {
        Error::BadInput { field, message } => Ok(reject(by_name(&field), message)),
        Error::Forbidden(m) => Ok(reject("owner", m)),
        Error::NotFound(m) if m.contains("`ownerId`") => Ok(reject("owner", m)),
        Error::NotFound(m) | Error::Conflict(m) => Ok(reject(default_field, m)),
        other => Err(ImportError::Failed(other)),
    }
}

fn parse_mapping(raw: &str) -> Result<Vec<(String, Option<String>)>, ImportError> {
    let v: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| refused("mapping", format!("`mapping` is not JSON: {e}.")))?;
    let obj = v.as_object().ok_or_else(|| {
        refused(
            "mapping",
            "`mapping` must be a JSON object of CSV column → field, like {\"E-Mail\": \"email\"}.".into(),
        )
    })?;
    obj.iter()
        .map(|(k, v)| match v {
            serde_json::Value::Null => Ok((k.clone(), None)),
            serde_json::Value::String(s) => Ok((k.clone(), Some(s.clone()))),
            _ => Err(refused(
                "mapping",
                format!("`mapping` sends {k:?} to something that is not a field name (a string or null)."),
            )),
        })
        .collect()
}

/// Runs an import of `body` (the raw file, chunk by chunk) as `scope`.
pub async fn run<S, B, E>(cx: &Context, scope: &TenantScope, opts: Options, mut body: S) -> Result<Report, ImportError>
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
                return Err(ImportError::Refused {
                    message: format!("The upload broke off: {e}."),
                    field: None,
                    line: None,
                });
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
        return Err(refused("file", "The file is empty; it needs a header row.".into()));
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
}

impl Importer<'_> {
    async fn push(&mut self, txn: &DatabaseTransaction, rec: Record) -> Result<(), ImportError> {
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

    async fn flush(&mut self, txn: &DatabaseTransaction) -> Result<(), ImportError> {
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

// ---------------------------------------------------------------------------------------------
// Shared look-ups

/// Owners named in a batch: canonical email → user id.
async fn owners_by_email(
    txn: &DatabaseTransaction,
    ws: Uuid,
    rows: &[Row],
) -> Result<HashMap<String, Uuid>, ImportError> {
    let emails: HashSet<String> = rows
        .iter()
        .filter_map(|r| r.one("owner"))
        .filter_map(|o| EmailAddress::parse("owner", &o).ok())
        .map(|e| e.canonical)
        .collect();
    if emails.is_empty() {
        return Ok(HashMap::new());
    }
    let users = user::Entity::find_in(ws)
        .filter(user::Column::EmailCanonical.is_in(emails))
        .all(txn)
        .await?;
    Ok(users.into_iter().map(|u| (u.email_canonical, u.id)).collect())
}

/// The owner a row names (default: none, i.e. the importer).
fn owner_of(row: &Row, owners: &HashMap<String, Uuid>) -> Result<Option<Uuid>, Reject> {
    let Some(raw) = row.one("owner") else { return Ok(None) };
    let e = EmailAddress::parse("owner", &raw).map_err(|_| {
        reject(
            "owner",
            format!("owner {raw:?} is not an email address; name the owner by the email they sign in with."),
        )
    })?;
    owners.get(&e.canonical).copied().map(Some).ok_or_else(|| {
        reject(
            "owner",
            format!("No user with the email {raw} exists in this workspace."),
        )
    })
}

/// Live (not deleted) records' ids among `ids` that the caller may see and so may edit.
fn live_contacts(ws: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(contact::Column::Id)
        .from(contact::Entity)
        .and_where(Expr::col(contact::Column::WorkspaceId).eq(ws))
        .and_where(Expr::col(contact::Column::DeletedAt).is_null())
        .to_owned()
}

fn live_companies(ws: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(company::Column::Id)
        .from(company::Entity)
        .and_where(Expr::col(company::Column::WorkspaceId).eq(ws))
        .and_where(Expr::col(company::Column::DeletedAt).is_null())
        .to_owned()
}

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

/// Company references from contact rows: visible companies by domain and by lowercase name.
#[derive(Default)]
struct CompanyRefs {
    by_domain: HashMap<String, Uuid>,
    by_name: HashMap<String, Uuid>,
}

impl CompanyRefs {
    /// A cell that reads as a domain (`huawei.com`) is looked up as one; anything else by name.
    fn key(cell: &str) -> (Option<String>, String) {
        let domain = (!cell.contains(char::is_whitespace))
            .then(|| domain_name::parse("company", cell).ok())
            .flatten();
        (domain, cell.trim().to_lowercase())
    }

    async fn load(txn: &DatabaseTransaction, scope: &TenantScope, cells: &[String]) -> Result<Self, ImportError> {
        let mut refs = CompanyRefs::default();
        if cells.is_empty() {
            return Ok(refs);
        }
        let ws = scope.workspace_id;
        let keys: Vec<(Option<String>, String)> = cells.iter().map(|c| Self::key(c)).collect();
        let domains: Vec<String> = keys.iter().filter_map(|(d, _)| d.clone()).collect();
        if !domains.is_empty() {
            let rows = company_domain::Entity::find_in(ws)
                .filter(company_domain::Column::Domain.is_in(domains))
                .filter(company_domain::Column::CompanyId.in_subquery(live_companies(ws)))
                .all(txn)
                .await?;
            let visible: HashSet<Uuid> = companies::visible(scope, false)
                .filter(company::Column::Id.is_in(rows.iter().map(|r| r.company_id)))
                .all(txn)
                .await?
                .into_iter()
                .map(|c| c.id)
                .collect();
            for r in rows.into_iter().filter(|r| visible.contains(&r.company_id)) {
                refs.by_domain.insert(r.domain, r.company_id);
            }
        }
        let names: Vec<String> = keys.into_iter().map(|(_, n)| n).collect();
        // The oldest visible company of that name, when several share it.
        let mut found = companies::visible(scope, false)
            .filter(company::Column::NameLower.is_in(names))
            .all(txn)
            .await?;
        found.sort_by_key(|c| c.number);
        for c in found {
            refs.by_name.entry(c.name_lower.clone()).or_insert(c.id);
        }
        Ok(refs)
    }

    fn find(&self, cell: &str) -> Option<Uuid> {
        let (domain, name) = Self::key(cell);
        domain
            .and_then(|d| self.by_domain.get(&d).copied())
            .or_else(|| self.by_name.get(&name).copied())
    }
}

/// Finds or creates the company a contact row names. Runs inside the row's savepoint.
async fn company_for(
    db: &DatabaseTransaction,
    scope: &TenantScope,
    refs: &CompanyRefs,
    cell: &str,
    owner: Option<Uuid>,
) -> Result<(Uuid, bool), Error> {
    if let Some(id) = refs.find(cell) {
        return Ok((id, false));
    }
    let (domain, _) = CompanyRefs::key(cell);
    let c = companies::create_in(
        db,
        scope,
        companies::CompanyInput {
            name: cell.to_string(),
            domains: domain.into_iter().collect(),
            owner_id: owner,
            // A domain held by a company the caller cannot see stays with that company.
            allow_duplicate: true,
            ..Default::default()
        },
    )
    .await?;
    Ok((c.id, true))
}

// ---------------------------------------------------------------------------------------------
// Contacts

/// A contact as it is before a row changes it.
struct ContactState {
    model: contact::Model,
    /// (display, canonical, primary)
    emails: Vec<(String, String, bool)>,
    /// (display, digits, primary)
    phones: Vec<(String, String, bool)>,
    tags: Vec<String>,
}

/// The visible ones among `ids`, with their emails, phones and tags (four statements).
async fn contact_states(
    txn: &DatabaseTransaction,
    scope: &TenantScope,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, ContactState>, ImportError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ws = scope.workspace_id;
    let models = contacts::visible(scope, false)
        .filter(contact::Column::Id.is_in(ids.iter().copied()))
        .all(txn)
        .await?;
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let mut out: HashMap<Uuid, ContactState> = models
        .into_iter()
        .map(|m| {
            (
                m.id,
                ContactState {
                    model: m,
                    emails: Vec::new(),
                    phones: Vec::new(),
                    tags: Vec::new(),
                },
            )
        })
        .collect();
    if ids.is_empty() {
        return Ok(out);
    }
    use sea_orm::QueryOrder;
    for e in contact_email::Entity::find_in(ws)
        .filter(contact_email::Column::ContactId.is_in(ids.iter().copied()))
        .order_by_desc(contact_email::Column::IsPrimary)
        .order_by_asc(contact_email::Column::Id)
        .all(txn)
        .await?
    {
        if let Some(s) = out.get_mut(&e.contact_id) {
            s.emails.push((e.email, e.email_canonical, e.is_primary));
        }
    }
    for p in contact_phone::Entity::find_in(ws)
        .filter(contact_phone::Column::ContactId.is_in(ids.iter().copied()))
        .order_by_desc(contact_phone::Column::IsPrimary)
        .order_by_asc(contact_phone::Column::Id)
        .all(txn)
        .await?
    {
        if let Some(s) = out.get_mut(&p.contact_id) {
            s.phones.push((p.phone, p.phone_digits, p.is_primary));
        }
    }
    for (id, tags) in records::tags_of(txn, ws, contacts::RECORD, &ids).await? {
        if let Some(s) = out.get_mut(&id) {
            s.tags = tags;
        }
    }
    Ok(out)
}

struct ContactRow {
    name: String,
    emails: Vec<EmailAddress>,
    phones: Vec<Phone>,
    owner: Option<Uuid>,
}

fn parse_contact(row: &Row, owners: &HashMap<String, Uuid>) -> Result<ContactRow, Reject> {
    let name = row
        .one("name")
        .ok_or_else(|| reject("name", "The name is empty; every contact needs one."))?;
    let mut emails: Vec<EmailAddress> = Vec::new();
    for e in row.list("email") {
        let e = EmailAddress::parse("email", e).map_err(|e| reject("email", e.to_string()))?;
        if !emails.iter().any(|x| x.canonical == e.canonical) {
            emails.push(e);
        }
    }
    let mut phones: Vec<Phone> = Vec::new();
    for p in row.list("phone") {
        let p = Phone::parse("phone", p).map_err(|e| reject("phone", e.to_string()))?;
        if !phones.iter().any(|x| x.digits == p.digits) {
            phones.push(p);
        }
    }
    records::parse_tags("tags", row.list("tags")).map_err(|e| reject("tags", e.to_string()))?;
    Ok(ContactRow {
        name,
        emails,
        phones,
        owner: owner_of(row, owners)?,
    })
}

impl Importer<'_> {
    async fn contacts(&mut self, txn: &DatabaseTransaction, rows: Vec<Row>) -> Result<(), ImportError> {
        let scope = self.scope;
        let ws = scope.workspace_id;
        let owners = owners_by_email(txn, ws, &rows).await?;
        // Every address in the batch → the live contact that has it (in any data scope).
        let canon: HashSet<String> = rows
            .iter()
            .flat_map(|r| r.list("email"))
            .filter_map(|e| EmailAddress::parse("email", e).ok())
            .map(|e| e.canonical)
            .collect();
        let mut by_email: HashMap<String, Uuid> = HashMap::new();
        if !canon.is_empty() {
            for e in contact_email::Entity::find_in(ws)
                .filter(contact_email::Column::EmailCanonical.is_in(canon))
                .filter(contact_email::Column::ContactId.in_subquery(live_contacts(ws)))
                .all(txn)
                .await?
            {
                by_email.insert(e.email_canonical, e.contact_id);
            }
        }
        let matched: Vec<Uuid> = by_email.values().copied().collect::<HashSet<_>>().into_iter().collect();
        let mut states = contact_states(txn, scope, &matched).await?;
        let mut editable: HashSet<Uuid> = states.keys().copied().collect();
        let company_cells: Vec<String> = rows.iter().filter_map(|r| r.one("company")).collect();
        let mut refs = CompanyRefs::load(txn, scope, &company_cells).await?;

        for row in rows {
            let n = row.row;
            let outcome = match parse_contact(&row, &owners) {
                Err(r) => Err(r),
                Ok(c) => {
                    self.contact_row(txn, &row, c, &mut by_email, &mut states, &mut editable, &mut refs)
                        .await?
                }
            };
            self.record(n, outcome);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn contact_row(
        &mut self,
        txn: &DatabaseTransaction,
        row: &Row,
        c: ContactRow,
        by_email: &mut HashMap<String, Uuid>,
        states: &mut HashMap<Uuid, ContactState>,
        editable: &mut HashSet<Uuid>,
        refs: &mut CompanyRefs,
    ) -> Result<Result<Outcome, Reject>, ImportError> {
        let scope = self.scope;
        let hits: Vec<(Uuid, &EmailAddress)> = c
            .emails
            .iter()
            .filter_map(|e| by_email.get(&e.canonical).map(|id| (*id, e)))
            .collect();
        let ids: HashSet<Uuid> = hits.iter().map(|(id, _)| *id).collect();
        if ids.len() > 1 {
            return Ok(Err(reject(
                "email",
                "These emails belong to different existing contacts; put each contact's addresses on its own row (or merge the contacts first).",
            )));
        }
        let company_cell = row.one("company");
        let Some((&id, email)) = hits.first().map(|(id, e)| (id, e)) else {
            // A new contact.
            let input = contacts::ContactInput {
                name: c.name,
                title: row.one("title"),
                company_id: None,
                emails: c.emails.iter().map(|e| (e.display.clone(), false)).collect(),
                phones: c.phones.iter().map(|p| (p.display.clone(), false)).collect(),
                owner_id: c.owner,
                tags: row.list("tags").to_vec(),
                public_notes: row.one("public_notes"),
                semi_public_notes: row.one("semi_public_notes"),
                ..Default::default()
            };
            if company_cell.is_none() {
                // `create_in` checks everything before its first write: no savepoint needed.
                return match contacts::create_in(txn, scope, input).await {
                    Ok(m) => {
                        for e in &c.emails {
                            by_email.insert(e.canonical.clone(), m.id);
                        }
                        editable.insert(m.id);
                        Ok(Ok(Outcome::Created))
                    }
                    Err(e) => Ok(Err(row_error(e, "email")?)),
                };
            }
            // A company may be created first; a savepoint undoes it if the contact is rejected.
            let sp = txn.begin().await?;
            let result = async {
                let mut input = input;
                let mut new_company = None;
                if let Some(cell) = &company_cell {
                    let (cid, created) = company_for(&sp, scope, refs, cell, c.owner).await?;
                    input.company_id = Some(cid);
                    new_company = created.then_some(cid);
                }
                let m = contacts::create_in(&sp, scope, input).await?;
                Ok::<_, Error>((m, new_company))
            }
            .await;
            return match result {
                Ok((m, new_company)) => {
                    sp.commit().await?;
                    for e in &c.emails {
                        by_email.insert(e.canonical.clone(), m.id);
                    }
                    editable.insert(m.id);
                    if let (Some(cid), Some(cell)) = (new_company, &company_cell) {
                        self.report.companies_created += 1;
                        let (domain, name) = CompanyRefs::key(cell);
                        refs.by_name.insert(name, cid);
                        if let Some(d) = domain {
                            refs.by_domain.insert(d, cid);
                        }
                    }
                    Ok(Ok(Outcome::Created))
                }
                Err(e) => {
                    sp.rollback().await?;
                    Ok(Err(row_error(e, "email")?))
                }
            };
        };
        if !editable.contains(&id) {
            return Ok(Err(reject(
                "email",
                format!(
                    "The email {} belongs to a contact outside your data scope; its owner or their manager can update it.",
                    email.display
                ),
            )));
        }
        if !states.contains_key(&id) {
            // Changed earlier in this batch: read it as it is now.
            let fresh = contact_states(txn, scope, &[id]).await?;
            states.extend(fresh);
        }
        let Some(st) = states.get(&id) else {
            return Ok(Err(reject(
                "email",
                "The matching contact is no longer visible to you.",
            )));
        };
        let m = &st.model;
        let mut ch = contacts::ContactChanges {
            name: differs(Some(c.name.clone()), Some(&m.name)),
            title: differs(row.one("title"), m.title.as_deref()),
            public_notes: differs(row.one("public_notes"), m.public_notes.as_deref()),
            semi_public_notes: differs(row.one("semi_public_notes"), m.semi_public_notes.as_deref()),
            ..Default::default()
        };
        let have: Vec<(String, String, bool)> = st.emails.clone();
        let new: Vec<(String, String, bool)> = c
            .emails
            .iter()
            .map(|e| (e.display.clone(), e.canonical.clone(), false))
            .collect();
        ch.emails = added(&have, &new, |e| e.1.clone()).map(|v| v.into_iter().map(|(d, _, p)| (d, p)).collect());
        let new: Vec<(String, String, bool)> = c
            .phones
            .iter()
            .map(|p| (p.display.clone(), p.digits.clone(), false))
            .collect();
        ch.phones = added(&st.phones, &new, |p| p.1.clone()).map(|v| v.into_iter().map(|(d, _, p)| (d, p)).collect());
        ch.tags = added(&st.tags, row.list("tags"), |t| t.to_lowercase());
        let company_now = company_cell.as_deref().map(|cell| refs.find(cell));
        let company_changes = match company_now {
            None => false,
            Some(Some(cid)) => m.company_id != Some(cid),
            Some(None) => true,
        };
        let owner_change = c.owner.filter(|o| m.owner_id != Some(*o));
        let nothing = ch.name.is_none()
            && ch.title.is_none()
            && ch.public_notes.is_none()
            && ch.semi_public_notes.is_none()
            && ch.emails.is_none()
            && ch.phones.is_none()
            && ch.tags.is_none()
            && !company_changes
            && owner_change.is_none();
        if nothing {
            return Ok(Ok(Outcome::Unchanged));
        }
        let sp = txn.begin().await?;
        let result = async {
            let mut new_company = None;
            if company_changes && let Some(cell) = &company_cell {
                let (cid, created) = company_for(&sp, scope, refs, cell, c.owner.or(m.owner_id)).await?;
                ch.company_id = Some(Some(cid));
                new_company = created.then_some(cid);
            }
            contacts::update_in(&sp, scope, id, ch).await?;
            if let Some(o) = owner_change {
                records::reassign(&sp, scope, contacts::visible(scope, false), &contacts::OWNED, &[id], o).await?;
            }
            Ok::<_, Error>(new_company)
        }
        .await;
        match result {
            Ok(new_company) => {
                sp.commit().await?;
                states.remove(&id);
                for e in &c.emails {
                    by_email.insert(e.canonical.clone(), id);
                }
                if let (Some(cid), Some(cell)) = (new_company, &company_cell) {
                    self.report.companies_created += 1;
                    let (domain, name) = CompanyRefs::key(cell);
                    refs.by_name.insert(name, cid);
                    if let Some(d) = domain {
                        refs.by_domain.insert(d, cid);
                    }
                }
                Ok(Ok(Outcome::Updated))
            }
            Err(e) => {
                sp.rollback().await?;
                Ok(Err(row_error(e, "email")?))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Companies

struct CompanyState {
    model: company::Model,
    domains: Vec<String>,
    tags: Vec<String>,
}

async fn company_states(
    txn: &DatabaseTransaction,
    scope: &TenantScope,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, CompanyState>, ImportError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ws = scope.workspace_id;
    let models = companies::visible(scope, false)
        .filter(company::Column::Id.is_in(ids.iter().copied()))
        .all(txn)
        .await?;
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let mut out: HashMap<Uuid, CompanyState> = models
        .into_iter()
        .map(|m| {
            (
                m.id,
                CompanyState {
                    model: m,
                    domains: Vec::new(),
                    tags: Vec::new(),
                },
            )
        })
        .collect();
    if ids.is_empty() {
        return Ok(out);
    }
    use sea_orm::QueryOrder;
    for d in company_domain::Entity::find_in(ws)
        .filter(company_domain::Column::CompanyId.is_in(ids.iter().copied()))
        .order_by_asc(company_domain::Column::Id)
        .all(txn)
        .await?
    {
        if let Some(s) = out.get_mut(&d.company_id) {
            s.domains.push(d.domain);
        }
    }
    for (id, tags) in records::tags_of(txn, ws, companies::RECORD, &ids).await? {
        if let Some(s) = out.get_mut(&id) {
            s.tags = tags;
        }
    }
    Ok(out)
}

struct CompanyRow {
    name: String,
    domains: Vec<String>,
    owner: Option<Uuid>,
}

fn parse_company(row: &Row, owners: &HashMap<String, Uuid>) -> Result<CompanyRow, Reject> {
    let name = row
        .one("name")
        .ok_or_else(|| reject("name", "The name is empty; every company needs one."))?;
    let mut domains: Vec<String> = Vec::new();
    for d in row.list("domain") {
        let d = domain_name::parse("domain", d).map_err(|e| reject("domain", e.to_string()))?;
        if !domains.contains(&d) {
            domains.push(d);
        }
    }
    // Without a domain column, the website's host is the key (`https://www.huawei.com/en`).
    if domains.is_empty()
        && let Some(d) = row.one("website").and_then(|w| domain_name::parse("website", &w).ok())
    {
        domains.push(d);
    }
    records::parse_tags("tags", row.list("tags")).map_err(|e| reject("tags", e.to_string()))?;
    Ok(CompanyRow {
        name,
        domains,
        owner: owner_of(row, owners)?,
    })
}

/// Company-level state shared by the rows of one batch.
struct CompanyBatch {
    by_domain: HashMap<String, Uuid>,
    /// Visible companies by lowercase name (all of them, to see ambiguity).
    by_name: HashMap<String, Vec<Uuid>>,
    states: HashMap<Uuid, CompanyState>,
    editable: HashSet<Uuid>,
}

impl Importer<'_> {
    async fn companies(&mut self, txn: &DatabaseTransaction, rows: Vec<Row>) -> Result<(), ImportError> {
        let scope = self.scope;
        let ws = scope.workspace_id;
        let owners = owners_by_email(txn, ws, &rows).await?;
        let parsed: Vec<(Row, Result<CompanyRow, Reject>)> = rows
            .into_iter()
            .map(|r| {
                let p = parse_company(&r, &owners);
                (r, p)
            })
            .collect();
        let domains: HashSet<String> = parsed
            .iter()
            .filter_map(|(_, p)| p.as_ref().ok())
            .flat_map(|p| p.domains.iter().cloned())
            .collect();
        let mut by_domain = HashMap::new();
        if !domains.is_empty() {
            for d in company_domain::Entity::find_in(ws)
                .filter(company_domain::Column::Domain.is_in(domains))
                .filter(company_domain::Column::CompanyId.in_subquery(live_companies(ws)))
                .all(txn)
                .await?
            {
                by_domain.insert(d.domain, d.company_id);
            }
        }
        let names: HashSet<String> = parsed
            .iter()
            .filter_map(|(_, p)| p.as_ref().ok())
            .filter(|p| p.domains.is_empty())
            .map(|p| p.name.to_lowercase())
            .collect();
        let mut by_name: HashMap<String, Vec<Uuid>> = HashMap::new();
        if !names.is_empty() {
            for c in companies::visible(scope, false)
                .filter(company::Column::NameLower.is_in(names))
                .all(txn)
                .await?
            {
                by_name.entry(c.name_lower).or_default().push(c.id);
            }
        }
        let mut ids: HashSet<Uuid> = by_domain.values().copied().collect();
        ids.extend(by_name.values().flatten().copied());
        let states = company_states(txn, scope, &ids.into_iter().collect::<Vec<_>>()).await?;
        let mut b = CompanyBatch {
            by_domain,
            by_name,
            editable: states.keys().copied().collect(),
            states,
        };
        for (row, p) in parsed {
            let outcome = match p {
                Err(r) => Err(r),
                Ok(c) => self.company_row(txn, &row, c, &mut b).await?,
            };
            self.record(row.row, outcome);
        }
        Ok(())
    }

    async fn company_row(
        &mut self,
        txn: &DatabaseTransaction,
        row: &Row,
        c: CompanyRow,
        b: &mut CompanyBatch,
    ) -> Result<Result<Outcome, Reject>, ImportError> {
        let scope = self.scope;
        let hits: HashSet<Uuid> = c.domains.iter().filter_map(|d| b.by_domain.get(d).copied()).collect();
        if hits.len() > 1 {
            return Ok(Err(reject(
                "domain",
                "These domains belong to different existing companies; put each company's domains on its own row (or merge the companies first).",
            )));
        }
        let found = match hits.into_iter().next() {
            Some(id) => Some(id),
            None if c.domains.is_empty() => match b.by_name.get(&c.name.to_lowercase()).map(Vec::as_slice) {
                Some([one]) => Some(*one),
                Some([_, _, ..]) => {
                    return Ok(Err(reject(
                        "name",
                        format!(
                            "Several companies are named {:?}; add a domain column so each row names one of them.",
                            c.name
                        ),
                    )));
                }
                _ => None,
            },
            None => None,
        };
        let Some(id) = found else {
            let input = companies::CompanyInput {
                name: c.name.clone(),
                domains: c.domains.clone(),
                industry: row.one("industry"),
                region: row.one("region"),
                address: row.one("address"),
                website: row.one("website"),
                source: row.one("source"),
                tier: row.one("tier"),
                owner_id: c.owner,
                tags: row.list("tags").to_vec(),
                allow_duplicate: false,
            };
            // `create_in` checks everything before its first write, so no savepoint is needed.
            return match companies::create_in(txn, scope, input).await {
                Ok(m) => {
                    for d in &c.domains {
                        b.by_domain.insert(d.clone(), m.id);
                    }
                    b.by_name.entry(m.name_lower).or_default().push(m.id);
                    b.editable.insert(m.id);
                    Ok(Ok(Outcome::Created))
                }
                Err(e) => Ok(Err(row_error(e, "domain")?)),
            };
        };
        if !b.editable.contains(&id) {
            return Ok(Err(reject(
                "domain",
                "This domain belongs to a company outside your data scope; its owner or their manager can update it.",
            )));
        }
        if !b.states.contains_key(&id) {
            let fresh = company_states(txn, scope, &[id]).await?;
            b.states.extend(fresh);
        }
        let Some(st) = b.states.get(&id) else {
            return Ok(Err(reject(
                "domain",
                "The matching company is no longer visible to you.",
            )));
        };
        let m = &st.model;
        let ch = companies::CompanyChanges {
            name: differs(Some(c.name.clone()), Some(&m.name)),
            industry: differs(row.one("industry"), m.industry.as_deref()),
            region: differs(row.one("region"), m.region.as_deref()),
            address: differs(row.one("address"), m.address.as_deref()),
            website: differs(row.one("website"), m.website.as_deref()),
            source: differs(row.one("source"), m.source.as_deref()),
            tier: differs(row.one("tier"), m.tier.as_deref()),
            domains: added(&st.domains, &c.domains, String::clone),
            tags: added(&st.tags, row.list("tags"), |t| t.to_lowercase()),
        };
        let owner_change = c.owner.filter(|o| m.owner_id != Some(*o));
        let nothing = ch.name.is_none()
            && ch.industry.is_none()
            && ch.region.is_none()
            && ch.address.is_none()
            && ch.website.is_none()
            && ch.source.is_none()
            && ch.tier.is_none()
            && ch.domains.is_none()
            && ch.tags.is_none()
            && owner_change.is_none();
        if nothing {
            return Ok(Ok(Outcome::Unchanged));
        }
        let sp = txn.begin().await?;
        let result = async {
            companies::update_in(&sp, scope, id, ch).await?;
            if let Some(o) = owner_change {
                records::reassign(
                    &sp,
                    scope,
                    companies::visible(scope, false),
                    &companies::OWNED,
                    &[id],
                    o,
                )
                .await?;
            }
            Ok::<_, Error>(())
        }
        .await;
        match result {
            Ok(()) => {
                sp.commit().await?;
                b.states.remove(&id);
                for d in &c.domains {
                    b.by_domain.insert(d.clone(), id);
                }
                Ok(Ok(Outcome::Updated))
            }
            Err(e) => {
                sp.rollback().await?;
                Ok(Err(row_error(e, "domain")?))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Leads

struct LeadRow {
    name: String,
    email: Option<EmailAddress>,
    phone: Option<Phone>,
    owner: Option<Uuid>,
}

fn parse_lead(row: &Row, owners: &HashMap<String, Uuid>) -> Result<LeadRow, Reject> {
    let name = row
        .one("name")
        .ok_or_else(|| reject("name", "The name is empty; every lead needs one."))?;
    let email = match row.list("email") {
        [] => None,
        [one] => Some(EmailAddress::parse("email", one).map_err(|e| reject("email", e.to_string()))?),
        _ => return Err(reject("email", "A lead has one email; put one address in the cell.")),
    };
    let phone = match row.list("phone") {
        [] => None,
        [one] => Some(Phone::parse("phone", one).map_err(|e| reject("phone", e.to_string()))?),
        _ => return Err(reject("phone", "A lead has one phone number; put one in the cell.")),
    };
    Ok(LeadRow {
        name,
        email,
        phone,
        owner: owner_of(row, owners)?,
    })
}

impl Importer<'_> {
    async fn leads(&mut self, txn: &DatabaseTransaction, rows: Vec<Row>) -> Result<(), ImportError> {
        let scope = self.scope;
        let ws = scope.workspace_id;
        let owners = owners_by_email(txn, ws, &rows).await?;
        let parsed: Vec<(Row, Result<LeadRow, Reject>)> = rows
            .into_iter()
            .map(|r| {
                let p = parse_lead(&r, &owners);
                (r, p)
            })
            .collect();
        let emails: HashSet<String> = parsed
            .iter()
            .filter_map(|(_, p)| p.as_ref().ok())
            .filter_map(|p| p.email.as_ref().map(|e| e.canonical.clone()))
            .collect();
        // Every live lead with one of these addresses, in any data scope.
        let mut by_email: HashMap<String, Vec<Uuid>> = HashMap::new();
        let mut current: HashMap<Uuid, lead::Model> = HashMap::new();
        let mut editable: HashSet<Uuid> = HashSet::new();
        if !emails.is_empty() {
            let all = lead::Entity::find_in(ws)
                .filter(lead::Column::EmailCanonical.is_in(emails))
                .filter(lead::Column::DeletedAt.is_null())
                .all(txn)
                .await?;
            let ids: Vec<Uuid> = all.iter().map(|l| l.id).collect();
            for l in leads::visible(scope)
                .filter(lead::Column::Id.is_in(ids))
                .all(txn)
                .await?
            {
                editable.insert(l.id);
                current.insert(l.id, l);
            }
            for l in all {
                if let Some(e) = l.email_canonical {
                    by_email.entry(e).or_default().push(l.id);
                }
            }
        }
        for (row, p) in parsed {
            let outcome = match p {
                Err(r) => Err(r),
                Ok(l) => {
                    self.lead_row(txn, &row, l, &mut by_email, &mut current, &mut editable)
                        .await?
                }
            };
            self.record(row.row, outcome);
        }
        Ok(())
    }

    async fn lead_row(
        &mut self,
        txn: &DatabaseTransaction,
        row: &Row,
        l: LeadRow,
        by_email: &mut HashMap<String, Vec<Uuid>>,
        current: &mut HashMap<Uuid, lead::Model>,
        editable: &mut HashSet<Uuid>,
    ) -> Result<Result<Outcome, Reject>, ImportError> {
        let scope = self.scope;
        let hits = l
            .email
            .as_ref()
            .and_then(|e| by_email.get(&e.canonical))
            .cloned()
            .unwrap_or_default();
        let id = match hits.as_slice() {
            [] => {
                let input = leads::LeadInput {
                    name: l.name,
                    company_name: row.one("company"),
                    email: l.email.as_ref().map(|e| e.display.clone()),
                    phone: l.phone.map(|p| p.display),
                    source: row.one("source"),
                    owner_id: l.owner,
                };
                // `create_in` checks everything before its first write, so no savepoint is needed.
                return match leads::create_in(txn, scope, input).await {
                    Ok(m) => {
                        if let Some(e) = &l.email {
                            by_email.entry(e.canonical.clone()).or_default().push(m.id);
                        }
                        editable.insert(m.id);
                        current.insert(m.id, m);
                        Ok(Ok(Outcome::Created))
                    }
                    Err(e) => Ok(Err(row_error(e, "email")?)),
                };
            }
            [one] => *one,
            _ => {
                return Ok(Err(reject(
                    "email",
                    "Several leads have this email; delete or convert the duplicates so the row names one lead.",
                )));
            }
        };
        let Some(m) = current.get(&id).filter(|_| editable.contains(&id)) else {
            return Ok(Err(reject(
                "email",
                "This email belongs to a lead outside your data scope; its owner or their manager can update it.",
            )));
        };
        if m.status == "converted" {
            return Ok(Err(reject(
                "email",
                "The lead with this email was converted; import the person as a contact instead.",
            )));
        }
        let ch = leads::LeadChanges {
            name: differs(Some(l.name.clone()), Some(&m.name)),
            company_name: differs(row.one("company"), m.company_name.as_deref()),
            email: None,
            phone: l
                .phone
                .map(|p| p.display)
                .filter(|p| Some(p.as_str()) != m.phone.as_deref()),
            source: differs(row.one("source"), m.source.as_deref()),
        };
        let owner_change = l.owner.filter(|o| m.owner_id != Some(*o));
        if ch.name.is_none()
            && ch.company_name.is_none()
            && ch.phone.is_none()
            && ch.source.is_none()
            && owner_change.is_none()
        {
            return Ok(Ok(Outcome::Unchanged));
        }
        let sp = txn.begin().await?;
        let result = async {
            let mut m = leads::update_in(&sp, scope, id, ch).await?;
            if let Some(o) = owner_change {
                let rows = records::reassign(&sp, scope, leads::visible(scope), &leads::OWNED, &[id], o).await?;
                if let Some(r) = rows.into_iter().next() {
                    m = r;
                }
            }
            Ok::<_, Error>(m)
        }
        .await;
        match result {
            Ok(m) => {
                sp.commit().await?;
                current.insert(id, m);
                Ok(Ok(Outcome::Updated))
            }
            Err(e) => {
                sp.rollback().await?;
                Ok(Err(row_error(e, "email")?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_resolve_by_name_and_alias() {
        assert_eq!(resolve(Kind::Contacts, " E-Mail "), Some("email"));
        assert_eq!(resolve(Kind::Contacts, "邮箱"), Some("email"));
        assert_eq!(resolve(Kind::Contacts, "Primary Email"), Some("email"));
        assert_eq!(resolve(Kind::Contacts, "手机"), Some("phone"));
        assert_eq!(resolve(Kind::Contacts, "publicNotes"), Some("public_notes"));
        assert_eq!(resolve(Kind::Companies, "website"), Some("website"));
        assert_eq!(resolve(Kind::Companies, "域名"), Some("domain"));
        assert_eq!(resolve(Kind::Leads, "domain"), None);
        assert_eq!(resolve(Kind::Leads, "公司"), Some("company"));
    }

    #[test]
    fn a_plan_needs_a_name_and_one_column_per_single_field() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(Plan::build(Kind::Contacts, h(&["email", "phone"]), None).is_err());
        assert!(Plan::build(Kind::Contacts, h(&["name", "姓名"]), None).is_err());
        let (plan, ignored) = Plan::build(
            Kind::Contacts,
            h(&["name", "emails", "primary_email", "number", "shoe size"]),
            None,
        )
        .unwrap_or_else(|_| panic!("plan"));
        assert_eq!(
            plan.columns,
            vec![Some("name"), Some("email"), Some("email"), None, None]
        );
        assert_eq!(ignored, vec!["shoe size".to_string()]);
        let m = vec![("Who".to_string(), Some("name".to_string())), ("x".to_string(), None)];
        assert!(Plan::build(Kind::Contacts, h(&["Who", "x"]), Some(&m)).is_ok());
        assert!(
            Plan::build(Kind::Contacts, h(&["Who"]), Some(&m)).is_err(),
            "x is not in the file"
        );
    }
}
