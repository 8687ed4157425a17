//! Global object ids: base64url of `Type:uuid`. Opaque to clients; `node(id:)` resolves any.
//! An id of the wrong type answers like an unknown one (`NOT_FOUND`); a malformed id is
//! `BAD_USER_INPUT` naming the field.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::{Error, Result};

pub fn encode(kind: &str, id: Uuid) -> ID {
    // Every row of every list has one: built without the formatting machinery.
    let mut raw = String::with_capacity(kind.len() + 1 + uuid::fmt::Hyphenated::LENGTH);
    raw.push_str(kind);
    raw.push(':');
    raw.push_str(id.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
    ID(URL_SAFE_NO_PAD.encode(raw))
}

/// Splits a global id into its type name and uuid.
pub fn parse(field: &str, id: &ID) -> Result<(String, Uuid)> {
    let bad = || Error::bad_input(field, format!("`{field}` is not an id this API issued."));
    let raw = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (kind, uuid) = text.split_once(':').ok_or_else(bad)?;
    Ok((kind.to_string(), Uuid::parse_str(uuid).map_err(|_| bad())?))
}

/// The uuid of a global id that must be of type `kind`.
pub fn decode(field: &str, kind: &str, what: &str, id: &ID) -> Result<Uuid> {
    let (k, uuid) = parse(field, id)?;
    if k != kind {
        return Err(if field == "id" {
            Error::not_found(what)
        } else {
            Error::NotFound(format!("No {what} with this `{field}` exists in your workspace."))
        });
    }
    Ok(uuid)
}
