//! DataLoaders, built per request with the caller's workspace, so a batch can never load rows
//! of another tenant and nothing is cached across requests.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    activity, company, contact, contact_email, contact_phone, department, opportunity_contact, pipeline_stage,
    timeline_entry, user,
};
use uuid::Uuid;

use crate::scope::TenantScope;
use crate::service::pagination::Page;
use crate::service::{self, Context};

pub struct DepartmentLoader {
    cx: Arc<Context>,
    workspace_id: Uuid,
}

impl Loader<Uuid> for DepartmentLoader {
    type Value = department::Model;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = service::department::by_ids(&self.cx, self.workspace_id, keys)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

pub struct UserLoader {
    cx: Arc<Context>,
    workspace_id: Uuid,
}

impl Loader<Uuid> for UserLoader {
    type Value = user::Model;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = service::user::by_ids(&self.cx, self.workspace_id, keys)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

/// Companies the caller may see.
pub struct CompanyLoader {
    cx: Arc<Context>,
    scope: TenantScope,
}

impl Loader<Uuid> for CompanyLoader {
    type Value = company::Model;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = service::company::by_ids(&self.cx, &self.scope, keys)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

/// Contacts the caller may see.
pub struct ContactLoader {
    cx: Arc<Context>,
    scope: TenantScope,
}

impl Loader<Uuid> for ContactLoader {
    type Value = contact::Model;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = service::contact::by_ids(&self.cx, &self.scope, keys)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

/// Per-record lists keyed by the record id (workspace in the second field).
pub struct ContactEmails(Arc<Context>, Uuid);
pub struct ContactPhones(Arc<Context>, Uuid);
pub struct CompanyDomains(Arc<Context>, Uuid);
pub struct LastActivity(Arc<Context>, Uuid);

impl Loader<Uuid> for ContactEmails {
    type Value = Vec<contact_email::Model>;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::contact::emails_of(&self.0, self.1, keys)
            .await
            .map_err(Arc::new)
    }
}

impl Loader<Uuid> for ContactPhones {
    type Value = Vec<contact_phone::Model>;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::contact::phones_of(&self.0, self.1, keys)
            .await
            .map_err(Arc::new)
    }
}

impl Loader<Uuid> for CompanyDomains {
    type Value = Vec<String>;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::company::domains_of(&self.0, self.1, keys)
            .await
            .map_err(Arc::new)
    }
}

impl Loader<Uuid> for LastActivity {
    type Value = activity::Model;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::activity::latest_for_contacts(&self.0, self.1, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Tags of records of one type.
pub struct Tags(Arc<Context>, Uuid, &'static str);

impl Loader<Uuid> for Tags {
    type Value = Vec<String>;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::records::tags_of(&self.0.db, self.1, self.2, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Which contacts' private notes were shared with the caller.
pub struct SharedNotes(Arc<Context>, TenantScope);

impl Loader<Uuid> for SharedNotes {
    type Value = bool;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let set = service::contact::private_readable(&self.0, &self.1, keys)
            .await
            .map_err(Arc::new)?;
        Ok(keys.iter().map(|k| (*k, set.contains(k))).collect())
    }
}

/// Pipeline stages by id, stages of a pipeline, contacts of a deal.
pub struct Stages(Arc<Context>, Uuid);
pub struct PipelineStages(Arc<Context>, Uuid);
pub struct DealContacts(Arc<Context>, Uuid);

impl Loader<Uuid> for Stages {
    type Value = pipeline_stage::Model;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = service::pipeline::stages_by_ids(&self.0, self.1, keys)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

impl Loader<Uuid> for PipelineStages {
    type Value = Vec<pipeline_stage::Model>;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::pipeline::stages_of(&self.0, self.1, keys)
            .await
            .map_err(Arc::new)
    }
}

impl Loader<Uuid> for DealContacts {
    type Value = Vec<opportunity_contact::Model>;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::opportunity::contacts_of(&self.0, self.1, keys)
            .await
            .map_err(Arc::new)
    }
}

/// First pages of nested lists, keyed by (record, page size): one statement per kind and size
/// for a whole page of parents (see `pagination::first_pages`).
pub struct ActivityPages(Arc<Context>, TenantScope);
pub struct ActivityTotals(Arc<Context>, TenantScope);
pub struct CompanyContactPages(Arc<Context>, TenantScope);
pub struct CompanyContactTotals(Arc<Context>, TenantScope);

type ActivityKey = (service::activity::Of, i32);

impl Loader<ActivityKey> for ActivityPages {
    type Value = Page<activity::Model>;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[ActivityKey]) -> Result<HashMap<ActivityKey, Self::Value>, Self::Error> {
        use service::activity::Of;
        let mut groups: HashMap<(bool, i32), Vec<Of>> = HashMap::new();
        for (of, n) in keys {
            groups.entry((matches!(of, Of::Company(_)), *n)).or_default().push(*of);
        }
        let mut out = HashMap::new();
        for ((_, n), of) in groups {
            let pages = service::activity::first_pages(&self.0, &self.1, &of, n)
                .await
                .map_err(Arc::new)?;
            out.extend(pages.into_iter().map(|(o, p)| ((o, n), p)));
        }
        Ok(out)
    }
}

impl Loader<service::activity::Of> for ActivityTotals {
    type Value = i64;
    type Error = Arc<crate::Error>;

    async fn load(
        &self,
        keys: &[service::activity::Of],
    ) -> Result<HashMap<service::activity::Of, Self::Value>, Self::Error> {
        use service::activity::Of;
        let (companies, contacts): (Vec<Of>, Vec<Of>) = keys.iter().partition(|o| matches!(o, Of::Company(_)));
        let mut out = HashMap::new();
        for of in [companies, contacts].into_iter().filter(|v| !v.is_empty()) {
            out.extend(
                service::activity::totals(&self.0, &self.1, &of)
                    .await
                    .map_err(Arc::new)?,
            );
        }
        Ok(out)
    }
}

/// Timelines under a list: first pages and totals by record.
pub struct TimelinePages(Arc<Context>, TenantScope);
pub struct TimelineTotals(Arc<Context>, TenantScope);

/// A record's timeline (a struct, not a tuple with a `&'static str`: the loader's key must not
/// carry a lifetime parameter).
#[derive(Clone, Copy, Hash, PartialEq, Eq)]
pub struct TimelineOf {
    pub record_type: &'static str,
    pub id: Uuid,
}

impl Loader<(TimelineOf, i32)> for TimelinePages {
    type Value = Page<timeline_entry::Model>;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[(TimelineOf, i32)]) -> Result<HashMap<(TimelineOf, i32), Self::Value>, Self::Error> {
        let mut groups: HashMap<(&'static str, i32), Vec<Uuid>> = HashMap::new();
        for (of, n) in keys {
            groups.entry((of.record_type, *n)).or_default().push(of.id);
        }
        let mut out = HashMap::new();
        for ((record_type, n), ids) in groups {
            let pages = service::timeline::first_pages(&self.0, &self.1, record_type, &ids, n)
                .await
                .map_err(Arc::new)?;
            out.extend(
                pages
                    .into_iter()
                    .map(|(id, p)| ((TimelineOf { record_type, id }, n), p)),
            );
        }
        Ok(out)
    }
}

impl Loader<TimelineOf> for TimelineTotals {
    type Value = i64;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[TimelineOf]) -> Result<HashMap<TimelineOf, Self::Value>, Self::Error> {
        let mut groups: HashMap<&'static str, Vec<Uuid>> = HashMap::new();
        for of in keys {
            groups.entry(of.record_type).or_default().push(of.id);
        }
        let mut out = HashMap::new();
        for (record_type, ids) in groups {
            let counts = service::timeline::totals(&self.0, &self.1, record_type, &ids)
                .await
                .map_err(Arc::new)?;
            // A record without entries has no row in the count.
            out.extend(ids.iter().map(|id| {
                (
                    TimelineOf { record_type, id: *id },
                    counts.get(id).copied().unwrap_or(0),
                )
            }));
        }
        Ok(out)
    }
}

impl Loader<(Uuid, i32)> for CompanyContactPages {
    type Value = Page<contact::Model>;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[(Uuid, i32)]) -> Result<HashMap<(Uuid, i32), Self::Value>, Self::Error> {
        let mut groups: HashMap<i32, Vec<Uuid>> = HashMap::new();
        for (id, n) in keys {
            groups.entry(*n).or_default().push(*id);
        }
        let mut out = HashMap::new();
        for (n, ids) in groups {
            let mut pages = service::contact::first_pages_by_company(&self.0, &self.1, &ids, n)
                .await
                .map_err(Arc::new)?;
            out.extend(
                ids.into_iter()
                    .map(|id| ((id, n), pages.remove(&id).unwrap_or_else(Page::empty))),
            );
        }
        Ok(out)
    }
}

impl Loader<Uuid> for CompanyContactTotals {
    type Value = i64;
    type Error = Arc<crate::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let counts = service::contact::totals_by_company(&self.0, &self.1, keys)
            .await
            .map_err(Arc::new)?;
        Ok(keys.iter().map(|k| (*k, counts.get(k).copied().unwrap_or(0))).collect())
    }
}

/// All loaders of one request.
pub struct Loaders {
    pub departments: DataLoader<DepartmentLoader>,
    pub users: DataLoader<UserLoader>,
    pub companies: DataLoader<CompanyLoader>,
    pub contacts: DataLoader<ContactLoader>,
    pub contact_emails: DataLoader<ContactEmails>,
    pub contact_phones: DataLoader<ContactPhones>,
    pub company_domains: DataLoader<CompanyDomains>,
    pub last_activity: DataLoader<LastActivity>,
    pub contact_tags: DataLoader<Tags>,
    pub company_tags: DataLoader<Tags>,
    pub shared_notes: DataLoader<SharedNotes>,
    pub stages: DataLoader<Stages>,
    pub pipeline_stages: DataLoader<PipelineStages>,
    pub deal_contacts: DataLoader<DealContacts>,
    pub activity_pages: DataLoader<ActivityPages>,
    pub activity_totals: DataLoader<ActivityTotals>,
    pub company_contact_pages: DataLoader<CompanyContactPages>,
    pub company_contact_totals: DataLoader<CompanyContactTotals>,
    pub timeline_pages: DataLoader<TimelinePages>,
    pub timeline_totals: DataLoader<TimelineTotals>,
}

impl Loaders {
    pub fn new(cx: Arc<Context>, scope: &TenantScope) -> Self {
        let ws = scope.workspace_id;
        Self {
            departments: DataLoader::new(
                DepartmentLoader {
                    cx: cx.clone(),
                    workspace_id: ws,
                },
                tokio::spawn,
            ),
            users: DataLoader::new(
                UserLoader {
                    cx: cx.clone(),
                    workspace_id: ws,
                },
                tokio::spawn,
            ),
            companies: DataLoader::new(
                CompanyLoader {
                    cx: cx.clone(),
                    scope: scope.clone(),
                },
                tokio::spawn,
            ),
            contacts: DataLoader::new(
                ContactLoader {
                    cx: cx.clone(),
                    scope: scope.clone(),
                },
                tokio::spawn,
            ),
            contact_emails: DataLoader::new(ContactEmails(cx.clone(), ws), tokio::spawn),
            contact_phones: DataLoader::new(ContactPhones(cx.clone(), ws), tokio::spawn),
            company_domains: DataLoader::new(CompanyDomains(cx.clone(), ws), tokio::spawn),
            last_activity: DataLoader::new(LastActivity(cx.clone(), ws), tokio::spawn),
            contact_tags: DataLoader::new(Tags(cx.clone(), ws, service::contact::RECORD), tokio::spawn),
            company_tags: DataLoader::new(Tags(cx.clone(), ws, service::company::RECORD), tokio::spawn),
            shared_notes: DataLoader::new(SharedNotes(cx.clone(), scope.clone()), tokio::spawn),
            stages: DataLoader::new(Stages(cx.clone(), ws), tokio::spawn),
            pipeline_stages: DataLoader::new(PipelineStages(cx.clone(), ws), tokio::spawn),
            deal_contacts: DataLoader::new(DealContacts(cx.clone(), ws), tokio::spawn),
            activity_pages: DataLoader::new(ActivityPages(cx.clone(), scope.clone()), tokio::spawn),
            activity_totals: DataLoader::new(ActivityTotals(cx.clone(), scope.clone()), tokio::spawn),
            company_contact_pages: DataLoader::new(CompanyContactPages(cx.clone(), scope.clone()), tokio::spawn),
            company_contact_totals: DataLoader::new(CompanyContactTotals(cx.clone(), scope.clone()), tokio::spawn),
            timeline_pages: DataLoader::new(TimelinePages(cx.clone(), scope.clone()), tokio::spawn),
            timeline_totals: DataLoader::new(TimelineTotals(cx, scope.clone()), tokio::spawn),
        }
    }
}

/// Loader errors keep their kind (a loader error is shared between waiters, hence the Arc).
pub fn loader_error(e: Arc<crate::Error>) -> async_graphql::Error {
    let inner = match Arc::try_unwrap(e) {
        Ok(e) => e,
        Err(shared) => crate::Error::Internal(shared.to_string()),
    };
    super::errors::gql(inner)
}
