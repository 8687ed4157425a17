//! Reading a record's timeline (entries are written by each service in its transaction).

use entity::timeline_entry;
use sea_orm::{ColumnTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::error::Result;
use crate::scope::TenantScope;
use crate::service::Context;
use crate::service::pagination::{Page, PageArgs, SortKey, SortPart, SortValue, paginate, total};

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
