//! What every CRM record shares: per-workspace numbers, tags, timeline entries and the
//! data-scope condition on `owner_id`.

use std::collections::HashMap;

use entity::{department, record_counter, record_tag, timeline_entry, user};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use crate::domain::text;
use crate::error::{Error, Result};
use crate::scope::{DataScope, TenantScope};
use crate::service::now;

/// The next number for a kind of record (`contact`, `company`, …) in a workspace.
pub async fn next_number<C: ConnectionTrait>(db: &C, ws: Uuid, kind: &str) -> Result<i64> {
    next_numbers(db, ws, kind, 1).await
}

/// The first of `n` consecutive numbers for a kind of record, taken in two statements whatever
/// `n` is (a batch of creations takes them all at once). The UPDATE takes the counter row's
/// lock, so concurrent creations get distinct numbers.
pub async fn next_numbers<C: ConnectionTrait>(db: &C, ws: Uuid, kind: &str, n: usize) -> Result<i64> {
    let n = i64::try_from(n).map_err(|_| Error::Internal("too many numbers at once".into()))?;
    let bumped = record_counter::Entity::update_in(ws)
        .filter(record_counter::Column::Kind.eq(kind))
        .col_expr(
            record_counter::Column::NextValue,
            Expr::col(record_counter::Column::NextValue).add(n),
        )
        .exec(db)
        .await?;
    if bumped.rows_affected == 0 {
        record_counter::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(ws),
            kind: Set(kind.into()),
            next_value: Set(n + 1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        return Ok(1);
    }
    let row = record_counter::Entity::find_in(ws)
        .filter(record_counter::Column::Kind.eq(kind))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("record counter vanished".into()))?;
    Ok(row.next_value - n)
}

/// Rows per multi-row INSERT: ~20 columns × 1 000 stays well under SQLite's 32 766 and
/// PostgreSQL's 65 535 bind parameters.
const INSERT_CHUNK: usize = 1000;

/// Inserts new rows with multi-row INSERTs, stamped by the entity's own `before_save` as a
/// single `insert` would be (`insert_many` skips it).
pub async fn insert_new<A, C>(db: &C, rows: Vec<A>) -> Result<()>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    C: ConnectionTrait,
{
    let mut stamped = Vec::with_capacity(rows.len());
    for row in rows {
        stamped.push(row.before_save(db, true).await?);
    }
    insert_stamped(db, stamped).await
}

/// The same for rows already through `before_save` (the caller needed the stamped values).
pub async fn insert_stamped<A, C>(db: &C, rows: Vec<A>) -> Result<()>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(INSERT_CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Writes changed rows back (already through `before_save`) with multi-row
/// `INSERT … ON CONFLICT (id) DO UPDATE` of every other column: one statement per chunk where
/// `update` would take one per row. The rows exist, so the insert half never applies.
pub async fn save_many<A, C>(db: &C, rows: Vec<A>, id: <A::Entity as EntityTrait>::Column) -> Result<()>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    use sea_orm::{IdenStatic, Iterable};
    let columns: Vec<<A::Entity as EntityTrait>::Column> = <A::Entity as EntityTrait>::Column::iter()
        .filter(|c| c.as_str() != id.as_str())
        .collect();
    // Unchanged columns become set, so every row has the same column list.
    let mut rows = rows.into_iter().map(|r| r.reset_all()).peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(INSERT_CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(id)
                    .update_columns(columns.iter().copied())
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Changed rows gathered for one [`save_many`]: each record's last row once, and an `updated`
/// timeline entry per change that changed something.
pub struct Updates<A> {
    rows: Vec<A>,
    row_of: HashMap<Uuid, usize>,
    entries: Vec<timeline_entry::ActiveModel>,
}

impl<A> Default for Updates<A> {
    fn default() -> Self {
        Updates {
            rows: Vec::new(),
            row_of: HashMap::new(),
            entries: Vec::new(),
        }
    }
}

impl<A> Updates<A>
where
    A: ActiveModelTrait + ActiveModelBehavior + sea_orm::TryIntoModel<<A::Entity as EntityTrait>::Model> + Send,
{
    /// Stamps a record's changed row and keeps it; the answer is the record as it will be.
    pub async fn push<C: ConnectionTrait>(
        &mut self,
        db: &C,
        scope: &TenantScope,
        record: &str,
        id: Uuid,
        am: A,
        changes: serde_json::Map<String, serde_json::Value>,
    ) -> Result<<A::Entity as EntityTrait>::Model> {
        let am = am.before_save(db, false).await?;
        let model = am.clone().try_into_model()?;
        if !changes.is_empty() {
            self.entries.push(timeline_entry(
                scope,
                record,
                id,
                "updated",
                serde_json::json!({ "changes": changes }),
            ));
        }
        match self.row_of.get(&id) {
            Some(&i) => self.rows[i] = am,
            None => {
                self.row_of.insert(id, self.rows.len());
                self.rows.push(am);
            }
        }
        Ok(model)
    }

    /// Writes the rows and the entries (a few statements).
    pub async fn write<C: ConnectionTrait>(self, db: &C, id: <A::Entity as EntityTrait>::Column) -> Result<()> {
        save_many(db, self.rows, id).await?;
        insert_new(db, self.entries).await
    }
}

/// Checks each distinct owner of `items` once ([`check_owner`]); an item whose owner fails
/// gets that error (the check repeated for it, so each item carries its own error).
pub async fn check_owners<C, T>(
    db: &C,
    scope: &TenantScope,
    items: &mut [Result<T>],
    owner_of: impl Fn(&T) -> Uuid,
) -> Result<()>
where
    C: ConnectionTrait,
{
    let mut good: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    for slot in items.iter_mut() {
        let Ok(item) = slot else { continue };
        let owner = owner_of(item);
        if good.contains(&owner) {
            continue;
        }
        match check_owner(db, scope, owner).await {
            Ok(()) => {
                good.insert(owner);
            }
            Err(e) if e.is_internal() => return Err(e),
            Err(e) => *slot = Err(e),
        }
    }
    Ok(())
}

/// Moves a counter past numbers assigned in bulk (the seed command).
pub async fn set_counter<C: ConnectionTrait>(db: &C, ws: Uuid, kind: &str, next: i64) -> Result<()> {
    record_counter::Entity::delete_in(ws)
        .filter(record_counter::Column::Kind.eq(kind))
        .exec(db)
        .await?;
    record_counter::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(ws),
        kind: Set(kind.into()),
        next_value: Set(next),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Tags as people type them: trimmed, 1–40 characters, deduplicated, at most 50.
pub fn parse_tags(field: &str, raw: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = text::name(field, t, 40)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > 50 {
        return Err(Error::bad_input(field, "A record can have at most 50 tags."));
    }
    Ok(out)
}

/// Replaces a record's tags.
pub async fn set_tags<C: ConnectionTrait>(
    db: &C,
    ws: Uuid,
    record_type: &str,
    record_id: Uuid,
    tags: &[String],
) -> Result<()> {
    set_tags_many(db, ws, record_type, vec![(record_id, tags.to_vec())]).await
}

/// Replaces the tags of many records: one DELETE and one multi-row INSERT.
pub async fn set_tags_many<C: ConnectionTrait>(
    db: &C,
    ws: Uuid,
    record_type: &str,
    tags: Vec<(Uuid, Vec<String>)>,
) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    record_tag::Entity::delete_in(ws)
        .filter(record_tag::Column::RecordType.eq(record_type))
        .filter(record_tag::Column::RecordId.is_in(tags.iter().map(|(id, _)| *id)))
        .exec(db)
        .await?;
    add_tags_new(db, ws, record_type, &tags).await
}

/// Tags of records created in this transaction (nothing to replace), in one statement.
pub async fn add_tags_new<C: ConnectionTrait>(
    db: &C,
    ws: Uuid,
    record_type: &str,
    tags: &[(Uuid, Vec<String>)],
) -> Result<()> {
    let rows = tags
        .iter()
        .flat_map(|(id, tags)| tags.iter().map(move |t| (*id, t)))
        .map(|(record_id, t)| record_tag::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(ws),
            record_type: Set(record_type.into()),
            record_id: Set(record_id),
            tag: Set(t.clone()),
            ..Default::default()
        })
        .collect();
    insert_new(db, rows).await
}

/// Tags of many records at once (DataLoaders), sorted.
pub async fn tags_of<C: ConnectionTrait>(
    db: &C,
    ws: Uuid,
    record_type: &str,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>> {
    let rows = record_tag::Entity::find_in(ws)
        .filter(record_tag::Column::RecordType.eq(record_type))
        .filter(record_tag::Column::RecordId.is_in(ids.iter().copied()))
        .order_by_asc(record_tag::Column::Tag)
        .all(db)
        .await?;
    let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
    for r in rows {
        map.entry(r.record_id).or_default().push(r.tag);
    }
    Ok(map)
}

/// Appends a timeline entry; call inside the transaction of the change it records.
pub async fn timeline<C: ConnectionTrait>(
    db: &C,
    scope: &TenantScope,
    record_type: &str,
    record_id: Uuid,
    kind: &str,
    data: serde_json::Value,
) -> Result<()> {
    timeline_entry(scope, record_type, record_id, kind, data)
        .insert(db)
        .await?;
    Ok(())
}

/// A timeline entry to write, for [`timeline`] or, many at once, for [`insert_new`].
pub fn timeline_entry(
    scope: &TenantScope,
    record_type: &str,
    record_id: Uuid,
    kind: &str,
    data: serde_json::Value,
) -> timeline_entry::ActiveModel {
    timeline_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(scope.workspace_id),
        record_type: Set(record_type.into()),
        record_id: Set(record_id),
        kind: Set(kind.into()),
        actor_id: Set((!scope.user_id.is_nil()).then_some(scope.user_id)),
        occurred_at: Set(now()),
        data: Set(data.to_string()),
        ..Default::default()
    }
}

/// Records whose owner the caller may see: everything (admins), owners in the caller's
/// department subtree plus the caller (managers), or the caller's own (reps).
pub fn owner_visible<Col: ColumnTrait>(scope: &TenantScope, owner: Col) -> Condition {
    match &scope.data_scope {
        DataScope::Workspace => Condition::all(),
        DataScope::Own => Condition::all().add(owner.eq(scope.user_id)),
        DataScope::Department { path } => {
            let team = Query::select()
                .column((user::Entity, user::Column::Id))
                .from(user::Entity)
                .inner_join(
                    department::Entity,
                    Expr::col((department::Entity, department::Column::Id))
                        .equals((user::Entity, user::Column::DepartmentId)),
                )
                .and_where(Expr::col((user::Entity, user::Column::WorkspaceId)).eq(scope.workspace_id))
                .and_where(Expr::col((department::Entity, department::Column::Path)).like(format!("{path}%")))
                .to_owned();
            Condition::any()
                .add(owner.eq(scope.user_id))
                .add(owner.in_subquery(team))
        }
    }
}

/// Whether the caller may see a record with this owner (for single-record checks in Rust).
pub async fn may_see_owner<C: ConnectionTrait>(db: &C, scope: &TenantScope, owner: Option<Uuid>) -> Result<bool> {
    Ok(match &scope.data_scope {
        DataScope::Workspace => true,
        DataScope::Own => owner == Some(scope.user_id),
        DataScope::Department { path } => match owner {
            None => false,
            Some(o) if o == scope.user_id => true,
            Some(o) => {
                let Some(u) = user::Entity::find_by_id_in(scope.workspace_id, o).one(db).await? else {
                    return Ok(false);
                };
                match u.department_id {
                    Some(d) => department::Entity::find_by_id_in(scope.workspace_id, d)
                        .one(db)
                        .await?
                        .is_some_and(|d| d.path.starts_with(path.as_str())),
                    None => false,
                }
            }
        },
    })
}

/// The owner of a new or reassigned record: an active user of the workspace. Reps may only
/// own records themselves.
pub async fn check_owner<C: ConnectionTrait>(db: &C, scope: &TenantScope, owner: Uuid) -> Result<()> {
    if owner != scope.user_id && scope.data_scope == DataScope::Own {
        return Err(Error::Forbidden(
            "Reps can only own records themselves; ask a manager to assign them.".into(),
        ));
    }
    let u = user::Entity::find_by_id_in(scope.workspace_id, owner)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound("No user with this `ownerId` exists in your workspace.".into()))?;
    if u.status != crate::domain::role::status::ACTIVE {
        return Err(Error::bad_input(
            "ownerId",
            "Records can only be owned by active users.",
        ));
    }
    if !may_see_owner(db, scope, Some(owner)).await? {
        return Err(Error::Forbidden(
            "You can only assign records to people in your own team.".into(),
        ));
    }
    Ok(())
}

/// A JSON value for before/after in timeline entries.
pub fn change<T: serde::Serialize>(from: &T, to: &T) -> serde_json::Value {
    serde_json::json!({ "from": from, "to": to })
}

/// An expression for case-insensitive matching of a text column.
pub fn lower(col: impl sea_orm::sea_query::IntoColumnRef) -> SimpleExpr {
    sea_orm::sea_query::Func::lower(Expr::col(col)).into()
}

/// The columns that make a record reassignable, for [`reassign`].
pub struct Owned<E: EntityTrait> {
    pub record: &'static str,
    pub plural: &'static str,
    pub workspace: E::Column,
    pub id: E::Column,
    pub owner: E::Column,
    pub updated_at: E::Column,
    pub deleted_at: E::Column,
    pub id_of: fn(&E::Model) -> Uuid,
    pub owner_of: fn(&E::Model) -> Option<Uuid>,
}

/// Gives 1–500 visible records a new owner, all or none, with an `owner_changed` timeline entry
/// for each record whose owner changes. Runs in the caller's transaction.
pub async fn reassign<E, C>(
    db: &C,
    scope: &TenantScope,
    visible: sea_orm::Select<E>,
    spec: &Owned<E>,
    ids: &[Uuid],
    owner: Uuid,
) -> Result<Vec<E::Model>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let unique: std::collections::HashSet<Uuid> = ids.iter().copied().collect();
    if unique.is_empty() || unique.len() > 500 {
        return Err(Error::bad_input("ids", "Reassign 1 to 500 records at a time."));
    }
    check_owner(db, scope, owner).await?;
    let rows = visible
        .clone()
        .filter(spec.id.is_in(unique.iter().copied()))
        .all(db)
        .await?;
    if rows.len() != unique.len() {
        return Err(Error::NotFound(format!(
            "Some of these {} do not exist in your workspace or are not visible to you; nothing was reassigned.",
            spec.plural
        )));
    }
    E::update_many()
        .filter(spec.workspace.eq(scope.workspace_id))
        .filter(spec.id.is_in(unique.iter().copied()))
        .col_expr(spec.owner, Expr::value(owner))
        .col_expr(spec.updated_at, Expr::value(now()))
        .exec(db)
        .await?;
    // One multi-row INSERT for the entries: the import reassigns up to a batch at once.
    let entries = rows
        .iter()
        .filter(|r| (spec.owner_of)(r) != Some(owner))
        .map(|r| {
            timeline_entry(
                scope,
                spec.record,
                (spec.id_of)(r),
                "owner_changed",
                change(&(spec.owner_of)(r), &Some(owner)),
            )
        })
        .collect();
    insert_new(db, entries).await?;
    Ok(visible.filter(spec.id.is_in(unique.iter().copied())).all(db).await?)
}

/// Soft-deletes (restorably) or restores one record the caller may see, with a timeline entry.
/// Generic over the record type; like the `entity` constructors it filters by workspace first.
pub async fn set_deleted<E, C>(
    db: &C,
    scope: &TenantScope,
    spec: &Owned<E>,
    id: Uuid,
    deleted: bool,
) -> Result<E::Model>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let in_scope = || {
        E::find()
            .filter(spec.workspace.eq(scope.workspace_id))
            .filter(owner_visible(scope, spec.owner))
            .filter(spec.id.eq(id))
    };
    let current = if deleted {
        spec.deleted_at.is_null()
    } else {
        spec.deleted_at.is_not_null()
    };
    if in_scope().filter(current).one(db).await?.is_none() {
        return Err(Error::NotFound(format!(
            "No {} with this id exists in your workspace.",
            spec.record
        )));
    }
    let t = now();
    E::update_many()
        .filter(spec.workspace.eq(scope.workspace_id))
        .filter(spec.id.eq(id))
        .col_expr(spec.deleted_at, Expr::value(if deleted { Some(t) } else { None }))
        .col_expr(spec.updated_at, Expr::value(t))
        .exec(db)
        .await?;
    timeline(
        db,
        scope,
        spec.record,
        id,
        if deleted { "deleted" } else { "restored" },
        serde_json::json!({}),
    )
    .await?;
    in_scope()
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("record vanished while (un)deleting".into()))
}
