//! Activities: calls, visits (with location and check-in/out), meetings and notes, linked to
//! the records they concern; each link gets a timeline entry in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::activity;
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Select, Set, Statement, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{activity as kinds, text};
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::pagination::{
    Page, PageArgs, Parents, SortKey, SortPart, SortValue, first_pages as first_pages_of, paginate, total, totals_by,
};
use crate::service::records::timeline;
use crate::service::{Context, company, contact, now};

#[derive(Debug, Clone, Default)]
pub struct ActivityInput {
    pub kind: String,
    pub subject: String,
    pub body: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    pub outcome: Option<String>,
    pub company_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub address: Option<String>,
    pub check_in_at: Option<DateTime<Utc>>,
    pub check_out_at: Option<DateTime<Utc>>,
}

/// Which record's activities to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Of {
    Contact(Uuid),
    Company(Uuid),
}

pub async fn log(cx: &Context, scope: &TenantScope, input: ActivityInput) -> Result<activity::Model> {
    let kind = kinds::kind("kind", &input.kind)?;
    let subject = text::name("subject", &input.subject, 300)?;
    if input.company_id.is_none() && input.contact_id.is_none() {
        return Err(Error::bad_input(
            "contactId",
            "Link the activity to a contact or a company.",
        ));
    }
    if let Some(d) = input.duration_minutes
        && !(0..=24 * 60).contains(&d)
    {
        return Err(Error::bad_input(
            "durationMinutes",
            "durationMinutes must be between 0 and 1440.",
        ));
    }
    if let Some(lat) = input.latitude
        && !(-90.0..=90.0).contains(&lat)
    {
        return Err(Error::bad_input("latitude", "latitude must be between -90 and 90."));
    }
    if let Some(lng) = input.longitude
        && !(-180.0..=180.0).contains(&lng)
    {
        return Err(Error::bad_input("longitude", "longitude must be between -180 and 180."));
    }
    if let (Some(i), Some(o)) = (input.check_in_at, input.check_out_at)
        && o < i
    {
        return Err(Error::bad_input("checkOutAt", "checkOutAt cannot be before checkInAt."));
    }
    let body = input.body.map(|b| b.trim().to_string()).filter(|b| !b.is_empty());
    if body.as_ref().is_some_and(|b| b.chars().count() > 50_000) {
        return Err(Error::bad_input("body", "body can be at most 50000 characters long."));
    }
    let txn = cx.db.begin().await?;
    let mut company_id = input.company_id;
    if let Some(c) = input.contact_id {
        let ct = contact::get_visible(&txn, scope, c, "contactId").await?;
        // A call with a person is also history with their company.
        company_id = company_id.or(ct.company_id);
    }
    if let Some(c) = input.company_id {
        company::get_visible(&txn, scope, c, "companyId").await?;
    }
    let id = Uuid::now_v7();
    let row = activity::ActiveModel {
        id: Set(id),
        workspace_id: Set(scope.workspace_id),
        kind: Set(kind.into()),
        subject: Set(subject),
        body: Set(body),
        occurred_at: Set(input.occurred_at.unwrap_or_else(now)),
        duration_minutes: Set(input.duration_minutes),
        outcome: Set(input.outcome.map(|o| o.trim().to_string()).filter(|o| !o.is_empty())),
        company_id: Set(company_id),
        contact_id: Set(input.contact_id),
        lead_id: Set(None),
        opportunity_id: Set(None),
        owner_id: Set(Some(scope.user_id)),
        latitude: Set(input.latitude),
        longitude: Set(input.longitude),
        address: Set(input.address),
        check_in_at: Set(input.check_in_at),
        check_out_at: Set(input.check_out_at),
        created_by: Set(Some(scope.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let entry = json!({ "activityId": id, "kind": kind, "subject": row.subject });
    if let Some(c) = row.contact_id {
        timeline(&txn, scope, contact::RECORD, c, "activity_logged", entry.clone()).await?;
    }
    if let Some(c) = row.company_id {
        timeline(&txn, scope, company::RECORD, c, "activity_logged", entry).await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// The order of a record's activities: newest first, the id as tiebreak.
/// An activity whose fields all hold placeholders (nil ids, empty texts, no values, the
/// epoch), for rows read by position that fill in only the columns they read.
pub fn placeholder() -> activity::Model {
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    activity::Model {
        id: Uuid::nil(),
        workspace_id: Uuid::nil(),
        kind: String::new(),
        subject: String::new(),
        body: None,
        occurred_at: epoch,
        duration_minutes: None,
        outcome: None,
        company_id: None,
        contact_id: None,
        lead_id: None,
        opportunity_id: None,
        owner_id: None,
        latitude: None,
        longitude: None,
        address: None,
        check_in_at: None,
        check_out_at: None,
        created_by: None,
        created_at: epoch,
        updated_at: epoch,
    }
}

/// Puts rows read in no particular order into [`newest_first`]'s order: newest first, the id
/// deciding between equal times (both compare as PostgreSQL and SQLite compare them).
pub fn sort_newest_first(rows: &mut [activity::Model]) {
    rows.sort_unstable_by(|a, b| (b.occurred_at, b.id).cmp(&(a.occurred_at, a.id)));
}

pub fn newest_first() -> SortKey<activity::Entity> {
    SortKey::single(
        "activities",
        activity::Column::Id,
        |m| m.id,
        SortPart {
            name: "occurredAt",
            column: activity::Column::OccurredAt,
            descending: true,
            value: |m| SortValue::Time(m.occurred_at),
        },
    )
}

fn select(scope: &TenantScope, of: Of) -> Select<activity::Entity> {
    let q = activity::Entity::find_in(scope.workspace_id);
    match of {
        Of::Contact(id) => q.filter(activity::Column::ContactId.eq(id)),
        Of::Company(id) => q.filter(activity::Column::CompanyId.eq(id)),
    }
}

/// A record's activities, newest first. The caller already holds the visible record.
pub async fn list(cx: &Context, scope: &TenantScope, of: Of, page: &PageArgs) -> Result<Page<activity::Model>> {
    paginate(&cx.db, scope.workspace_id, select(scope, of), &newest_first(), page).await
}

pub async fn count(cx: &Context, scope: &TenantScope, of: Of) -> Result<i64> {
    total(&cx.db, select(scope, of)).await
}

/// The activities of many records of one kind, with the column that names the record.
struct Many {
    select: Select<activity::Entity>,
    parent: activity::Column,
    parent_of: fn(&activity::Model) -> Option<Uuid>,
}

fn select_many(scope: &TenantScope, of: &[Of]) -> Many {
    let q = activity::Entity::find_in(scope.workspace_id);
    let ids = of.iter().map(|o| id_of(*o));
    match of.first() {
        Some(Of::Company(_)) => Many {
            select: q.filter(activity::Column::CompanyId.is_in(ids)),
            parent: activity::Column::CompanyId,
            parent_of: |m| m.company_id,
        },
        _ => Many {
            select: q.filter(activity::Column::ContactId.is_in(ids)),
            parent: activity::Column::ContactId,
            parent_of: |m| m.contact_id,
        },
    }
}

/// First pages of many records' activities in one statement (all of one kind; DataLoader for
/// `Contact.activities` / `Company.activities` in lists). The callers hold visible records.
pub async fn first_pages(
    cx: &Context,
    scope: &TenantScope,
    of: &[Of],
    first: i32,
) -> Result<HashMap<Of, Page<activity::Model>>> {
    let m = select_many(scope, of);
    let ids: Vec<Uuid> = of.iter().map(|o| id_of(*o)).collect();
    let mut pages = first_pages_of(
        &cx.db,
        scope.workspace_id,
        m.select,
        Parents {
            ids: &ids,
            column: m.parent,
            of: m.parent_of,
        },
        &newest_first(),
        first,
    )
    .await?;
    Ok(of
        .iter()
        .map(|o| (*o, pages.remove(&id_of(*o)).unwrap_or_else(Page::empty)))
        .collect())
}

/// How many activities each record has (one statement).
pub async fn totals(cx: &Context, scope: &TenantScope, of: &[Of]) -> Result<HashMap<Of, i64>> {
    let m = select_many(scope, of);
    let counts = totals_by(&cx.db, m.select, m.parent).await?;
    Ok(of
        .iter()
        .map(|o| (*o, counts.get(&id_of(*o)).copied().unwrap_or(0)))
        .collect())
}

fn id_of(of: Of) -> Uuid {
    match of {
        Of::Contact(id) | Of::Company(id) => id,
    }
}

/// The latest activity of each contact, in one statement (DataLoader for `lastActivity`).
pub async fn latest_for_contacts(cx: &Context, ws: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, activity::Model>> {
    use sea_orm::FromQueryResult;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = cx.db.get_database_backend();
    // `$n` placeholders work on both SQLite and PostgreSQL through sqlx.
    let rows = (0..ids.len())
        .map(|i| format!("(${})", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    // One index probe per contact (ix_activities_ws_contact_time, read backward, LIMIT 1)
    // rather than numbering every activity of every contact: an account with thousands of
    // calls costs the same as one with three. Plain SQL that SQLite runs too (no LATERAL; a
    // VALUES table's column is `column1` in both).
    let sql = format!(
        "SELECT a.* FROM activities a WHERE a.workspace_id = $1 AND a.id IN (\
           SELECT (SELECT x.id FROM activities x WHERE x.workspace_id = $1 AND x.contact_id = c.column1 \
                   ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1) \
           FROM (VALUES {rows}) AS c)"
    );
    let mut values: Vec<sea_orm::Value> = vec![ws.into()];
    values.extend(ids.iter().map(|i| sea_orm::Value::from(*i)));
    let rows = activity::Model::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
        .all(&cx.db)
        .await?;
    Ok(rows.into_iter().filter_map(|r| r.contact_id.map(|c| (c, r))).collect())
}

pub async fn get(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<activity::Model> {
    let a = activity::Entity::find_by_id_in(scope.workspace_id, id)
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::not_found("activity"))?;
    // Visible through the record it belongs to.
    let ok = match (a.contact_id, a.company_id) {
        (Some(c), _) => contact::get_visible(&cx.db, scope, c, "id").await.is_ok(),
        (None, Some(c)) => company::get_visible(&cx.db, scope, c, "id").await.is_ok(),
        _ => scope.is_admin(),
    };
    if ok { Ok(a) } else { Err(Error::not_found("activity")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(id: u128, minute: i64) -> activity::Model {
        activity::Model {
            id: Uuid::from_u128(id),
            occurred_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH + chrono::Duration::minutes(minute),
            ..placeholder()
        }
    }

    #[test]
    fn newest_first_with_the_larger_id_first_between_equal_times() {
        let mut rows = vec![at(1, 5), at(4, 9), at(2, 5), at(3, 7), at(5, 9)];
        sort_newest_first(&mut rows);
        let ids: Vec<u128> = rows.iter().map(|r| r.id.as_u128()).collect();
        assert_eq!(ids, [5, 4, 3, 2, 1]);
    }
}
