//! Relay connections: `edges { cursor node }`, `pageInfo`, and `totalCount` (counted only when
//! the client asks for it).

use async_graphql::connection::{Connection, Edge};
use async_graphql::{OutputType, SimpleObject};

use crate::service::pagination::{Page, PageArgs};

/// Extra fields every connection has.
#[derive(SimpleObject)]
pub struct Totals {
    /// How many items the list has in all, across pages (same filter, no cursor).
    pub total_count: i64,
}

pub type Conn<T> = Connection<String, T, Totals>;

pub fn args(first: Option<i32>, after: Option<String>, last: Option<i32>, before: Option<String>) -> PageArgs {
    PageArgs {
        first,
        after,
        last,
        before,
        skip_cursors: false,
    }
}

/// `args` for a list whose selection is known: cursors are made only if asked for.
pub fn args_for(
    ctx: &async_graphql::Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs {
        skip_cursors: !cursors_wanted(&ctx.look_ahead()),
        ..args(first, after, last, before)
    }
}

/// Whether a connection's selection reads cursors (of edges, or the page's first and last).
pub fn cursors_wanted(connection: &async_graphql::Lookahead<'_>) -> bool {
    let info = connection.field("pageInfo");
    connection.field("edges").field("cursor").exists()
        || info.field("startCursor").exists()
        || info.field("endCursor").exists()
}

pub fn build<T: OutputType>(page: Page<T>, total_count: i64) -> Conn<T> {
    let mut c = Connection::with_additional_fields(page.has_previous_page, page.has_next_page, Totals { total_count });
    c.edges
        .extend(page.edges.into_iter().map(|(cursor, node)| Edge::new(cursor, node)));
    c
}

/// Whether the selection asks for `totalCount` (a COUNT query is skipped otherwise).
pub fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// Whether the field being resolved sits under a list item (`edges[3].node.activities`). There
/// a DataLoader batches the page's parents into one statement; a lone parent (`contact(id:)`)
/// reads directly, skipping the loader's round (spawned task, 1 ms timer, channel).
pub fn under_list(ctx: &async_graphql::Context<'_>) -> bool {
    let mut node = ctx.path_node.as_ref();
    while let Some(n) = node {
        if matches!(n.segment, async_graphql::QueryPathSegment::Index(_)) {
            return true;
        }
        node = n.parent;
    }
    false
}
