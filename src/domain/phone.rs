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
        let mut digits: String = display.chars().filter(char::is_ascii_digit).collect();
        if display.starts_with('+') {
            digits.insert(0, '+');
        }
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
