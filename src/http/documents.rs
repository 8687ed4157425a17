//! Parsed GraphQL documents, by query text.
//!
//! A frontend sends the same few query texts over and over with different variables, and
//! async-graphql parses each one anew: about 4 % of the gateway's CPU on a 50-row list
//! (docs/BENCHMARKS.md). Parsing depends on nothing but the text, so the parsed document is
//! kept and handed to the next request with the same text; validation, limits and execution
//! still run for every request. Only authenticated requests use it (the caller decides), texts
//! that do not parse are not kept (the schema reports their errors as usual), and memory is
//! bounded by the text kept: a parsed tree can take up to a hundred times its text
//! (`{a a a …}`), so at most `MAX_KEPT_BYTES` of text, in texts of at most `MAX_QUERY_BYTES`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::parser::{parse_query, types::ExecutableDocument};

/// Longer texts are parsed every time; hand-written queries are far shorter.
const MAX_QUERY_BYTES: usize = 8 * 1024;
/// Text of all kept documents; past this the cache starts over (a client generating texts
/// gains nothing, and the trees stay within some tens of MB).
const MAX_KEPT_BYTES: usize = 256 * 1024;

#[derive(Default)]
pub struct Documents {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    parsed: HashMap<String, Arc<ExecutableDocument>>,
    text_bytes: usize,
}

impl Documents {
    /// Gives `request` its parsed document from the cache, parsing and keeping it if new.
    pub fn prepare(&self, request: &mut async_graphql::Request) {
        if request.query.len() > MAX_QUERY_BYTES {
            return;
        }
        let hit = self.lock().parsed.get(&request.query).cloned();
        if let Some(doc) = hit {
            // The copy is made outside the lock: requests do not queue behind it.
            request.set_parsed_query(ExecutableDocument::clone(&doc));
            return;
        }
        let Ok(doc) = parse_query(&request.query) else {
            return;
        };
        let doc = Arc::new(doc);
        {
            let mut kept = self.lock();
            if kept.text_bytes + request.query.len() > MAX_KEPT_BYTES {
                *kept = Kept::default();
            }
            kept.text_bytes += request.query.len();
            kept.parsed.insert(request.query.clone(), doc.clone());
        }
        request.set_parsed_query(ExecutableDocument::clone(&doc));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // Entries are whole values: a panic elsewhere cannot leave one half-written.
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}
