//! The lists of owned records (contacts, companies, deals, leads, tasks): who may see which
//! rows, filter and search, order, one page, the total. The steps are the same for all five
//! and live here once; each record's service implements [`Listed`] next to its filter, saying
//! only what differs: its columns ([`Listed::OWNED`]), its sort fields, its filter and search.
//!
//! Nothing here knows a record's rules; it only strings the record's own pieces together.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryResult, Select};

use crate::error::Result;
use crate::scope::TenantScope;
use crate::service::Context;
use crate::service::pagination::{JoinAfter, OrderPart, Page, PageArgs, SortKey, paginate, paginate_rows, total};
use crate::service::records::{Owned, owner_visible};

/// A record with a list.
pub trait Listed: EntityTrait {
    /// Its columns for visibility, soft delete and reassignment. `plural` is also the list's
    /// name in cursors: changing it turns every cursor clients hold into `BAD_USER_INPUT`.
    const OWNED: Owned<Self>;
    /// The `filter:` input of the list.
    type Filter;
    /// The fields `orderBy:` may name.
    type Order: Copy + PartialEq;
    /// What a sort field is: its name in cursors, its column, how to read its value.
    fn order_part(o: Self::Order) -> OrderPart<Self>;
    /// The SQL condition of a top-level filter.
    fn condition(scope: &TenantScope, f: &Self::Filter) -> Result<Condition>;
    /// The condition of a `search:` (trimmed, not empty). Lists without a search (tasks)
    /// keep this default; their arguments have no search to pass.
    fn search(_scope: &TenantScope, _needle: &str) -> Result<Condition> {
        Ok(Condition::all())
    }
}

/// What a list is asked for.
pub struct ListArgs<'a, E: Listed> {
    pub filter: Option<&'a E::Filter>,
    pub search: Option<&'a str>,
    /// `(field, descending)` pairs, first one first (1 to 3).
    pub order: &'a [(E::Order, bool)],
    pub deleted: bool,
}

/// The rows the caller may see: in the workspace, owned by someone in the caller's data scope,
/// live or (to restore them) deleted.
pub fn visible<E: Listed>(scope: &TenantScope, deleted: bool) -> Select<E> {
    E::find().filter(visible_condition::<E>(scope, deleted))
}

/// The condition of [`visible`], for a query that joins the record's table.
pub fn visible_condition<E: Listed>(scope: &TenantScope, deleted: bool) -> Condition {
    let o = &E::OWNED;
    Condition::all()
        .add(o.workspace.eq(scope.workspace_id))
        .add(owner_visible(scope, o.owner))
        .add(match deleted {
            true => o.deleted_at.is_not_null(),
            false => o.deleted_at.is_null(),
        })
}

/// The visible rows that match a filter and a search.
pub fn select<E: Listed>(
    scope: &TenantScope,
    f: Option<&E::Filter>,
    search: Option<&str>,
    deleted: bool,
) -> Result<Select<E>> {
    let mut q = visible(scope, deleted);
    if let Some(f) = f {
        q = q.filter(E::condition(scope, f)?);
    }
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(E::search(scope, s)?);
    }
    Ok(q)
}

/// An ordering of the list from `(field, descending)` pairs, the id as its tiebreak.
pub fn sort_key<E: Listed>(order: &[(E::Order, bool)]) -> Result<SortKey<E>> {
    SortKey::of(E::OWNED.plural, E::OWNED.id, E::OWNED.id_of, order, E::order_part)
}

/// One page of the list, each row read by `read_row` from a select that `columns` may narrow
/// and `join_after` may join to other tables after the page's LIMIT (see `JoinAfter`).
pub async fn list_rows<E: Listed, R>(
    cx: &Context,
    scope: &TenantScope,
    a: &ListArgs<'_, E>,
    page: &PageArgs,
    columns: impl FnOnce(Select<E>) -> Select<E>,
    join_after: Option<JoinAfter<'_>>,
    read_row: impl Fn(&QueryResult) -> Result<R>,
    record: impl Fn(&R) -> &E::Model,
) -> Result<Page<R>> {
    let q = columns(select::<E>(scope, a.filter, a.search, a.deleted)?);
    paginate_rows(
        &cx.db,
        scope.workspace_id,
        q,
        &sort_key(a.order)?,
        page,
        join_after,
        read_row,
        record,
    )
    .await
}

/// One page of the list.
pub async fn list<E: Listed>(
    cx: &Context,
    scope: &TenantScope,
    a: &ListArgs<'_, E>,
    page: &PageArgs,
) -> Result<Page<E::Model>> {
    let q = select::<E>(scope, a.filter, a.search, a.deleted)?;
    paginate(&cx.db, scope.workspace_id, q, &sort_key(a.order)?, page).await
}

/// `totalCount` of the list.
pub async fn count<E: Listed>(cx: &Context, scope: &TenantScope, a: &ListArgs<'_, E>) -> Result<i64>
where
    E::Model: Sync,
{
    total(&cx.db, select::<E>(scope, a.filter, a.search, a.deleted)?).await
}
