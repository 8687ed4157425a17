//! The server key: 32 secret bytes from `RAPPORT_SECRET_KEY`, or generated once into the data
//! directory. It derives one-time tokens (invitations) with HMAC-SHA256, so the tokens never
//! need to be stored: the mail job derives the same token again from the row's id.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::Sha256;

use crate::config::Config;
use crate::error::{Error, Result};

pub struct Keys {
    key: SecretBox<[u8; 32]>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys([redacted])")
    }
}

impl Keys {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            key: SecretBox::new(Box::new(bytes)),
        }
    }

    /// The configured key, or the one in `<data dir>/secret.key` (created on first start).
    pub fn load(config: &Config) -> Result<Self> {
        if let Some(b64) = &config.secret_key {
            return Self::decode(b64.expose_secret()).ok_or_else(|| {
                Error::Config("RAPPORT_SECRET_KEY must be 32 bytes in base64 (`openssl rand -base64 32`)".into())
            });
        }
        let path = config.secret_key_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::decode(text.trim()).ok_or_else(|| {
                Error::Config(format!(
                    "{} is not a 32-byte base64 key; restore it or remove it",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                write_private(&path, &STANDARD.encode(bytes))
                    .map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))?;
                tracing::info!(path = %path.display(), "generated a new server key");
                Ok(Self::from_bytes(bytes))
            }
            Err(e) => Err(Error::Config(format!("cannot read {}: {e}", path.display()))),
        }
    }

    fn decode(b64: &str) -> Option<Self> {
        let bytes = STANDARD.decode(b64.trim()).ok()?;
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(Self::from_bytes(arr))
    }

    /// A token bound to a purpose and an id, e.g. `("invitation", id)`.
    pub fn derive_token(&self, purpose: &str, id: &uuid::Uuid) -> Result<SecretString> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.key.expose_secret())
            .map_err(|e| Error::Internal(format!("HMAC key: {e}")))?;
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(id.as_bytes());
        let tag = mac.finalize().into_bytes();
        Ok(SecretString::from(format!("rpt_i_{}", URL_SAFE_NO_PAD.encode(tag))))
    }
}

fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(contents.as_bytes())
}
