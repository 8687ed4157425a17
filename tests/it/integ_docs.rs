//! Documentation that must not drift from the code: the committed SDL and the README's
//! configuration table.

/// `docs/schema.graphql` is the API contract frontend teams read. Regenerate it with
/// `RAPPORT_UPDATE_SCHEMA=1 cargo test schema_file`.
#[test]
fn schema_file_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/schema.graphql");
    let sdl = rapport::graphql::sdl();
    if std::env::var("RAPPORT_UPDATE_SCHEMA").as_deref() == Ok("1") {
        std::fs::write(path, &sdl).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == sdl,
        "docs/schema.graphql is out of date: run RAPPORT_UPDATE_SCHEMA=1 cargo test schema_file"
    );
}

/// Every `RAPPORT_*` variable documented on `Config` appears in README's table, and back.
#[test]
fn readme_lists_every_configuration_variable() {
    let config = include_str!("../../src/config.rs");
    let readme = include_str!("../../README.md");
    let vars = |text: &str, marker: &str| -> std::collections::BTreeSet<String> {
        text.lines()
            .filter(|l| l.contains(marker))
            .flat_map(|l| {
                l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .filter(|w| w.starts_with("RAPPORT_") && w.len() > 8)
                    .take(1)
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let in_code = vars(config, "/// RAPPORT_");
    let in_readme = vars(readme, "| `RAPPORT_");
    assert!(!in_code.is_empty());
    let missing: Vec<_> = in_code.difference(&in_readme).collect();
    let stale: Vec<_> = in_readme.difference(&in_code).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "README config table: missing {missing:?}, not in Config {stale:?}"
    );
}
