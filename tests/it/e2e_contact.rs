//! Companies, contacts, activities and timelines, as a sales rep and a frontend use them.

use serde_json::{Value, json};

use crate::e2e_invitation::{Member, invite_and_accept_in};
use crate::support::{Tenant, TestApp};

const CREATE_COMPANY: &str = "mutation($i: CreateCompanyInput!) { createCompany(input: $i) { company { id number name domains tags region tier owner { email } } } }";
const CREATE_CONTACT: &str =
    "mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id number name } } }";
const LOG: &str =
    "mutation($i: LogActivityInput!) { logActivity(input: $i) { activity { id kind company { name } } } }";

async fn company(app: &TestApp, token: &str, input: Value) -> String {
    let r = app.gql_ok(Some(token), CREATE_COMPANY, json!({ "i": input })).await;
    r["createCompany"]["company"]["id"].as_str().unwrap().to_string()
}

async fn contact(app: &TestApp, token: &str, input: Value) -> String {
    let r = app.gql_ok(Some(token), CREATE_CONTACT, json!({ "i": input })).await;
    r["createContact"]["contact"]["id"].as_str().unwrap().to_string()
}

async fn count_rows(app: &TestApp) -> (usize, usize, usize) {
    use sea_orm::EntityTrait;
    let db = &app.cx.db;
    (
        entity::company::Entity::find().all(db).await.unwrap().len(),
        entity::contact::Entity::find().all(db).await.unwrap().len(),
        entity::contact_email::Entity::find().all(db).await.unwrap().len(),
    )
}

#[tokio::test]
async fn a_contact_with_its_company_emails_phones_tags_activities_and_timeline() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let acme = company(&app, &t.admin_token, json!({ "name": "Huawei Tech", "domains": ["https://www.Huawei.com/en", "华为.中国"], "region": "华南", "tier": "A", "tags": ["key account", "telecom", "key account"] })).await;
    let c = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { company(id: $id) { number domains tags tier } }",
            json!({ "id": acme }),
        )
        .await;
    assert_eq!(c["company"]["domains"], json!(["huawei.com", "xn--siqq7j.xn--fiqs8s"]));
    assert_eq!(c["company"]["tags"], json!(["key account", "telecom"]));
    assert_eq!(c["company"]["number"], 1);

    let li = contact(
        &app,
        &t.admin_token,
        json!({
            "name": "Li Wei", "title": "CTO", "companyId": acme,
            "emails": [{ "email": "li.wei@huawei.com" }, { "email": "Wei.Li@Gmail.com", "primary": true }],
            "phones": [{ "phone": "+86 138-0013-8000" }],
            "tags": ["decision maker"], "publicNotes": "Met at MWC", "semiPublicNotes": "Loves hiking"
        }),
    )
    .await;
    app.gql_ok(
        Some(&t.admin_token),
        LOG,
        json!({ "i": { "kind": "call", "subject": "Intro call", "contactId": li, "durationMinutes": 20 } }),
    )
    .await;
    let visit = app
        .gql_ok(
            Some(&t.admin_token),
            LOG,
            json!({ "i": { "kind": "visit", "subject": "Site visit", "contactId": li, "latitude": 22.54, "longitude": 114.06, "checkInAt": "2026-11-20T09:00:00Z", "checkOutAt": "2026-11-20T10:30:00Z", "occurredAt": "2026-11-20T09:00:00Z" } }),
        )
        .await;
    assert_eq!(
        visit["logActivity"]["activity"]["company"]["name"], "Huawei Tech",
        "a contact's activity is also the company's"
    );

    let q = "query($id: ID!) { contact(id: $id) { number name title company { name } emails { email primary } primaryEmail phones { phone primary } tags owner { email }
        publicNotes semiPublicNotes lastActivity { kind subject } activities(first: 10) { totalCount edges { node { kind } } }
        timeline(first: 10) { totalCount edges { node { kind actor { email } data } } } } }";
    let r = app.gql_ok(Some(&t.admin_token), q, json!({ "id": li })).await;
    let c = &r["contact"];
    assert_eq!(c["company"]["name"], "Huawei Tech");
    assert_eq!(c["primaryEmail"], "Wei.Li@Gmail.com");
    assert_eq!(c["emails"].as_array().unwrap().len(), 2);
    assert_eq!(c["phones"][0]["primary"], true);
    assert_eq!(c["owner"]["email"], t.admin_email.as_str());
    assert_eq!(
        c["lastActivity"]["subject"], "Intro call",
        "the most recent by occurredAt"
    );
    assert_eq!(c["activities"]["totalCount"], 2);
    let kinds: Vec<&str> = c["timeline"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["activity_logged", "activity_logged", "created"]);

    // A change is recorded with before and after.
    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!) { updateContact(input: { id: $id, title: \"CEO\" }) { contact { title } } }",
        json!({ "id": li }),
    )
    .await;
    let r = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { contact(id: $id) { title timeline(first: 1) { edges { node { kind data } } } } }",
            json!({ "id": li }),
        )
        .await;
    assert_eq!(r["contact"]["title"], "CEO");
    let entry = &r["contact"]["timeline"]["edges"][0]["node"];
    assert_eq!(entry["kind"], "updated");
    assert_eq!(entry["data"]["changes"]["title"], json!({ "from": "CTO", "to": "CEO" }));

    // The company's timeline and its people.
    let r = app.gql_ok(Some(&t.admin_token), "query($id: ID!) { company(id: $id) { contacts { totalCount } activities { totalCount } timeline { edges { node { kind } } } } }", json!({ "id": acme })).await;
    assert_eq!(r["company"]["contacts"]["totalCount"], 1);
    assert_eq!(r["company"]["activities"]["totalCount"], 2);
    assert!(
        r["company"]["timeline"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"]["kind"] == "contact_added")
    );
}

#[tokio::test]
async fn duplicates_are_conflicts_that_name_the_existing_record() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    company(&app, &t.admin_token, json!({ "name": "Acme", "domains": ["acme.com"] })).await;
    let err = app
        .gql_err(
            Some(&t.admin_token),
            CREATE_COMPANY,
            json!({ "i": { "name": "ACME Corp", "domains": ["WWW.ACME.COM"] } }),
            "CONFLICT",
        )
        .await;
    assert!(err["message"].as_str().unwrap().contains("Acme (#1)"), "{err:#}");
    // Explicitly allowed.
    app.gql_ok(
        Some(&t.admin_token),
        CREATE_COMPANY,
        json!({ "i": { "name": "ACME Corp", "domains": ["acme.com"], "allowDuplicate": true } }),
    )
    .await;

    let first = contact(
        &app,
        &t.admin_token,
        json!({ "name": "Li Wei", "emails": [{ "email": "li@acme.com" }] }),
    )
    .await;
    let err = app
        .gql_err(
            Some(&t.admin_token),
            CREATE_CONTACT,
            json!({ "i": { "name": "Wei Li", "emails": [{ "email": " LI@ACME.COM " }] } }),
            "CONFLICT",
        )
        .await;
    assert!(err["message"].as_str().unwrap().contains("Li Wei (#1)"), "{err:#}");
    let before = count_rows(&app).await;
    assert_eq!(before.1, 1, "the refused contact was not written");
    contact(
        &app,
        &t.admin_token,
        json!({ "name": "Wei Li", "emails": [{ "email": "li@acme.com" }], "allowDuplicate": true }),
    )
    .await;
    // Changing the first one's addresses meets the deliberate duplicate's.
    let err = app
        .gql_err(
            Some(&t.admin_token),
            "mutation($id: ID!) { updateContact(input: { id: $id, emails: [{ email: \"li@acme.com\" }, { email: \"wei@acme.com\" }] }) { contact { id } } }",
            json!({ "id": first }),
            "CONFLICT",
        )
        .await;
    assert!(err["message"].as_str().unwrap().contains("Wei Li (#2)"), "{err:#}");
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let before = count_rows(&app).await;
    let cases = [
        (
            CREATE_CONTACT,
            json!({ "name": "X", "emails": [{ "email": "not-an-email" }] }),
            "BAD_USER_INPUT",
            "emails[0]",
        ),
        (
            CREATE_CONTACT,
            json!({ "name": "X", "phones": [{ "phone": "call me maybe" }] }),
            "BAD_USER_INPUT",
            "phones[0]",
        ),
        (CREATE_CONTACT, json!({ "name": "   " }), "BAD_USER_INPUT", "name"),
        (
            CREATE_CONTACT,
            json!({ "name": "X", "emails": [{ "email": "a@b.co", "primary": true }, { "email": "c@d.co", "primary": true }] }),
            "BAD_USER_INPUT",
            "emails",
        ),
        (
            CREATE_CONTACT,
            json!({ "name": "X", "companyId": "bm9wZQ" }),
            "BAD_USER_INPUT",
            "companyId",
        ),
        (
            CREATE_COMPANY,
            json!({ "name": "X", "domains": ["not a domain"] }),
            "BAD_USER_INPUT",
            "domains",
        ),
    ];
    for (q, input, code, field) in cases {
        let err = app.gql_err(Some(&t.admin_token), q, json!({ "i": input }), code).await;
        assert_eq!(err["extensions"]["field"], field, "{err:#}");
    }
    // An unknown company id of the right type.
    let unknown = crate::e2e_tenancy::unknown("Company");
    app.gql_err(
        Some(&t.admin_token),
        CREATE_CONTACT,
        json!({ "i": { "name": "X", "companyId": unknown } }),
        "NOT_FOUND",
    )
    .await;
    app.gql_err(
        Some(&t.admin_token),
        LOG,
        json!({ "i": { "kind": "fax", "subject": "x", "companyId": unknown } }),
        "BAD_USER_INPUT",
    )
    .await;
    app.gql_err(
        Some(&t.admin_token),
        LOG,
        json!({ "i": { "kind": "call", "subject": "nobody" } }),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(count_rows(&app).await, before);
}

#[tokio::test]
async fn filters_across_relations_search_and_ordering() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let east = company(
        &app,
        &t.admin_token,
        json!({ "name": "East Co", "region": "华东", "industry": "Retail" }),
    )
    .await;
    let west = company(
        &app,
        &t.admin_token,
        json!({ "name": "West Co", "region": "西南", "industry": "Energy" }),
    )
    .await;
    contact(
        &app,
        &t.admin_token,
        json!({ "name": "Ann East", "companyId": east, "tags": ["vip"], "emails": [{ "email": "ann@east.co" }] }),
    )
    .await;
    contact(
        &app,
        &t.admin_token,
        json!({ "name": "Bob East", "companyId": east, "phones": [{ "phone": "+86 21 5555 0101" }] }),
    )
    .await;
    contact(
        &app,
        &t.admin_token,
        json!({ "name": "Cid West", "companyId": west, "tags": ["vip"] }),
    )
    .await;
    contact(&app, &t.admin_token, json!({ "name": "Dee Nowhere 100%_off" })).await;

    let names = |v: &Value| -> Vec<String> {
        v["contacts"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    const Q: &str = "query($f: ContactFilter, $s: String, $o: [RecordOrderBy!]) { contacts(filter: $f, search: $s, orderBy: $o) { totalCount edges { node { name } } } }";
    let run = |f: Value, s: Value, o: Value| {
        let app = &app;
        let tok = t.admin_token.clone();
        async move { app.gql_ok(Some(&tok), Q, json!({ "f": f, "s": s, "o": o })).await }
    };
    // Across the relation: contacts at companies in 华东.
    let r = run(
        json!({ "company": { "region": { "eq": "华东" } } }),
        Value::Null,
        Value::Null,
    )
    .await;
    assert_eq!(names(&r), ["Ann East", "Bob East"]);
    assert_eq!(r["contacts"]["totalCount"], 2);
    // or / not / tags.
    let r = run(json!({ "or": [{ "tag": { "eq": "vip" } }, { "name": { "startsWith": "dee" } }], "not": { "company": { "industry": { "eq": "Energy" } } } }), Value::Null, Value::Null).await;
    assert_eq!(names(&r), ["Ann East", "Dee Nowhere 100%_off"]);
    // % and _ are literal in contains.
    let r = run(json!({ "name": { "contains": "0%_" } }), Value::Null, Value::Null).await;
    assert_eq!(names(&r), ["Dee Nowhere 100%_off"]);
    let r = run(json!({ "name": { "contains": "%" } }), Value::Null, Value::Null).await;
    assert_eq!(names(&r).len(), 1);
    // Search in names, emails and phones.
    assert_eq!(
        names(&run(Value::Null, json!("ANN@EAST"), Value::Null).await),
        ["Ann East"]
    );
    assert_eq!(
        names(&run(Value::Null, json!("5555 0101"), Value::Null).await),
        ["Bob East"]
    );
    assert_eq!(names(&run(Value::Null, json!("west"), Value::Null).await), ["Cid West"]);
    // Ordering with a direction.
    let r = run(
        Value::Null,
        Value::Null,
        json!([{ "field": "NUMBER", "direction": "DESC" }]),
    )
    .await;
    assert_eq!(names(&r)[0], "Dee Nowhere 100%_off");
    // Companies: filter by domain-less fields and order.
    let r = app.gql_ok(Some(&t.admin_token), "{ companies(filter: { industry: { in: [\"Retail\", \"Energy\"] } }, orderBy: [{ field: NAME, direction: DESC }]) { totalCount edges { node { name } } } }", json!({})).await;
    assert_eq!(r["companies"]["edges"][0]["node"]["name"], "West Co");
    // Too deep a filter is refused.
    let mut deep = json!({ "name": { "eq": "x" } });
    for _ in 0..7 {
        deep = json!({ "not": deep });
    }
    let err = app
        .gql_err(Some(&t.admin_token), Q, json!({ "f": deep }), "BAD_USER_INPUT")
        .await;
    assert_eq!(err["extensions"]["field"], "filter");
}

struct Team {
    t: Tenant,
    manager: Member,
    rep_north: Member,
    rep_support: Member,
}

/// Sales ⊃ North; Support. A manager in Sales, a rep in North, a rep in Support.
async fn team(app: &TestApp) -> Team {
    let t = app.tenant("Acme").await;
    let mk = |name: &str, parent: Option<String>| {
        let tok = t.admin_token.clone();
        let name = name.to_string();
        async move {
            let r = app.gql_ok(Some(&tok), "mutation($n: String!, $p: ID) { createDepartment(input: { name: $n, parentId: $p }) { department { id } } }", json!({ "n": name, "p": parent })).await;
            r["createDepartment"]["department"]["id"].as_str().unwrap().to_string()
        }
    };
    let sales = mk("Sales", None).await;
    let north = mk("North", Some(sales.clone())).await;
    let support = mk("Support", None).await;
    let manager = invite_and_accept_in(app, &t, "MANAGER", Some(&sales)).await;
    let rep_north = invite_and_accept_in(app, &t, "REP", Some(&north)).await;
    let rep_support = invite_and_accept_in(app, &t, "REP", Some(&support)).await;
    Team {
        t,
        manager,
        rep_north,
        rep_support,
    }
}

#[tokio::test]
async fn data_scope_follows_role_and_department_tree() {
    let app = TestApp::spawn().await;
    let team = team(&app).await;
    let mine_north = contact(&app, &team.rep_north.token, json!({ "name": "North Lead" })).await;
    let mine_support = contact(&app, &team.rep_support.token, json!({ "name": "Support Lead" })).await;
    let mine_mgr = contact(&app, &team.manager.token, json!({ "name": "Manager Lead" })).await;
    app.gql_ok(
        Some(&team.rep_north.token),
        LOG,
        json!({ "i": { "kind": "call", "subject": "x", "contactId": mine_north } }),
    )
    .await;

    let visible = |token: String| {
        let app = &app;
        async move {
            let r = app
                .gql_ok(
                    Some(&token),
                    "{ contacts { totalCount edges { node { name } } } }",
                    json!({}),
                )
                .await;
            let mut n: Vec<String> = r["contacts"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap().to_string())
                .collect();
            n.sort();
            (r["contacts"]["totalCount"].as_i64().unwrap(), n)
        }
    };
    assert_eq!(visible(team.t.admin_token.clone()).await.0, 3);
    assert_eq!(
        visible(team.manager.token.clone()).await.1,
        ["Manager Lead", "North Lead"]
    );
    assert_eq!(visible(team.rep_north.token.clone()).await.1, ["North Lead"]);
    assert_eq!(visible(team.rep_support.token.clone()).await.1, ["Support Lead"]);

    // Outside the scope a record answers like an unknown one, for reads and writes alike.
    let q = "query($id: ID!) { contact(id: $id) { name } }";
    app.gql_err(
        Some(&team.rep_north.token),
        q,
        json!({ "id": mine_support }),
        "NOT_FOUND",
    )
    .await;
    app.gql_err(Some(&team.manager.token), q, json!({ "id": mine_support }), "NOT_FOUND")
        .await;
    app.gql_ok(Some(&team.manager.token), q, json!({ "id": mine_north }))
        .await;
    app.gql_err(
        Some(&team.rep_north.token),
        "mutation($id: ID!) { updateContact(input: { id: $id, name: \"Hijack\" }) { contact { id } } }",
        json!({ "id": mine_mgr }),
        "NOT_FOUND",
    )
    .await;
    app.gql_err(
        Some(&team.rep_support.token),
        LOG,
        json!({ "i": { "kind": "call", "subject": "x", "contactId": mine_north } }),
        "NOT_FOUND",
    )
    .await;
    // A rep cannot hand records to someone else; a manager can, within the team.
    app.gql_err(
        Some(&team.rep_north.token),
        "mutation($ids: [ID!]!, $o: ID!) { reassignContacts(input: { ids: $ids, ownerId: $o }) { contacts { id } } }",
        json!({ "ids": [mine_north], "o": team.manager.id }),
        "FORBIDDEN",
    )
    .await;
    let r = app
        .gql_ok(
            Some(&team.manager.token),
            "mutation($ids: [ID!]!, $o: ID!) { reassignContacts(input: { ids: $ids, ownerId: $o }) { contacts { owner { email } } } }",
            json!({ "ids": [mine_north], "o": team.manager.id }),
        )
        .await;
    assert_eq!(
        r["reassignContacts"]["contacts"][0]["owner"]["email"],
        team.manager.email.as_str()
    );
    assert_eq!(
        visible(team.rep_north.token.clone()).await.0,
        0,
        "reassigned away from the rep"
    );
    // Relations respect the scope too: the manager's view of the rep's activity.
    let r = app
        .gql_ok(
            Some(&team.manager.token),
            "query($id: ID!) { contact(id: $id) { activities { totalCount } lastActivity { subject } } }",
            json!({ "id": mine_north }),
        )
        .await;
    assert_eq!(r["contact"]["activities"]["totalCount"], 1);
}

#[tokio::test]
async fn private_notes_reach_only_the_owner_and_those_they_share_with() {
    let app = TestApp::spawn().await;
    let team = team(&app).await;
    let secret = "Going through a divorce; avoid Friday calls";
    let c = contact(
        &app,
        &team.rep_north.token,
        json!({ "name": "Confidant", "privateNotes": secret, "semiPublicNotes": "Plays golf" }),
    )
    .await;
    const Q: &str = "query($id: ID!) { contact(id: $id) { privateNotes semiPublicNotes canReadPrivateNotes timeline { edges { node { data } } } } }";
    let owner = app.gql_ok(Some(&team.rep_north.token), Q, json!({ "id": c })).await;
    assert_eq!(owner["contact"]["privateNotes"], secret);
    for token in [&team.manager.token, &team.t.admin_token] {
        let other = app.gql_ok(Some(token), Q, json!({ "id": c })).await;
        assert!(other["contact"]["privateNotes"].is_null(), "{other:#}");
        assert_eq!(other["contact"]["semiPublicNotes"], "Plays golf");
        assert_eq!(other["contact"]["canReadPrivateNotes"], false);
        assert!(
            !other.to_string().contains("divorce"),
            "no path leaks the private notes: {other:#}"
        );
        // Nor can they be found by searching or filtering.
        let found = app
            .gql_ok(
                Some(token),
                "{ contacts(search: \"divorce\") { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(found["contacts"]["totalCount"], 0);
        app.gql_err(
            Some(token),
            "mutation($id: ID!) { updateContact(input: { id: $id, privateNotes: \"x\" }) { contact { id } } }",
            json!({ "id": c }),
            "FORBIDDEN",
        )
        .await;
    }
    // Only the owner shares.
    app.gql_err(
        Some(&team.t.admin_token),
        "mutation($c: ID!, $u: ID!) { sharePrivateNotes(input: { contactId: $c, userId: $u }) { contact { id } } }",
        json!({ "c": c, "u": team.manager.id }),
        "FORBIDDEN",
    )
    .await;
    app.gql_ok(
        Some(&team.rep_north.token),
        "mutation($c: ID!, $u: ID!) { sharePrivateNotes(input: { contactId: $c, userId: $u }) { contact { id } } }",
        json!({ "c": c, "u": team.manager.id }),
    )
    .await;
    let shared = app.gql_ok(Some(&team.manager.token), Q, json!({ "id": c })).await;
    assert_eq!(shared["contact"]["privateNotes"], secret);
    let admin = app.gql_ok(Some(&team.t.admin_token), Q, json!({ "id": c })).await;
    assert!(admin["contact"]["privateNotes"].is_null());
}

/// Statements one request costs: the fewest over three runs. DataLoaders batch what arrives
/// within a 1 ms window and on a loaded machine a batch can be cut in two; an N+1 would show in
/// every run.
async fn statements(app: &TestApp, key: &str, q: &str, vars: Value, list: &str, n: usize) -> u64 {
    use std::sync::atomic::Ordering;
    let mut runs = Vec::new();
    for _ in 0..3 {
        let before = app.cx.statements.load(Ordering::SeqCst);
        let r = app.gql_ok(Some(key), q, vars.clone()).await;
        assert_eq!(r[list]["edges"].as_array().unwrap().len(), n, "{r}");
        runs.push(app.cx.statements.load(Ordering::SeqCst) - before);
    }
    assert!(runs.iter().all(|c| *c < 25), "{n} rows cost {runs:?} statements");
    *runs.iter().min().unwrap()
}

async fn seeded(app: &TestApp) -> String {
    let seeded = rapport::service::seed::run(
        &app.cx,
        rapport::service::seed::SeedInput {
            workspace_name: "Seed".into(),
            companies: 20,
            contacts: 60,
            activities: 300,
            leads: 0,
            tasks: 0,
            deals: 0,
        },
        |_| {},
    )
    .await
    .unwrap();
    use secrecy::ExposeSecret;
    let key = seeded.api_key.expose_secret().to_string();
    app.gql_ok(Some(&key), "{ me { user { id } } }", json!({})).await; // warm-up (token last-use stamp)
    key
}

#[tokio::test]
async fn a_page_of_50_costs_the_same_statements_as_a_page_of_5() {
    let app = TestApp::spawn().await;
    let key = seeded(&app).await;
    let q = "query($n: Int!) { contacts(first: $n) { edges { node { name company { name domains tags } owner { name department { name } } primaryEmail phones { phone } tags lastActivity { kind occurredAt } activities(first: 3) { totalCount edges { cursor node { subject } } } } } } }";
    let five = statements(&app, &key, q, json!({ "n": 5 }), "contacts", 5).await;
    let fifty = statements(&app, &key, q, json!({ "n": 50 }), "contacts", 50).await;
    assert_eq!(five, fifty, "statements for 5 vs 50 contacts");
    assert!(five <= 14, "a page costs {five} statements");
}

/// The list screen's company column comes with the page: one statement in all (the caller's
/// token is verified once and then reused), whatever the page size.
#[tokio::test]
async fn a_page_of_contacts_with_company_names_is_one_statement() {
    let app = TestApp::spawn().await;
    let key = seeded(&app).await;
    let q = "query($n: Int!) { contacts(first: $n) { edges { node { id name company { name } } } } }";
    assert_eq!(statements(&app, &key, q, json!({ "n": 5 }), "contacts", 5).await, 1);
    assert_eq!(statements(&app, &key, q, json!({ "n": 50 }), "contacts", 50).await, 1);
    // Asking more of the company reads the companies in a statement of their own.
    let q = "query($n: Int!) { contacts(first: $n) { edges { node { id name company { name region } } } } }";
    assert_eq!(statements(&app, &key, q, json!({ "n": 50 }), "contacts", 50).await, 2);
}

/// The `contacts` list reads its rows' relations ahead for the whole page; each one must answer
/// exactly as a single lookup (which goes through the DataLoaders) does, in every data scope:
/// a rep's contact at a company they may not see shows no company, the same as `contact(id:)`.
#[tokio::test]
async fn list_rows_answer_like_single_lookups_in_every_scope() {
    let app = TestApp::spawn().await;
    let team = team(&app).await;
    let mgr_co = company(
        &app,
        &team.manager.token,
        json!({ "name": "Manager Co", "domains": ["mgr.example"] }),
    )
    .await;
    let own_co = company(&app, &team.rep_north.token, json!({ "name": "North Co" })).await;
    for (i, co) in [Some(&mgr_co), Some(&own_co), None].into_iter().enumerate() {
        // The admin files them (a rep may not link a company they can't see) for the rep.
        let id = contact(
            &app,
            &team.t.admin_token,
            json!({
                "name": format!("Person {i}"), "companyId": co, "ownerId": team.rep_north.id,
                "emails": [{ "email": format!("p{i}@x.example") }, { "email": format!("q{i}@y.example"), "primary": i == 1 }],
                "tags": if i == 2 { json!([]) } else { json!(["b", "a"]) },
            }),
        )
        .await;
        if i != 2 {
            app.gql_ok(
                Some(&team.rep_north.token),
                LOG,
                json!({ "i": { "kind": "call", "subject": format!("call {i}"), "contactId": id } }),
            )
            .await;
        }
    }
    contact(
        &app,
        &team.manager.token,
        json!({ "name": "Manager Person", "companyId": mgr_co }),
    )
    .await;
    // A contact whose company was deleted has none, on every path.
    let gone = company(&app, &team.t.admin_token, json!({ "name": "Gone Co" })).await;
    contact(
        &app,
        &team.t.admin_token,
        json!({ "name": "Gone Person", "companyId": gone, "ownerId": team.rep_north.id }),
    )
    .await;
    app.gql_ok(
        Some(&team.t.admin_token),
        "mutation($id: ID!) { deleteCompany(input: { id: $id }) { company { id } } }",
        json!({ "id": gone }),
    )
    .await;

    // The company's name alone (read in the page's own statement), its id, number and name
    // through a fragment (the same), and more of it (read as whole companies).
    let field_sets = [
        "id name company { name } owner { email } primaryEmail emails { email primary } tags lastActivity { subject }",
        "id name company { ...Named __typename } tags",
        "id name company { id name number industry domains owner { email } } primaryEmail",
    ];
    for (fields, token) in field_sets
        .iter()
        .flat_map(|f| [&team.t.admin_token, &team.manager.token, &team.rep_north.token].map(|t| (f, t)))
    {
        let fragment = match fields.contains("...Named") {
            true => "fragment Named on Company { id number name }",
            false => "",
        };
        let list = app
            .gql_ok(
                Some(token),
                &format!(
                    "{{ contacts(first: 50) {{ edges {{ node {{ {fields} }} }} nodes {{ {fields} }} }} }} {fragment}"
                ),
                json!({}),
            )
            .await;
        let edges = list["contacts"]["edges"].as_array().unwrap();
        assert!(edges.len() >= 3, "{list}");
        for (e, n) in edges.iter().zip(list["contacts"]["nodes"].as_array().unwrap()) {
            let one = app
                .gql_ok(
                    Some(token),
                    &format!("query($id: ID!) {{ contact(id: $id) {{ {fields} }} }} {fragment}"),
                    json!({ "id": e["node"]["id"] }),
                )
                .await;
            assert_eq!(e["node"], one["contact"], "list row vs lookup");
            assert_eq!(n, &one["contact"], "nodes row vs lookup");
        }
    }
    // What the rep sees: their contact at the manager's company has no company.
    let r = app
        .gql_ok(
            Some(&team.rep_north.token),
            "{ contacts { nodes { name company { name } tags primaryEmail lastActivity { subject } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r["contacts"]["nodes"],
        json!([
            { "name": "Gone Person", "company": null, "tags": [], "primaryEmail": null, "lastActivity": null },
            { "name": "Person 0", "company": null, "tags": ["a", "b"], "primaryEmail": "p0@x.example", "lastActivity": { "subject": "call 0" } },
            { "name": "Person 1", "company": { "name": "North Co" }, "tags": ["a", "b"], "primaryEmail": "q1@y.example", "lastActivity": { "subject": "call 1" } },
            { "name": "Person 2", "company": null, "tags": [], "primaryEmail": "p2@x.example", "lastActivity": null },
        ])
    );
}

/// Timelines under a list are read for the whole page at once (same statements for 2 or 6
/// contacts) and page exactly like one contact's timeline.
#[tokio::test]
async fn timelines_in_a_list_cost_the_same_for_2_or_6_records_and_match_single_lookups() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    for i in 0..6 {
        let id = contact(&app, &t.admin_token, json!({ "name": format!("P{i}") })).await;
        // Histories of different lengths: 1 to 6 entries.
        for k in 0..i {
            app.gql_ok(
                Some(&t.admin_token),
                "mutation($id: ID!, $t: String!) { updateContact(input: { id: $id, title: $t }) { contact { id } } }",
                json!({ "id": id, "t": format!("title {k}") }),
            )
            .await;
        }
    }
    let q = "query($n: Int!) { contacts(first: $n) { edges { node { id name timeline(first: 2) { totalCount pageInfo { hasNextPage } edges { cursor node { kind data } } } } } } }";
    let two = statements(&app, &t.admin_token, q, json!({ "n": 2 }), "contacts", 2).await;
    let six = statements(&app, &t.admin_token, q, json!({ "n": 6 }), "contacts", 6).await;
    assert_eq!(two, six, "statements for 2 vs 6 contacts");

    let page = app.gql_ok(Some(&t.admin_token), q, json!({ "n": 6 })).await;
    let one = "query($id: ID!) { contact(id: $id) { timeline(first: 2) { totalCount pageInfo { hasNextPage } edges { cursor node { kind data } } } } }";
    let mut totals = Vec::new();
    for e in page["contacts"]["edges"].as_array().unwrap() {
        let node = &e["node"];
        let single = app.gql_ok(Some(&t.admin_token), one, json!({ "id": node["id"] })).await;
        assert_eq!(node["timeline"], single["contact"]["timeline"], "{}", node["name"]);
        totals.push(node["timeline"]["totalCount"].as_i64().unwrap());
    }
    assert_eq!(totals, [1, 2, 3, 4, 5, 6]);
}

/// Nested lists (each company's people and activities) are loaded for the whole page at once,
/// and give the same rows and cursors as asking for one company.
#[tokio::test]
async fn nested_lists_cost_the_same_for_5_or_20_parents_and_match_single_lookups() {
    let app = TestApp::spawn().await;
    let key = seeded(&app).await;
    let q = "query($n: Int!) { companies(first: $n) { edges { node { id name domains owner { name } contacts(first: 2) { totalCount pageInfo { hasNextPage } edges { cursor node { name primaryEmail } } } activities(first: 3) { totalCount pageInfo { hasNextPage } edges { cursor node { subject occurredAt } } } } } } }";
    let five = statements(&app, &key, q, json!({ "n": 5 }), "companies", 5).await;
    let twenty = statements(&app, &key, q, json!({ "n": 20 }), "companies", 20).await;
    assert_eq!(five, twenty, "statements for 5 vs 20 companies");

    let page = app.gql_ok(Some(&key), q, json!({ "n": 20 })).await;
    let one = "query($id: ID!) { company(id: $id) { contacts(first: 2) { totalCount pageInfo { hasNextPage } edges { cursor node { name primaryEmail } } } activities(first: 3) { totalCount pageInfo { hasNextPage } edges { cursor node { subject occurredAt } } } } }";
    let mut with_people = 0;
    for e in page["companies"]["edges"].as_array().unwrap() {
        let node = &e["node"];
        let single = app.gql_ok(Some(&key), one, json!({ "id": node["id"] })).await;
        assert_eq!(node["contacts"], single["company"]["contacts"], "{}", node["name"]);
        assert_eq!(node["activities"], single["company"]["activities"], "{}", node["name"]);
        if node["contacts"]["totalCount"].as_i64().unwrap() > 2 {
            with_people += 1;
            // The nested page's cursor continues the list.
            let next = app
                .gql_ok(
                    Some(&key),
                    "query($id: ID!, $after: String) { company(id: $id) { contacts(first: 100, after: $after) { edges { node { name } } } } }",
                    json!({ "id": node["id"], "after": node["contacts"]["edges"][1]["cursor"] }),
                )
                .await;
            let rest = next["company"]["contacts"]["edges"].as_array().unwrap().len() as i64;
            assert_eq!(rest + 2, node["contacts"]["totalCount"].as_i64().unwrap());
            assert_eq!(node["contacts"]["pageInfo"]["hasNextPage"], true);
        }
    }
    assert!(with_people > 0, "the seed gives some companies more than two people");
}

#[tokio::test]
async fn delete_restore_and_foreign_ids() {
    let app = TestApp::spawn().await;
    let a = app.tenant("Acme").await;
    let b = app.tenant("Acme").await;
    let theirs_company = company(&app, &b.admin_token, json!({ "name": "Their Co" })).await;
    let theirs = contact(
        &app,
        &b.admin_token,
        json!({ "name": "Their Person", "companyId": theirs_company }),
    )
    .await;
    let mine = contact(&app, &a.admin_token, json!({ "name": "My Person" })).await;

    for (q, id) in [
        ("query($id: ID!) { contact(id: $id) { name } }", &theirs),
        ("query($id: ID!) { company(id: $id) { name } }", &theirs_company),
        ("query($id: ID!) { node(id: $id) { id } }", &theirs),
        (
            "mutation($id: ID!) { deleteContact(input: { id: $id }) { contact { id } } }",
            &theirs,
        ),
        (
            "mutation($id: ID!) { updateCompany(input: { id: $id, name: \"X\" }) { company { id } } }",
            &theirs_company,
        ),
    ] {
        app.gql_err(Some(&a.admin_token), q, json!({ "id": id }), "NOT_FOUND")
            .await;
    }
    app.gql_err(
        Some(&a.admin_token),
        "mutation($id: ID!, $c: ID!) { updateContact(input: { id: $id, companyId: $c }) { contact { id } } }",
        json!({ "id": mine, "c": theirs_company }),
        "NOT_FOUND",
    )
    .await;
    app.gql_err(
        Some(&a.admin_token),
        LOG,
        json!({ "i": { "kind": "call", "subject": "x", "contactId": theirs } }),
        "NOT_FOUND",
    )
    .await;
    let r = app
        .gql_ok(
            Some(&b.admin_token),
            "query($id: ID!) { contact(id: $id) { name company { name } timeline { totalCount } } }",
            json!({ "id": theirs }),
        )
        .await;
    assert_eq!(
        r["contact"]["timeline"]["totalCount"], 1,
        "untouched by the other workspace"
    );

    app.gql_ok(
        Some(&a.admin_token),
        "mutation($id: ID!) { deleteContact(input: { id: $id }) { contact { deletedAt } } }",
        json!({ "id": mine }),
    )
    .await;
    app.gql_err(
        Some(&a.admin_token),
        "query($id: ID!) { contact(id: $id) { name } }",
        json!({ "id": mine }),
        "NOT_FOUND",
    )
    .await;
    let bin = app
        .gql_ok(
            Some(&a.admin_token),
            "{ contacts(deleted: true) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(bin["contacts"]["totalCount"], 1);
    app.gql_ok(
        Some(&a.admin_token),
        "mutation($id: ID!) { restoreContact(input: { id: $id }) { contact { deletedAt } } }",
        json!({ "id": mine }),
    )
    .await;
    let r = app
        .gql_ok(
            Some(&a.admin_token),
            "query($id: ID!) { contact(id: $id) { timeline { edges { node { kind } } } } }",
            json!({ "id": mine }),
        )
        .await;
    let kinds: Vec<&str> = r["contact"]["timeline"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["restored", "deleted", "created"]);
}

async fn export(app: &TestApp, token: Option<&str>, params: &[(&str, &str)]) -> (u16, String) {
    let url = reqwest::Url::parse_with_params(&format!("{}/export/contacts.csv", app.base), params).unwrap();
    let mut req = app.client().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    // Bytes, not text(): reqwest's text() strips the BOM the test checks for.
    (
        resp.status().as_u16(),
        String::from_utf8(resp.bytes().await.unwrap().to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn export_streams_the_filtered_visible_list_without_private_notes() {
    let app = TestApp::spawn().await;
    let team = team(&app).await;
    let east = company(
        &app,
        &team.t.admin_token,
        json!({ "name": "East Co", "region": "华东" }),
    )
    .await;
    // Owned by the reps; the company is the admin's (reps cannot see it, so it exports empty for them).
    contact(&app, &team.t.admin_token, json!({ "name": "李伟", "companyId": east, "ownerId": team.rep_north.id, "tags": ["vip"], "emails": [{ "email": "li@east.co" }], "publicNotes": "met, at \"expo\"", "privateNotes": "TOP SECRET" })).await;
    contact(
        &app,
        &team.rep_north.token,
        json!({ "name": "=HYPERLINK(\"http://evil\")" }),
    )
    .await;
    contact(
        &app,
        &team.t.admin_token,
        json!({ "name": "Support Person", "companyId": east, "ownerId": team.rep_support.id }),
    )
    .await;

    let (status, csv) = export(&app, Some(&team.t.admin_token), &[]).await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("\u{feff}number,name,title,company"), "{csv}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "header and three contacts: {csv}");
    assert!(csv.contains("李伟,,East Co,li@east.co"), "{csv}");
    assert!(csv.contains("\"met, at \"\"expo\"\"\""), "quoted: {csv}");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "formula defused: {csv}"
    );
    assert!(!csv.contains("TOP SECRET"), "private notes are never exported");

    // The same filter and search as the API, across the company relation.
    let filter = json!({ "company": { "region": { "eq": "华东" } } }).to_string();
    let (_, csv) = export(
        &app,
        Some(&team.t.admin_token),
        &[("filter", filter.as_str()), ("search", "li@")],
    )
    .await;
    assert_eq!(csv.lines().count(), 2, "{csv}");
    // The caller's data scope: the support rep exports only their own.
    let (_, csv) = export(&app, Some(&team.rep_support.token), &[]).await;
    assert_eq!(csv.lines().count(), 2);
    assert!(
        csv.contains("Support Person,,,,") && !csv.contains("李伟"),
        "no company the rep cannot see: {csv}"
    );
    // Errors are refused before any row.
    assert_eq!(export(&app, None, &[]).await.0, 401);
    let (status, body) = export(
        &app,
        Some(&team.t.admin_token),
        &[("filter", "{\"name\": {\"eq\": 5}}")],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("BAD_USER_INPUT"));
}

#[tokio::test]
async fn export_pages_through_large_lists() {
    let app = TestApp::spawn().await;
    let seeded = rapport::service::seed::run(
        &app.cx,
        rapport::service::seed::SeedInput {
            workspace_name: "Big".into(),
            companies: 10,
            contacts: 250,
            activities: 0,
            leads: 0,
            tasks: 0,
            deals: 0,
        },
        |_| {},
    )
    .await
    .unwrap();
    use secrecy::ExposeSecret;
    let (status, csv) = export(&app, Some(seeded.api_key.expose_secret()), &[]).await;
    assert_eq!(status, 200);
    let numbers: Vec<i64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        numbers,
        (1..=250).collect::<Vec<i64>>(),
        "every contact once, in number order, across pages"
    );
}

#[tokio::test]
async fn merging_two_contacts_keeps_both_histories_and_a_dry_run_changes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let co = company(&app, &t.admin_token, json!({ "name": "Globex" })).await;
    let keep = contact(
        &app,
        &t.admin_token,
        json!({ "name": "Li Wei", "emails": [{ "email": "li@globex.com" }], "tags": ["vip"] }),
    )
    .await;
    let dup = contact(&app, &t.admin_token, json!({ "name": "Wei Li", "title": "CTO", "companyId": co, "emails": [{ "email": "wei@gmail.com" }], "tags": ["vip", "tech"], "allowDuplicate": true })).await;
    app.gql_ok(
        Some(&t.admin_token),
        LOG,
        json!({ "i": { "kind": "call", "subject": "Call with the duplicate", "contactId": dup } }),
    )
    .await;
    app.gql_ok(
        Some(&t.admin_token),
        CREATE_CONTACT,
        json!({ "i": { "name": "Referred", "referredById": dup } }),
    )
    .await;
    let deal = app.gql_ok(Some(&t.admin_token), "mutation($c: ID!) { createOpportunity(input: { name: \"d\", amountMinor: 1, currency: \"CNY\", contacts: [{ contactId: $c }] }) { opportunity { id } } }", json!({ "c": dup })).await;
    let deal = deal["createOpportunity"]["opportunity"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    const MERGE: &str = "mutation($k: ID!, $m: ID!, $d: Boolean!) { mergeContacts(input: { keepId: $k, mergeId: $m, dryRun: $d }) { dryRun contact { title } moved { activities opportunities timelineEntries emailsOrDomains } } }";
    let preview = app
        .gql_ok(Some(&t.admin_token), MERGE, json!({ "k": keep, "m": dup, "d": true }))
        .await;
    assert_eq!(
        preview["mergeContacts"]["contact"]["title"], "CTO",
        "the survivor takes fields it lacked"
    );
    assert_eq!(preview["mergeContacts"]["moved"]["activities"], 1);
    assert_eq!(preview["mergeContacts"]["moved"]["opportunities"], 1);
    // The dry run changed nothing.
    let dup_still = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { contact(id: $id) { name activities { totalCount } } }",
            json!({ "id": dup }),
        )
        .await;
    assert_eq!(dup_still["contact"]["activities"]["totalCount"], 1);

    app.gql_ok(Some(&t.admin_token), MERGE, json!({ "k": keep, "m": dup, "d": false }))
        .await;
    app.gql_err(
        Some(&t.admin_token),
        "query($id: ID!) { contact(id: $id) { name } }",
        json!({ "id": dup }),
        "NOT_FOUND",
    )
    .await;
    let r = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { contact(id: $id) { title company { name } emails { email primary } tags activities { totalCount } timeline(first: 50) { edges { node { kind } } } } }",
            json!({ "id": keep }),
        )
        .await;
    let c = &r["contact"];
    assert_eq!(c["company"]["name"], "Globex");
    assert_eq!(
        c["emails"],
        json!([{ "email": "li@globex.com", "primary": true }, { "email": "wei@gmail.com", "primary": false }])
    );
    assert_eq!(c["tags"], json!(["tech", "vip"]));
    assert_eq!(c["activities"]["totalCount"], 1);
    let kinds: Vec<&str> = c["timeline"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "created").count(),
        2,
        "both histories are kept: {kinds:?}"
    );
    assert_eq!(kinds[0], "merged");
    let d = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { opportunity(id: $id) { contacts { contact { name } } } }",
            json!({ "id": deal }),
        )
        .await;
    assert_eq!(d["opportunity"]["contacts"][0]["contact"]["name"], "Li Wei");
    let refd = app
        .gql_ok(
            Some(&t.admin_token),
            "{ contacts(filter: { name: { eq: \"Referred\" } }) { edges { node { referredBy { name } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(refd["contacts"]["edges"][0]["node"]["referredBy"]["name"], "Li Wei");

    // Merging a record with itself is refused; so is a foreign one.
    let err = app
        .gql_err(
            Some(&t.admin_token),
            MERGE,
            json!({ "k": keep, "m": keep, "d": false }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "mergeId");
    let other = app.tenant("Other").await;
    let theirs = contact(&app, &other.admin_token, json!({ "name": "Theirs" })).await;
    app.gql_err(
        Some(&t.admin_token),
        MERGE,
        json!({ "k": keep, "m": theirs, "d": false }),
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn merging_two_companies_moves_people_domains_and_deals() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let keep = company(
        &app,
        &t.admin_token,
        json!({ "name": "Globex", "domains": ["globex.com"] }),
    )
    .await;
    let dup = company(
        &app,
        &t.admin_token,
        json!({ "name": "Globex Corp", "domains": ["globex.cn"], "region": "华东" }),
    )
    .await;
    contact(&app, &t.admin_token, json!({ "name": "Hank", "companyId": dup })).await;
    let r = app
        .gql_ok(Some(&t.admin_token), "mutation($k: ID!, $m: ID!) { mergeCompanies(input: { keepId: $k, mergeId: $m }) { company { region domains contacts { totalCount } } moved { contacts emailsOrDomains } } }", json!({ "k": keep, "m": dup }))
        .await;
    let m = &r["mergeCompanies"];
    assert_eq!(m["company"]["region"], "华东");
    assert_eq!(m["company"]["domains"], json!(["globex.com", "globex.cn"]));
    assert_eq!(m["company"]["contacts"]["totalCount"], 1);
    assert_eq!(m["moved"]["contacts"], 1);

    // Another workspace's look-alike company, as either side, answers like an unknown id and
    // changes nothing in either workspace; a company merged with itself is refused.
    let other = app.tenant("Other").await;
    let theirs = company(
        &app,
        &other.admin_token,
        json!({ "name": "Globex", "domains": ["globex.de"] }),
    )
    .await;
    let before = count_rows(&app).await;
    let merge = "mutation($k: ID!, $m: ID!, $d: Boolean!) { mergeCompanies(input: { keepId: $k, mergeId: $m, dryRun: $d }) { company { id } } }";
    for dry in [true, false] {
        for (k, m) in [(&keep, &theirs), (&theirs, &keep)] {
            app.gql_err(
                Some(&t.admin_token),
                merge,
                json!({ "k": k, "m": m, "d": dry }),
                "NOT_FOUND",
            )
            .await;
        }
    }
    let err = app
        .gql_err(
            Some(&t.admin_token),
            merge,
            json!({ "k": keep, "m": keep, "d": false }),
            "BAD_USER_INPUT",
        )
        .await;
    assert!(err["extensions"]["field"].is_string(), "{err:#}");
    assert_eq!(count_rows(&app).await, before);
    let q = "query($id: ID!) { company(id: $id) { name domains deletedAt } }";
    let still = app.gql_ok(Some(&other.admin_token), q, json!({ "id": theirs })).await;
    assert_eq!(still["company"]["domains"], json!(["globex.de"]));
    assert!(still["company"]["deletedAt"].is_null());
}

/// Pages of a two-field ordering (name ascending, then number descending), walked forward with
/// `first/after` and backward with `last/before`, give exactly the rows a sort would, once each.
#[tokio::test]
async fn order_by_several_fields_pages_both_ways_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let co = company(&app, &t.admin_token, json!({ "name": "Walk Co" })).await;
    let mut made = Vec::new(); // (name, number)
    let mut at_company = Vec::new(); // numbers
    for (i, name) in ["Mia", "Ann", "Mia", "Bo", "Ann", "Mia", "Bo", "Ann"]
        .iter()
        .enumerate()
    {
        // Every other contact at a company, so that the walk with the company column joins some.
        let input = match i % 2 {
            0 => json!({ "name": name, "companyId": co }),
            _ => json!({ "name": name }),
        };
        let r = app
            .gql_ok(Some(&t.admin_token), CREATE_CONTACT, json!({ "i": input }))
            .await;
        made.push((
            name.to_string(),
            r["createContact"]["contact"]["number"].as_i64().unwrap(),
        ));
        if i % 2 == 0 {
            at_company.push(made[i].1);
        }
        assert_eq!(made.len(), i + 1);
    }
    let mut expected = made.clone();
    expected.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));

    const Q: &str = "query($o: [RecordOrderBy!], $first: Int, $after: String, $last: Int, $before: String) { contacts(orderBy: $o, first: $first, after: $after, last: $last, before: $before) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { name number } } } }";
    let order = json!([{ "field": "NAME" }, { "field": "NUMBER", "direction": "DESC" }]);
    let rows = |r: &Value| -> Vec<(String, i64)> {
        r["contacts"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["node"]["name"].as_str().unwrap().to_string(),
                    e["node"]["number"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    // With the company column, each row carries its own contact's company (or none).
    let companies_match = |r: &Value| {
        for e in r["contacts"]["edges"].as_array().unwrap() {
            let n = e["node"]["number"].as_i64().unwrap();
            if let Some(company) = e["node"].get("company") {
                let expected = match at_company.contains(&n) {
                    true => json!({ "name": "Walk Co" }),
                    false => Value::Null,
                };
                assert_eq!(company, &expected, "contact {n}: {r}");
            }
        }
    };
    // Walked with and without the company column: with it the page is a derived table that the
    // companies are joined to (`pagination::JoinAfter`), ordered again around the join.
    let with_company = Q.replace("node { name number }", "node { name number company { name } }");
    for q in [Q.to_string(), with_company] {
        // Forward, three at a time.
        let (mut seen, mut after) = (Vec::new(), Value::Null);
        loop {
            let r = app
                .gql_ok(
                    Some(&t.admin_token),
                    &q,
                    json!({ "o": order, "first": 3, "after": after }),
                )
                .await;
            seen.extend(rows(&r));
            companies_match(&r);
            if r["contacts"]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = r["contacts"]["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(seen, expected);
        // Backward from the end, three at a time.
        let (mut back, mut before) = (Vec::new(), Value::Null);
        loop {
            let r = app
                .gql_ok(
                    Some(&t.admin_token),
                    &q,
                    json!({ "o": order, "last": 3, "before": before }),
                )
                .await;
            companies_match(&r);
            let mut page = rows(&r);
            page.extend(back);
            back = page;
            if r["contacts"]["pageInfo"]["hasPreviousPage"] != true {
                break;
            }
            before = r["contacts"]["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(back, expected);
    }

    // A cursor of one ordering is refused by another, as are repeated or too many fields.
    let first = app
        .gql_ok(Some(&t.admin_token), Q, json!({ "o": order, "first": 2 }))
        .await;
    let cursor = first["contacts"]["pageInfo"]["endCursor"].clone();
    let other = json!([{ "field": "NAME" }, { "field": "NUMBER" }]);
    let err = app
        .gql_err(
            Some(&t.admin_token),
            Q,
            json!({ "o": other, "first": 2, "after": cursor }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "after");
    let twice = json!([{ "field": "NAME" }, { "field": "NAME", "direction": "DESC" }]);
    let err = app
        .gql_err(
            Some(&t.admin_token),
            Q,
            json!({ "o": twice, "first": 2 }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "orderBy");
    let four =
        json!([{ "field": "NAME" }, { "field": "NUMBER" }, { "field": "CREATED_AT" }, { "field": "UPDATED_AT" }]);
    app.gql_err(
        Some(&t.admin_token),
        Q,
        json!({ "o": four, "first": 2 }),
        "BAD_USER_INPUT",
    )
    .await;
}

/// `contactByNumber` with a first page of activities reads both in one statement; whatever the
/// selection, it answers exactly as `contact(id:)` does (which reads them apart), in every data
/// scope, with or without cursors, for any page size, and pages on from its cursors the same.
#[tokio::test]
async fn a_contact_by_number_with_its_activities_answers_like_a_lookup() {
    let app = TestApp::spawn().await;
    let team = team(&app).await;
    let busy = contact(&app, &team.rep_north.token, json!({ "name": "Busy" })).await;
    let quiet = contact(&app, &team.rep_north.token, json!({ "name": "Quiet" })).await;
    let theirs = contact(&app, &team.manager.token, json!({ "name": "Theirs" })).await;
    for i in 0..23 {
        // Pairs share a time, so the id decides their order.
        let at = format!("2026-11-{:02}T09:00:00Z", 1 + i / 2);
        app.gql_ok(
            Some(&team.rep_north.token),
            LOG,
            json!({ "i": { "kind": "call", "subject": format!("call {i}"), "occurredAt": at, "contactId": busy } }),
        )
        .await;
    }
    app.gql_ok(
        Some(&team.manager.token),
        LOG,
        json!({ "i": { "kind": "visit", "subject": "their visit", "contactId": theirs } }),
    )
    .await;
    // The newest of the busy contact's activities has every field filled.
    app.gql_ok(
        Some(&team.rep_north.token),
        LOG,
        json!({ "i": {
            "kind": "visit", "subject": "site visit", "body": "Met the team", "occurredAt": "2026-11-30T10:00:00Z",
            "durationMinutes": 45, "outcome": "positive", "contactId": busy, "latitude": 31.2304, "longitude": 121.4737,
            "address": "上海市", "checkInAt": "2026-11-30T10:00:00Z", "checkOutAt": "2026-11-30T10:45:00Z",
        } }),
    )
    .await;
    let other = app.tenant("Other").await;
    let foreign = contact(&app, &other.admin_token, json!({ "name": "Busy" })).await;
    let admin = &team.t.admin_token;
    let busy_n = number_of(&app, admin, &busy).await;
    let quiet_n = number_of(&app, admin, &quiet).await;
    let theirs_n = number_of(&app, admin, &theirs).await;
    let foreign_n = number_of(&app, &other.admin_token, &foreign).await;
    let ids = [(busy_n, &busy), (quiet_n, &quiet), (theirs_n, &theirs)];

    let selections = [
        "id name activities(first: 20) { edges { node { id kind subject occurredAt } } }",
        "id activities(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { subject } } }",
        "activities { edges { node { subject } } }",
        "a: activities(first: 2) { edges { cursor node { subject } } } b: activities(first: 30) { totalCount edges { node { subject } } }",
        "activities(first: 3) { pageInfo { endCursor } edges { node { subject } } } name",
        "activities(first: 2) { nodes { id kind subject body occurredAt durationMinutes outcome latitude longitude address checkInAt checkOutAt contact { name } company { name } owner { email } } }",
    ];
    for token in [
        &team.t.admin_token,
        &team.manager.token,
        &team.rep_north.token,
        &team.rep_support.token,
    ] {
        for (n, id) in ids {
            for sel in selections {
                let by_number = app
                    .gql(
                        Some(token),
                        &format!("query($n: Int!) {{ c: contactByNumber(number: $n) {{ {sel} }} }}"),
                        json!({ "n": n }),
                    )
                    .await;
                let by_id = app
                    .gql(
                        Some(token),
                        &format!("query($id: ID!) {{ c: contact(id: $id) {{ {sel} }} }}"),
                        json!({ "id": id }),
                    )
                    .await;
                assert_eq!(by_number["data"], by_id["data"], "{sel} for contact {n}: {by_id}");
                // The admin sees every contact: both sides must have answered, not failed alike.
                if *token == team.t.admin_token {
                    assert!(
                        by_number["errors"].is_null() && by_number["data"]["c"].is_object(),
                        "{sel}: {by_number}"
                    );
                }
                assert_eq!(
                    by_number["errors"][0]["extensions"]["code"], by_id["errors"][0]["extensions"]["code"],
                    "{sel} for contact {n}: {by_number}"
                );
            }
        }
    }
    // What the rep sees of the busy contact: the newest 5 of 23, and the rest by its cursor.
    let q = "query($n: Int!) { contactByNumber(number: $n) { activities(first: 5) { pageInfo { hasNextPage endCursor } edges { node { subject } } } } }";
    let page = app.gql_ok(Some(&team.rep_north.token), q, json!({ "n": busy_n })).await;
    let acts = &page["contactByNumber"]["activities"];
    let subjects: Vec<&str> = acts["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["site visit", "call 22", "call 21", "call 20", "call 19"]);
    assert_eq!(acts["pageInfo"]["hasNextPage"], true);
    let rest = app
        .gql_ok(
            Some(&team.rep_north.token),
            "query($id: ID!, $after: String!) { contact(id: $id) { activities(first: 100, after: $after) { edges { node { subject } } } } }",
            json!({ "id": busy, "after": acts["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(rest["contact"]["activities"]["edges"].as_array().unwrap().len(), 19);
    // A contact out of scope is NOT_FOUND; numbers belong to a workspace, so the other
    // workspace's first contact has the busy one's number, and none of its activities.
    app.gql_err(Some(&team.rep_north.token), q, json!({ "n": theirs_n }), "NOT_FOUND")
        .await;
    assert_eq!(foreign_n, busy_n);
    let theirs_q =
        "query($n: Int!) { contactByNumber(number: $n) { id activities(first: 20) { edges { node { subject } } } } }";
    let r = app
        .gql_ok(Some(&other.admin_token), theirs_q, json!({ "n": busy_n }))
        .await;
    assert_eq!(r["contactByNumber"]["id"], foreign.as_str());
    assert_eq!(r["contactByNumber"]["activities"]["edges"], json!([]));
    // A size out of range is the activities field's error, as on any contact.
    let err = app
        .gql_err(
            Some(&team.rep_north.token),
            "query($n: Int!) { contactByNumber(number: $n) { name activities(first: 0) { edges { node { id } } } } }",
            json!({ "n": busy_n }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "first");
    assert_eq!(err["path"], json!(["contactByNumber", "activities"]));
}

/// The contact screen (a contact and its latest activities) is one statement.
#[tokio::test]
async fn a_contact_by_number_with_its_activities_is_one_statement() {
    let app = TestApp::spawn().await;
    let key = seeded(&app).await;
    use std::sync::atomic::Ordering;
    let q = "query($n: Int!) { contactByNumber(number: $n) { id name activities(first: 20) { edges { node { id kind subject occurredAt } } } } }";
    let mut runs = Vec::new();
    for _ in 0..3 {
        let before = app.cx.statements.load(Ordering::SeqCst);
        let r = app.gql_ok(Some(&key), q, json!({ "n": 7 })).await;
        assert!(r["contactByNumber"]["activities"]["edges"].as_array().is_some(), "{r}");
        runs.push(app.cx.statements.load(Ordering::SeqCst) - before);
    }
    assert_eq!(runs.iter().min(), Some(&1), "{runs:?}");
}

async fn number_of(app: &TestApp, token: &str, id: &str) -> i64 {
    let r = app
        .gql_ok(
            Some(token),
            "query($id: ID!) { contact(id: $id) { number } }",
            json!({ "id": id }),
        )
        .await;
    r["contact"]["number"].as_i64().unwrap()
}

/// A rep's contact with every field filled (company `company_name`, owned by the rep; a
/// referrer; email, phone, tag, all three note layers): (company id, contact id).
async fn with_every_field(app: &TestApp, team: &Team, company_name: &str, title: &str) -> (String, String) {
    let co = company(
        app,
        &team.t.admin_token,
        json!({ "name": company_name, "ownerId": team.rep_north.id }),
    )
    .await;
    let referrer = contact(app, &team.rep_north.token, json!({ "name": "Referrer" })).await;
    let full = contact(
        app,
        &team.rep_north.token,
        json!({
            "name": "Full Fields", "title": title, "companyId": co, "referredById": referrer,
            "emails": [{ "email": "full@fields.example" }], "phones": [{ "phone": "+1 555 0100" }],
            "tags": ["vip"], "publicNotes": "card", "semiPublicNotes": "golf", "privateNotes": "secret",
        }),
    )
    .await;
    (co, full)
}

/// The `contacts` list reads only the contact columns its selection needs. Whatever field of
/// `Contact` is asked (the schema's own list, so a new field is covered without editing this
/// test), alone or with others, every row answers as `contact(id:)` does, which reads whole
/// rows, in every data scope.
#[tokio::test]
async fn every_contact_field_in_a_list_answers_like_a_lookup() {
    let app = TestApp::spawn().await;
    let team = team(&app).await;
    let (_, full) = with_every_field(&app, &team, "Field Co", "CTO").await;
    app.gql_ok(
        Some(&team.rep_north.token),
        LOG,
        json!({ "i": { "kind": "call", "subject": "hello", "contactId": full } }),
    )
    .await;
    contact(
        &app,
        &team.manager.token,
        json!({ "name": "Manager's", "privateNotes": "theirs" }),
    )
    .await;
    let gone = contact(&app, &team.rep_north.token, json!({ "name": "Gone" })).await;
    app.gql_ok(
        Some(&team.rep_north.token),
        "mutation($id: ID!) { deleteContact(input: { id: $id }) { contact { id } } }",
        json!({ "id": gone }),
    )
    .await;

    let mut selections = fields_of(&app, &team.t.admin_token, "Contact").await;
    assert!(selections.len() >= 20, "{selections:?}");
    let all = selections.join(" ");
    selections.push(all);
    selections.push("title createdAt company { id name } owner { email }".into());
    for sel in &selections {
        for token in [&team.t.admin_token, &team.manager.token, &team.rep_north.token] {
            for deleted in [false, true] {
                let list = app
                    .gql_ok(
                        Some(token),
                        &format!(
                            "query($d: Boolean!) {{ contacts(first: 50, deleted: $d) {{ nodes {{ id {sel} }} }} }}"
                        ),
                        json!({ "d": deleted }),
                    )
                    .await;
                let nodes = list["contacts"]["nodes"].as_array().unwrap();
                assert!(!nodes.is_empty(), "{sel}: {list}");
                for n in nodes {
                    let one = app
                        .gql(
                            Some(token),
                            &format!("query($id: ID!) {{ contact(id: $id) {{ id {sel} }} }}"),
                            json!({ "id": n["id"] }),
                        )
                        .await;
                    if deleted {
                        // A deleted contact has no lookup; its list row still shows what it had.
                        assert_eq!(one["errors"][0]["extensions"]["code"], "NOT_FOUND", "{one}");
                        continue;
                    }
                    assert_eq!(n, &one["data"]["contact"], "{sel}");
                }
            }
        }
    }
}

/// The fields `__type(name:)` lists, each as a selection (objects with `{ __typename }`).
async fn fields_of(app: &TestApp, token: &str, type_name: &str) -> Vec<String> {
    let t = app
        .gql_ok(
            Some(token),
            r#"query($t: String!) { __type(name: $t) { fields { name type { kind ofType { kind ofType { kind ofType { kind } } } } } } }"#,
            json!({ "t": type_name }),
        )
        .await;
    let mut selections = Vec::new();
    for f in t["__type"]["fields"].as_array().unwrap() {
        let mut ty = &f["type"];
        while ty["kind"] == "NON_NULL" || ty["kind"] == "LIST" {
            ty = &ty["ofType"];
        }
        let name = f["name"].as_str().unwrap();
        selections.push(match ty["kind"].as_str() {
            Some("OBJECT") | Some("INTERFACE") => format!("{name} {{ __typename }}"),
            _ => name.to_string(),
        });
    }
    selections
}

/// The contact screen (`contactByNumber` with a first page of activities) reads only the
/// contact and activity columns its selection needs. Whatever field of `Contact` or `Activity`
/// is asked (the schema's own lists, so a new field is covered without editing this test),
/// alone or with all the others, it answers as `contact(id:)` does, which reads whole rows,
/// in every data scope.
#[tokio::test]
async fn every_field_on_the_contact_screen_answers_like_a_lookup() {
    let app = TestApp::spawn().await;
    let team = team(&app).await;
    let (co, full) = with_every_field(&app, &team, "Screen Co", "CFO").await;
    app.gql_ok(
        Some(&team.rep_north.token),
        LOG,
        json!({ "i": {
            "kind": "visit", "subject": "site visit", "body": "Met the CFO", "occurredAt": "2026-11-30T10:00:00Z",
            "durationMinutes": 45, "outcome": "positive", "contactId": full, "companyId": co,
            "latitude": 31.2304, "longitude": 121.4737, "address": "上海市",
            "checkInAt": "2026-11-30T10:00:00Z", "checkOutAt": "2026-11-30T10:45:00Z",
        } }),
    )
    .await;
    app.gql_ok(
        Some(&team.rep_north.token),
        LOG,
        json!({ "i": { "kind": "note", "subject": "bare note", "occurredAt": "2026-11-29T10:00:00Z", "contactId": full } }),
    )
    .await;
    let quiet = contact(&app, &team.rep_north.token, json!({ "name": "Quiet" })).await;
    let theirs = contact(
        &app,
        &team.manager.token,
        json!({ "name": "Manager's", "privateNotes": "theirs" }),
    )
    .await;
    app.gql_ok(
        Some(&team.manager.token),
        LOG,
        json!({ "i": { "kind": "call", "subject": "their call", "contactId": theirs } }),
    )
    .await;
    let admin = &team.t.admin_token;
    let mut people = Vec::new();
    for id in [&full, &quiet, &theirs] {
        people.push((number_of(&app, admin, id).await, id));
    }

    let contact_fields: Vec<String> = fields_of(&app, admin, "Contact")
        .await
        .into_iter()
        .filter(|f| !f.starts_with("activities"))
        .collect();
    let activity_fields = fields_of(&app, admin, "Activity").await;
    assert!(
        contact_fields.len() >= 20 && activity_fields.len() >= 14,
        "{contact_fields:?} {activity_fields:?}"
    );
    let page = |node: &str| format!("activities(first: 20) {{ edges {{ cursor node {{ id {node} }} }} }}");
    let mut selections: Vec<String> = contact_fields.iter().map(|f| format!("id {f} {}", page(""))).collect();
    selections.extend(activity_fields.iter().map(|a| format!("name {}", page(a))));
    selections.push(format!(
        "{} {}",
        contact_fields.join(" "),
        page(&activity_fields.join(" "))
    ));
    selections.push(format!(
        "name activities(first: 1) {{ nodes {{ {} }} }}",
        activity_fields.join(" ")
    ));
    selections.push("...F fragment F on Contact { title activities(first: 5) { edges { node { ...A } } } } fragment A on Activity { subject company { name } }".into());
    for sel in &selections {
        // A fragment's definitions go after the operation.
        let (body, fragments) = sel
            .split_once(" fragment ")
            .map_or((sel.as_str(), String::new()), |(b, f)| (b, format!("fragment {f}")));
        for token in [admin, &team.manager.token, &team.rep_north.token] {
            for (n, id) in &people {
                let by_number = app
                    .gql(
                        Some(token),
                        &format!("query($n: Int!) {{ c: contactByNumber(number: $n) {{ {body} }} }} {fragments}"),
                        json!({ "n": n }),
                    )
                    .await;
                let by_id = app
                    .gql(
                        Some(token),
                        &format!("query($id: ID!) {{ c: contact(id: $id) {{ {body} }} }} {fragments}"),
                        json!({ "id": id }),
                    )
                    .await;
                assert_eq!(by_number["data"], by_id["data"], "{sel} for contact {n}: {by_id}");
                // The admin sees every contact: both sides must have answered, not failed alike.
                if token == admin {
                    assert!(
                        by_number["errors"].is_null() && by_number["data"]["c"].is_object(),
                        "{sel}: {by_number}"
                    );
                }
                assert_eq!(
                    by_number["errors"][0]["extensions"]["code"], by_id["errors"][0]["extensions"]["code"],
                    "{sel} for contact {n}: {by_number}"
                );
            }
        }
    }
    // The full contact's screen, as its owner sees it, has what was logged.
    let r = app
        .gql_ok(
            Some(&team.rep_north.token),
            "query($n: Int!) { contactByNumber(number: $n) { title privateNotes activities(first: 20) { edges { node { subject address durationMinutes company { name } } } } } }",
            json!({ "n": people[0].0 }),
        )
        .await;
    let c = &r["contactByNumber"];
    assert_eq!(c["title"], "CFO");
    assert_eq!(c["privateNotes"], "secret");
    assert_eq!(c["activities"]["edges"][0]["node"]["address"], "上海市");
    assert_eq!(c["activities"]["edges"][0]["node"]["durationMinutes"], 45);
    assert_eq!(c["activities"]["edges"][0]["node"]["company"]["name"], "Screen Co");
    assert_eq!(c["activities"]["edges"][1]["node"]["subject"], "bare note");
}
