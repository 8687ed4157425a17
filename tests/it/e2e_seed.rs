//! `rapport seed`: a demo workspace with something on every screen, whose records hold together
//! the way the product's own writes would leave them.

use std::collections::{HashMap, HashSet};

use rapport::cli::{Command, parse};
use rapport::service::seed::{SeedInput, run};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::support::TestApp;

fn edges(conn: &Value) -> Vec<Value> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

#[tokio::test]
async fn seeded_deals_leads_and_tasks_show_in_the_lists_and_the_funnel() {
    let app = TestApp::spawn().await;
    let seeded = run(
        &app.cx,
        SeedInput {
            workspace_name: "Seed".into(),
            companies: 5,
            contacts: 30,
            activities: 20,
            leads: 60,
            tasks: 70,
            deals: 80,
        },
        |_| {},
    )
    .await
    .unwrap();
    let key = seeded.api_key.expose_secret().to_string();
    let key = Some(key.as_str());

    let r = app
        .gql_ok(
            key,
            "{ users { totalCount edges { node { id status } } }
               contacts(orderBy: [{ field: NUMBER }], first: 100) { totalCount edges { node { number } } }
               leads { totalCount } tasks { totalCount } opportunities { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r["users"]["totalCount"], 5, "the admin and four reps");
    assert!(
        edges(&r["users"]).iter().all(|u| u["status"] == "ACTIVE"),
        "{}",
        r["users"]
    );
    let numbers: Vec<i64> = edges(&r["contacts"])
        .iter()
        .map(|c| c["number"].as_i64().unwrap())
        .collect();
    assert_eq!(
        numbers,
        (1..=30).collect::<Vec<_>>(),
        "contacts keep their numbers 1..N"
    );
    assert_eq!(r["leads"]["totalCount"], 60);
    assert_eq!(r["tasks"]["totalCount"], 70);
    assert_eq!(r["opportunities"]["totalCount"], 80);
    let team: HashSet<String> = edges(&r["users"])
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();

    // Deals: their history leads to their stage; closed ones are closed, lost ones say why.
    let r = app
        .gql_ok(
            key,
            "{ opportunities(first: 100) { edges { node { id number amount { amountMinor currency }
                 stage { id kind } closedAt lostReason owner { id } contacts { contact { id } }
                 stageHistory { from { id } to { id } } } } }
               opportunityTotals(groupBy: STAGE) { key currency count amountMinor } }",
            json!({}),
        )
        .await;
    let deals = edges(&r["opportunities"]);
    let mut per_stage: HashMap<(String, String), (i64, i64)> = HashMap::new();
    let mut kinds = HashSet::new();
    for d in &deals {
        let stage = d["stage"]["id"].as_str().unwrap().to_string();
        let kind = d["stage"]["kind"].as_str().unwrap().to_lowercase();
        let kind = kind.as_str();
        kinds.insert(kind.to_string());
        let history = d["stageHistory"].as_array().unwrap();
        assert_eq!(history[0]["from"], Value::Null, "{d}");
        for pair in history.windows(2) {
            assert_eq!(pair[1]["from"]["id"], pair[0]["to"]["id"], "{d}");
        }
        assert_eq!(history.last().unwrap()["to"]["id"], stage.as_str(), "{d}");
        assert_eq!(d["closedAt"].is_null(), kind == "open", "{d}");
        assert_eq!(d["lostReason"].is_null(), kind != "lost", "{d}");
        assert!(team.contains(d["owner"]["id"].as_str().unwrap()));
        assert_eq!(d["contacts"].as_array().unwrap().len(), 1, "{d}");
        let amount = &d["amount"];
        assert!(amount["amountMinor"].as_i64().unwrap() > 0);
        let e = per_stage
            .entry((stage, amount["currency"].as_str().unwrap().to_string()))
            .or_default();
        e.0 += 1;
        e.1 += amount["amountMinor"].as_i64().unwrap();
    }
    assert!(
        kinds.contains("open") && kinds.len() >= 3,
        "deals spread over the stages: {kinds:?}"
    );
    let totals: HashMap<(String, String), (i64, i64)> = r["opportunityTotals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                (
                    g["key"].as_str().unwrap().to_string(),
                    g["currency"].as_str().unwrap().to_string(),
                ),
                (g["count"].as_i64().unwrap(), g["amountMinor"].as_i64().unwrap()),
            )
        })
        .collect();
    assert_eq!(totals, per_stage, "the funnel counts every seeded deal by its stage");

    // Tasks: some without a due time, some done, across the team, about contacts and deals.
    let r = app
        .gql_ok(
            key,
            "{ tasks(first: 100, orderBy: [{ field: DUE_AT }]) { edges { node { dueAt status priority assignee { id } recordId } } } }",
            json!({}),
        )
        .await;
    let tasks = edges(&r["tasks"]);
    assert_eq!(tasks.len(), 70, "ordered by due time, undated tasks are listed too");
    let undated = tasks.iter().filter(|t| t["dueAt"].is_null()).count();
    assert!(undated > 0 && undated < 70, "{undated} undated");
    assert!(
        tasks[70 - undated..].iter().all(|t| t["dueAt"].is_null()),
        "undated last"
    );
    assert!(tasks.iter().any(|t| t["status"] == "done") && tasks.iter().any(|t| t["status"] == "open"));
    assert!(tasks.iter().any(|t| !t["recordId"].is_null()));
    assert!(
        tasks
            .iter()
            .all(|t| team.contains(t["assignee"]["id"].as_str().unwrap()))
    );
    assert!(
        tasks
            .iter()
            .map(|t| t["priority"].as_str().unwrap())
            .collect::<HashSet<_>>()
            .len()
            > 1
    );

    // Leads: every status; converted ones point at the contact they became.
    let r = app
        .gql_ok(
            key,
            "{ leads(first: 100) { edges { node { name status source email convertedContact { name } convertedAt } } } }",
            json!({}),
        )
        .await;
    let leads = edges(&r["leads"]);
    let statuses: HashSet<&str> = leads.iter().map(|l| l["status"].as_str().unwrap()).collect();
    assert!(statuses.len() >= 4, "{statuses:?}");
    for l in &leads {
        let converted = l["status"] == "converted";
        assert_eq!(!l["convertedContact"].is_null(), converted, "{l}");
        assert_eq!(!l["convertedAt"].is_null(), converted, "{l}");
        if converted {
            assert_eq!(l["convertedContact"]["name"], l["name"], "{l}");
        }
    }
    assert!(leads.iter().any(|l| !l["source"].is_null()));
    // The shadow columns are written: a lead's phone is found by its digits.
    let r = app
        .gql_ok(key, "{ leads(search: \"+86 139\") { totalCount } }", json!({}))
        .await;
    assert!(r["leads"]["totalCount"].as_i64().unwrap() > 0);

    // Numbers continue after the seeded ones.
    let r = app
        .gql_ok(
            key,
            "mutation { createLead(input: { name: \"New\" }) { lead { number } } }",
            json!({}),
        )
        .await;
    assert_eq!(r["createLead"]["lead"]["number"], 61);
}

#[test]
fn seed_options_default_to_a_small_demo_and_unknown_ones_are_refused() {
    let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
    let Ok(Command::Seed(d)) = parse(&args("seed")) else {
        panic!("seed parses")
    };
    assert_eq!(
        (d.companies, d.contacts, d.activities, d.leads, d.tasks, d.deals),
        (100, 1000, 5000, 200, 300, 150)
    );
    // What the benchmark passes: the sales records keep their defaults.
    let Ok(Command::Seed(b)) = parse(&args("seed --companies 10 --contacts 100 --activities 1000")) else {
        panic!("bench arguments parse")
    };
    assert_eq!((b.companies, b.contacts, b.activities, b.leads), (10, 100, 1000, 200));
    let Ok(Command::Seed(s)) = parse(&args("seed --leads 5 --tasks 0 --deals 7")) else {
        panic!("sales options parse")
    };
    assert_eq!((s.leads, s.tasks, s.deals), (5, 0, 7));
    assert!(matches!(parse(&args("seed --help")), Ok(Command::Help)));
    assert!(parse(&args("seed --lead 5")).is_err());
    assert!(parse(&args("seed --deals many")).is_err());
}
