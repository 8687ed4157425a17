//! Opaque bearer tokens: `rpt_<kind>_<43 chars of base64url randomness>`. Only the SHA-256 is
//! stored; the first 12 characters are kept as a display prefix.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// What kind of credential a token is; part of the visible prefix so leaks are recognisable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    ApiKey,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::ApiKey => "api_key",
        }
    }

    fn tag(self) -> &'static str {
        match self {
            TokenKind::Session => "rpt_s_",
            TokenKind::ApiKey => "rpt_k_",
        }
    }
}

/// A freshly minted secret: shown to its owner once, then only its hash exists.
pub struct NewToken {
    pub secret: SecretString,
    pub hash: String,
    pub prefix: String,
}

pub fn generate(kind: TokenKind) -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{}{}", kind.tag(), URL_SAFE_NO_PAD.encode(bytes));
    let prefix = secret.chars().take(12).collect();
    let hash = hash(&secret);
    NewToken {
        secret: SecretString::from(secret),
        hash,
        prefix,
    }
}

/// SHA-256, hex. Tokens carry 256 bits of randomness, so a fast hash is enough.
pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hash_secret(secret: &SecretString) -> String {
    hash(secret.expose_secret())
}

/// A random password for a workspace's first admin, printed once by the CLI.
pub fn one_time_password() -> SecretString {
    let mut bytes = [0u8; 15];
    rand::rng().fill_bytes(&mut bytes);
    SecretString::from(URL_SAFE_NO_PAD.encode(bytes))
}
