//! Filter inputs shared by lists: per-field operators and the per-record filters with
//! `and`/`or`/`not`. Each converts into the service layer's filter, decoding global ids.

use async_graphql::{ID, InputObject};

use crate::error::Result;
use crate::graphql::ids;
use crate::service::company::CompanyFilter as SvcCompanyFilter;
use crate::service::contact::ContactFilter as SvcContactFilter;
use crate::service::filter::{IdOp, IntOp, StrOp, TimeOp};
use crate::service::lead::LeadFilter as SvcLeadFilter;
use crate::service::task::TaskFilter as SvcTaskFilter;

/// Operators on text. `contains` and `startsWith` ignore case; `eq`, `ne`, `in` and `notIn` are exact.
#[derive(InputObject, Default, Clone)]
pub struct StringFilter {
    /// Equal to.
    pub eq: Option<String>,
    /// Not equal to.
    pub ne: Option<String>,
    /// One of (at most 500 values).
    #[graphql(name = "in")]
    pub in_: Option<Vec<String>>,
    /// None of (at most 500 values).
    pub not_in: Option<Vec<String>>,
    /// Contains, ignoring case.
    pub contains: Option<String>,
    /// Starts with, ignoring case.
    pub starts_with: Option<String>,
    /// Is empty (true) or set (false).
    pub is_null: Option<bool>,
}

impl From<&StringFilter> for StrOp {
    fn from(f: &StringFilter) -> Self {
        StrOp {
            eq: f.eq.clone(),
            ne: f.ne.clone(),
            in_: f.in_.clone(),
            not_in: f.not_in.clone(),
            contains: f.contains.clone(),
            starts_with: f.starts_with.clone(),
            is_null: f.is_null,
        }
    }
}

/// Operators on a reference to another record.
#[derive(InputObject, Default, Clone)]
pub struct IdFilter {
    /// Equal to.
    pub eq: Option<ID>,
    /// Not equal to (records without one match too).
    pub ne: Option<ID>,
    /// One of (at most 500).
    #[graphql(name = "in")]
    pub in_: Option<Vec<ID>>,
    /// None of (at most 500; records without one match too).
    pub not_in: Option<Vec<ID>>,
    /// Has none (true) or has one (false).
    pub is_null: Option<bool>,
}

pub(crate) fn id_op(field: &str, kind: &str, what: &str, f: &IdFilter) -> Result<IdOp> {
    id_op_by(f, |v| ids::decode(field, kind, what, v))
}

/// The operators with each id decoded by `one`.
fn id_op_by(f: &IdFilter, one: impl Fn(&ID) -> Result<uuid::Uuid>) -> Result<IdOp> {
    let one = &one;
    let many = |v: &Vec<ID>| v.iter().map(one).collect::<Result<Vec<_>>>();
    Ok(IdOp {
        eq: f.eq.as_ref().map(one).transpose()?,
        ne: f.ne.as_ref().map(one).transpose()?,
        in_: f.in_.as_ref().map(many).transpose()?,
        not_in: f.not_in.as_ref().map(many).transpose()?,
        is_null: f.is_null,
    })
}

/// Operators on a point in time (UTC).
#[derive(InputObject, Default, Clone)]
pub struct DateTimeFilter {
    /// Equal to.
    pub eq: Option<chrono::DateTime<chrono::Utc>>,
    /// Before.
    pub lt: Option<chrono::DateTime<chrono::Utc>>,
    /// At or before.
    pub lte: Option<chrono::DateTime<chrono::Utc>>,
    /// After.
    pub gt: Option<chrono::DateTime<chrono::Utc>>,
    /// At or after.
    pub gte: Option<chrono::DateTime<chrono::Utc>>,
    /// Is empty (true) or set (false).
    pub is_null: Option<bool>,
}

impl From<&DateTimeFilter> for TimeOp {
    fn from(f: &DateTimeFilter) -> Self {
        TimeOp {
            eq: f.eq,
            lt: f.lt,
            lte: f.lte,
            gt: f.gt,
            gte: f.gte,
            is_null: f.is_null,
        }
    }
}

/// Operators on a whole number.
#[derive(InputObject, Default, Clone)]
pub struct IntFilter {
    /// Equal to.
    pub eq: Option<i64>,
    /// One of (at most 500).
    #[graphql(name = "in")]
    pub in_: Option<Vec<i64>>,
    /// Less than.
    pub lt: Option<i64>,
    /// At most.
    pub lte: Option<i64>,
    /// Greater than.
    pub gt: Option<i64>,
    /// At least.
    pub gte: Option<i64>,
}

impl From<&IntFilter> for IntOp {
    fn from(f: &IntFilter) -> Self {
        IntOp {
            eq: f.eq,
            in_: f.in_.clone(),
            lt: f.lt,
            lte: f.lte,
            gt: f.gt,
            gte: f.gte,
        }
    }
}

/// Narrows a list of companies. Fields combine with AND; use `or` and `not` for the rest.
#[derive(InputObject, Default, Clone)]
pub struct CompanyFilter {
    /// All of these.
    pub and: Option<Vec<CompanyFilter>>,
    /// Any of these.
    pub or: Option<Vec<CompanyFilter>>,
    /// Not this.
    pub not: Option<Box<CompanyFilter>>,
    /// Record number.
    pub number: Option<IntFilter>,
    /// Name.
    pub name: Option<StringFilter>,
    /// Industry.
    pub industry: Option<StringFilter>,
    /// Region.
    pub region: Option<StringFilter>,
    /// Tier (key-customer class).
    pub tier: Option<StringFilter>,
    /// Source.
    pub source: Option<StringFilter>,
    /// Any of its domains.
    pub domain: Option<StringFilter>,
    /// Any of its tags.
    pub tag: Option<StringFilter>,
    /// Owner (a user id).
    pub owner_id: Option<IdFilter>,
    /// Creation time.
    pub created_at: Option<DateTimeFilter>,
    /// Last change.
    pub updated_at: Option<DateTimeFilter>,
}

impl CompanyFilter {
    pub fn to_service(&self) -> Result<SvcCompanyFilter> {
        let list =
            |v: &Option<Vec<CompanyFilter>>| v.iter().flatten().map(|f| f.to_service()).collect::<Result<Vec<_>>>();
        Ok(SvcCompanyFilter {
            and: list(&self.and)?,
            or: list(&self.or)?,
            not: self.not.as_ref().map(|n| n.to_service().map(Box::new)).transpose()?,
            number: self.number.as_ref().map(Into::into),
            name: self.name.as_ref().map(Into::into),
            industry: self.industry.as_ref().map(Into::into),
            region: self.region.as_ref().map(Into::into),
            tier: self.tier.as_ref().map(Into::into),
            source: self.source.as_ref().map(Into::into),
            domain: self.domain.as_ref().map(Into::into),
            tag: self.tag.as_ref().map(Into::into),
            owner_id: self
                .owner_id
                .as_ref()
                .map(|f| id_op("filter.ownerId", "User", "user", f))
                .transpose()?,
            created_at: self.created_at.as_ref().map(Into::into),
            updated_at: self.updated_at.as_ref().map(Into::into),
        })
    }
}

/// Narrows a list of contacts. Fields combine with AND; use `or` and `not` for the rest.
/// Private notes are deliberately not filterable.
#[derive(InputObject, Default, Clone)]
pub struct ContactFilter {
    /// All of these.
    pub and: Option<Vec<ContactFilter>>,
    /// Any of these.
    pub or: Option<Vec<ContactFilter>>,
    /// Not this.
    pub not: Option<Box<ContactFilter>>,
    /// Record number.
    pub number: Option<IntFilter>,
    /// Name.
    pub name: Option<StringFilter>,
    /// Job title.
    pub title: Option<StringFilter>,
    /// Any of their email addresses (canonical, lowercase).
    pub email: Option<StringFilter>,
    /// Any of their phone numbers (digits only).
    pub phone: Option<StringFilter>,
    /// Any of their tags.
    pub tag: Option<StringFilter>,
    /// Their company.
    pub company_id: Option<IdFilter>,
    /// Owner (a user id).
    pub owner_id: Option<IdFilter>,
    /// Who referred them.
    pub referred_by_id: Option<IdFilter>,
    /// Creation time.
    pub created_at: Option<DateTimeFilter>,
    /// Last change.
    pub updated_at: Option<DateTimeFilter>,
    /// Their company matches this filter, e.g. `{ region: { eq: "华东" } }`.
    pub company: Option<CompanyFilter>,
}

impl ContactFilter {
    pub fn to_service(&self) -> Result<SvcContactFilter> {
        let list =
            |v: &Option<Vec<ContactFilter>>| v.iter().flatten().map(|f| f.to_service()).collect::<Result<Vec<_>>>();
        Ok(SvcContactFilter {
            and: list(&self.and)?,
            or: list(&self.or)?,
            not: self.not.as_ref().map(|n| n.to_service().map(Box::new)).transpose()?,
            number: self.number.as_ref().map(Into::into),
            name: self.name.as_ref().map(Into::into),
            title: self.title.as_ref().map(Into::into),
            email: self.email.as_ref().map(Into::into),
            phone: self.phone.as_ref().map(Into::into),
            tag: self.tag.as_ref().map(Into::into),
            company_id: self
                .company_id
                .as_ref()
                .map(|f| id_op("filter.companyId", "Company", "company", f))
                .transpose()?,
            owner_id: self
                .owner_id
                .as_ref()
                .map(|f| id_op("filter.ownerId", "User", "user", f))
                .transpose()?,
            referred_by_id: self
                .referred_by_id
                .as_ref()
                .map(|f| id_op("filter.referredById", "Contact", "contact", f))
                .transpose()?,
            created_at: self.created_at.as_ref().map(Into::into),
            updated_at: self.updated_at.as_ref().map(Into::into),
            company: self.company.as_ref().map(|c| c.to_service()).transpose()?,
        })
    }
}

/// Narrows a list of leads. Fields combine with AND; use `or` and `not` for the rest.
#[derive(InputObject, Default, Clone)]
pub struct LeadFilter {
    /// All of these.
    pub and: Option<Vec<LeadFilter>>,
    /// Any of these.
    pub or: Option<Vec<LeadFilter>>,
    /// Not this.
    pub not: Option<Box<LeadFilter>>,
    /// The person's name.
    pub name: Option<StringFilter>,
    /// Email (canonical, lowercase).
    pub email: Option<StringFilter>,
    /// Phone, as given; `contains` / `startsWith` compare digits only, so "138 0013" finds "+86 138-0013-8000".
    pub phone: Option<StringFilter>,
    /// Their company, as given.
    pub company_name: Option<StringFilter>,
    /// Where it came from.
    pub source: Option<StringFilter>,
    /// `new`, `working`, `qualified`, `disqualified` or `converted` (other values are refused).
    pub status: Option<StringFilter>,
    /// Owner (a user id).
    pub owner_id: Option<IdFilter>,
    /// Creation time.
    pub created_at: Option<DateTimeFilter>,
}

impl LeadFilter {
    pub fn to_service(&self) -> Result<SvcLeadFilter> {
        let list = |v: &Option<Vec<LeadFilter>>| v.iter().flatten().map(|f| f.to_service()).collect::<Result<Vec<_>>>();
        Ok(SvcLeadFilter {
            and: list(&self.and)?,
            or: list(&self.or)?,
            not: self.not.as_ref().map(|n| n.to_service().map(Box::new)).transpose()?,
            name: self.name.as_ref().map(Into::into),
            email: self.email.as_ref().map(Into::into),
            phone: self.phone.as_ref().map(Into::into),
            company_name: self.company_name.as_ref().map(Into::into),
            source: self.source.as_ref().map(Into::into),
            status: self.status.as_ref().map(Into::into),
            owner_id: self
                .owner_id
                .as_ref()
                .map(|f| id_op("filter.ownerId", "User", "user", f))
                .transpose()?,
            created_at: self.created_at.as_ref().map(Into::into),
        })
    }
}

/// Narrows a list of tasks. Fields combine with AND; use `or` and `not` for the rest.
#[derive(InputObject, Default, Clone)]
pub struct TaskFilter {
    /// All of these.
    pub and: Option<Vec<TaskFilter>>,
    /// Any of these.
    pub or: Option<Vec<TaskFilter>>,
    /// Not this.
    pub not: Option<Box<TaskFilter>>,
    /// What to do.
    pub title: Option<StringFilter>,
    /// Who does it (a user id).
    pub assignee_id: Option<IdFilter>,
    /// `open` or `done` (other values are refused).
    pub status: Option<StringFilter>,
    /// `low`, `normal` or `high` (other values are refused).
    pub priority: Option<StringFilter>,
    /// Due time; `isNull: true` for tasks without one.
    pub due_at: Option<DateTimeFilter>,
    /// The contact, company or opportunity it is about.
    pub record_id: Option<IdFilter>,
    /// Creation time.
    pub created_at: Option<DateTimeFilter>,
}

/// A linked record's id: any of the kinds a task can be about.
fn record_id_op(f: &IdFilter) -> Result<IdOp> {
    const FIELD: &str = "filter.recordId";
    id_op_by(f, |v| {
        let (kind, id) = ids::parse(FIELD, v)?;
        match kind.as_str() {
            "Contact" | "Company" | "Opportunity" => Ok(id),
            _ => Err(crate::error::Error::bad_input(
                FIELD,
                "A task can be about a contact, a company or an opportunity.",
            )),
        }
    })
}

impl TaskFilter {
    pub fn to_service(&self) -> Result<SvcTaskFilter> {
        let list = |v: &Option<Vec<TaskFilter>>| v.iter().flatten().map(|f| f.to_service()).collect::<Result<Vec<_>>>();
        Ok(SvcTaskFilter {
            and: list(&self.and)?,
            or: list(&self.or)?,
            not: self.not.as_ref().map(|n| n.to_service().map(Box::new)).transpose()?,
            title: self.title.as_ref().map(Into::into),
            assignee_id: self
                .assignee_id
                .as_ref()
                .map(|f| id_op("filter.assigneeId", "User", "user", f))
                .transpose()?,
            status: self.status.as_ref().map(Into::into),
            priority: self.priority.as_ref().map(Into::into),
            due_at: self.due_at.as_ref().map(Into::into),
            record_id: self.record_id.as_ref().map(record_id_op).transpose()?,
            created_at: self.created_at.as_ref().map(Into::into),
        })
    }
}
