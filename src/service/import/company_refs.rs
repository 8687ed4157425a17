//! The companies that contact rows name in their `company` cell: found by domain or name among
//! the visible ones, or created.

use std::collections::{HashMap, HashSet};

use entity::{company, company_domain};
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter};
use uuid::Uuid;

use super::companies::live_companies;
use crate::domain::domain_name;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::company as companies;

/// Company references from contact rows: visible companies by domain and by lowercase name.
#[derive(Default)]
pub(super) struct CompanyRefs {
    pub(super) by_domain: HashMap<String, Uuid>,
    pub(super) by_name: HashMap<String, Uuid>,
}

impl CompanyRefs {
    /// A cell that reads as a domain (`huawei.com`) is looked up as one; anything else by name.
    pub(super) fn key(cell: &str) -> (Option<String>, String) {
        let domain = (!cell.contains(char::is_whitespace))
            .then(|| domain_name::parse("company", cell).ok())
            .flatten();
        (domain, cell.trim().to_lowercase())
    }

    pub(super) async fn load(txn: &DatabaseTransaction, scope: &TenantScope, cells: &[String]) -> Result<Self> {
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

    pub(super) fn find(&self, cell: &str) -> Option<Uuid> {
        let (domain, name) = Self::key(cell);
        domain
            .and_then(|d| self.by_domain.get(&d).copied())
            .or_else(|| self.by_name.get(&name).copied())
    }
}

/// Finds or creates the company a contact row names. Runs inside the row's savepoint.
pub(super) async fn company_for(
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
