//! argon2id password hashes in PHC string form.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

pub fn hash(password: &SecretString) -> Result<String> {
    Argon2::default()
        .hash_password(password.expose_secret().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2 hashing failed: {e}")))
}

/// Constant-shape check: also runs a full verification when there is no stored hash, so that
/// an unknown email takes as long as a wrong password.
pub fn verify(password: &SecretString, stored: Option<&str>) -> bool {
    let dummy = dummy_hash();
    let (phc, real) = match stored {
        Some(s) => (s, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.expose_secret().as_bytes(), &parsed)
        .is_ok();
    ok && real
}

fn dummy_hash() -> &'static String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"rapport-timing-equaliser")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_right_password() -> crate::Result<()> {
        let h = hash(&SecretString::from("correct horse battery"))?;
        assert!(verify(&SecretString::from("correct horse battery"), Some(&h)));
        assert!(!verify(&SecretString::from("wrong horse battery"), Some(&h)));
        assert!(!verify(&SecretString::from("rapport-timing-equaliser"), None));
        Ok(())
    }
}
