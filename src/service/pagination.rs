//! Relay-style keyset pagination over any sea-orm `Select`.
//!
//! Cursors are opaque (base64url JSON) and carry the workspace, the sort key's name, the sort
//! value and the id, so a cursor from another list, another ordering or another workspace is a
//! `BAD_USER_INPUT` and never a silent wrong page. Every order has the id as its tiebreak.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};

pub const MAX_PAGE: i32 = 100;
pub const DEFAULT_PAGE: i32 = 20;

/// `first/after` or `last/before`, as the client sent them.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum SortValue {
    Int(i64),
    Time(DateTime<Utc>),
    Text(String),
}

impl SortValue {
    fn to_value(&self) -> sea_orm::Value {
        match self {
            SortValue::Int(i) => (*i).into(),
            SortValue::Text(s) => s.clone().into(),
            SortValue::Time(t) => (*t).into(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CursorData {
    w: Uuid,
    k: String,
    v: SortValue,
    i: Uuid,
}

/// One ordering a list offers: its name (part of the cursor), its column and direction, and
/// how to read the sort value back from a row.
pub struct SortKey<E: EntityTrait> {
    pub name: &'static str,
    pub column: E::Column,
    pub id_column: E::Column,
    pub descending: bool,
    pub value: fn(&E::Model) -> SortValue,
    pub id: fn(&E::Model) -> Uuid,
}

impl<E: EntityTrait> SortKey<E> {
    /// What a cursor is bound to: the ordering and its direction.
    fn cursor_name(&self) -> String {
        format!("{}.{}", self.name, if self.descending { "desc" } else { "asc" })
    }
}

pub struct Page<T> {
    pub edges: Vec<(String, T)>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            edges: self.edges.into_iter().map(|(c, t)| (c, f(t))).collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
        }
    }
}

fn encode(data: &CursorData) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(data).unwrap_or_default())
}

fn decode(field: &str, cursor: &str, workspace_id: Uuid, key: &str) -> Result<CursorData> {
    let bad = || {
        Error::bad_input(
            field,
            format!(
                "`{field}` is not a cursor of this list and ordering; use a cursor from this list's pageInfo or edges."
            ),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let data: CursorData = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if data.w != workspace_id || data.k != key {
        return Err(bad());
    }
    Ok(data)
}

fn check_size(field: &str, n: i32) -> Result<u64> {
    if !(1..=MAX_PAGE).contains(&n) {
        return Err(Error::bad_input(
            field,
            format!("`{field}` must be between 1 and {MAX_PAGE}."),
        ));
    }
    Ok(n as u64)
}

/// Fetches one page of `select` in the order of `key`.
pub async fn paginate<E, C>(
    db: &C,
    workspace_id: Uuid,
    select: Select<E>,
    key: &SortKey<E>,
    args: &PageArgs,
) -> Result<Page<E::Model>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    if args.first.is_some() && args.last.is_some() {
        return Err(Error::bad_input("first", "Pass either `first` or `last`, not both."));
    }
    let backward = args.last.is_some() || (args.before.is_some() && args.first.is_none());
    let limit = match (args.first, args.last) {
        (Some(n), _) => check_size("first", n)?,
        (_, Some(n)) => check_size("last", n)?,
        _ => DEFAULT_PAGE as u64,
    };
    let after = args
        .after
        .as_deref()
        .map(|c| decode("after", c, workspace_id, &key.cursor_name()))
        .transpose()?;
    let before = args
        .before
        .as_deref()
        .map(|c| decode("before", c, workspace_id, &key.cursor_name()))
        .transpose()?;

    let mut select = select;
    if let Some(c) = &after {
        select = select.filter(beyond(key, c, !key.descending));
    }
    if let Some(c) = &before {
        select = select.filter(beyond(key, c, key.descending));
    }
    // Walking backward reads the reverse order and flips the page afterwards.
    let descending = key.descending != backward;
    let order = if descending { Order::Desc } else { Order::Asc };
    let mut rows = select
        .order_by(key.column, order.clone())
        .order_by(key.id_column, order)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    if backward {
        rows.reverse();
    }
    let edges = rows
        .into_iter()
        .map(|m| {
            let c = CursorData {
                w: workspace_id,
                k: key.cursor_name(),
                v: (key.value)(&m),
                i: (key.id)(&m),
            };
            (encode(&c), m)
        })
        .collect();
    let (has_next_page, has_previous_page) = if backward {
        (before.is_some(), more)
    } else {
        (more, after.is_some())
    };
    Ok(Page {
        edges,
        has_next_page,
        has_previous_page,
    })
}

/// Rows strictly after the cursor in ascending (`greater`) or descending order of (value, id).
fn beyond<E: EntityTrait>(key: &SortKey<E>, c: &CursorData, greater: bool) -> Condition {
    let v = c.v.to_value();
    let (col_cmp, id_cmp) = if greater {
        (key.column.gt(v.clone()), key.id_column.gt(c.i))
    } else {
        (key.column.lt(v.clone()), key.id_column.lt(c.i))
    };
    Condition::any()
        .add(col_cmp)
        .add(Condition::all().add(key.column.eq(v)).add(id_cmp))
}

/// `totalCount` of a list: the same filter, no cursor, no limit.
pub async fn total<E, C>(db: &C, select: Select<E>) -> Result<i64>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    Ok(select.count(db).await? as i64)
}
