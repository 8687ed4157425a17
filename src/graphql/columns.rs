//! Which table columns a selection reads. The hot screens (the contacts list, the contact
//! screen) read only those and decode them by position; each type keeps its field → columns
//! table beside its resolvers (`contact_page::columns_of`, `activity::columns_of`).

use async_graphql::Lookahead;
use sea_orm::{IdenStatic, Iterable};

/// The columns the fields selected at `places` read, by `columns_of`; every column when one of
/// those fields is not in the table, so a field added to a type without a row there still
/// answers correctly (from a whole row) until it gets one.
pub fn read_at<C>(places: &[Lookahead<'_>], columns_of: fn(&str) -> Option<&'static [C]>) -> Vec<C>
where
    C: Iterable + IdenStatic + Copy + 'static,
{
    let mut read: Vec<C> = Vec::new();
    for field in places.iter().flat_map(|l| l.selection_fields()) {
        for sub in field.selection_set() {
            let Some(cols) = columns_of(sub.name()) else {
                return C::iter().collect();
            };
            for c in cols {
                if !read.iter().any(|r| r.as_str() == c.as_str()) {
                    read.push(*c);
                }
            }
        }
    }
    read
}
