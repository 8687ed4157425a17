//! Relay-style keyset pagination over any sea-orm `Select`.
//!
//! Cursors are opaque (base64url JSON) and carry the workspace, the sort key's name, the sort
//! value and the id, so a cursor from another list, another ordering or another workspace is a
//! `BAD_USER_INPUT` and never a silent wrong page. Every order has the id as its tiebreak.
//!
//! A nullable sort column (a task's due time) keeps its rows without a value in the list:
//! they count as later than every value, so they come last in ascending order and first in
//! descending order, on SQLite and PostgreSQL alike (`NULLS LAST` / `NULLS FIRST` are spelled
//! out; the backends' defaults differ). That is the order a plain B-tree index on the column
//! yields on PostgreSQL, forward and backward. Cursors carry [`SortValue::Null`] for them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, NullOrdering, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, IdenStatic, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait, Select, Statement,
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
    /// Leave the edges' cursors empty: nobody asked for them (each is a JSON text in base64,
    /// about 2 % of the gateway's CPU on a 50-row page).
    pub skip_cursors: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum SortValue {
    Int(i64),
    Time(DateTime<Utc>),
    Text(String),
    /// No value in a nullable column.
    Null,
}

impl SortValue {
    /// The value to compare with; `None` for [`SortValue::Null`], which SQL compares with
    /// `IS NULL` instead.
    fn to_value(&self) -> Option<sea_orm::Value> {
        match self {
            SortValue::Int(i) => Some((*i).into()),
            SortValue::Text(s) => Some(s.clone().into()),
            SortValue::Time(t) => Some((*t).into()),
            SortValue::Null => None,
        }
    }

    /// A nullable column's value: [`SortValue::Null`] when absent.
    pub fn or_null<T>(v: Option<T>, f: fn(T) -> SortValue) -> SortValue {
        v.map(f).unwrap_or(SortValue::Null)
    }
}

/// Whether a sort column may hold NULL (read from the entity's column definition, so every
/// list gets the NULL-aware order for its nullable columns without saying so).
fn nullable<C: ColumnTrait>(column: &C) -> bool {
    column.def().is_null()
}

/// Where NULLs go for a column read in `order`: after the values ascending, before them
/// descending, so that walking backward is the exact reverse of walking forward.
fn nulls(order: &Order) -> NullOrdering {
    if matches!(order, Order::Asc) {
        NullOrdering::Last
    } else {
        NullOrdering::First
    }
}

#[derive(Serialize, Deserialize)]
struct CursorData {
    w: Uuid,
    k: String,
    v: Vec<SortValue>,
    i: Uuid,
}

/// One column of an ordering: its name in cursors, the column, the direction, and how to read
/// the value back from a row.
pub struct SortPart<E: EntityTrait> {
    pub name: &'static str,
    pub column: E::Column,
    pub descending: bool,
    pub value: fn(&E::Model) -> SortValue,
}

/// What one orderable field is: its name in cursors, its column, how to read its value.
pub type OrderPart<E> = (
    &'static str,
    <E as EntityTrait>::Column,
    fn(&<E as EntityTrait>::Model) -> SortValue,
);

/// One ordering a list offers: one or more columns, then the id as the tiebreak (in the
/// direction of the last column), so every row has exactly one place.
pub struct SortKey<E: EntityTrait> {
    /// The list's name (`contacts`), part of the cursor.
    pub list: &'static str,
    pub parts: Vec<SortPart<E>>,
    pub id_column: E::Column,
    pub id: fn(&E::Model) -> Uuid,
}

/// Most columns an `orderBy` list may name: the index serves the first, and more than three
/// is never a screen's need.
pub const MAX_ORDER_FIELDS: usize = 3;

impl<E: EntityTrait> SortKey<E> {
    /// An ordering from `(field, descending)` pairs; `part` says what each field is. Empty
    /// pairs, more than [`MAX_ORDER_FIELDS`] or a field named twice are `BAD_USER_INPUT`.
    pub fn of<O: Copy + PartialEq>(
        list: &'static str,
        id_column: E::Column,
        id: fn(&E::Model) -> Uuid,
        order: &[(O, bool)],
        part: fn(O) -> OrderPart<E>,
    ) -> Result<Self> {
        if order.is_empty() || order.len() > MAX_ORDER_FIELDS {
            return Err(Error::bad_input(
                "orderBy",
                format!("`orderBy` takes 1 to {MAX_ORDER_FIELDS} fields."),
            ));
        }
        for (i, (f, _)) in order.iter().enumerate() {
            if order[..i].iter().any(|(g, _)| g == f) {
                return Err(Error::bad_input(
                    "orderBy",
                    format!("`orderBy` names `{}` twice.", part(*f).0),
                ));
            }
        }
        let parts = order
            .iter()
            .map(|&(f, descending)| {
                let (name, column, value) = part(f);
                SortPart {
                    name,
                    column,
                    descending,
                    value,
                }
            })
            .collect();
        Ok(Self {
            list,
            parts,
            id_column,
            id,
        })
    }

    /// A fixed one-column ordering.
    pub fn single(list: &'static str, id_column: E::Column, id: fn(&E::Model) -> Uuid, part: SortPart<E>) -> Self {
        Self {
            list,
            parts: vec![part],
            id_column,
            id,
        }
    }

    /// What a cursor is bound to: the list, its columns and their directions.
    fn cursor_name(&self) -> String {
        let mut s = format!("{}:", self.list);
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(p.name);
            s.push_str(if p.descending { ".desc" } else { ".asc" });
        }
        s
    }

    fn id_descending(&self) -> bool {
        self.parts.last().is_some_and(|p| p.descending)
    }
}

#[derive(Clone)]
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

fn decode(field: &str, cursor: &str, workspace_id: Uuid, key: &str, nullable_parts: &[bool]) -> Result<CursorData> {
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
    if data.w != workspace_id || data.k != key || data.v.len() != nullable_parts.len() {
        return Err(bad());
    }
    // A NULL only where the column can hold one.
    if data
        .v
        .iter()
        .zip(nullable_parts)
        .any(|(v, n)| *v == SortValue::Null && !n)
    {
        return Err(bad());
    }
    Ok(data)
}

/// Whether `args` ask for a first page (no cursor, no `last`) and of what size: such pages of
/// nested lists are loaded for many parents at once.
pub fn first_page_only(args: &PageArgs) -> Result<Option<i32>> {
    if args.after.is_some() || args.before.is_some() || args.last.is_some() {
        return Ok(None);
    }
    let n = args.first.unwrap_or(DEFAULT_PAGE);
    check_size("first", n)?;
    Ok(Some(n))
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
    let read_row = |r: &QueryResult| Ok(E::Model::from_query_result(r, "")?);
    paginate_rows(db, workspace_id, select, key, args, None, read_row, |m| m).await
}

/// Tables joined to a page after its LIMIT. The page's statement becomes a derived table
/// named [`PAGE`], and this adds the joins (on `PAGE`'s columns) and their columns, which come
/// after the page's own in each row. The page's select must read its sort columns (the outer
/// statement orders by them again).
///
/// Why after: joined in the page's own statement, PostgreSQL plans the join for every row the
/// LIMIT might let through (the whole workspace), so it puts a Memoize cache in front of the
/// joined table's index, sized for thousands of keys and zeroed on every execution (7.5 % of
/// PostgreSQL's time on the contacts page, for 51 lookups that never hit it). Joined to the 51
/// rows, it is a plain nested loop (docs/INDEXES.md).
pub type JoinAfter<'a> = &'a (dyn Fn(&mut SelectStatement) + Send + Sync);

/// The derived table's name in a [`JoinAfter`] statement.
pub const PAGE: &str = "page";

/// `paginate` for a select that reads more than its own record into each row (a joined
/// table's columns): `read_row` makes a row, `record` finds the record in it for the cursor.
pub async fn paginate_rows<E, C, R>(
    db: &C,
    workspace_id: Uuid,
    select: Select<E>,
    key: &SortKey<E>,
    args: &PageArgs,
    join_after: Option<JoinAfter<'_>>,
    read_row: impl Fn(&QueryResult) -> Result<R>,
    record: impl Fn(&R) -> &E::Model,
) -> Result<Page<R>>
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
    let name = key.cursor_name();
    let nullable_parts: Vec<bool> = key.parts.iter().map(|p| nullable(&p.column)).collect();
    let after = args
        .after
        .as_deref()
        .map(|c| decode("after", c, workspace_id, &name, &nullable_parts))
        .transpose()?;
    let before = args
        .before
        .as_deref()
        .map(|c| decode("before", c, workspace_id, &name, &nullable_parts))
        .transpose()?;

    let mut select = select;
    if let Some(c) = &after {
        select = select.filter(beyond(key, c, true));
    }
    if let Some(c) = &before {
        select = select.filter(beyond(key, c, false));
    }
    let stmt = page_statement(db.get_database_backend(), select, key, backward, limit + 1, join_after)?;
    let mut rows = db
        .query_all_raw(stmt)
        .await?
        .iter()
        .map(read_row)
        .collect::<Result<Vec<R>>>()?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    if backward {
        rows.reverse();
    }
    let edges = match args.skip_cursors {
        true => rows.into_iter().map(|m| (String::new(), m)).collect(),
        false => with_cursors(workspace_id, key, &name, rows, record),
    };
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

/// The statement for one page: `select` in `key`'s order (reversed when walking `backward`),
/// at most `n` rows, wrapped for `join_after` if given.
fn page_statement<E: EntityTrait>(
    backend: DbBackend,
    mut select: Select<E>,
    key: &SortKey<E>,
    backward: bool,
    n: u64,
    join_after: Option<JoinAfter<'_>>,
) -> Result<Statement> {
    // Walking backward reads the reverse order and flips the page afterwards.
    let dir = |descending: bool| {
        if descending != backward {
            Order::Desc
        } else {
            Order::Asc
        }
    };
    for p in &key.parts {
        let order = dir(p.descending);
        select = if nullable(&p.column) {
            let n = nulls(&order);
            select.order_by_with_nulls(p.column, order, n)
        } else {
            select.order_by(p.column, order)
        };
    }
    let select = select.order_by(key.id_column, dir(key.id_descending()));
    match join_after {
        None => Ok(with_limit(backend, select, n)),
        Some(join) => {
            // The same order again around the page: a join keeps no order of its own.
            let page = Alias::new(PAGE);
            let mut outer = Query::select();
            outer
                .column((page.clone(), Asterisk))
                .from_subquery(select.into_query(), page.clone());
            join(&mut outer);
            for p in &key.parts {
                let order = dir(p.descending);
                match nullable(&p.column) {
                    true => outer.order_by_with_nulls((page.clone(), p.column), order.clone(), nulls(&order)),
                    false => outer.order_by((page.clone(), p.column), order),
                };
            }
            outer.order_by((page, key.id_column), dir(key.id_descending()));
            let mut stmt = backend.build(&outer);
            limit_derived_table(&mut stmt, n)?;
            Ok(stmt)
        }
    }
}

/// A first page (no cursor) from up to `first + 1` rows already read in the order of `key`
/// (the extra row only says that a next page exists), as `paginate` would make it.
pub fn first_page_from<E: EntityTrait>(
    workspace_id: Uuid,
    key: &SortKey<E>,
    mut rows: Vec<E::Model>,
    first: u64,
    skip_cursors: bool,
) -> Page<E::Model> {
    let has_next_page = rows.len() as u64 > first;
    rows.truncate(first as usize);
    let edges = match skip_cursors {
        true => rows.into_iter().map(|m| (String::new(), m)).collect(),
        false => with_cursors(workspace_id, key, &key.cursor_name(), rows, |m| m),
    };
    Page {
        edges,
        has_next_page,
        has_previous_page: false,
    }
}

/// The size of a first page (`first`, 1–100), or `BAD_USER_INPUT` naming `first`.
pub fn first_size(first: i32) -> Result<u64> {
    check_size("first", first)
}

/// `select` with `LIMIT n` written into the SQL rather than bound as a parameter. With a bound
/// limit PostgreSQL's generic plan assumes a tenth of the table is read, so its plan cache never
/// adopts it and re-plans every page (0.09 ms of server CPU per contacts page, seen in
/// `pg_stat_statements`: one plan per call). `n` is a validated page size (2 to 101); each
/// size is a statement of its own in sqlx's per-connection cache (100 statements, least
/// recently used out), which the few sizes a frontend uses fit easily.
fn with_limit<E: EntityTrait>(backend: DbBackend, select: Select<E>, n: u64) -> Statement {
    let mut stmt = select.build(backend);
    stmt.sql.push_str(&format!(" LIMIT {n}"));
    stmt
}

/// [`with_limit`] for the derived table [`PAGE`] of a [`JoinAfter`] statement: the LIMIT goes
/// at the end of the subquery, just before ` AS "page"` (both backends quote it so). The last
/// such text is the derived table's: what follows it is the join and the order, written here.
fn limit_derived_table(stmt: &mut Statement, n: u64) -> Result<()> {
    let end = format!(") AS \"{PAGE}\"");
    let at = stmt
        .sql
        .rfind(&end)
        .ok_or_else(|| Error::Internal(format!("no derived table `{PAGE}` in {}", stmt.sql)))?;
    stmt.sql.insert_str(at, &format!(" LIMIT {n}"));
    Ok(())
}

fn with_cursors<E: EntityTrait, R>(
    workspace_id: Uuid,
    key: &SortKey<E>,
    name: &str,
    rows: Vec<R>,
    record: impl Fn(&R) -> &E::Model,
) -> Vec<(String, R)> {
    rows.into_iter()
        .map(|r| {
            let m = record(&r);
            let c = CursorData {
                w: workspace_id,
                k: name.to_string(),
                v: key.parts.iter().map(|p| (p.value)(m)).collect(),
                i: (key.id)(m),
            };
            (encode(&c), r)
        })
        .collect()
}

/// Whose lists `first_pages` reads: the parents' ids, the column naming the parent, and how to
/// read it from a row.
pub struct Parents<'a, E: EntityTrait> {
    pub ids: &'a [Uuid],
    pub column: E::Column,
    pub of: fn(&E::Model) -> Option<Uuid>,
}

/// The first pages of many lists at once: the lists of many parents (each contact's
/// activities, each company's contacts), in one statement for a whole page of parents instead
/// of one per parent. A window function numbers each parent's rows in the list's order and the
/// first `first + 1` of each are kept (the extra row says whether a next page exists). Cursors
/// are the ones `paginate` makes, so `after:` continues any of these lists.
pub async fn first_pages<E, C>(
    db: &C,
    workspace_id: Uuid,
    select: Select<E>,
    parents: Parents<'_, E>,
    key: &SortKey<E>,
    first: i32,
) -> Result<HashMap<Uuid, Page<E::Model>>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let limit = check_size("first", first)?;
    // One parent (a record's own screen): a plain keyset page reads only n + 1 rows by the
    // index, where the window would number all of that parent's rows first.
    let Parents {
        ids: parents,
        column: parent,
        of: parent_of,
    } = parents;
    if let [only] = parents {
        let args = PageArgs {
            first: Some(first),
            ..Default::default()
        };
        let page = paginate(db, workspace_id, select, key, &args).await?;
        return Ok(HashMap::from([(*only, page)]));
    }
    let q = |c: E::Column| format!("\"{}\"", c.as_str());
    let dir = |d: bool| if d { "DESC" } else { "ASC" };
    let mut order: Vec<String> = key
        .parts
        .iter()
        .map(|p| {
            let nulls = match (nullable(&p.column), p.descending) {
                (false, _) => "",
                (true, false) => " NULLS LAST",
                (true, true) => " NULLS FIRST",
            };
            format!("{} {}{nulls}", q(p.column), dir(p.descending))
        })
        .collect();
    order.push(format!("{} {}", q(key.id_column), dir(key.id_descending())));
    let numbered = select
        .expr_as(
            Expr::cust(format!(
                "ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {})",
                q(parent),
                order.join(", ")
            )),
            "page_rn",
        )
        .into_query();
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(numbered, "page_rows")
        .and_where(Expr::col("page_rn").lte(limit + 1))
        .order_by("page_rn", Order::Asc)
        .to_owned();
    let rows = E::Model::find_by_statement(db.get_database_backend().build(&outer))
        .all(db)
        .await?;
    let mut grouped: HashMap<Uuid, Vec<E::Model>> = HashMap::new();
    for r in rows {
        if let Some(p) = parent_of(&r) {
            grouped.entry(p).or_default().push(r);
        }
    }
    let name = key.cursor_name();
    Ok(grouped
        .into_iter()
        .map(|(p, mut rows)| {
            let more = rows.len() as u64 > limit;
            rows.truncate(limit as usize);
            let edges = with_cursors(workspace_id, key, &name, rows, |m| m);
            (
                p,
                Page {
                    edges,
                    has_next_page: more,
                    has_previous_page: false,
                },
            )
        })
        .collect())
}

/// How many rows each parent's list has (`totalCount` of many nested lists, one statement).
pub async fn totals_by<E, C>(db: &C, select: Select<E>, parent: E::Column) -> Result<HashMap<Uuid, i64>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let rows: Vec<(Option<Uuid>, i64)> = select
        .select_only()
        .column(parent)
        .column_as(Expr::col(parent).count(), "n")
        .group_by(parent)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(p, n)| p.map(|p| (p, n))).collect())
}

impl<T> Page<T> {
    /// An empty first page (a parent with no rows).
    pub fn empty() -> Self {
        Page {
            edges: Vec::new(),
            has_next_page: false,
            has_previous_page: false,
        }
    }
}

/// Rows strictly `later` (or earlier) than the cursor in the list's order: for columns
/// (a, b) and the id, `a ≻ va OR (a = va AND b ≻ vb) OR (a = va AND b = vb AND id ≻ i)`, where
/// `≻` is `>` or `<` by each column's direction. In a nullable column NULL is above every value:
/// above `va` are `a > va OR a IS NULL`, above NULL is nothing, below NULL is `a IS NOT NULL`,
/// and equal to NULL is `a IS NULL`.
fn beyond<E: EntityTrait>(key: &SortKey<E>, c: &CursorData, later: bool) -> Condition {
    let mut any = Condition::any();
    let mut equal = Condition::all();
    for (p, v) in key.parts.iter().zip(&c.v) {
        let above = later != p.descending;
        let step: Option<Condition> = match (v.to_value(), above) {
            (Some(v), true) if nullable(&p.column) => {
                Some(Condition::any().add(p.column.gt(v)).add(p.column.is_null()))
            }
            (Some(v), true) => Some(Condition::all().add(p.column.gt(v))),
            (Some(v), false) => Some(Condition::all().add(p.column.lt(v))),
            (None, true) => None,
            (None, false) => Some(Condition::all().add(p.column.is_not_null())),
        };
        if let Some(step) = step {
            any = any.add(equal.clone().add(step));
        }
        equal = equal.add(match v.to_value() {
            Some(v) => p.column.eq(v),
            None => p.column.is_null(),
        });
    }
    let id_step = if later != key.id_descending() {
        key.id_column.gt(c.i)
    } else {
        key.id_column.lt(c.i)
    };
    let rows = any.add(equal.add(id_step));
    match leading_bound(key, c, later) {
        Some(bound) => Condition::all().add(bound).add(rows),
        None => rows,
    }
}

/// A bound on the first sort column that [`beyond`] implies (`a >= va` after the cursor in
/// ascending order, …). Redundant for the result, but the OR above cannot bound an index
/// scan: without it PostgreSQL reads the list's index from the workspace's first row and
/// filters, so page 1 000 of a list (or an export) read the 999 pages before it. Left out where
/// the bound itself would need an OR (above a value in a nullable column).
fn leading_bound<E: EntityTrait>(key: &SortKey<E>, c: &CursorData, later: bool) -> Option<SimpleExpr> {
    let (p, v) = key.parts.iter().zip(&c.v).next()?;
    let above = later != p.descending;
    match (v.to_value(), above) {
        (Some(_), true) if nullable(&p.column) => None,
        (Some(v), true) => Some(p.column.gte(v)),
        (Some(v), false) => Some(p.column.lte(v)),
        (None, true) => Some(p.column.is_null()),
        (None, false) => None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use entity::{company, contact};
    use sea_orm::sea_query::JoinType;

    fn by_name() -> SortKey<contact::Entity> {
        SortKey::single(
            "contacts",
            contact::Column::Id,
            |m| m.id,
            SortPart {
                name: "name",
                column: contact::Column::Name,
                descending: false,
                value: |m| SortValue::Text(m.name.clone()),
            },
        )
    }

    /// The LIMIT lands inside the derived table, once, and the order is repeated around the
    /// join in the walking direction, in both backends' SQL.
    #[test]
    fn a_join_after_the_page_limits_the_derived_table() {
        let join = |q: &mut SelectStatement| {
            q.join(
                JoinType::LeftJoin,
                company::Entity,
                Expr::col((company::Entity, company::Column::Id))
                    .equals((Alias::new(PAGE), contact::Column::CompanyId)),
            )
            .expr(Expr::col((company::Entity, company::Column::Name)));
        };
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            for backward in [false, true] {
                let select = contact::Entity::find().select_only().columns([
                    contact::Column::Id,
                    contact::Column::Name,
                    contact::Column::CompanyId,
                ]);
                let stmt = page_statement(backend, select, &by_name(), backward, 51, Some(&join)).unwrap();
                let sql = &stmt.sql;
                let (inner, outer) = sql.split_once(r#") AS "page""#).expect(sql);
                assert!(inner.ends_with(" LIMIT 51"), "{sql}");
                assert_eq!(sql.matches("LIMIT").count(), 1, "{sql}");
                let dir = if backward { "DESC" } else { "ASC" };
                assert!(inner.contains(&format!(r#""contacts"."name" {dir}"#)), "{sql}");
                assert!(outer.contains(r#"LEFT JOIN "companies""#), "{sql}");
                assert!(
                    outer.ends_with(&format!(r#"ORDER BY "page"."name" {dir}, "page"."id" {dir}"#)),
                    "{sql}"
                );
            }
        }
    }
}
