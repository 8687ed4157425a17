//! Money: integer minor units (cents, fen) and an ISO 4217 code. No floats anywhere, so SQLite
//! and PostgreSQL add up identically.

use crate::error::{Error, Result};

/// Active ISO 4217 codes a CRM meets in practice.
const CODES: &[&str] = &[
    "AED", "ARS", "AUD", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP", "EUR", "GBP", "HKD", "HUF",
    "IDR", "ILS", "INR", "JPY", "KRW", "KWD", "MXN", "MYR", "NGN", "NOK", "NZD", "PEN", "PHP", "PKR", "PLN", "QAR",
    "RON", "RUB", "SAR", "SEK", "SGD", "THB", "TRY", "TWD", "UAH", "USD", "VND", "ZAR",
];

pub fn currency(field: &str, raw: &str) -> Result<String> {
    let code = raw.trim().to_uppercase();
    if CODES.contains(&code.as_str()) {
        Ok(code)
    } else {
        Err(Error::bad_input(
            field,
            format!("{field} {raw:?} is not an ISO 4217 currency code such as CNY, USD or EUR."),
        ))
    }
}

pub fn amount(field: &str, minor: i64) -> Result<i64> {
    if minor < 0 {
        return Err(Error::bad_input(field, format!("{field} cannot be negative.")));
    }
    Ok(minor)
}

#[cfg(test)]
mod tests {
    #[test]
    fn currencies_and_amounts() -> crate::Result<()> {
        assert_eq!(super::currency("c", " cny ")?, "CNY");
        assert!(super::currency("c", "XYZ").is_err());
        assert!(super::amount("a", -1).is_err());
        Ok(())
    }
}
