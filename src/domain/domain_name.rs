//! Company domains: `https://www.Example.COM/about` and `example.com` are the same domain.

use crate::error::{Error, Result};

pub fn parse(field: &str, raw: &str) -> Result<String> {
    let mut s = raw.trim().to_lowercase();
    for prefix in ["https://", "http://"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_string();
        }
    }
    let host = s.split(['/', '?', '#']).next().unwrap_or("").trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    let ascii = idna::domain_to_ascii(host)
        .map_err(|_| Error::bad_input(field, format!("{field} {raw:?} is not a domain name.")))?;
    if !ascii.contains('.') || ascii.starts_with('.') || ascii.contains("..") || ascii.contains('@') {
        return Err(Error::bad_input(
            field,
            format!("{field} {raw:?} is not a domain name like example.com."),
        ));
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    #[test]
    fn canonical_domains() -> crate::Result<()> {
        assert_eq!(super::parse("d", "https://www.Example.COM/about")?, "example.com");
        assert_eq!(super::parse("d", "华为.中国")?, "xn--siqq7j.xn--fiqs8s");
        assert!(super::parse("d", "not a domain").is_err());
        Ok(())
    }
}
