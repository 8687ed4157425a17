//! Parsed GraphQL documents, by query text.
//!
//! A frontend sends the same few query texts over and over with different variables, and
//! async-graphql parses each one anew: about 4 % of the gateway's CPU on a 50-row list
//! (docs/BENCHMARKS.md). Parsing depends on nothing but the text, so the parsed document is
//! kept and handed to the next request with the same text; validation, limits and execution
//! still run for every request. Texts that do not parse are not kept (the schema reports
//! their errors as usual).

use std::collections::HashMap;
use std::sync::Mutex;

use async_graphql::parser::{parse_query, types::ExecutableDocument};

/// Longer texts are parsed every time: a bound on memory, far above hand-written queries.
const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Distinct texts kept; past this the cache starts over (a client generating texts gains
/// nothing, and memory stays under MAX_DOCUMENTS × MAX_QUERY_BYTES of text plus documents).
const MAX_DOCUMENTS: usize = 512;

#[derive(Default)]
pub struct Documents {
    parsed: Mutex<HashMap<String, ExecutableDocument>>,
}

impl Documents {
    /// Gives `request` its parsed document from the cache, parsing and keeping it if new.
    pub fn prepare(&self, request: &mut async_graphql::Request) {
        if request.query.len() > MAX_QUERY_BYTES {
            return;
        }
        if let Some(doc) = self.lock().get(&request.query) {
            request.set_parsed_query(doc.clone());
            return;
        }
        let Ok(doc) = parse_query(&request.query) else {
            return;
        };
        let mut parsed = self.lock();
        if parsed.len() >= MAX_DOCUMENTS {
            parsed.clear();
        }
        parsed.insert(request.query.clone(), doc.clone());
        drop(parsed);
        request.set_parsed_query(doc);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, ExecutableDocument>> {
        // Entries are whole values: a panic elsewhere cannot leave one half-written.
        self.parsed.lock().unwrap_or_else(|p| p.into_inner())
    }
}
