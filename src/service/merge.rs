//! Merging duplicates: two contacts or two companies become one. Everything that pointed at the
//! merged record moves to the survivor (activities, deals, tasks, timeline entries, tags,
//! addresses or domains, referrals, converted leads); the survivor keeps its own values and takes
//! the merged record's where it had none; the merged record is soft-deleted with a timeline entry
//! saying where it went. A dry run does all of it in a transaction that is rolled back, so the
//! preview is exactly what the merge would do.

use entity::{
    activity, company, company_domain, contact, contact_email, contact_phone, lead, note_share, opportunity,
    opportunity_contact, record_tag, task, timeline_entry,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, QueryFilter, Set, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::records::timeline;
use crate::service::{Context, company as companies, contact as contacts, now};

/// What a merge moved, for the preview and the result.
#[derive(Debug, Clone, Default)]
pub struct Moved {
    pub activities: u64,
    pub opportunities: u64,
    pub tasks: u64,
    pub timeline_entries: u64,
    pub emails_or_domains: u64,
    pub contacts: u64,
}

pub struct ContactMerge {
    pub survivor: contact::Model,
    pub moved: Moved,
}

pub struct CompanyMerge {
    pub survivor: company::Model,
    pub moved: Moved,
}

async fn finish<T>(txn: DatabaseTransaction, dry_run: bool, value: T) -> Result<T> {
    if dry_run {
        txn.rollback().await?
    } else {
        txn.commit().await?
    }
    Ok(value)
}

async fn move_tags(txn: &DatabaseTransaction, ws: Uuid, record_type: &str, from: Uuid, to: Uuid) -> Result<()> {
    let theirs = record_tag::Entity::find_in(ws)
        .filter(record_tag::Column::RecordType.eq(record_type))
        .filter(record_tag::Column::RecordId.eq(from))
        .all(txn)
        .await?;
    let mine: Vec<String> = record_tag::Entity::find_in(ws)
        .filter(record_tag::Column::RecordType.eq(record_type))
        .filter(record_tag::Column::RecordId.eq(to))
        .all(txn)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect();
    for t in theirs {
        if mine.contains(&t.tag) {
            record_tag::Entity::delete_in(ws)
                .filter(record_tag::Column::Id.eq(t.id))
                .exec(txn)
                .await?;
        } else {
            record_tag::Entity::update_in(ws)
                .filter(record_tag::Column::Id.eq(t.id))
                .col_expr(record_tag::Column::RecordId, Expr::value(to))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

async fn move_timeline_and_tasks(
    txn: &DatabaseTransaction,
    ws: Uuid,
    record_type: &str,
    from: Uuid,
    to: Uuid,
    moved: &mut Moved,
) -> Result<()> {
    moved.timeline_entries = timeline_entry::Entity::update_in(ws)
        .filter(timeline_entry::Column::RecordType.eq(record_type))
        .filter(timeline_entry::Column::RecordId.eq(from))
        .col_expr(timeline_entry::Column::RecordId, Expr::value(to))
        .exec(txn)
        .await?
        .rows_affected;
    moved.tasks = task::Entity::update_in(ws)
        .filter(task::Column::RecordType.eq(record_type))
        .filter(task::Column::RecordId.eq(from))
        .col_expr(task::Column::RecordId, Expr::value(to))
        .exec(txn)
        .await?
        .rows_affected;
    Ok(())
}

/// Merges contact `merge` into contact `keep`.
pub async fn contacts(
    cx: &Context,
    scope: &TenantScope,
    keep: Uuid,
    merge: Uuid,
    dry_run: bool,
) -> Result<ContactMerge> {
    if keep == merge {
        return Err(Error::bad_input("mergeId", "A contact cannot be merged with itself."));
    }
    let ws = scope.workspace_id;
    let txn = cx.db.begin().await?;
    let survivor = contacts::get_visible(&txn, scope, keep, "keepId").await?;
    let gone = contacts::get_visible(&txn, scope, merge, "mergeId").await?;
    if gone.private_notes.is_some() && gone.owner_id != survivor.owner_id {
        return Err(Error::Conflict(
            "The contact to merge has private notes and another owner; its owner must move or clear them first, so that nobody reads confidences not shared with them.".into(),
        ));
    }
    let mut moved = Moved::default();
    // Addresses: the survivor's primary stays primary; duplicates are dropped.
    let mine: Vec<String> = contact_email::Entity::find_in(ws)
        .filter(contact_email::Column::ContactId.eq(keep))
        .all(&txn)
        .await?
        .into_iter()
        .map(|e| e.email_canonical)
        .collect();
    for e in contact_email::Entity::find_in(ws)
        .filter(contact_email::Column::ContactId.eq(merge))
        .all(&txn)
        .await?
    {
        if mine.contains(&e.email_canonical) {
            contact_email::Entity::delete_in(ws)
                .filter(contact_email::Column::Id.eq(e.id))
                .exec(&txn)
                .await?;
        } else {
            let mut am: contact_email::ActiveModel = e.into();
            am.contact_id = Set(keep);
            am.is_primary = Set(mine.is_empty() && moved.emails_or_domains == 0);
            am.update(&txn).await?;
            moved.emails_or_domains += 1;
        }
    }
    let my_phones: Vec<String> = contact_phone::Entity::find_in(ws)
        .filter(contact_phone::Column::ContactId.eq(keep))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.phone_digits)
        .collect();
    for p in contact_phone::Entity::find_in(ws)
        .filter(contact_phone::Column::ContactId.eq(merge))
        .all(&txn)
        .await?
    {
        if my_phones.contains(&p.phone_digits) {
            contact_phone::Entity::delete_in(ws)
                .filter(contact_phone::Column::Id.eq(p.id))
                .exec(&txn)
                .await?;
        } else {
            let mut am: contact_phone::ActiveModel = p.into();
            am.contact_id = Set(keep);
            am.is_primary = Set(my_phones.is_empty());
            am.update(&txn).await?;
        }
    }
    move_tags(&txn, ws, contacts::RECORD, merge, keep).await?;
    moved.activities = activity::Entity::update_in(ws)
        .filter(activity::Column::ContactId.eq(merge))
        .col_expr(activity::Column::ContactId, Expr::value(keep))
        .exec(&txn)
        .await?
        .rows_affected;
    // Deals: re-point, unless the survivor is already on the deal.
    for oc in opportunity_contact::Entity::find_in(ws)
        .filter(opportunity_contact::Column::ContactId.eq(merge))
        .all(&txn)
        .await?
    {
        let already = opportunity_contact::Entity::find_in(ws)
            .filter(opportunity_contact::Column::OpportunityId.eq(oc.opportunity_id))
            .filter(opportunity_contact::Column::ContactId.eq(keep))
            .one(&txn)
            .await?
            .is_some();
        if already {
            opportunity_contact::Entity::delete_in(ws)
                .filter(opportunity_contact::Column::Id.eq(oc.id))
                .exec(&txn)
                .await?;
        } else {
            opportunity_contact::Entity::update_in(ws)
                .filter(opportunity_contact::Column::Id.eq(oc.id))
                .col_expr(opportunity_contact::Column::ContactId, Expr::value(keep))
                .exec(&txn)
                .await?;
        }
        moved.opportunities += 1;
    }
    move_timeline_and_tasks(&txn, ws, contacts::RECORD, merge, keep, &mut moved).await?;
    contact::Entity::update_in(ws)
        .filter(contact::Column::ReferredById.eq(merge))
        .col_expr(contact::Column::ReferredById, Expr::value(keep))
        .exec(&txn)
        .await?;
    lead::Entity::update_in(ws)
        .filter(lead::Column::ConvertedContactId.eq(merge))
        .col_expr(lead::Column::ConvertedContactId, Expr::value(keep))
        .exec(&txn)
        .await?;
    note_share::Entity::delete_in(ws)
        .filter(note_share::Column::ContactId.eq(merge))
        .exec(&txn)
        .await?;

    // The survivor keeps its values and takes the merged one's where it has none.
    let mut am: contact::ActiveModel = survivor.clone().into();
    am.title = Set(survivor.title.clone().or(gone.title.clone()));
    am.company_id = Set(survivor.company_id.or(gone.company_id));
    am.referred_by_id = Set(survivor.referred_by_id.or(gone.referred_by_id).filter(|r| *r != keep));
    am.public_notes = Set(join_notes(&survivor.public_notes, &gone.public_notes));
    am.semi_public_notes = Set(join_notes(&survivor.semi_public_notes, &gone.semi_public_notes));
    am.private_notes = Set(join_notes(&survivor.private_notes, &gone.private_notes));
    let survivor = am.update(&txn).await?;
    let mut gone_am: contact::ActiveModel = gone.clone().into();
    gone_am.deleted_at = Set(Some(now()));
    gone_am.update(&txn).await?;
    record_merge(&txn, scope, contacts::RECORD, keep, merge, &gone.name).await?;
    finish(txn, dry_run, ContactMerge { survivor, moved }).await
}

/// Both timelines say what happened: "merged" on the survivor, "merged_into" on the other.
async fn record_merge(
    txn: &DatabaseTransaction,
    scope: &TenantScope,
    record: &str,
    keep: Uuid,
    merge: Uuid,
    name: &str,
) -> Result<()> {
    timeline(
        txn,
        scope,
        record,
        keep,
        "merged",
        json!({ "mergedId": merge, "name": name }),
    )
    .await?;
    timeline(txn, scope, record, merge, "merged_into", json!({ "survivorId": keep })).await
}

fn join_notes(a: &Option<String>, b: &Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}\n\n{b}")),
        (Some(a), _) => Some(a.clone()),
        (None, b) => b.clone(),
    }
}

/// Merges company `merge` into company `keep`.
pub async fn companies(
    cx: &Context,
    scope: &TenantScope,
    keep: Uuid,
    merge: Uuid,
    dry_run: bool,
) -> Result<CompanyMerge> {
    if keep == merge {
        return Err(Error::bad_input("mergeId", "A company cannot be merged with itself."));
    }
    let ws = scope.workspace_id;
    let txn = cx.db.begin().await?;
    let survivor = companies::get_visible(&txn, scope, keep, "keepId").await?;
    let gone = companies::get_visible(&txn, scope, merge, "mergeId").await?;
    let domains = company_domain::Entity::update_in(ws)
        .filter(company_domain::Column::CompanyId.eq(merge))
        .col_expr(company_domain::Column::CompanyId, Expr::value(keep))
        .exec(&txn)
        .await?
        .rows_affected;
    let mut moved = Moved {
        emails_or_domains: domains,
        ..Default::default()
    };
    move_tags(&txn, ws, companies::RECORD, merge, keep).await?;
    moved.contacts = contact::Entity::update_in(ws)
        .filter(contact::Column::CompanyId.eq(merge))
        .col_expr(contact::Column::CompanyId, Expr::value(keep))
        .exec(&txn)
        .await?
        .rows_affected;
    moved.activities = activity::Entity::update_in(ws)
        .filter(activity::Column::CompanyId.eq(merge))
        .col_expr(activity::Column::CompanyId, Expr::value(keep))
        .exec(&txn)
        .await?
        .rows_affected;
    moved.opportunities = opportunity::Entity::update_in(ws)
        .filter(opportunity::Column::CompanyId.eq(merge))
        .col_expr(opportunity::Column::CompanyId, Expr::value(keep))
        .exec(&txn)
        .await?
        .rows_affected;
    move_timeline_and_tasks(&txn, ws, companies::RECORD, merge, keep, &mut moved).await?;
    lead::Entity::update_in(ws)
        .filter(lead::Column::ConvertedCompanyId.eq(merge))
        .col_expr(lead::Column::ConvertedCompanyId, Expr::value(keep))
        .exec(&txn)
        .await?;
    let mut am: company::ActiveModel = survivor.clone().into();
    am.industry = Set(survivor.industry.clone().or(gone.industry.clone()));
    am.region = Set(survivor.region.clone().or(gone.region.clone()));
    am.address = Set(survivor.address.clone().or(gone.address.clone()));
    am.website = Set(survivor.website.clone().or(gone.website.clone()));
    am.source = Set(survivor.source.clone().or(gone.source.clone()));
    am.tier = Set(survivor.tier.clone().or(gone.tier.clone()));
    let survivor = am.update(&txn).await?;
    let mut gone_am: company::ActiveModel = gone.clone().into();
    gone_am.deleted_at = Set(Some(now()));
    gone_am.update(&txn).await?;
    record_merge(&txn, scope, companies::RECORD, keep, merge, &gone.name).await?;
    finish(txn, dry_run, CompanyMerge { survivor, moved }).await
}
