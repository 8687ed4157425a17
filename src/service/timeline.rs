//! Reading a record's timeline (entries are written by each service in its transaction).

use chrono::{DateTime, Utc};
use entity::timeline_entry;
use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::scope::TenantScope;
use std::collections::HashMap;

use crate::service::pagination::{
    Page, PageArgs, Parents, SortKey, SortPart, SortValue, first_pages as first_pages_of, paginate, total, totals_by,
};
use crate::service::{Context, company, contact, lead, opportunity};

fn newest_first() -> SortKey<timeline_entry::Entity> {
    SortKey::single(
        "timeline",
        timeline_entry::Column::Id,
        |m| m.id,
        SortPart {
            name: "occurredAt",
            column: timeline_entry::Column::OccurredAt,
            descending: true,
            value: |m| SortValue::Time(m.occurred_at),
        },
    )
}

fn select(scope: &TenantScope, record_type: &str, record_id: Uuid) -> Select<timeline_entry::Entity> {
    timeline_entry::Entity::find_in(scope.workspace_id)
        .filter(timeline_entry::Column::RecordType.eq(record_type))
        .filter(timeline_entry::Column::RecordId.eq(record_id))
}

/// Newest first. The caller has already checked that the record is visible.
pub async fn list(
    cx: &Context,
    scope: &TenantScope,
    record_type: &str,
    record_id: Uuid,
    page: &PageArgs,
) -> Result<Page<timeline_entry::Model>> {
    paginate(
        &cx.db,
        scope.workspace_id,
        select(scope, record_type, record_id),
        &newest_first(),
        page,
    )
    .await
}

pub async fn count(cx: &Context, scope: &TenantScope, record_type: &str, record_id: Uuid) -> Result<i64> {
    total(&cx.db, select(scope, record_type, record_id)).await
}

fn select_many(scope: &TenantScope, record_type: &str, ids: &[Uuid]) -> Select<timeline_entry::Entity> {
    timeline_entry::Entity::find_in(scope.workspace_id)
        .filter(timeline_entry::Column::RecordType.eq(record_type))
        .filter(timeline_entry::Column::RecordId.is_in(ids.iter().copied()))
}

/// First pages of many records' timelines (records of one type) in one statement: the
/// DataLoader for `timeline(first:)` under a list. The callers hold visible records.
pub async fn first_pages(
    cx: &Context,
    scope: &TenantScope,
    record_type: &str,
    ids: &[Uuid],
    first: i32,
) -> Result<HashMap<Uuid, Page<timeline_entry::Model>>> {
    first_pages_of(
        &cx.db,
        scope.workspace_id,
        select_many(scope, record_type, ids),
        Parents {
            ids,
            column: timeline_entry::Column::RecordId,
            of: |m| Some(m.record_id),
        },
        &newest_first(),
        first,
    )
    .await
}

/// How many entries each record's timeline has (one statement).
pub async fn totals(cx: &Context, scope: &TenantScope, record_type: &str, ids: &[Uuid]) -> Result<HashMap<Uuid, i64>> {
    totals_by(
        &cx.db,
        select_many(scope, record_type, ids),
        timeline_entry::Column::RecordId,
    )
    .await
}

/// The timeline's record type of a record the caller may see now (`kind` is the GraphQL type
/// name from a global id); NOT_FOUND as a lookup would say when it is not visible.
pub async fn visible_record(cx: &Context, scope: &TenantScope, kind: &str, id: Uuid) -> Result<&'static str> {
    match kind {
        "Contact" => contact::get(cx, scope, id).await.map(|_| contact::RECORD),
        "Company" => company::get(cx, scope, id).await.map(|_| company::RECORD),
        "Opportunity" => opportunity::get(cx, scope, id).await.map(|_| opportunity::RECORD),
        "Lead" => lead::get(cx, scope, id).await.map(|_| lead::RECORD),
        _ => Err(Error::bad_input(
            "recordId",
            "Timelines exist for contacts, companies, opportunities and leads.",
        )),
    }
}

/// Entries committed after the position `(at, last)`, oldest first, at most 100 (what a
/// subscription sends next).
pub async fn newer(
    cx: &Context,
    scope: &TenantScope,
    record_type: &str,
    record_id: Uuid,
    at: DateTime<Utc>,
    last: Uuid,
) -> Result<Vec<timeline_entry::Model>> {
    let newer = Condition::any().add(timeline_entry::Column::OccurredAt.gt(at)).add(
        Condition::all()
            .add(timeline_entry::Column::OccurredAt.eq(at))
            .add(timeline_entry::Column::Id.gt(last)),
    );
    Ok(select(scope, record_type, record_id)
        .filter(newer)
        .order_by_asc(timeline_entry::Column::OccurredAt)
        .order_by_asc(timeline_entry::Column::Id)
        .limit(100)
        .all(&cx.db)
        .await?)
}
