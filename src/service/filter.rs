//! Filter operators shared by every list (`eq ne in notIn lt lte gt gte contains startsWith
//! isNull`), turned into SQL conditions. Combinators (`and`, `or`, `not`) live with each
//! record's own filter.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Expr, ExprTrait, IntoColumnRef, IntoTableRef, LikeExpr, Query, SelectStatement, SimpleExpr, UnionType,
};
use sea_orm::{Condition, Value};
use uuid::Uuid;

use crate::domain::phone::digits as phone_digits;
use crate::error::{Error, Result};

/// Text operators. `contains` and `startsWith` ignore case.
#[derive(Debug, Clone, Default)]
pub struct StrOp {
    pub eq: Option<String>,
    pub ne: Option<String>,
    pub in_: Option<Vec<String>>,
    pub not_in: Option<Vec<String>>,
    pub contains: Option<String>,
    pub starts_with: Option<String>,
    pub is_null: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct IdOp {
    pub eq: Option<Uuid>,
    pub ne: Option<Uuid>,
    pub in_: Option<Vec<Uuid>>,
    pub not_in: Option<Vec<Uuid>>,
    pub is_null: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct TimeOp {
    pub eq: Option<DateTime<Utc>>,
    pub lt: Option<DateTime<Utc>>,
    pub lte: Option<DateTime<Utc>>,
    pub gt: Option<DateTime<Utc>>,
    pub gte: Option<DateTime<Utc>>,
    pub is_null: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct IntOp {
    pub eq: Option<i64>,
    pub in_: Option<Vec<i64>>,
    pub lt: Option<i64>,
    pub lte: Option<i64>,
    pub gt: Option<i64>,
    pub gte: Option<i64>,
}

const MAX_IN: usize = 500;

fn check_in<T>(field: &str, v: &Option<Vec<T>>) -> Result<()> {
    if v.as_ref().is_some_and(|v| v.len() > MAX_IN) {
        return Err(Error::bad_input(
            field,
            format!("`in` and `notIn` take at most {MAX_IN} values."),
        ));
    }
    Ok(())
}

/// The values a text filter compares a closed set of values (a status, a priority) with must be
/// in the set: a typo would otherwise silently match nothing.
fn check_values(field: &str, op: &StrOp, allowed: &[&str]) -> Result<()> {
    let named = op
        .eq
        .iter()
        .chain(op.ne.iter())
        .chain(op.in_.iter().flatten())
        .chain(op.not_in.iter().flatten());
    for v in named {
        if !allowed.contains(&v.as_str()) {
            return Err(Error::bad_input(
                field,
                format!("`{v}` is not one of {}.", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

/// A filter on a closed set of values (a status, a priority): the values named must be in the
/// set, and `contains`/`startsWith` become `IN` the values they match, which the column's
/// equality index serves (a `LIKE` on it would read every row of the workspace).
pub fn closed_set(field: &str, col: impl IntoColumnRef + Clone, op: &StrOp, allowed: &[&str]) -> Result<Condition> {
    check_values(field, op, allowed)?;
    let mut cond = text(
        field,
        col.clone(),
        &StrOp {
            contains: None,
            starts_with: None,
            ..op.clone()
        },
        false,
    )?;
    if op.contains.is_some() || op.starts_with.is_some() {
        let lower = |v: &Option<String>| v.as_deref().map(str::to_lowercase);
        let (contains, starts) = (lower(&op.contains), lower(&op.starts_with));
        let matching: Vec<String> = allowed
            .iter()
            .filter(|v| contains.as_deref().is_none_or(|n| v.contains(n)))
            .filter(|v| starts.as_deref().is_none_or(|n| v.starts_with(n)))
            .map(|v| v.to_string())
            .collect();
        cond = cond.add(Expr::col(col).is_in(matching));
    }
    Ok(cond)
}

/// `%` and `_` typed by a person are literal characters, not wildcards.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// `col <op> value` for text. With `lowered`, `col` already holds lowercase text (a
/// `name_lower` column), so the value is lowercased to match; otherwise `LOWER(col)` is used
/// for `contains`/`startsWith`.
pub fn text(field: &str, col: impl IntoColumnRef + Clone, op: &StrOp, lowered: bool) -> Result<Condition> {
    check_in(field, &op.in_)?;
    check_in(field, &op.not_in)?;
    let c = || Expr::col(col.clone());
    let ci = || -> SimpleExpr {
        if lowered {
            Expr::col(col.clone())
        } else {
            sea_orm::sea_query::Func::lower(Expr::col(col.clone())).into()
        }
    };
    let mut cond = Condition::all();
    // A positive test on an empty column is false, not unknown, so that `not` of it is true.
    if op.eq.is_some() || op.in_.is_some() || op.contains.is_some() || op.starts_with.is_some() {
        cond = cond.add(c().is_not_null());
    }
    if let Some(v) = &op.eq {
        cond = cond.add(c().eq(v.clone()));
    }
    if let Some(v) = &op.ne {
        cond = cond.add(Condition::any().add(c().ne(v.clone())).add(c().is_null()));
    }
    if let Some(v) = &op.in_ {
        cond = cond.add(c().is_in(v.clone()));
    }
    if let Some(v) = &op.not_in {
        cond = cond.add(Condition::any().add(c().is_not_in(v.clone())).add(c().is_null()));
    }
    if let Some(v) = &op.contains {
        cond = cond.add(ci().like(LikeExpr::new(format!("%{}%", like_escape(&v.to_lowercase()))).escape('\\')));
    }
    if let Some(v) = &op.starts_with {
        cond = cond.add(ci().like(LikeExpr::new(format!("{}%", like_escape(&v.to_lowercase()))).escape('\\')));
    }
    if let Some(n) = op.is_null {
        cond = cond.add(if n { c().is_null() } else { c().is_not_null() });
    }
    Ok(cond)
}

pub fn id(field: &str, col: impl IntoColumnRef + Clone, op: &IdOp) -> Result<Condition> {
    check_in(field, &op.in_)?;
    check_in(field, &op.not_in)?;
    let c = || Expr::col(col.clone());
    let mut cond = Condition::all();
    if op.eq.is_some() || op.in_.is_some() {
        cond = cond.add(c().is_not_null());
    }
    if let Some(v) = op.eq {
        cond = cond.add(c().eq(v));
    }
    if let Some(v) = op.ne {
        cond = cond.add(Condition::any().add(c().ne(v)).add(c().is_null()));
    }
    if let Some(v) = &op.in_ {
        cond = cond.add(c().is_in(v.iter().copied()));
    }
    if let Some(v) = &op.not_in {
        cond = cond.add(
            Condition::any()
                .add(c().is_not_in(v.iter().copied()))
                .add(c().is_null()),
        );
    }
    if let Some(n) = op.is_null {
        cond = cond.add(if n { c().is_null() } else { c().is_not_null() });
    }
    Ok(cond)
}

pub fn time(col: impl IntoColumnRef + Clone, op: &TimeOp) -> Condition {
    let c = || Expr::col(col.clone());
    let v = |t: &DateTime<Utc>| Value::from(*t);
    let mut cond = Condition::all();
    if let Some(t) = &op.eq {
        cond = cond.add(c().eq(v(t)));
    }
    if let Some(t) = &op.lt {
        cond = cond.add(c().lt(v(t)));
    }
    if let Some(t) = &op.lte {
        cond = cond.add(c().lte(v(t)));
    }
    if let Some(t) = &op.gt {
        cond = cond.add(c().gt(v(t)));
    }
    if let Some(t) = &op.gte {
        cond = cond.add(c().gte(v(t)));
    }
    if let Some(n) = op.is_null {
        cond = cond.add(if n { c().is_null() } else { c().is_not_null() });
    }
    cond
}

pub fn int(field: &str, col: impl IntoColumnRef + Clone, op: &IntOp) -> Result<Condition> {
    check_in(field, &op.in_)?;
    let c = || Expr::col(col.clone());
    let mut cond = Condition::all();
    if let Some(v) = op.eq {
        cond = cond.add(c().eq(v));
    }
    if let Some(v) = &op.in_ {
        cond = cond.add(c().is_in(v.iter().copied()));
    }
    for (bound, f) in [(op.lt, 0), (op.lte, 1), (op.gt, 2), (op.gte, 3)] {
        if let Some(b) = bound {
            cond = cond.add(match f {
                0 => c().lt(b),
                1 => c().lte(b),
                2 => c().gt(b),
                _ => c().gte(b),
            });
        }
    }
    Ok(cond)
}

/// How deeply `and`/`or`/`not` may nest: deep enough for any screen, shallow enough that a
/// crafted filter cannot make a huge SQL statement.
pub const MAX_NESTING: usize = 5;

pub fn check_nesting(depth: usize) -> Result<()> {
    if depth > MAX_NESTING {
        return Err(Error::bad_input(
            "filter",
            format!("Filters can nest `and`/`or`/`not` at most {MAX_NESTING} levels deep."),
        ));
    }
    Ok(())
}

/// The `and`, `or` and `not` of a record filter; `each` turns one sub-filter into SQL.
pub fn combinators<F>(
    and: &[F],
    or: &[F],
    not: Option<&F>,
    depth: usize,
    each: impl Fn(&F, usize) -> Result<Condition>,
) -> Result<Condition> {
    check_nesting(depth)?;
    let mut c = Condition::all();
    for sub in and {
        c = c.add(each(sub, depth + 1)?);
    }
    if !or.is_empty() {
        let mut any = Condition::any();
        for sub in or {
            any = any.add(each(sub, depth + 1)?);
        }
        c = c.add(any);
    }
    if let Some(n) = not {
        c = c.add(each(n, depth + 1)?.not());
    }
    Ok(c)
}

/// A name filter: `contains`/`startsWith` on the lowercase shadow column (case-insensitive),
/// the exact operators on the name itself.
pub fn name(
    field: &str,
    lower: impl IntoColumnRef + Clone,
    exact: impl IntoColumnRef + Clone,
    op: &StrOp,
) -> Result<Condition> {
    let fuzzy = StrOp {
        contains: op.contains.clone(),
        starts_with: op.starts_with.clone(),
        ..Default::default()
    };
    shadowed(field, lower, exact, op, &fuzzy)
}

/// A phone filter on a record's own phone column: `contains`/`startsWith` on its digits column
/// (so `138 0013` finds `+86 138-0013-8000`), the exact operators on the number as given. A
/// needle without digits ("ext") is looked for in the number as given.
pub fn phone(
    field: &str,
    digits: impl IntoColumnRef + Clone,
    exact: impl IntoColumnRef + Clone,
    op: &StrOp,
) -> Result<Condition> {
    let has_digits = |v: &str| v.chars().any(|c| c.is_ascii_digit());
    let in_digits = |v: &Option<String>| v.as_deref().filter(|v| has_digits(v)).map(phone_digits);
    let as_given = |v: &Option<String>| v.clone().filter(|v| !has_digits(v));
    let fuzzy = StrOp {
        contains: in_digits(&op.contains),
        starts_with: in_digits(&op.starts_with),
        ..Default::default()
    };
    let c = shadowed(field, digits, exact.clone(), op, &fuzzy)?;
    let raw = StrOp {
        contains: as_given(&op.contains),
        starts_with: as_given(&op.starts_with),
        ..Default::default()
    };
    if raw.contains.is_none() && raw.starts_with.is_none() {
        return Ok(c);
    }
    Ok(c.add(text(field, exact, &raw, false)?))
}

/// `fuzzy` (`contains`/`startsWith`, already in the shadow column's form) on the shadow column,
/// `op`'s exact operators on the column as given.
fn shadowed(
    field: &str,
    shadow: impl IntoColumnRef + Clone,
    exact: impl IntoColumnRef + Clone,
    op: &StrOp,
    fuzzy: &StrOp,
) -> Result<Condition> {
    let mut c = Condition::all();
    if fuzzy.contains.is_some() || fuzzy.starts_with.is_some() {
        c = c.add(text(field, shadow, fuzzy, true)?);
    }
    Ok(c.add(text(
        field,
        exact,
        &StrOp {
            contains: None,
            starts_with: None,
            ..op.clone()
        },
        false,
    )?))
}

/// One place a search looks: ids from `table` whose lowercase `column` contains `needle`
/// (already lowercased or normalised by the caller), within the workspace.
pub fn search_in(
    table: impl IntoTableRef,
    id: impl IntoColumnRef,
    workspace: impl IntoColumnRef,
    workspace_id: Uuid,
    column: impl IntoColumnRef,
    needle: &str,
) -> SelectStatement {
    Query::select()
        .column(id)
        .from(table)
        .and_where(Expr::col(workspace).eq(workspace_id))
        .and_where(Expr::col(column).like(LikeExpr::new(format!("%{}%", like_escape(needle))).escape('\\')))
        .to_owned()
}

/// `id IN (a UNION b UNION …)`: a search over the record's own column and its child tables',
/// each part served by its own trigram index on PostgreSQL and the records then joined by id.
/// (An `OR` of the same tests across tables makes PostgreSQL scan the workspace instead.)
pub fn search_union(id: impl IntoColumnRef, mut parts: Vec<SelectStatement>) -> Condition {
    let Some(mut first) = (!parts.is_empty()).then(|| parts.remove(0)) else {
        return Condition::all();
    };
    for p in parts {
        first.union(UnionType::Distinct, p);
    }
    Condition::all().add(Expr::col(id).in_subquery(first))
}
