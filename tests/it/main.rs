//! Rapport's one integration-test binary (one link step on two cores).
//!
//! `e2e_*` drive the product over HTTP GraphQL as a client would; `integ_*` test one component
//! against its real counterpart. Every test builds its own app on a fresh database (SQLite by
//! default; PostgreSQL, Redis and SMTP when `RAPPORT_TEST_*` variables name them).

// Helpers outside #[test] functions unwrap freely too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod support;

mod e2e_auth;
mod e2e_contact;
mod e2e_department;
mod e2e_http;
mod e2e_import;
mod e2e_invitation;
mod e2e_sales;
mod e2e_sales_lists;
mod e2e_seed;
mod e2e_subscription;
mod e2e_tenancy;
mod integ_binary;
mod integ_docs;
