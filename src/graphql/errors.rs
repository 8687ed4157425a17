//! `rapport::Error` → GraphQL error with `extensions.code` from the closed set:
//! UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT (+ `field`, or `line` for a file), CONFLICT, RATE_LIMITED
//! (+ `retryAfter`), INTERNAL (+ `requestId`, added by the HTTP layer). Internal details go to
//! the log, never to the client.

use async_graphql::ErrorExtensions;

use crate::error::Error;

pub const INTERNAL_MESSAGE: &str =
    "Something went wrong on our side. It has been logged; quote the request id if you contact support.";

pub fn gql(e: Error) -> async_graphql::Error {
    let message = if e.is_internal() {
        tracing::error!(error = %e, "internal error");
        INTERNAL_MESSAGE.to_string()
    } else {
        e.to_string()
    };
    async_graphql::Error::new(message).extend_with(|_, ext| match &e {
        Error::Unauthenticated(_) => ext.set("code", "UNAUTHENTICATED"),
        Error::Forbidden(_) => ext.set("code", "FORBIDDEN"),
        Error::NotFound(_) => ext.set("code", "NOT_FOUND"),
        Error::BadInput { field, .. } => {
            ext.set("code", "BAD_USER_INPUT");
            ext.set("field", field.as_str());
        }
        Error::BadFile { line, .. } => {
            ext.set("code", "BAD_USER_INPUT");
            if let Some(l) = line {
                ext.set("line", *l);
            }
        }
        Error::Conflict(_) => ext.set("code", "CONFLICT"),
        Error::RateLimited { retry_after_secs } => {
            ext.set("code", "RATE_LIMITED");
            ext.set("retryAfter", *retry_after_secs);
        }
        _ => ext.set("code", "INTERNAL"),
    })
}

/// `.gql()` on service results: the only way resolvers turn errors into GraphQL errors.
/// (`?` alone would go through async-graphql's blanket `From<Display>` and lose the code.)
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, Error> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(gql)
    }
}
