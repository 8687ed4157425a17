//! Company files: rows matched to companies by any of their domains (else by name), created or
//! updated through `service::company`.

use std::collections::{HashMap, HashSet};

use entity::{company, company_domain};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::columns::Row;
use super::owners::{owner_of, owners_by_email};
use super::{Importer, Outcome, Reject, Slot, added, differs, reject, row_error};
use crate::domain::domain_name;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::{company as companies, records};

/// The ids of the workspace's live (not deleted) companies, in any data scope, as a subquery.
pub(super) fn live_companies(ws: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(company::Column::Id)
        .from(company::Entity)
        .and_where(Expr::col(company::Column::WorkspaceId).eq(ws))
        .and_where(Expr::col(company::Column::DeletedAt).is_null())
        .to_owned()
}

struct CompanyState {
    model: company::Model,
    domains: Vec<String>,
    tags: Vec<String>,
}

async fn company_states(
    txn: &DatabaseTransaction,
    scope: &TenantScope,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, CompanyState>> {
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

/// What a row does, once matched.
enum Step {
    Create(companies::CompanyInput),
    /// The company, its changes, its new owner.
    Update(Uuid, companies::CompanyChanges, Option<Uuid>),
    Done(Result<Outcome, Reject>),
}

/// The keys a row matches on (its domains, its lowercase name): a row sharing one with a
/// waiting row must see that row's write first.
fn keys_of(c: &CompanyRow) -> Vec<String> {
    let mut keys: Vec<String> = c.domains.iter().map(|d| format!("domain:{d}")).collect();
    keys.push(format!("name:{}", c.name.to_lowercase()));
    keys
}

/// Rows waiting to be written together: (outcome slot, input) and (outcome slot, company,
/// changes, new owner), and the keys they hold.
#[derive(Default)]
struct PendingCompanies {
    creates: Vec<(usize, companies::CompanyInput)>,
    updates: Vec<(usize, Uuid, companies::CompanyChanges, Option<Uuid>)>,
    keys: HashSet<String>,
    /// The companies the updates change.
    ids: HashSet<Uuid>,
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
    pub(super) async fn companies(&mut self, txn: &DatabaseTransaction, rows: Vec<Row>) -> Result<()> {
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
        // Creations and updates wait in `pending` and go to the service a run at a time
        // (`create_many_in`, `update_many_in`, one `reassign` per new owner). A row naming a
        // domain or name that a waiting row also names first writes what waits, so it sees what
        // the rows before it did; so does a row whose new owner fails the owner check, which
        // then takes the single-row path for the service's own answer. Outcomes go in row order.
        let mut outcomes: Vec<Slot> = Vec::new();
        let mut pending = PendingCompanies::default();
        let mut owner_ok: HashMap<Uuid, bool> = HashMap::new();
        for (row, p) in parsed {
            let c = match p {
                Err(r) => {
                    outcomes.push((row.row, Some(Err(r))));
                    continue;
                }
                Ok(c) => c,
            };
            let keys = keys_of(&c);
            if keys.iter().any(|k| pending.keys.contains(k)) {
                self.write_companies(txn, &mut pending, &mut outcomes, &mut b).await?;
            }
            let slot = outcomes.len();
            let mut step = self.company_step(txn, &row, &c, &mut b).await?;
            if step.0.is_some_and(|id| pending.ids.contains(&id)) {
                // Matched by another key than the waiting row's: its state must be fresh too.
                self.write_companies(txn, &mut pending, &mut outcomes, &mut b).await?;
                step = self.company_step(txn, &row, &c, &mut b).await?;
            }
            match step.1 {
                Step::Done(o) => {
                    outcomes.push((row.row, Some(o)));
                    continue;
                }
                Step::Create(input) => pending.creates.push((slot, input)),
                Step::Update(id, ch, owner) if self.owner_ok(txn, &mut owner_ok, owner).await? => {
                    pending.ids.insert(id);
                    pending.updates.push((slot, id, ch, owner));
                }
                Step::Update(id, ch, owner) => {
                    self.write_companies(txn, &mut pending, &mut outcomes, &mut b).await?;
                    let o = self.update_company(txn, id, &c, ch, owner, &mut b).await?;
                    outcomes.push((row.row, Some(o)));
                    continue;
                }
            }
            pending.keys.extend(keys);
            outcomes.push((row.row, None));
        }
        self.write_companies(txn, &mut pending, &mut outcomes, &mut b).await?;
        self.record_all(outcomes);
        Ok(())
    }

    /// Writes the waiting creations and updates and fills in their outcomes.
    async fn write_companies(
        &self,
        txn: &DatabaseTransaction,
        pending: &mut PendingCompanies,
        outcomes: &mut [Slot],
        b: &mut CompanyBatch,
    ) -> Result<()> {
        let scope = self.scope;
        let p = std::mem::take(pending);
        let mut done: Vec<(usize, Result<Outcome, Reject>)> = Vec::new();
        if !p.creates.is_empty() {
            let slots: Vec<(usize, Vec<String>)> = p.creates.iter().map(|(s, i)| (*s, i.domains.clone())).collect();
            let inputs = p.creates.into_iter().map(|(_, i)| i).collect();
            let results = companies::create_many_in(txn, scope, inputs).await?;
            for ((slot, domains), result) in slots.into_iter().zip(results) {
                let outcome = match result {
                    Ok(m) => {
                        for d in domains {
                            b.by_domain.insert(d, m.id);
                        }
                        b.by_name.entry(m.name_lower).or_default().push(m.id);
                        b.editable.insert(m.id);
                        Ok(Outcome::Created)
                    }
                    Err(e) => Err(row_error(e, "domain")?),
                };
                done.push((slot, outcome));
            }
        }
        if !p.updates.is_empty() {
            let items = p.updates.iter().map(|(_, id, ch, _)| (*id, ch.clone())).collect();
            let results = companies::update_many_in(txn, scope, items).await?;
            let mut new_owners: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
            for ((slot, id, ch, owner), result) in p.updates.into_iter().zip(results) {
                let outcome = match result {
                    Ok(_) => {
                        b.states.remove(&id);
                        for d in ch.domains.unwrap_or_default() {
                            b.by_domain.insert(d, id);
                        }
                        if let Some(o) = owner {
                            new_owners.entry(o).or_default().push(id);
                        }
                        Ok(Outcome::Updated)
                    }
                    Err(e) => Err(row_error(e, "domain")?),
                };
                done.push((slot, outcome));
            }
            // The owners passed `check_owner` and the companies are visible: this cannot reject.
            for (owner, ids) in new_owners {
                records::reassign(
                    txn,
                    scope,
                    companies::visible(scope, false),
                    &companies::OWNED,
                    &ids,
                    owner,
                )
                .await?;
            }
        }
        for (slot, outcome) in done {
            if let Some(o) = outcomes.get_mut(slot) {
                o.1 = Some(outcome);
            }
        }
        Ok(())
    }

    /// What a row does (create a company, update one, or nothing: unchanged or rejected), and
    /// the company it matched.
    async fn company_step(
        &self,
        txn: &DatabaseTransaction,
        row: &Row,
        c: &CompanyRow,
        b: &mut CompanyBatch,
    ) -> Result<(Option<Uuid>, Step)> {
        let found = match self.company_match(c, b) {
            Err(r) => return Ok((None, Step::Done(Err(r)))),
            Ok(found) => found,
        };
        let step = self.company_step_for(txn, row, c, b, found).await?;
        Ok((found, step))
    }

    /// The company a row names by its domains, else by its name (`None`: a new one).
    fn company_match(&self, c: &CompanyRow, b: &CompanyBatch) -> Result<Option<Uuid>, Reject> {
        let hits: HashSet<Uuid> = c.domains.iter().filter_map(|d| b.by_domain.get(d).copied()).collect();
        if hits.len() > 1 {
            return Err(reject(
                "domain",
                "These domains belong to different existing companies; put each company's domains on its own row (or merge the companies first).",
            ));
        }
        let found = match hits.into_iter().next() {
            Some(id) => Some(id),
            None if c.domains.is_empty() => match b.by_name.get(&c.name.to_lowercase()).map(Vec::as_slice) {
                Some([one]) => Some(*one),
                Some([_, _, ..]) => {
                    return Err(reject(
                        "name",
                        format!(
                            "Several companies are named {:?}; add a domain column so each row names one of them.",
                            c.name
                        ),
                    ));
                }
                _ => None,
            },
            None => None,
        };
        Ok(found)
    }

    async fn company_step_for(
        &self,
        txn: &DatabaseTransaction,
        row: &Row,
        c: &CompanyRow,
        b: &mut CompanyBatch,
        found: Option<Uuid>,
    ) -> Result<Step> {
        let scope = self.scope;
        let Some(id) = found else {
            return Ok(Step::Create(companies::CompanyInput {
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
            }));
        };
        if !b.editable.contains(&id) {
            return Ok(Step::Done(Err(reject(
                "domain",
                "This domain belongs to a company outside your data scope; its owner or their manager can update it.",
            ))));
        }
        if !b.states.contains_key(&id) {
            let fresh = company_states(txn, scope, &[id]).await?;
            b.states.extend(fresh);
        }
        let Some(st) = b.states.get(&id) else {
            return Ok(Step::Done(Err(reject(
                "domain",
                "The matching company is no longer visible to you.",
            ))));
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
            return Ok(Step::Done(Ok(Outcome::Unchanged)));
        }
        Ok(Step::Update(id, ch, owner_change))
    }

    /// One update and owner change on its own, in a savepoint: for a row whose new owner the
    /// owner check refuses, so the row gets the same answer as when rows went one at a time.
    async fn update_company(
        &self,
        txn: &DatabaseTransaction,
        id: Uuid,
        c: &CompanyRow,
        ch: companies::CompanyChanges,
        owner_change: Option<Uuid>,
        b: &mut CompanyBatch,
    ) -> Result<Result<Outcome, Reject>> {
        let scope = self.scope;
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
