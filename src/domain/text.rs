//! Names and labels typed by people: trimmed, non-empty, bounded, no control characters.

use crate::error::{Error, Result};

/// A trimmed single-line name of 1..=max characters.
pub fn name(field: &str, raw: &str, max: usize) -> Result<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Error::bad_input(field, format!("{field} cannot be empty.")));
    }
    if s.chars().count() > max {
        return Err(Error::bad_input(
            field,
            format!("{field} can be at most {max} characters long."),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(Error::bad_input(
            field,
            format!("{field} cannot contain line breaks or control characters."),
        ));
    }
    Ok(s.to_string())
}

/// A workspace slug: lowercase ASCII letters, digits and dashes, 2..=40, derived from a name
/// when none is given.
pub fn slug(field: &str, raw: &str) -> Result<String> {
    let s: String = raw
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if s.len() < 2 || s.len() > 40 {
        return Err(Error::bad_input(
            field,
            format!("{field} must have 2 to 40 letters, digits or dashes; pass one explicitly."),
        ));
    }
    Ok(s)
}
