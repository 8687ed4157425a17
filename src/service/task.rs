//! Tasks and follow-ups: due time with its time zone, assignee, priority, the record they are
//! about, and reminder offsets (stored now; the reminder workers send them later).

use chrono::{DateTime, Utc};
use entity::task;
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Select, Set, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use crate::domain::text;
use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::pagination::{Page, PageArgs, SortKey, SortPart, SortValue, paginate, total};
use crate::service::records::{check_owner, timeline};
use crate::service::{Context, company, contact, now, opportunity};

pub const PRIORITIES: [&str; 3] = ["low", "normal", "high"];

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

pub async fn create(cx: &Context, scope: &TenantScope, input: TaskInput) -> Result<task::Model> {
    let title = text::name("title", &input.title, 300)?;
    let tz = time_zone(input.time_zone.as_deref())?;
    let priority = input.priority.as_deref().unwrap_or("normal");
    if !PRIORITIES.contains(&priority) {
        return Err(Error::bad_input("priority", "priority must be low, normal or high."));
    }
    if input.reminder_offsets.len() > 10 || input.reminder_offsets.iter().any(|m| !(0..=60 * 24 * 30).contains(m)) {
        return Err(Error::bad_input(
            "reminderOffsets",
            "Up to 10 reminders, each 0 to 43200 minutes before the due time.",
        ));
    }
    if !input.reminder_offsets.is_empty() && input.due_at.is_none() {
        return Err(Error::bad_input(
            "reminderOffsets",
            "Reminders need a due time (dueAt).",
        ));
    }
    let assignee = input.assignee_id.unwrap_or(scope.user_id);
    let txn = cx.db.begin().await?;
    check_owner(&txn, scope, assignee).await?;
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
        title: Set(title),
        due_at: Set(input.due_at),
        time_zone: Set(tz),
        assignee_id: Set(assignee),
        status: Set("open".into()),
        priority: Set(priority.into()),
        record_type: Set(record_type.map(String::from)),
        record_id: Set(record_id),
        reminder_offsets: Set(serde_json::to_string(&input.reminder_offsets).unwrap_or_else(|_| "[]".into())),
        completed_at: Set(None),
        created_by: Set(Some(scope.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
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

/// Tasks the caller may see: assigned to someone in their data scope.
fn visible(scope: &TenantScope) -> Select<task::Entity> {
    task::Entity::find_in(scope.workspace_id)
        .filter(crate::service::records::owner_visible(scope, task::Column::AssigneeId))
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
    if let (Some(rt), Some(rid)) = (&t.record_type, t.record_id)
        && t.status != row.status
    {
        timeline(
            &txn,
            scope,
            rt,
            rid,
            if done { "task_completed" } else { "task_reopened" },
            json!({ "taskId": id, "title": t.title }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(row)
}

#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub assignee_id: Option<Uuid>,
    pub status: Option<String>,
    pub link: Option<Link>,
    pub due_before: Option<DateTime<Utc>>,
}

fn by_creation() -> SortKey<task::Entity> {
    SortKey::single(
        "tasks",
        task::Column::Id,
        |m| m.id,
        SortPart {
            name: "createdAt",
            column: task::Column::CreatedAt,
            descending: false,
            value: |m| SortValue::Time(m.created_at),
        },
    )
}

fn select(scope: &TenantScope, f: &TaskFilter) -> Select<task::Entity> {
    let mut q = visible(scope);
    if let Some(a) = f.assignee_id {
        q = q.filter(task::Column::AssigneeId.eq(a));
    }
    if let Some(s) = &f.status {
        q = q.filter(task::Column::Status.eq(s.as_str()));
    }
    if let Some(l) = f.link {
        let (t, id) = l.parts();
        q = q
            .filter(task::Column::RecordType.eq(t))
            .filter(task::Column::RecordId.eq(id));
    }
    if let Some(d) = f.due_before {
        q = q.filter(task::Column::DueAt.lt(d));
    }
    q
}

pub async fn list(cx: &Context, scope: &TenantScope, f: &TaskFilter, page: &PageArgs) -> Result<Page<task::Model>> {
    paginate(&cx.db, scope.workspace_id, select(scope, f), &by_creation(), page).await
}

pub async fn count(cx: &Context, scope: &TenantScope, f: &TaskFilter) -> Result<i64> {
    total(&cx.db, select(scope, f)).await
}
