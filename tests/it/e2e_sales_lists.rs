//! The leads and tasks lists' substring filters and search (served by shadow columns and their
//! trigram indexes), and tasks ordered by a due time some of them lack.

use serde_json::{Value, json};

use crate::support::TestApp;

const LEADS: &str = "query($f: LeadFilter, $s: String) { leads(filter: $f, search: $s, orderBy: [{ field: NAME }]) { edges { node { name } } } }";
const TASKS: &str =
    "query($f: TaskFilter) { tasks(filter: $f, orderBy: [{ field: CREATED_AT }]) { edges { node { title } } } }";

fn names(conn: &Value, field: &str) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"][field].as_str().unwrap().to_string())
        .collect()
}

async fn leads(app: &TestApp, tok: &str, vars: Value) -> Vec<String> {
    names(&app.gql_ok(Some(tok), LEADS, vars).await["leads"], "name")
}

async fn tasks(app: &TestApp, tok: &str, f: Value) -> Vec<String> {
    names(&app.gql_ok(Some(tok), TASKS, json!({ "f": f })).await["tasks"], "title")
}

/// Lowercase and digits-only copies of lead and task columns are written on create and on
/// update, so `contains`, `startsWith` and `search` find records whatever the case or the
/// punctuation typed, and stop finding the old values after a change.
#[tokio::test]
async fn lead_and_task_substring_filters_follow_creates_and_updates() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let tok = t.admin_token.as_str();
    let r = app
        .gql_ok(
            Some(tok),
            "mutation($i: CreateLeadInput!) { createLead(input: $i) { lead { id } } }",
            json!({ "i": { "name": "Ann", "phone": "+86 138-0013-8000", "companyName": "Ünited Globex", "source": "Trade Show", "email": "ann@globex.example" } }),
        )
        .await;
    let ann = r["createLead"]["lead"]["id"].as_str().unwrap().to_string();
    app.gql_ok(
        Some(tok),
        "mutation { createLead(input: { name: \"Bob\", phone: \"010 6552 0000\", companyName: \"Initech\", source: \"web\" }) { lead { id } } }",
        json!({}),
    )
    .await;
    let ann_only = ["Ann"];
    for f in [
        json!({ "phone": { "contains": "138 0013" } }),
        json!({ "phone": { "contains": "(138) 0013-80" } }),
        json!({ "phone": { "startsWith": "+86 138" } }),
        json!({ "phone": { "eq": "+86 138-0013-8000" } }),
        json!({ "companyName": { "contains": "ünited glo" } }),
        json!({ "companyName": { "startsWith": "ÜNITED" } }),
        json!({ "companyName": { "eq": "Ünited Globex" } }),
        json!({ "source": { "contains": "DE SH" } }),
        json!({ "source": { "startsWith": "trade" } }),
        json!({ "not": { "source": { "contains": "WEB" } } }),
    ] {
        assert_eq!(leads(&app, tok, json!({ "f": f })).await, ann_only, "{f}");
    }
    // A fragment without digits is looked for in the number as given.
    assert!(
        leads(&app, tok, json!({ "f": { "phone": { "contains": "x" } } }))
            .await
            .is_empty()
    );
    for s in ["0013 8000", "ÜNITED", "ann@globex", "an"] {
        assert_eq!(leads(&app, tok, json!({ "s": s })).await, ann_only, "search {s}");
    }
    assert_eq!(
        leads(&app, tok, json!({ "s": "6552" })).await,
        ["Bob"],
        "search matches phone digits"
    );

    app.gql_ok(
        Some(tok),
        "mutation($i: UpdateLeadInput!) { updateLead(input: $i) { lead { id } } }",
        json!({ "i": { "id": ann, "phone": "(021) 5555-7777", "companyName": "Hooli Öko", "source": "Referral" } }),
    )
    .await;
    for f in [
        json!({ "phone": { "contains": "138" } }),
        json!({ "companyName": { "contains": "globex" } }),
        json!({ "source": { "contains": "trade" } }),
    ] {
        assert!(leads(&app, tok, json!({ "f": f })).await.is_empty(), "old value of {f}");
    }
    for f in [
        json!({ "phone": { "contains": "021-5555 7777" } }),
        json!({ "phone": { "startsWith": "021" } }),
        json!({ "companyName": { "contains": "HOOLI ÖKO" } }),
        json!({ "source": { "startsWith": "REF" } }),
    ] {
        assert_eq!(leads(&app, tok, json!({ "f": f })).await, ann_only, "{f}");
    }
    assert_eq!(leads(&app, tok, json!({ "s": "öko" })).await, ann_only);
    assert!(leads(&app, tok, json!({ "s": "0013 8000" })).await.is_empty());
    // Clearing a value clears its copy.
    app.gql_ok(
        Some(tok),
        "mutation($i: UpdateLeadInput!) { updateLead(input: $i) { lead { id } } }",
        json!({ "i": { "id": ann, "phone": "", "source": "" } }),
    )
    .await;
    assert!(
        leads(&app, tok, json!({ "f": { "phone": { "contains": "5555" } } }))
            .await
            .is_empty()
    );
    assert_eq!(
        leads(&app, tok, json!({ "f": { "source": { "isNull": true } } })).await,
        ann_only
    );

    // Statuses and priorities: `contains` picks among the closed set of values.
    app.gql_ok(
        Some(tok),
        "mutation($id: ID!) { setLeadStatus(input: { id: $id, status: \"working\" }) { lead { id } } }",
        json!({ "id": ann }),
    )
    .await;
    assert_eq!(
        leads(&app, tok, json!({ "f": { "status": { "contains": "WORK" } } })).await,
        ann_only
    );
    assert_eq!(
        leads(&app, tok, json!({ "f": { "status": { "startsWith": "n" } } })).await,
        ["Bob"]
    );
    assert!(
        leads(&app, tok, json!({ "f": { "status": { "contains": "zzz" } } }))
            .await
            .is_empty()
    );

    const CREATE: &str = "mutation($i: CreateTaskInput!) { createTask(input: $i) { task { id } } }";
    let r = app
        .gql_ok(
            Some(tok),
            CREATE,
            json!({ "i": { "title": "Visit ÉCOLE Polytechnique", "priority": "high" } }),
        )
        .await;
    let visit = r["createTask"]["task"]["id"].as_str().unwrap().to_string();
    app.gql_ok(Some(tok), CREATE, json!({ "i": { "title": "Call Bob" } }))
        .await;
    assert_eq!(
        tasks(&app, tok, json!({ "title": { "contains": "école poly" } })).await,
        ["Visit ÉCOLE Polytechnique"]
    );
    assert_eq!(
        tasks(&app, tok, json!({ "title": { "startsWith": "CALL" } })).await,
        ["Call Bob"]
    );
    assert_eq!(
        tasks(&app, tok, json!({ "priority": { "startsWith": "HI" } })).await,
        ["Visit ÉCOLE Polytechnique"]
    );
    assert_eq!(
        tasks(&app, tok, json!({ "status": { "contains": "pe" } })).await.len(),
        2
    );
    app.gql_ok(
        Some(tok),
        "mutation($i: UpdateTaskInput!) { updateTask(input: $i) { task { id } } }",
        json!({ "i": { "id": visit, "title": "Send the Quote" } }),
    )
    .await;
    assert!(
        tasks(&app, tok, json!({ "title": { "contains": "école" } }))
            .await
            .is_empty()
    );
    assert_eq!(
        tasks(&app, tok, json!({ "title": { "contains": "QUOTE" } })).await,
        ["Send the Quote"]
    );
}

/// The migration that added the copies fills them for rows that existed before it, with the
/// service's own lowercasing (SQLite's `LOWER` alone would leave `Ü` as it is).
#[tokio::test]
async fn the_search_columns_migration_fills_existing_rows() {
    use migration::MigratorTrait;
    use sea_orm::EntityTrait;

    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let tok = t.admin_token.as_str();
    app.gql_ok(
        Some(tok),
        "mutation { createLead(input: { name: \"Ann\", phone: \"+86 (138) 0013.8000 x12\", companyName: \"ÜNITED Globex\", source: \"Trade Show\" }) { lead { id } } }",
        json!({}),
    )
    .await;
    app.gql_ok(
        Some(tok),
        "mutation { createTask(input: { title: \"Visit ÉCOLE\" }) { task { id } } }",
        json!({}),
    )
    .await;
    // Undo the last migration (dropping the columns) and apply it again over the rows.
    migration::Migrator::down(&app.cx.db, Some(1)).await.unwrap();
    migration::Migrator::up(&app.cx.db, None).await.unwrap();
    let l = &entity::lead::Entity::find().all(&app.cx.db).await.unwrap()[0];
    assert_eq!(l.phone_digits.as_deref(), Some("+861380013800012"));
    assert_eq!(l.company_name_lower.as_deref(), Some("ünited globex"));
    assert_eq!(l.source_lower.as_deref(), Some("trade show"));
    let task = &entity::task::Entity::find().all(&app.cx.db).await.unwrap()[0];
    assert_eq!(task.title_lower, "visit école");
    assert_eq!(
        leads(&app, tok, json!({ "f": { "companyName": { "contains": "ünited" } } })).await,
        ["Ann"]
    );
}

/// Ordered by due time, tasks without one still appear: after the dated ones ascending,
/// before them descending. Paging forward or backward, two at a time, returns every task once,
/// in the order a sort in the test gives (also with a second field), on SQLite and PostgreSQL.
#[tokio::test]
async fn tasks_ordered_by_due_time_keep_undated_ones_and_page_both_ways() {
    use sea_orm::EntityTrait;
    use std::cmp::Ordering;

    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let tok = t.admin_token.as_str();
    const CREATE: &str = "mutation($i: CreateTaskInput!) { createTask(input: $i) { task { id } } }";
    for (title, due) in [
        ("Undated 1", None),
        ("Dec 3", Some("2026-12-03T09:00:00Z")),
        ("Dec 1", Some("2026-12-01T09:00:00Z")),
        ("Undated 2", None),
        ("Dec 3 again", Some("2026-12-03T09:00:00Z")),
        ("Dec 2", Some("2026-12-02T09:00:00Z")),
        ("Undated 3", None),
    ] {
        let mut i = json!({ "title": title });
        if let Some(d) = due {
            i["dueAt"] = json!(d);
        }
        app.gql_ok(Some(tok), CREATE, json!({ "i": i })).await;
    }
    let rows = entity::task::Entity::find().all(&app.cx.db).await.unwrap();
    assert_eq!(rows.len(), 7);

    const Q: &str = "query($o: [TaskOrderBy!], $first: Int, $after: String, $last: Int, $before: String) { tasks(orderBy: $o, first: $first, after: $after, last: $last, before: $before) { totalCount edges { node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    // (orderBy, the fields as (is due time, descending)) for the sort done here.
    let orders = [
        (json!([{ "field": "DUE_AT" }]), vec![(true, false)]),
        (json!([{ "field": "DUE_AT", "direction": "DESC" }]), vec![(true, true)]),
        (
            json!([{ "field": "DUE_AT" }, { "field": "CREATED_AT", "direction": "DESC" }]),
            vec![(true, false), (false, true)],
        ),
        (
            json!([{ "field": "CREATED_AT" }, { "field": "DUE_AT", "direction": "DESC" }]),
            vec![(false, false), (true, true)],
        ),
    ];
    for (o, fields) in orders {
        let mut want = rows.clone();
        want.sort_by(|a, b| {
            for &(due, desc) in &fields {
                let ord = if due {
                    // No due time counts as later than any.
                    match (a.due_at, b.due_at) {
                        (Some(x), Some(y)) => x.cmp(&y),
                        (None, Some(_)) => Ordering::Greater,
                        (Some(_), None) => Ordering::Less,
                        (None, None) => Ordering::Equal,
                    }
                } else {
                    a.created_at.cmp(&b.created_at)
                };
                let ord = if desc { ord.reverse() } else { ord };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            let by_id = a.id.cmp(&b.id);
            if fields.last().is_some_and(|f| f.1) {
                by_id.reverse()
            } else {
                by_id
            }
        });
        let want: Vec<String> = want.into_iter().map(|r| r.title).collect();

        let (mut forward, mut after, mut pages) = (Vec::new(), Value::Null, 0);
        loop {
            let r = app
                .gql_ok(Some(tok), Q, json!({ "o": o, "first": 2, "after": after }))
                .await;
            let c = &r["tasks"];
            assert_eq!(c["totalCount"], 7, "{o}");
            assert_eq!(c["pageInfo"]["hasPreviousPage"], pages > 0, "{o}");
            forward.extend(names(c, "title"));
            pages += 1;
            if c["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = c["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(forward, want, "forward by {o}");
        assert_eq!(pages, 4);

        let (mut backward, mut before) = (Vec::new(), Value::Null);
        loop {
            let r = app
                .gql_ok(Some(tok), Q, json!({ "o": o, "last": 2, "before": before }))
                .await;
            let c = &r["tasks"];
            let mut page = names(c, "title");
            page.extend(backward);
            backward = page;
            if c["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = c["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(backward, want, "backward by {o}");
    }
}
