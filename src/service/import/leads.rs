//! Lead files: rows matched to leads by their email, created or updated through `service::lead`.

use std::collections::{HashMap, HashSet};

use entity::lead;
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::columns::Row;
use super::owners::{owner_of, owners_by_email};
use super::{Importer, Outcome, Reject, differs, reject, row_error};
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
    ) -> Result<Result<Outcome, Reject>> {
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
                    status: l.status,
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
            status: differs(l.status, Some(&m.status)),
        };
        let owner_change = l.owner.filter(|o| m.owner_id != Some(*o));
        if ch.name.is_none()
            && ch.company_name.is_none()
            && ch.phone.is_none()
            && ch.source.is_none()
            && ch.status.is_none()
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
