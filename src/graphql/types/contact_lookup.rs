//! `contactByNumber`, the contact's screen: when the selection asks for one first page of the
//! contact's activities, the contact and that page come from one statement
//! (`service::contact::by_number_with_activities`) instead of two, reading only the contact and
//! activity columns the selection needs (`graphql::columns`).
//!
//! The page waits in the contact's [`ActivitiesAhead`]; `Contact.activities` takes it only when
//! its own arguments ask for exactly that page, and otherwise reads as usual, so any other shape
//! of query gets the answer it always got.

use std::sync::Mutex;

use async_graphql::{Context, SelectionField, Value};

use crate::graphql::errors::GqlResult;
use crate::graphql::types::activity;
use crate::graphql::types::contact::Contact;
use crate::graphql::types::contact_page::{self, Ahead};
use crate::graphql::{columns, connection};
use crate::graphql::{cx, scope};
use crate::service;
use crate::service::pagination::{DEFAULT_PAGE, MAX_PAGE, Page, PageArgs};

/// A first page of a contact's activities, read with the contact.
pub struct ActivitiesAhead {
    first: i32,
    has_cursors: bool,
    page: Mutex<Option<Page<entity::activity::Model>>>,
}

impl ActivitiesAhead {
    /// The page, if `args` ask for it (once: a second alias asking the same reads on its own).
    pub fn take_for(&self, args: &PageArgs) -> Option<Page<entity::activity::Model>> {
        let same = args.after.is_none()
            && args.before.is_none()
            && args.last.is_none()
            && args.first.unwrap_or(DEFAULT_PAGE) == self.first
            && (self.has_cursors || args.skip_cursors);
        if !same {
            return None;
        }
        self.page.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

pub async fn by_number(ctx: &Context<'_>, number: i64) -> async_graphql::Result<Contact> {
    let (cx, scope) = (cx(ctx), scope(ctx)?);
    let look = ctx.look_ahead();
    let activities = look.field("activities");
    if let [only] = activities.selection_fields().as_slice()
        && let Some(first) = plain_first_page(only)
    {
        let has_cursors = connection::cursors_wanted(&activities);
        let read = service::contact::ScreenColumns {
            contact: &columns::read_at(&[ctx.look_ahead()], contact_page::columns_of),
            activity: &columns::read_at(
                &[activities.field("edges").field("node"), activities.field("nodes")],
                activity::columns_of,
            ),
        };
        let (row, page) = service::contact::by_number_with_activities(cx, scope, number, first, !has_cursors, read)
            .await
            .gql()?;
        let ahead = ActivitiesAhead {
            first,
            has_cursors,
            page: Mutex::new(Some(page)),
        };
        return Ok(Contact::ahead(
            row,
            Ahead {
                activities: Some(ahead),
                ..Ahead::NOTHING
            },
        ));
    }
    Ok(Contact::new(
        service::contact::get_by_number(cx, scope, number).await.gql()?,
    ))
}

/// `first` of an `activities(first: …)` with no cursor and no `last`, if it is a valid size
/// (an invalid one is left to the field itself, which reports it where it belongs).
fn plain_first_page(field: &SelectionField<'_>) -> Option<i32> {
    let mut first = DEFAULT_PAGE;
    for (name, value) in field.arguments().ok()? {
        match (name.as_str(), value) {
            (_, Value::Null) => {}
            ("first", Value::Number(n)) => first = i32::try_from(n.as_i64()?).ok()?,
            _ => return None,
        }
    }
    (1..=MAX_PAGE).contains(&first).then_some(first)
}
