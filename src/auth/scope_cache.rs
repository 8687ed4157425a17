//! Verified bearer tokens → the caller's scope, kept for a few seconds.
//!
//! Without it every request reads its token and user from the database before doing anything
//! else: one more statement per request, about a third of PostgreSQL's work on a one-record
//! query (docs/BENCHMARKS.md). A token's scope changes rarely and only through a handful of
//! use cases (revoking a key, signing out, a user's role, department, status or password, a
//! department moved; a department can only be deleted empty). Each of them calls
//! `service::session::forget` after its transaction commits, which drops the workspace's
//! entries here at once and, when Redis is configured, in every other process as soon as the
//! pub/sub message arrives (milliseconds). So a revocation acts on the next request.
//!
//! Two guards keep that true when things race or break:
//! - a generation counter: a lookup that read the database before a change committed cannot
//!   put its stale answer back after `forget` ran;
//! - `live`: when Redis is configured but the subscription is down (start-up, Redis restart),
//!   messages from other replicas could be missed, so the cache answers nothing until it is
//!   subscribed again, and it starts empty then.
//!
//! The time to live bounds what no use case announces (an operator editing rows by hand), a
//! request cancelled between its commit and its `forget`, and news Redis failed to deliver.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::scope::TenantScope;

/// More distinct live tokens than this in one process and the cache starts over: a bound on
/// memory, far above what one replica sees in a few seconds.
const MAX_ENTRIES: usize = 50_000;

pub struct ScopeCache {
    ttl: Duration,
    live: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    generation: u64,
    /// By the token's SHA-256 (hex), as stored in `auth_tokens.token_hash`.
    entries: HashMap<String, Entry>,
}

/// What a verified token grants, and until when the cache may say so.
#[derive(Clone)]
pub struct Entry {
    pub scope: TenantScope,
    /// The token's own expiry, checked on every hit.
    pub expires_at: Option<DateTime<Utc>>,
    /// Before this the database is asked again (the token's `last_used_at` is kept to the
    /// minute by the database path).
    pub refresh_at: DateTime<Utc>,
    stored: Option<Instant>,
}

impl Entry {
    pub fn new(scope: TenantScope, expires_at: Option<DateTime<Utc>>, refresh_at: DateTime<Utc>) -> Self {
        Self {
            scope,
            expires_at,
            refresh_at,
            stored: None,
        }
    }
}

impl ScopeCache {
    /// `live`: whether the cache may answer from the start (no other process to hear from).
    /// A zero `ttl` turns it off.
    pub fn new(ttl: Duration, live: bool) -> Self {
        Self {
            ttl,
            live: AtomicBool::new(live),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map half-updated in a way that
        // matters (entries are whole values), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The scope of a token verified within the time to live, if nothing changed since.
    pub fn get(&self, hash: &str, now: DateTime<Utc>) -> Option<TenantScope> {
        if self.ttl.is_zero() || !self.live.load(Ordering::Acquire) {
            return None;
        }
        let st = self.state();
        let e = st.entries.get(hash)?;
        let fresh = e.stored.is_some_and(|s| s.elapsed() < self.ttl)
            && now < e.refresh_at
            && e.expires_at.is_none_or(|x| now < x);
        fresh.then(|| e.scope.clone())
    }

    /// Taken before reading the database; `put` stores only if nothing was forgotten since.
    pub fn generation(&self) -> u64 {
        self.state().generation
    }

    pub fn put(&self, generation: u64, hash: String, mut entry: Entry) {
        if self.ttl.is_zero() || !self.live.load(Ordering::Acquire) {
            return;
        }
        let mut st = self.state();
        if st.generation != generation {
            return;
        }
        if st.entries.len() >= MAX_ENTRIES && !st.entries.contains_key(&hash) {
            st.entries.clear();
        }
        entry.stored = Some(Instant::now());
        st.entries.insert(hash, entry);
    }

    /// Drops every entry of the workspace (in this process only).
    pub fn forget_workspace(&self, workspace_id: Uuid) {
        let mut st = self.state();
        st.generation += 1;
        st.entries.retain(|_, e| e.scope.workspace_id != workspace_id);
    }

    /// Drops everything, e.g. when the channel that announces changes was down.
    pub fn forget_all(&self) {
        let mut st = self.state();
        st.generation += 1;
        st.entries.clear();
    }

    /// Whether the cache may answer: false while changes made elsewhere could go unheard.
    pub fn set_live(&self, live: bool) {
        if self.live.swap(live, Ordering::AcqRel) != live {
            self.forget_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::role::Role;
    use crate::scope::DataScope;

    fn scope(ws: Uuid) -> TenantScope {
        TenantScope {
            workspace_id: ws,
            user_id: Uuid::now_v7(),
            role: Role::Rep,
            data_scope: DataScope::Own,
            token_id: Some(Uuid::now_v7()),
        }
    }

    fn entry(ws: Uuid, now: DateTime<Utc>) -> Entry {
        Entry::new(scope(ws), None, now + chrono::Duration::minutes(1))
    }

    #[test]
    fn a_forgotten_workspace_is_asked_again_and_a_late_lookup_cannot_refill_it() {
        let c = ScopeCache::new(Duration::from_secs(60), true);
        let (a, b, now) = (Uuid::now_v7(), Uuid::now_v7(), Utc::now());
        let g = c.generation();
        c.put(g, "ta".into(), entry(a, now));
        c.put(g, "tb".into(), entry(b, now));
        assert!(c.get("ta", now).is_some());
        // A lookup begins, then the workspace changes, then the lookup tries to store.
        let late = c.generation();
        c.forget_workspace(a);
        assert!(c.get("ta", now).is_none());
        assert!(c.get("tb", now).is_some(), "other workspaces keep their entries");
        c.put(late, "ta".into(), entry(a, now));
        assert!(c.get("ta", now).is_none());
    }

    #[test]
    fn expired_tokens_stale_entries_and_a_dead_channel_answer_nothing() {
        let now = Utc::now();
        let c = ScopeCache::new(Duration::from_secs(60), true);
        let ws = Uuid::now_v7();
        let mut e = entry(ws, now);
        e.expires_at = Some(now + chrono::Duration::seconds(1));
        c.put(c.generation(), "t".into(), e);
        assert!(c.get("t", now).is_some());
        assert!(
            c.get("t", now + chrono::Duration::seconds(2)).is_none(),
            "token expired"
        );
        assert!(
            c.get("t", now + chrono::Duration::minutes(2)).is_none(),
            "past refresh_at"
        );
        c.set_live(false);
        assert!(c.get("t", now).is_none());
        c.put(c.generation(), "t".into(), entry(ws, now));
        c.set_live(true);
        assert!(
            c.get("t", now).is_none(),
            "nothing kept from before the channel came back"
        );

        let off = ScopeCache::new(Duration::ZERO, true);
        off.put(off.generation(), "t".into(), entry(ws, now));
        assert!(off.get("t", now).is_none());
    }
}
