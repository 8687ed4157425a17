//! Credentials: password hashing (argon2), opaque tokens (random, stored as SHA-256), the
//! server key that derives one-time tokens, and the sign-in rate limiter.
//! No database access here: `service::session` composes these with the tables.

pub mod keys;
pub mod password;
pub mod rate_limit;
pub mod token;
