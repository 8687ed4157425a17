//! Contact files: rows matched to contacts by any of their emails, created or updated through
//! `service::contact`.

use std::collections::{HashMap, HashSet};

use entity::{contact, contact_email, contact_phone};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::columns::Row;
use super::company_refs::{CompanyRefs, company_for};
use super::owners::{owner_of, owners_by_email};
use super::{Importer, Outcome, Reject, Slot, added, differs, reject, row_error};
use crate::domain::email::EmailAddress;
use crate::domain::phone::Phone;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::{company as companies, contact as contacts, records};

/// The ids of the workspace's live (not deleted) contacts, in any data scope, as a subquery.
fn live_contacts(ws: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(contact::Column::Id)
        .from(contact::Entity)
        .and_where(Expr::col(contact::Column::WorkspaceId).eq(ws))
        .and_where(Expr::col(contact::Column::DeletedAt).is_null())
        .to_owned()
}

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
) -> Result<HashMap<Uuid, ContactState>> {
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

#[derive(Clone)]
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

/// The service's input for a row that creates a contact.
fn new_contact(row: &Row, c: &ContactRow) -> contacts::ContactInput {
    contacts::ContactInput {
        name: c.name.clone(),
        title: row.one("title"),
        company_id: None,
        emails: c.emails.iter().map(|e| (e.display.clone(), false)).collect(),
        phones: c.phones.iter().map(|p| (p.display.clone(), false)).collect(),
        owner_id: c.owner,
        tags: row.list("tags").to_vec(),
        public_notes: row.one("public_notes"),
        semi_public_notes: row.one("semi_public_notes"),
        ..Default::default()
    }
}

/// Creations waiting for one `create_many_in`.
#[derive(Default)]
struct Pending {
    inputs: Vec<contacts::ContactInput>,
    /// Per input: its slot in the batch's outcomes and its canonical addresses.
    rows: Vec<(usize, Vec<String>)>,
    /// Every address they take, so a later row naming one waits until they exist.
    emails: HashSet<String>,
    /// Per input: the new company it names (in `companies`), with its row for a replay.
    with_company: Vec<Option<(usize, Row, ContactRow)>>,
    /// Companies the inputs name that do not exist yet, in the order rows name them.
    companies: Vec<NewCompany>,
    updates: Vec<WaitingUpdate>,
    /// The contacts the updates change.
    ids: HashSet<Uuid>,
}

/// A batch's look-ups, kept current as its rows are written.
struct Lookups {
    /// Address → the live contact that has it (in any data scope).
    by_email: HashMap<String, Uuid>,
    /// Visible contacts as they are (re-read after a change).
    states: HashMap<Uuid, ContactState>,
    /// Contacts the caller may change.
    editable: HashSet<Uuid>,
    refs: CompanyRefs,
    /// New owners and whether they pass `check_owner`.
    owners_ok: HashMap<Uuid, bool>,
}

/// An update waiting to be written: (outcome slot, contact, changes, new owner, the row's
/// canonical addresses).
type WaitingUpdate = (usize, Uuid, contacts::ContactChanges, Option<Uuid>, Vec<String>);

/// A company to create for waiting rows: the cell's key, the cell, the first row's owner.
struct NewCompany {
    domain: Option<String>,
    name: String,
    cell: String,
    owner: Option<Uuid>,
}

impl Pending {
    /// The new company a cell names: one already waiting that the cell would find once
    /// created (as `CompanyRefs::find` would), or a new one.
    fn company_for(&mut self, cell: &str, owner: Option<Uuid>) -> usize {
        let (domain, name) = CompanyRefs::key(cell);
        let same = |c: &NewCompany| (domain.is_some() && c.domain == domain) || c.name == name;
        if let Some(i) = self.companies.iter().position(same) {
            return i;
        }
        self.companies.push(NewCompany {
            domain,
            name,
            cell: cell.to_string(),
            owner,
        });
        self.companies.len() - 1
    }
}

impl Importer<'_> {
    pub(super) async fn contacts(&mut self, txn: &DatabaseTransaction, rows: Vec<Row>) -> Result<()> {
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
        let states = contact_states(txn, scope, &matched).await?;
        let editable: HashSet<Uuid> = states.keys().copied().collect();
        let company_cells: Vec<String> = rows.iter().filter_map(|r| r.one("company")).collect();
        let refs = CompanyRefs::load(txn, scope, &company_cells).await?;
        let mut lk = Lookups {
            by_email,
            states,
            editable,
            refs,
            owners_ok: HashMap::new(),
        };

        // Plain creations (no address that a contact already has, no company still to create)
        // wait in `pending` and go to the service together, one `create_many_in` per run of
        // them. Any other row first creates what waits, so each row still sees what the rows
        // before it did; outcomes are recorded in row order at the end.
        let mut outcomes: Vec<Slot> = Vec::with_capacity(rows.len());
        let mut pending = Pending::default();
        for row in rows {
            let n = row.row;
            let c = match parse_contact(&row, &owners) {
                Err(r) => {
                    outcomes.push((n, Some(Err(r))));
                    continue;
                }
                Ok(c) => c,
            };
            let known = c
                .emails
                .iter()
                .any(|e| lk.by_email.contains_key(&e.canonical) || pending.emails.contains(&e.canonical));
            let company = row.one("company").map(|cell| lk.refs.find(&cell));
            if !known {
                let mut input = new_contact(&row, &c);
                input.company_id = company.flatten();
                let new_company = match (row.one("company"), company) {
                    (Some(cell), Some(None)) => Some(pending.company_for(&cell, c.owner)),
                    _ => None,
                };
                pending.emails.extend(c.emails.iter().map(|e| e.canonical.clone()));
                pending
                    .rows
                    .push((outcomes.len(), c.emails.iter().map(|e| e.canonical.clone()).collect()));
                pending.inputs.push(input);
                pending.with_company.push(new_company.map(|i| (i, row, c)));
                outcomes.push((n, None));
                continue;
            }
            // A row naming what a waiting row takes or changes sees that write first.
            let waits = c.emails.iter().any(|e| {
                pending.emails.contains(&e.canonical)
                    || lk.by_email.get(&e.canonical).is_some_and(|id| pending.ids.contains(id))
            });
            if waits {
                self.create_pending(txn, &mut pending, &mut outcomes, &mut lk).await?;
            }
            let slot = outcomes.len();
            let mut outcome = self
                .contact_row(txn, &row, c.clone(), &mut lk, Some((&mut pending, slot)))
                .await?;
            if matches!(outcome, Ok(Outcome::Later)) {
                // This row writes on its own: what waits goes first, as the file orders it.
                self.create_pending(txn, &mut pending, &mut outcomes, &mut lk).await?;
                outcome = self.contact_row(txn, &row, c, &mut lk, None).await?;
            }
            outcomes.push((n, Some(outcome)));
        }
        self.create_pending(txn, &mut pending, &mut outcomes, &mut lk).await?;
        self.record_all(outcomes);
        Ok(())
    }

    /// Writes the waiting rows (creations, then updates) and fills in their outcomes.
    async fn create_pending(
        &mut self,
        txn: &DatabaseTransaction,
        pending: &mut Pending,
        outcomes: &mut [Slot],
        lk: &mut Lookups,
    ) -> Result<()> {
        let mut p = std::mem::take(pending);
        let updates = std::mem::take(&mut p.updates);
        self.create_waiting(txn, p, outcomes, lk).await?;
        if updates.is_empty() {
            return Ok(());
        }
        let scope = self.scope;
        let items = updates.iter().map(|(_, id, ch, _, _)| (*id, ch.clone())).collect();
        let results = contacts::update_many_in(txn, scope, items).await?;
        let mut new_owners: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for ((slot, id, _, owner, emails), result) in updates.into_iter().zip(results) {
            let outcome = match result {
                Ok(_) => {
                    lk.states.remove(&id);
                    for e in emails {
                        lk.by_email.insert(e, id);
                    }
                    if let Some(o) = owner {
                        new_owners.entry(o).or_default().push(id);
                    }
                    Ok(Outcome::Updated)
                }
                Err(e) => Err(row_error(e, "email")?),
            };
            if let Some(o) = outcomes.get_mut(slot) {
                o.1 = Some(outcome);
            }
        }
        // The owners passed `check_owner` and the contacts are visible: this cannot reject.
        for (owner, ids) in new_owners {
            records::reassign(
                txn,
                scope,
                contacts::visible(scope, false),
                &contacts::OWNED,
                &ids,
                owner,
            )
            .await?;
        }
        Ok(())
    }

    /// Creates the waiting contacts, and the companies they name that do not exist yet, a few
    /// service calls for all, and fills in their outcomes. When a row with a new company is
    /// rejected, that company must not exist (or must belong to the next row naming it), so the
    /// waiting rows are undone and replayed as before batching: runs of plain creations, each
    /// row with a new company on its own.
    async fn create_waiting(
        &mut self,
        txn: &DatabaseTransaction,
        mut p: Pending,
        outcomes: &mut [Slot],
        lk: &mut Lookups,
    ) -> Result<()> {
        if p.companies.is_empty() {
            return self
                .create_plain(txn, &mut p, outcomes, &mut lk.by_email, &mut lk.editable)
                .await;
        }
        let scope = self.scope;
        let sp = txn.begin().await?;
        let inputs = p
            .companies
            .iter()
            .map(|c| companies::CompanyInput {
                name: c.cell.clone(),
                domains: c.domain.iter().cloned().collect(),
                owner_id: c.owner,
                // A domain held by a company the caller cannot see stays with that company.
                allow_duplicate: true,
                ..Default::default()
            })
            .collect();
        let made: Option<Vec<Uuid>> = companies::create_many_in(&sp, scope, inputs)
            .await?
            .into_iter()
            .map(|r| r.ok().map(|m| m.id))
            .collect();
        if let Some(ids) = made {
            let mut inputs = p.inputs.clone();
            for (input, with) in inputs.iter_mut().zip(&p.with_company) {
                if let Some((i, _, _)) = with {
                    input.company_id = ids.get(*i).copied();
                }
            }
            let results = contacts::create_many_in(&sp, scope, inputs).await?;
            if results
                .iter()
                .zip(&p.with_company)
                .all(|(r, w)| w.is_none() || r.is_ok())
            {
                sp.commit().await?;
                for (c, id) in p.companies.into_iter().zip(&ids) {
                    lk.refs.by_name.insert(c.name, *id);
                    if let Some(d) = c.domain {
                        lk.refs.by_domain.insert(d, *id);
                    }
                }
                self.report.companies_created += ids.len() as u64;
                return fill_created(p.rows, results, outcomes, &mut lk.by_email, &mut lk.editable);
            }
        }
        sp.rollback().await?;
        let mut run = Pending::default();
        for (((slot, emails), input), with) in p.rows.into_iter().zip(p.inputs).zip(p.with_company) {
            match with {
                None => {
                    run.rows.push((slot, emails));
                    run.inputs.push(input);
                }
                Some((_, row, c)) => {
                    self.create_plain(txn, &mut run, outcomes, &mut lk.by_email, &mut lk.editable)
                        .await?;
                    let o = self.contact_row(txn, &row, c, lk, None).await?;
                    if let Some(out) = outcomes.get_mut(slot) {
                        out.1 = Some(o);
                    }
                }
            }
        }
        self.create_plain(txn, &mut run, outcomes, &mut lk.by_email, &mut lk.editable)
            .await
    }

    /// Creates waiting contacts that name no new company in one service call.
    async fn create_plain(
        &self,
        txn: &DatabaseTransaction,
        pending: &mut Pending,
        outcomes: &mut [Slot],
        by_email: &mut HashMap<String, Uuid>,
        editable: &mut HashSet<Uuid>,
    ) -> Result<()> {
        if pending.inputs.is_empty() {
            return Ok(());
        }
        let p = std::mem::take(pending);
        let results = contacts::create_many_in(txn, self.scope, p.inputs).await?;
        fill_created(p.rows, results, outcomes, by_email, editable)
    }

    /// One row that is not a plain creation. With `defer` (the waiting rows and this row's
    /// outcome slot), an update that creates no company and whose new owner passes the owner
    /// check waits there (`Waiting`, its slot filled in when it is written) instead of being
    /// written now, and a row that must write on its own writes nothing and answers `Later`
    /// (ask again without `defer` once what waits is written).
    async fn contact_row(
        &mut self,
        txn: &DatabaseTransaction,
        row: &Row,
        c: ContactRow,
        lk: &mut Lookups,
        defer: Option<(&mut Pending, usize)>,
    ) -> Result<Result<Outcome, Reject>> {
        let Lookups {
            by_email,
            states,
            editable,
            refs,
            owners_ok,
        } = lk;
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
            // A new contact (its address was a waiting row's, which was rejected).
            if defer.is_some() {
                return Ok(Ok(Outcome::Later));
            }
            let input = new_contact(row, &c);
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
        let company_exists = !company_changes || company_now.flatten().is_some();
        if let Some((pending, slot)) = defer {
            if !company_exists || !self.owner_ok(txn, owners_ok, owner_change).await? {
                return Ok(Ok(Outcome::Later));
            }
            if company_changes {
                ch.company_id = Some(company_now.flatten());
            }
            let emails: Vec<String> = c.emails.iter().map(|e| e.canonical.clone()).collect();
            pending.emails.extend(emails.iter().cloned());
            pending.ids.insert(id);
            pending.updates.push((slot, id, ch, owner_change, emails));
            return Ok(Ok(Outcome::Waiting));
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

/// Fills in the outcomes of created contacts and notes their addresses.
fn fill_created(
    rows: Vec<(usize, Vec<String>)>,
    results: Vec<Result<contact::Model>>,
    outcomes: &mut [Slot],
    by_email: &mut HashMap<String, Uuid>,
    editable: &mut HashSet<Uuid>,
) -> Result<()> {
    for ((slot, emails), result) in rows.into_iter().zip(results) {
        let outcome = match result {
            Ok(m) => {
                for e in emails {
                    by_email.insert(e, m.id);
                }
                editable.insert(m.id);
                Ok(Outcome::Created)
            }
            Err(e) => Err(row_error(e, "email")?),
        };
        if let Some(o) = outcomes.get_mut(slot) {
            o.1 = Some(outcome);
        }
    }
    Ok(())
}
