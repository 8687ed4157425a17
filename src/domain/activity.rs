//! Kinds of activity. Email joins later, with mailbox sync.

use crate::error::{Error, Result};

pub const KINDS: [&str; 4] = ["call", "visit", "meeting", "note"];

pub fn kind(field: &str, raw: &str) -> Result<&'static str> {
    KINDS
        .iter()
        .find(|k| **k == raw)
        .copied()
        .ok_or_else(|| Error::bad_input(field, format!("{field} must be one of {}.", KINDS.join(", "))))
}
