//! Tasks and follow-ups: due time with its time zone, assignee, priority, the record they are
//! about, and reminder offsets (stored now; the reminder workers send them later).

use chrono::{DateTime, Utc};
use entity::task;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, QueryFilter, Select, Set, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use crate::domain::text;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::filter::{self, IdOp, StrOp, TimeOp};
use crate::service::listing::{self, Listed};
use crate::service::pagination::{OrderPart, Page, PageArgs, SortValue};
use crate::service::records::{self, change, check_owner, timeline};
use crate::service::{Context, company, contact, now, opportunity};

pub const RECORD: &str = "task";
pub const PRIORITIES: [&str; 3] = ["low", "normal", "high"];
pub const STATUSES: [&str; 2] = ["open", "done"];

/// What a task is about.
#[derive(Debug, Clone, Copy)]
pub enum Link {
    Contact(Uuid),
    Company(Uuid),
    Opportunity(Uuid),
}

impl Link {
    fn parts(self) -> (&'static str, Uuid) {
        match self {
            Link::Contact(id) => (contact::RECORD, id),
            Link::Company(id) => (company::RECORD, id),
            Link::Opportunity(id) => (opportunity::RECORD, id),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TaskInput {
    pub title: String,
    pub due_at: Option<DateTime<Utc>>,
    pub time_zone: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub priority: Option<String>,
    pub link: Option<Link>,
    pub reminder_offsets: Vec<i32>,
}

/// IANA-looking zone names ("Asia/Shanghai", "UTC"); the reminder worker resolves them.
fn time_zone(raw: Option<&str>) -> Result<String> {
    let tz = raw.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("UTC");
    let ok = tz.len() <= 64
        && tz.chars().all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
        && (tz == "UTC" || tz.contains('/'));
    if ok {
        Ok(tz.to_string())
    } else {
        Err(Error::bad_input(
            "timeZone",
            "timeZone must be an IANA zone such as Asia/Shanghai or UTC.",
        ))
    }
}

/// A due time people can mean: a year typed as 0202 or 20260 is a typo, not a plan.
fn due_at(field: &str, t: Option<DateTime<Utc>>) -> Result<Option<DateTime<Utc>>> {
    use chrono::Datelike;
    match t {
        Some(t) if !(2000..=2199).contains(&t.year()) => Err(Error::bad_input(
            field,
            format!("{field} must be a time between the years 2000 and 2199."),
        )),
        _ => Ok(t),
    }
}

fn priority(raw: &str) -> Result<String> {
    if PRIORITIES.contains(&raw) {
        Ok(raw.into())
    } else {
        Err(Error::bad_input("priority", "priority must be low, normal or high."))
    }
}

fn reminders(offsets: &[i32], due: Option<DateTime<Utc>>) -> Result<String> {
    if offsets.len() > 10 || offsets.iter().any(|m| !(0..=60 * 24 * 30).contains(m)) {
        return Err(Error::bad_input(
            "reminderOffsets",
            "Up to 10 reminders, each 0 to 43200 minutes before the due time.",
        ));
    }
    if !offsets.is_empty() && due.is_none() {
        return Err(Error::bad_input(
            "reminderOffsets",
            "Reminders need a due time (dueAt).",
        ));
    }
    Ok(serde_json::to_string(offsets).unwrap_or_else(|_| "[]".into()))
}

pub async fn create(cx: &Context, scope: &TenantScope, input: TaskInput) -> Result<task::Model> {
    let title = text::name("title", &input.title, 300)?;
    let tz = time_zone(input.time_zone.as_deref())?;
    let priority = priority(input.priority.as_deref().unwrap_or("normal"))?;
    let due = due_at("dueAt", input.due_at)?;
    let offsets = reminders(&input.reminder_offsets, due)?;
    let assignee = input.assignee_id.unwrap_or(scope.user_id);
    let txn = cx.db.begin().await?;
    check_assignee(&txn, scope, assignee).await?;
    if let Some(link) = input.link {
        match link {
            Link::Contact(id) => drop(contact::get_visible(&txn, scope, id, "contactId").await?),
            Link::Company(id) => drop(company::get_visible(&txn, scope, id, "companyId").await?),
            Link::Opportunity(id) => drop(opportunity::get_visible(&txn, scope, id).await.map_err(|_| {
                Error::NotFound("No opportunity with this `opportunityId` exists in your workspace.".into())
            })?),
        }
    }
    let (record_type, record_id) = input.link.map(Link::parts).unzip();
    let row = task::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(scope.workspace_id),
        // Rust's lowercasing, the same on both backends (SQLite's `LOWER` folds ASCII only).
        title_lower: Set(title.to_lowercase()),
        title: Set(title),
        due_at: Set(due),
        time_zone: Set(tz),
        assignee_id: Set(assignee),
        status: Set("open".into()),
        priority: Set(priority),
        record_type: Set(record_type.map(String::from)),
        record_id: Set(record_id),
        reminder_offsets: Set(offsets),
        completed_at: Set(None),
        deleted_at: Set(None),
        created_by: Set(Some(scope.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    timeline(&txn, scope, RECORD, row.id, "created", json!({ "title": row.title })).await?;
    if let (Some(t), Some(id)) = (record_type, record_id) {
        timeline(
            &txn,
            scope,
            t,
            id,
            "task_created",
            json!({ "taskId": row.id, "title": row.title, "dueAt": row.due_at }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// The assignee of a task: like a record's owner (an active user the caller may assign to),
/// but the error names `assigneeId`, the field the client sent.
async fn check_assignee<C: ConnectionTrait>(db: &C, scope: &TenantScope, assignee: Uuid) -> Result<()> {
    check_owner(db, scope, assignee).await.map_err(|e| match e {
        Error::NotFound(_) => Error::NotFound("No user with this `assigneeId` exists in your workspace.".into()),
        Error::BadInput { .. } => Error::bad_input("assigneeId", "Tasks can only be assigned to active users."),
        other => other,
    })
}

/// Live tasks the caller may see: assigned to someone in their data scope.
fn visible(scope: &TenantScope) -> Select<task::Entity> {
    listing::visible(scope, false)
}

/// One task the caller may see.
pub async fn get(cx: &Context, scope: &TenantScope, id: Uuid) -> Result<task::Model> {
    visible(scope)
        .filter(task::Column::Id.eq(id))
        .one(&cx.db)
        .await?
        .ok_or_else(|| Error::not_found("task"))
}

pub async fn set_done(cx: &Context, scope: &TenantScope, id: Uuid, done: bool) -> Result<task::Model> {
    let txn = cx.db.begin().await?;
    let t = visible(scope)
        .filter(task::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("task"))?;
    let mut am: task::ActiveModel = t.clone().into();
    am.status = Set(if done { "done" } else { "open" }.into());
    am.completed_at = Set(done.then(now));
    let row = am.update(&txn).await?;
    if t.status != row.status {
        let kind = if done { "task_completed" } else { "task_reopened" };
        let data = json!({ "taskId": id, "title": t.title });
        timeline(&txn, scope, RECORD, id, kind, data.clone()).await?;
        if let (Some(rt), Some(rid)) = (&t.record_type, t.record_id) {
            timeline(&txn, scope, rt, rid, kind, data).await?;
        }
    }
    txn.commit().await?;
    Ok(row)
}

/// `None` leaves a field alone; `due_at: Some(None)` clears the due time.
#[derive(Debug, Clone, Default)]
pub struct TaskChanges {
    pub title: Option<String>,
    pub due_at: Option<Option<DateTime<Utc>>>,
    pub time_zone: Option<String>,
    pub priority: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub reminder_offsets: Option<Vec<i32>>,
}

/// Changes a task with the checks `create` makes; every field is checked before the first
/// write, and the timeline of the task (and of the record it is about) says what changed.
pub async fn update(cx: &Context, scope: &TenantScope, id: Uuid, ch: TaskChanges) -> Result<task::Model> {
    let title = ch.title.as_deref().map(|t| text::name("title", t, 300)).transpose()?;
    let tz = ch.time_zone.as_deref().map(|z| time_zone(Some(z))).transpose()?;
    let prio = ch.priority.as_deref().map(priority).transpose()?;
    let due = ch.due_at.map(|d| due_at("dueAt", d)).transpose()?;
    let txn = cx.db.begin().await?;
    let before = visible(scope)
        .filter(task::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or_else(|| Error::not_found("task"))?;
    let due_after = due.unwrap_or(before.due_at);
    // Reminders are checked against the due time the task will have, so clearing `dueAt`
    // while reminders remain is refused rather than leaving reminders that can never fire.
    let old_offsets: Vec<i32> = serde_json::from_str(&before.reminder_offsets).unwrap_or_default();
    let offsets_after = ch.reminder_offsets.clone().unwrap_or_else(|| old_offsets.clone());
    let offsets = reminders(&offsets_after, due_after)?;
    if let Some(a) = ch.assignee_id
        && a != before.assignee_id
    {
        check_assignee(&txn, scope, a).await?;
    }
    let mut am: task::ActiveModel = before.clone().into();
    let mut changes = serde_json::Map::new();
    if let Some(t) = title
        && t != before.title
    {
        changes.insert("title".into(), change(&before.title, &t));
        am.title_lower = Set(t.to_lowercase());
        am.title = Set(t);
    }
    if due_after != before.due_at {
        changes.insert("dueAt".into(), change(&before.due_at, &due_after));
        am.due_at = Set(due_after);
    }
    if let Some(z) = tz
        && z != before.time_zone
    {
        changes.insert("timeZone".into(), change(&before.time_zone, &z));
        am.time_zone = Set(z);
    }
    if let Some(p) = prio
        && p != before.priority
    {
        changes.insert("priority".into(), change(&before.priority, &p));
        am.priority = Set(p);
    }
    if let Some(a) = ch.assignee_id
        && a != before.assignee_id
    {
        changes.insert("assigneeId".into(), change(&before.assignee_id, &a));
        am.assignee_id = Set(a);
    }
    if offsets_after != old_offsets {
        changes.insert("reminderOffsets".into(), change(&old_offsets, &offsets_after));
        am.reminder_offsets = Set(offsets);
    }
    if changes.is_empty() {
        txn.commit().await?;
        return Ok(before);
    }
    let row = am.update(&txn).await?;
    timeline(&txn, scope, RECORD, id, "updated", json!({ "changes": changes })).await?;
    if let (Some(rt), Some(rid)) = (&before.record_type, before.record_id) {
        timeline(
            &txn,
            scope,
            rt,
            rid,
            "task_updated",
            json!({ "taskId": id, "title": row.title, "changes": changes }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// Who may see, reassign and restore tasks: the columns for it (see [`listing`]).
const OWNED: records::Owned<task::Entity> = records::Owned {
    record: RECORD,
    plural: "tasks",
    workspace: task::Column::WorkspaceId,
    id: task::Column::Id,
    owner: task::Column::AssigneeId,
    updated_at: task::Column::UpdatedAt,
    deleted_at: task::Column::DeletedAt,
    id_of: |m| m.id,
    owner_of: |m| Some(m.assignee_id),
};

/// Soft-deletes (restorably) or restores a task; the record it is about notes it too.
pub async fn set_deleted(cx: &Context, scope: &TenantScope, id: Uuid, deleted: bool) -> Result<task::Model> {
    let txn = cx.db.begin().await?;
    let row = records::set_deleted(&txn, scope, &OWNED, id, deleted).await?;
    if let (Some(rt), Some(rid)) = (&row.record_type, row.record_id) {
        timeline(
            &txn,
            scope,
            rt,
            rid,
            if deleted { "task_deleted" } else { "task_restored" },
            json!({ "taskId": id, "title": row.title }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(row)
}

#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub and: Vec<TaskFilter>,
    pub or: Vec<TaskFilter>,
    pub not: Option<Box<TaskFilter>>,
    pub title: Option<StrOp>,
    pub assignee_id: Option<IdOp>,
    pub status: Option<StrOp>,
    pub priority: Option<StrOp>,
    pub due_at: Option<TimeOp>,
    /// The record the task is about (ids are UUIDv7, unique across record types).
    pub record_id: Option<IdOp>,
    pub created_at: Option<TimeOp>,
}

// Named after the fields they order by, as the other lists' orders are.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TaskOrder {
    DueAt,
    CreatedAt,
    UpdatedAt,
}

pub fn condition(f: &TaskFilter, depth: usize) -> Result<Condition> {
    let mut c = filter::combinators(&f.and, &f.or, f.not.as_deref(), depth, condition)?;
    let col = |c: task::Column| (task::Entity, c);
    if let Some(op) = &f.title {
        c = c.add(filter::name(
            "filter.title",
            col(task::Column::TitleLower),
            col(task::Column::Title),
            op,
        )?);
    }
    if let Some(op) = &f.assignee_id {
        c = c.add(filter::id("filter.assigneeId", col(task::Column::AssigneeId), op)?);
    }
    if let Some(op) = &f.status {
        c = c.add(filter::closed_set(
            "filter.status",
            col(task::Column::Status),
            op,
            &STATUSES,
        )?);
    }
    if let Some(op) = &f.priority {
        c = c.add(filter::closed_set(
            "filter.priority",
            col(task::Column::Priority),
            op,
            &PRIORITIES,
        )?);
    }
    if let Some(op) = &f.due_at {
        c = c.add(filter::time(col(task::Column::DueAt), op));
    }
    if let Some(op) = &f.record_id {
        c = c.add(filter::id("filter.recordId", col(task::Column::RecordId), op)?);
    }
    if let Some(op) = &f.created_at {
        c = c.add(filter::time(col(task::Column::CreatedAt), op));
    }
    Ok(c)
}

impl Listed for task::Entity {
    const OWNED: records::Owned<Self> = OWNED;
    type Filter = TaskFilter;
    type Order = TaskOrder;

    fn order_part(o: TaskOrder) -> OrderPart<Self> {
        match o {
            // Tasks without a due time come after the dated ones (see `pagination`).
            TaskOrder::DueAt => ("dueAt", task::Column::DueAt, |m| {
                SortValue::or_null(m.due_at, SortValue::Time)
            }),
            TaskOrder::CreatedAt => ("createdAt", task::Column::CreatedAt, |m| SortValue::Time(m.created_at)),
            TaskOrder::UpdatedAt => ("updatedAt", task::Column::UpdatedAt, |m| SortValue::Time(m.updated_at)),
        }
    }

    fn condition(_scope: &TenantScope, f: &TaskFilter) -> Result<Condition> {
        condition(f, 0)
    }
}

/// The `tasks` list has no search.
pub struct ListArgs<'a> {
    pub filter: Option<&'a TaskFilter>,
    /// `(field, descending)` pairs, first one first (1 to 3).
    pub order: &'a [(TaskOrder, bool)],
    pub deleted: bool,
}

impl<'a> ListArgs<'a> {
    fn listing(&self) -> listing::ListArgs<'a, task::Entity> {
        listing::ListArgs {
            filter: self.filter,
            search: None,
            order: self.order,
            deleted: self.deleted,
        }
    }
}

pub async fn list(cx: &Context, scope: &TenantScope, a: &ListArgs<'_>, page: &PageArgs) -> Result<Page<task::Model>> {
    listing::list(cx, scope, &a.listing(), page).await
}

pub async fn count(cx: &Context, scope: &TenantScope, a: &ListArgs<'_>) -> Result<i64> {
    listing::count(cx, scope, &a.listing()).await
}
