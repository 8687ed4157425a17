use async_graphql::{Context, ID, Object};
use entity::activity;

use crate::graphql::connection::{self, Conn};
use crate::graphql::errors::GqlResult;
use crate::graphql::loaders::{Loaders, loader_error};
use crate::graphql::types::company::Company;
use crate::graphql::types::contact::Contact;
use crate::graphql::types::user::User;
use crate::graphql::{cx, ids, scope};
use crate::service::{
    self,
    pagination::{self, Page, PageArgs},
};

/// A record's activities as a connection. A first page comes through the DataLoader (one
/// statement for all records of a list page) unless it was `read` with the record; a page
/// after a cursor is read on its own.
pub async fn connection_of(
    ctx: &Context<'_>,
    of: service::activity::Of,
    args: PageArgs,
    read: Option<Page<activity::Model>>,
) -> async_graphql::Result<Conn<Activity>> {
    let (cx, scope) = (cx(ctx), scope(ctx)?);
    let l = ctx.data_unchecked::<Loaders>();
    let batch = connection::under_list(ctx);
    let page = match (read, pagination::first_page_only(&args).gql()?) {
        (Some(page), _) => page,
        (None, Some(n)) if batch => l
            .activity_pages
            .load_one((of, n))
            .await
            .map_err(loader_error)?
            .unwrap_or_else(Page::empty),
        // Boxed: see `Company.contacts`.
        (None, _) => Box::pin(service::activity::list(cx, scope, of, &args)).await.gql()?,
    };
    let total = match connection::wants_total(ctx) {
        false => 0,
        true if batch => l.activity_totals.load_one(of).await.map_err(loader_error)?.unwrap_or(0),
        true => Box::pin(service::activity::count(cx, scope, of)).await.gql()?,
    };
    Ok(connection::build(page.map(Activity), total))
}

/// The columns of an `Activity` field (its resolver below reads these); the id and time, which
/// order a page and make its cursors, are always read. `None`: not known here.
pub fn columns_of(field: &str) -> Option<&'static [activity::Column]> {
    use activity::Column as A;
    Some(match field {
        "__typename" | "id" | "occurredAt" => &[],
        "kind" => &[A::Kind],
        "subject" => &[A::Subject],
        "body" => &[A::Body],
        "durationMinutes" => &[A::DurationMinutes],
        "outcome" => &[A::Outcome],
        "contact" => &[A::ContactId],
        "company" => &[A::CompanyId],
        "owner" => &[A::OwnerId],
        "latitude" => &[A::Latitude],
        "longitude" => &[A::Longitude],
        "address" => &[A::Address],
        "checkInAt" => &[A::CheckInAt],
        "checkOutAt" => &[A::CheckOutAt],
        _ => return None,
    })
}

/// A call, visit, meeting or note.
pub struct Activity(pub activity::Model);

#[Object]
impl Activity {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Activity", self.0.id)
    }
    /// `call`, `visit`, `meeting` or `note`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// One line saying what it was.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Details.
    async fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }
    /// When it happened (UTC).
    async fn occurred_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.occurred_at
    }
    /// How long it took, in minutes.
    async fn duration_minutes(&self) -> Option<i32> {
        self.0.duration_minutes
    }
    /// How it went.
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    /// The contact it was with.
    async fn contact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Contact>> {
        let Some(id) = self.0.contact_id else { return Ok(None) };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .contacts
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(Contact::new))
    }
    /// The company it concerned.
    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Company>> {
        let Some(id) = self.0.company_id else { return Ok(None) };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .companies
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(Company::from))
    }
    /// Who logged it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.owner_id else { return Ok(None) };
        Ok(ctx
            .data_unchecked::<Loaders>()
            .users
            .load_one(id)
            .await
            .map_err(loader_error)?
            .map(User))
    }
    /// Visit location: latitude.
    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }
    /// Visit location: longitude.
    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }
    /// Visit location: address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// Visit check-in (UTC).
    async fn check_in_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.check_in_at
    }
    /// Visit check-out (UTC).
    async fn check_out_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.check_out_at
    }
}
