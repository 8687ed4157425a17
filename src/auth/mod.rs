//! Credentials: password hashing (argon2), opaque tokens (random, stored as SHA-256), the
//! server key that derives one-time tokens, the sign-in rate limiter, and the short-lived cache
//! of verified tokens' scopes with its Redis channel.
//! No database access here: `service::session` composes these with the tables.

pub mod keys;
pub mod password;
pub mod rate_limit;
pub mod scope_cache;
pub mod scope_channel;
pub mod token;
