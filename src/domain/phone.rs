//! Phone numbers as people type them, plus a digits-only form for matching
//! (`+86 138-0013-8000` and `+8613800138000` match).

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub display: String,
    pub digits: String,
}

impl Phone {
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let display = raw.trim();
        let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c) || c == 'x' || c == 'X';
        if display.is_empty() || !display.chars().all(allowed) {
            return Err(Error::bad_input(
                field,
                format!(
                    "{field} {display:?} is not a phone number: use digits, spaces, + - ( ) and x for an extension."
                ),
            ));
        }
        let digits = digits(display);
        let n = digits.trim_start_matches('+').len();
        if !(3..=20).contains(&n) {
            return Err(Error::bad_input(
                field,
                format!("{field} {display:?} must have 3 to 20 digits."),
            ));
        }
        Ok(Self {
            display: display.to_string(),
            digits,
        })
    }
}

/// The matching form of anything typed as a phone number or a part of one: its digits, with
/// a leading `+` kept. Filters use it on search terms, which need not be whole numbers.
pub fn digits(raw: &str) -> String {
    let raw = raw.trim();
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if raw.starts_with('+') {
        format!("+{digits}")
    } else {
        digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_of_one_number_match() -> crate::Result<()> {
        assert_eq!(
            Phone::parse("p", "+86 138-0013-8000")?.digits,
            Phone::parse("p", "+8613800138000")?.digits
        );
        assert!(Phone::parse("p", "call me").is_err());
        assert!(Phone::parse("p", "12").is_err());
        Ok(())
    }
}
