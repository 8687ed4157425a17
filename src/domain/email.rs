//! Email addresses: the display form as given, and a canonical form (trimmed, lowercased,
//! IDNA domain) used for matching and uniqueness.

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress {
    pub display: String,
    pub canonical: String,
}

impl EmailAddress {
    /// Parses a single address like `Li.Wei@Example.中国`; `field` names the input in errors.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let display = raw.trim();
        let bad = |why: &str| {
            Error::bad_input(
                field,
                format!("{field} {display:?} is not a valid email address: {why}."),
            )
        };
        if display.is_empty() {
            return Err(Error::bad_input(field, format!("{field} cannot be empty.")));
        }
        if display.len() > 254 {
            return Err(bad("it is longer than 254 characters"));
        }
        if display
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
        {
            return Err(bad("it contains spaces or characters not allowed in an address"));
        }
        let (local, domain) = display.rsplit_once('@').ok_or_else(|| bad("it has no @"))?;
        if local.is_empty() || local.len() > 64 || local.contains('@') {
            return Err(bad("the part before @ is empty, too long or has another @"));
        }
        let ascii_domain = idna::domain_to_ascii(domain).map_err(|_| bad("the domain is not valid"))?;
        if ascii_domain.is_empty()
            || !ascii_domain.contains('.')
            || ascii_domain.starts_with('.')
            || ascii_domain.ends_with('.')
        {
            return Err(bad("the domain needs a dot, like example.com"));
        }
        Ok(Self {
            display: display.to_string(),
            canonical: format!("{}@{}", local.to_lowercase(), ascii_domain),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_lowercases_and_punycodes() -> crate::Result<()> {
        let e = EmailAddress::parse("email", "  Li.Wei@Example.中国 ")?;
        assert_eq!(e.display, "Li.Wei@Example.中国");
        assert_eq!(e.canonical, "li.wei@example.xn--fiqs8s");
        Ok(())
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in [
            "",
            "a",
            "a@",
            "@b.com",
            "a b@c.com",
            "a@b",
            "a@@b.com",
            "x@y.com, z@w.com",
        ] {
            assert!(EmailAddress::parse("email", bad).is_err(), "{bad:?} accepted");
        }
    }
}
