//! Companies, contacts and activities: lookups and filtered, sorted, searchable lists.

use async_graphql::{Context, Enum, ID, InputObject, Object};

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::filters::{CompanyFilter, ContactFilter};
use crate::graphql::types::SortDirection;
use crate::graphql::types::activity::Activity;
use crate::graphql::types::company::Company;
use crate::graphql::types::contact::Contact;
use crate::graphql::types::{contact_lookup, contact_page};
use crate::graphql::{cx, ids, scope};
use crate::service;
use crate::service::company::CompanyOrder;
use crate::service::contact::ContactOrder;

#[derive(Default)]
pub struct CrmQuery;

/// Fields companies and contacts can be ordered by.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum RecordOrderField {
    /// Name.
    Name,
    /// Record number.
    Number,
    /// Creation time.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// One ordering; ties are broken by id so pages never overlap.
#[derive(InputObject)]
pub struct RecordOrderBy {
    /// The field.
    pub field: RecordOrderField,
    /// The direction; ascending when left out.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// `orderBy` as `(field, descending)` pairs in the service's terms; by name when left out.
/// (How many and which combinations are allowed is the service's rule.)
fn order<O>(order_by: Option<Vec<RecordOrderBy>>, field: fn(RecordOrderField) -> O, name: O) -> Vec<(O, bool)> {
    match order_by {
        Some(v) => v
            .into_iter()
            .map(|o| (field(o.field), o.direction == SortDirection::Desc))
            .collect(),
        None => vec![(name, false)],
    }
}

#[Object]
impl CrmQuery {
    /// One company.
    async fn company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A company's global id.")] id: ID,
    ) -> async_graphql::Result<Company> {
        let id = ids::decode("id", "Company", "company", &id).gql()?;
        Ok(Company::from(
            service::company::get(cx(ctx), scope(ctx)?, id).await.gql()?,
        ))
    }

    /// Companies you may see, by name unless `orderBy` says otherwise.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn companies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<CompanyFilter>,
        #[graphql(desc = "Case-insensitive search in names and domains.")] search: Option<String>,
        #[graphql(desc = "Ordering, 1 to 3 fields, the first one first; by name when left out.")] order_by: Option<
            Vec<RecordOrderBy>,
        >,
        #[graphql(desc = "List deleted companies instead (to restore them).", default)] deleted: bool,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Company>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let f = filter.map(|f| f.to_service()).transpose().gql()?;
        let order = order(
            order_by,
            |f| match f {
                RecordOrderField::Name => CompanyOrder::Name,
                RecordOrderField::Number => CompanyOrder::Number,
                RecordOrderField::CreatedAt => CompanyOrder::CreatedAt,
                RecordOrderField::UpdatedAt => CompanyOrder::UpdatedAt,
            },
            CompanyOrder::Name,
        );
        let a = service::company::ListArgs {
            filter: f.as_ref(),
            search: search.as_deref(),
            order: &order,
            deleted,
        };
        let page = service::company::list(cx, scope, &a, &connection::args(first, after, last, before))
            .await
            .gql()?;
        let total = if connection::wants_total(ctx) {
            service::company::count(cx, scope, &a).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page.map(Company::from), total))
    }

    /// One contact.
    async fn contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A contact's global id.")] id: ID,
    ) -> async_graphql::Result<Contact> {
        let id = ids::decode("id", "Contact", "contact", &id).gql()?;
        Ok(Contact::new(
            service::contact::get(cx(ctx), scope(ctx)?, id).await.gql()?,
        ))
    }

    /// One contact by record number (as people quote it: "contact 1042").
    async fn contact_by_number(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record number.")] number: i64,
    ) -> async_graphql::Result<Contact> {
        contact_lookup::by_number(ctx, number).await
    }

    /// Contacts you may see, by name unless `orderBy` says otherwise.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(1) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn contacts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list, also across their company.")] filter: Option<ContactFilter>,
        #[graphql(desc = "Case-insensitive search in names, emails and phone numbers.")] search: Option<String>,
        #[graphql(desc = "Ordering, 1 to 3 fields, the first one first; by name when left out.")] order_by: Option<
            Vec<RecordOrderBy>,
        >,
        #[graphql(desc = "List deleted contacts instead (to restore them).", default)] deleted: bool,
        #[graphql(desc = "Page size from the start, 1–100.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end, 1–100.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<Contact>> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let f = filter.map(|f| f.to_service()).transpose().gql()?;
        let order = order(
            order_by,
            |f| match f {
                RecordOrderField::Name => ContactOrder::Name,
                RecordOrderField::Number => ContactOrder::Number,
                RecordOrderField::CreatedAt => ContactOrder::CreatedAt,
                RecordOrderField::UpdatedAt => ContactOrder::UpdatedAt,
            },
            ContactOrder::Name,
        );
        let a = service::contact::ListArgs {
            filter: f.as_ref(),
            search: search.as_deref(),
            order: &order,
            deleted,
        };
        let page = contact_page::list(ctx, &a, &connection::args_for(ctx, first, after, last, before)).await?;
        let total = if connection::wants_total(ctx) {
            service::contact::count(cx, scope, &a).await.gql()?
        } else {
            0
        };
        Ok(connection::build(page, total))
    }

    /// One activity (visible through the record it belongs to).
    async fn activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An activity's global id.")] id: ID,
    ) -> async_graphql::Result<Activity> {
        let id = ids::decode("id", "Activity", "activity", &id).gql()?;
        Ok(Activity(service::activity::get(cx(ctx), scope(ctx)?, id).await.gql()?))
    }
}
