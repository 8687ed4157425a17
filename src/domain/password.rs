//! Password policy for new passwords (sign-in accepts whatever was set).

use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 256;

pub fn check_new(field: &str, password: &SecretString) -> Result<()> {
    let n = password.expose_secret().chars().count();
    if n < MIN_LEN {
        return Err(Error::bad_input(
            field,
            format!("The password needs at least {MIN_LEN} characters."),
        ));
    }
    if n > MAX_LEN {
        return Err(Error::bad_input(
            field,
            format!("The password can have at most {MAX_LEN} characters."),
        ));
    }
    Ok(())
}
