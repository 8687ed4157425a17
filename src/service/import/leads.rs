//! Lead files: rows matched to leads by their email, created or updated through `service::lead`.

use std::collections::{HashMap, HashSet};

use entity::lead;
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::columns::Row;
use super::owners::{owner_of, owners_by_email};
use super::{Importer, Outcome, Reject, Slot, differs, reject, row_error};
use crate::domain::email::EmailAddress;
use crate::domain::phone::Phone;
use crate::error::{Error, Result};
use crate::service::{lead as leads, records};

struct LeadRow {
    name: String,
    email: Option<EmailAddress>,
    phone: Option<Phone>,
    owner: Option<Uuid>,
    status: Option<String>,
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
    let status = row
        .one("status")
        .map(|s| leads::parse_status("status", &s).map(String::from))
        .transpose()
        .map_err(|e| reject("status", e.to_string()))?;
    Ok(LeadRow {
        name,
        email,
        phone,
        owner: owner_of(row, owners)?,
        status,
    })
}

/// The service's input for a row that creates a lead.
fn new_lead(row: &Row, l: LeadRow) -> leads::LeadInput {
    leads::LeadInput {
        name: l.name,
        company_name: row.one("company"),
        email: l.email.as_ref().map(|e| e.display.clone()),
        phone: l.phone.map(|p| p.display),
        source: row.one("source"),
        owner_id: l.owner,
        status: l.status,
    }
}

/// What a row changes on the lead it matches (`None`: no field), and its new owner.
fn lead_changes(row: &Row, l: &LeadRow, m: &lead::Model) -> (Option<leads::LeadChanges>, Option<Uuid>) {
    let ch = leads::LeadChanges {
        name: differs(Some(l.name.clone()), Some(&m.name)),
        company_name: differs(row.one("company"), m.company_name.as_deref()),
        email: None,
        phone: l
            .phone
            .as_ref()
            .map(|p| p.display.clone())
            .filter(|p| Some(p.as_str()) != m.phone.as_deref()),
        source: differs(row.one("source"), m.source.as_deref()),
        status: differs(l.status.clone(), Some(&m.status)),
    };
    let owner_change = l.owner.filter(|o| m.owner_id != Some(*o));
    let some = ch.name.is_some()
        || ch.company_name.is_some()
        || ch.phone.is_some()
        || ch.source.is_some()
        || ch.status.is_some();
    (some.then_some(ch), owner_change)
}

/// A batch's leads: every live lead with one of its addresses (in any data scope), the
/// visible ones as they are now, and which of them the caller may change.
#[derive(Default)]
struct LeadState {
    by_email: HashMap<String, Vec<Uuid>>,
    current: HashMap<Uuid, lead::Model>,
    editable: HashSet<Uuid>,
}

/// Rows waiting to be written together: (outcome slot, email key, input) and
/// (outcome slot, lead, changes, new owner), and the emails they hold.
#[derive(Default)]
struct PendingLeads {
    creates: Vec<(usize, Option<String>, leads::LeadInput)>,
    updates: Vec<(usize, Uuid, leads::LeadChanges, Option<Uuid>)>,
    emails: HashSet<String>,
}

impl Importer<'_> {
    pub(super) async fn leads(&mut self, txn: &DatabaseTransaction, rows: Vec<Row>) -> Result<()> {
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
        let mut st = LeadState::default();
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
                st.editable.insert(l.id);
                st.current.insert(l.id, l);
            }
            for l in all {
                if let Some(e) = l.email_canonical {
                    st.by_email.entry(e).or_default().push(l.id);
                }
            }
        }
        // Creations and updates wait in `pending` and go to the service a run at a time
        // (`create_many_in`, `update_many_in`, one `reassign` per new owner). A row whose email
        // a waiting row also has first writes what waits, so it sees what the rows before it
        // did; so does a row whose new owner fails the owner check, which then takes the
        // single-row path to get the service's own answer. Outcomes go in row order at the end.
        let mut outcomes: Vec<Slot> = Vec::new();
        let mut pending = PendingLeads::default();
        let mut owner_ok: HashMap<Uuid, bool> = HashMap::new();
        for (row, p) in parsed {
            let l = match p {
                Err(r) => {
                    outcomes.push((row.row, Some(Err(r))));
                    continue;
                }
                Ok(l) => l,
            };
            let key = l.email.as_ref().map(|e| e.canonical.clone());
            if key.as_ref().is_some_and(|k| pending.emails.contains(k)) {
                self.write_leads(txn, &mut pending, &mut outcomes, &mut st).await?;
            }
            let hits = key
                .as_ref()
                .and_then(|k| st.by_email.get(k))
                .cloned()
                .unwrap_or_default();
            let slot = outcomes.len();
            let matched = match hits.as_slice() {
                [id] => st
                    .current
                    .get(id)
                    .filter(|m| st.editable.contains(id) && m.status != "converted")
                    .map(|m| (*id, lead_changes(&row, &l, m))),
                _ => None,
            };
            match (hits.is_empty(), matched) {
                (true, _) => pending.creates.push((slot, key.clone(), new_lead(&row, l))),
                (false, Some((_, (None, None)))) => {
                    outcomes.push((row.row, Some(Ok(Outcome::Unchanged))));
                    continue;
                }
                (false, Some((id, (ch, owner_change)))) if self.owner_ok(txn, &mut owner_ok, owner_change).await? => {
                    pending.updates.push((slot, id, ch.unwrap_or_default(), owner_change));
                }
                (false, _) => {
                    // Ambiguous, out of scope, converted, or an owner the check refuses: the
                    // single-row path gives the service's own answer.
                    self.write_leads(txn, &mut pending, &mut outcomes, &mut st).await?;
                    let o = self.lead_row(txn, &row, l, &mut st).await?;
                    outcomes.push((row.row, Some(o)));
                    continue;
                }
            }
            if let Some(k) = key {
                pending.emails.insert(k);
            }
            outcomes.push((row.row, None));
        }
        self.write_leads(txn, &mut pending, &mut outcomes, &mut st).await?;
        self.record_all(outcomes);
        Ok(())
    }

    /// Writes the waiting creations and updates and fills in their outcomes.
    async fn write_leads(
        &self,
        txn: &DatabaseTransaction,
        pending: &mut PendingLeads,
        outcomes: &mut [Slot],
        st: &mut LeadState,
    ) -> Result<()> {
        let scope = self.scope;
        let p = std::mem::take(pending);
        let mut done: Vec<(usize, Result<Outcome, Reject>)> = Vec::new();
        if !p.creates.is_empty() {
            let (slots, inputs): (Vec<_>, Vec<_>) = p.creates.into_iter().map(|(s, k, i)| ((s, k), i)).unzip();
            let results = leads::create_many_in(txn, scope, inputs).await?;
            for ((slot, key), result) in slots.into_iter().zip(results) {
                done.push((
                    slot,
                    match result {
                        Ok(m) => {
                            if let Some(k) = key {
                                st.by_email.entry(k).or_default().push(m.id);
                            }
                            st.editable.insert(m.id);
                            st.current.insert(m.id, m);
                            Ok(Outcome::Created)
                        }
                        Err(e) => Err(row_error(e, "email")?),
                    },
                ));
            }
        }
        if !p.updates.is_empty() {
            let items = p.updates.iter().map(|(_, id, ch, _)| (*id, ch.clone())).collect();
            let results = leads::update_many_in(txn, scope, items).await?;
            let mut new_owners: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
            for ((slot, id, _, owner), result) in p.updates.into_iter().zip(results) {
                done.push((
                    slot,
                    match result {
                        Ok(m) => {
                            st.current.insert(id, m);
                            if let Some(o) = owner {
                                new_owners.entry(o).or_default().push(id);
                            }
                            Ok(Outcome::Updated)
                        }
                        Err(e) => Err(row_error(e, "email")?),
                    },
                ));
            }
            // The owners passed `check_owner` and the leads are visible: this cannot reject.
            for (owner, ids) in new_owners {
                for m in records::reassign(txn, scope, leads::visible(scope), &leads::OWNED, &ids, owner).await? {
                    st.current.insert(m.id, m);
                }
            }
        }
        for (slot, outcome) in done {
            if let Some(o) = outcomes.get_mut(slot) {
                o.1 = Some(outcome);
            }
        }
        Ok(())
    }

    async fn lead_row(
        &mut self,
        txn: &DatabaseTransaction,
        row: &Row,
        l: LeadRow,
        st: &mut LeadState,
    ) -> Result<Result<Outcome, Reject>> {
        let scope = self.scope;
        let hits = l
            .email
            .as_ref()
            .and_then(|e| st.by_email.get(&e.canonical))
            .cloned()
            .unwrap_or_default();
        let id = match hits.as_slice() {
            [] => {
                let email = l.email.clone();
                let input = new_lead(row, l);
                // `create_in` checks everything before its first write, so no savepoint is needed.
                return match leads::create_in(txn, scope, input).await {
                    Ok(m) => {
                        if let Some(e) = &email {
                            st.by_email.entry(e.canonical.clone()).or_default().push(m.id);
                        }
                        st.editable.insert(m.id);
                        st.current.insert(m.id, m);
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
        let Some(m) = st.current.get(&id).filter(|_| st.editable.contains(&id)) else {
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
        let (ch, owner_change) = match lead_changes(row, &l, m) {
            (None, None) => return Ok(Ok(Outcome::Unchanged)),
            (ch, o) => (ch.unwrap_or_default(), o),
        };
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
                st.current.insert(id, m);
                Ok(Ok(Outcome::Updated))
            }
            Err(e) => {
                sp.rollback().await?;
                Ok(Err(row_error(e, "email")?))
            }
        }
    }
}
