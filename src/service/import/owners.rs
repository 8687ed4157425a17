//! The owner column: users named by the email they sign in with, looked up once per batch.

use std::collections::{HashMap, HashSet};

use entity::user;
use sea_orm::{ColumnTrait, DatabaseTransaction, QueryFilter};
use uuid::Uuid;

use super::columns::Row;
use super::{Reject, reject};
use crate::domain::email::EmailAddress;
use crate::error::Result;

/// Owners named in a batch: canonical email → user id.
pub(super) async fn owners_by_email(
    txn: &DatabaseTransaction,
    ws: Uuid,
    rows: &[Row],
) -> Result<HashMap<String, Uuid>> {
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
pub(super) fn owner_of(row: &Row, owners: &HashMap<String, Uuid>) -> Result<Option<Uuid>, Reject> {
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
