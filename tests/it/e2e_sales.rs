//! Pipelines, deals, the funnel, tasks and leads as a sales team uses them.

use serde_json::{Value, json};

use crate::support::{Tenant, TestApp};

const CREATE_DEAL: &str = "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { opportunity { id number name amount { amountMinor currency } stage { name kind } } } }";

async fn stages(app: &TestApp, t: &Tenant) -> Vec<(String, String, String)> {
    let r = app
        .gql_ok(
            Some(&t.admin_token),
            "{ pipelines { id isDefault stages { id name kind } } }",
            json!({}),
        )
        .await;
    r["pipelines"][0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["name"].as_str().unwrap().to_string(),
                s["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn deal(app: &TestApp, t: &Tenant, input: Value) -> String {
    let r = app
        .gql_ok(Some(&t.admin_token), CREATE_DEAL, json!({ "i": input }))
        .await;
    r["createOpportunity"]["opportunity"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_deal_moves_through_the_default_pipeline_and_is_won() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let st = stages(&app, &t).await;
    let names: Vec<&str> = st.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        names,
        [
            "Initial contact",
            "Needs confirmed",
            "Quote / negotiation",
            "Contract negotiation",
            "Won",
            "Lost",
            "After-sales maintenance"
        ]
    );

    let c = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation { createCompany(input: { name: \"Buyer Co\" }) { company { id } } }",
            json!({}),
        )
        .await;
    let company = c["createCompany"]["company"]["id"].as_str().unwrap().to_string();
    let p = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation($c: ID!) { createContact(input: { name: \"Pat Buyer\", companyId: $c }) { contact { id } } }",
            json!({ "c": company }),
        )
        .await;
    let person = p["createContact"]["contact"]["id"].as_str().unwrap().to_string();

    let id = deal(&app, &t, json!({ "name": "200 forklifts", "companyId": company, "amountMinor": 123_456_700, "currency": "cny", "contacts": [{ "contactId": person, "role": "decision maker" }], "expectedCloseDate": "2026-12-31" })).await;
    const Q: &str = "query($id: ID!) { opportunity(id: $id) { amount { amountMinor currency } stage { name } contacts { role contact { name } } company { name } stageHistory { from { name } to { name } by { email } } timeline { edges { node { kind data } } } closedAt lostReason } }";
    let r = app.gql_ok(Some(&t.admin_token), Q, json!({ "id": id })).await;
    assert_eq!(
        r["opportunity"]["amount"],
        json!({ "amountMinor": 123_456_700, "currency": "CNY" })
    );
    assert_eq!(r["opportunity"]["stage"]["name"], "Initial contact");
    assert_eq!(r["opportunity"]["contacts"][0]["role"], "decision maker");

    const MOVE: &str = "mutation($id: ID!, $s: ID!, $r: String) { moveOpportunityStage(input: { id: $id, stageId: $s, lostReason: $r }) { opportunity { stage { name } closedAt } } }";
    app.gql_ok(Some(&t.admin_token), MOVE, json!({ "id": id, "s": st[2].0 }))
        .await;
    // Lost needs a reason.
    let err = app
        .gql_err(
            Some(&t.admin_token),
            MOVE,
            json!({ "id": id, "s": st[5].0 }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "lostReason");
    let won = app.gql_ok(Some(&t.admin_token), "mutation($id: ID!) { markOpportunityWon(input: { id: $id }) { opportunity { stage { name kind } closedAt } } }", json!({ "id": id })).await;
    assert_eq!(won["markOpportunityWon"]["opportunity"]["stage"]["kind"], "WON");
    assert!(won["markOpportunityWon"]["opportunity"]["closedAt"].is_string());

    let r = app.gql_ok(Some(&t.admin_token), Q, json!({ "id": id })).await;
    let hist: Vec<(Value, Value)> = r["opportunity"]["stageHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["from"]["name"].clone(), h["to"]["name"].clone()))
        .collect();
    assert_eq!(
        hist,
        [
            (Value::Null, json!("Initial contact")),
            (json!("Initial contact"), json!("Quote / negotiation")),
            (json!("Quote / negotiation"), json!("Won"))
        ]
    );
    assert_eq!(
        r["opportunity"]["stageHistory"][2]["by"]["email"],
        t.admin_email.as_str()
    );
    assert_eq!(r["opportunity"]["timeline"]["edges"][0]["node"]["kind"], "won");
    // The contact's deals.
    let mine = app
        .gql_ok(
            Some(&t.admin_token),
            "query($c: ID!) { opportunities(filter: { contactId: $c, status: WON }) { totalCount } }",
            json!({ "c": person }),
        )
        .await;
    assert_eq!(mine["opportunities"]["totalCount"], 1);
}

#[tokio::test]
async fn bad_deals_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    for (input, code, field) in [
        (
            json!({ "name": "x", "amountMinor": -1, "currency": "CNY" }),
            "BAD_USER_INPUT",
            "amountMinor",
        ),
        (
            json!({ "name": "x", "amountMinor": 1, "currency": "DOGE" }),
            "BAD_USER_INPUT",
            "currency",
        ),
        (
            json!({ "name": "", "amountMinor": 1, "currency": "CNY" }),
            "BAD_USER_INPUT",
            "name",
        ),
    ] {
        let err = app
            .gql_err(Some(&t.admin_token), CREATE_DEAL, json!({ "i": input }), code)
            .await;
        assert_eq!(err["extensions"]["field"], field);
    }
    // A stage of another workspace's pipeline answers like an unknown stage.
    let other = app.tenant("Other").await;
    let theirs = stages(&app, &other).await;
    app.gql_err(
        Some(&t.admin_token),
        CREATE_DEAL,
        json!({ "i": { "name": "x", "amountMinor": 1, "currency": "CNY", "stageId": theirs[1].0 } }),
        "NOT_FOUND",
    )
    .await;
    let r = app
        .gql_ok(Some(&t.admin_token), "{ opportunities { totalCount } }", json!({}))
        .await;
    assert_eq!(r["opportunities"]["totalCount"], 0);
}

#[tokio::test]
async fn the_funnel_counts_and_sums_per_stage_and_currency() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let st = stages(&app, &t).await;
    deal(&app, &t, json!({ "name": "a", "amountMinor": 100, "currency": "CNY" })).await;
    deal(&app, &t, json!({ "name": "b", "amountMinor": 250, "currency": "CNY" })).await;
    deal(&app, &t, json!({ "name": "c", "amountMinor": 999, "currency": "USD", "stageId": st[2].0, "expectedCloseDate": "2027-01-15" })).await;
    let r = app
        .gql_ok(
            Some(&t.admin_token),
            "{ opportunityTotals(groupBy: STAGE) { key currency count amountMinor } }",
            json!({}),
        )
        .await;
    let mut rows: Vec<(String, String, i64, i64)> = r["opportunityTotals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["key"].as_str().unwrap().to_string(),
                g["currency"].as_str().unwrap().to_string(),
                g["count"].as_i64().unwrap(),
                g["amountMinor"].as_i64().unwrap(),
            )
        })
        .collect();
    rows.sort();
    let mut expected = vec![
        (st[0].0.clone(), "CNY".to_string(), 2, 350),
        (st[2].0.clone(), "USD".to_string(), 1, 999),
    ];
    expected.sort();
    assert_eq!(rows, expected);
    let r = app
        .gql_ok(
            Some(&t.admin_token),
            "{ opportunityTotals(groupBy: CLOSE_MONTH, filter: { currency: \"USD\" }) { key count } }",
            json!({}),
        )
        .await;
    assert_eq!(r["opportunityTotals"], json!([{ "key": "2027-01", "count": 1 }]));
}

#[tokio::test]
async fn tasks_follow_ups_and_the_timeline() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let c = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation { createContact(input: { name: \"Pat\" }) { contact { id } } }",
            json!({}),
        )
        .await;
    let contact = c["createContact"]["contact"]["id"].as_str().unwrap().to_string();
    const CREATE: &str = "mutation($i: CreateTaskInput!) { createTask(input: $i) { task { id title status priority timeZone reminderOffsets recordId assignee { email } } } }";
    let r = app
        .gql_ok(Some(&t.admin_token), CREATE, json!({ "i": { "title": "Send the quote", "dueAt": "2026-12-01T02:00:00Z", "timeZone": "Asia/Shanghai", "priority": "high", "recordId": contact, "reminderOffsets": [60, 1440] } }))
        .await;
    let task = &r["createTask"]["task"];
    assert_eq!(task["reminderOffsets"], json!([60, 1440]));
    assert_eq!(task["recordId"], contact.as_str());
    let id = task["id"].as_str().unwrap().to_string();
    for (input, field) in [
        (json!({ "title": "x", "timeZone": "Mars/Olympus Mons!" }), "timeZone"),
        (json!({ "title": "x", "reminderOffsets": [10] }), "reminderOffsets"),
        (json!({ "title": "x", "priority": "urgent" }), "priority"),
    ] {
        let err = app
            .gql_err(Some(&t.admin_token), CREATE, json!({ "i": input }), "BAD_USER_INPUT")
            .await;
        assert_eq!(err["extensions"]["field"], field);
    }
    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!) { completeTask(id: $id) { task { status completedAt } } }",
        json!({ "id": id }),
    )
    .await;
    let open = app
        .gql_ok(
            Some(&t.admin_token),
            "{ tasks(status: \"open\") { totalCount } done: tasks(status: \"done\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(open["tasks"]["totalCount"], 0);
    assert_eq!(open["done"]["totalCount"], 1);
    let tl = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { contact(id: $id) { timeline { edges { node { kind } } } } }",
            json!({ "id": contact }),
        )
        .await;
    let kinds: Vec<&str> = tl["contact"]["timeline"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["task_completed", "task_created", "created"]);
}

#[tokio::test]
async fn converting_a_lead_matches_existing_records_instead_of_duplicating() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let existing = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation { createCompany(input: { name: \"Globex\", domains: [\"globex.com\"] }) { company { id } } }",
            json!({}),
        )
        .await;
    let globex = existing["createCompany"]["company"]["id"].as_str().unwrap().to_string();
    const LEAD: &str = "mutation($i: CreateLeadInput!) { createLead(input: $i) { lead { id status } } }";
    const CONVERT: &str = "mutation($i: ConvertLeadInput!) { convertLead(input: $i) { createdContact createdCompany contact { id name emails { email } company { name } } company { id name } opportunity { name amount { amountMinor currency } } lead { status convertedContact { id } convertedAt } } }";

    // Matches the company by the email's domain; creates the contact; opens a deal.
    let l = app.gql_ok(Some(&t.admin_token), LEAD, json!({ "i": { "name": "Hank Scorpio", "email": "hank@GLOBEX.com", "companyName": "Globex Corporation", "source": "trade show" } })).await;
    let lead = l["createLead"]["lead"]["id"].as_str().unwrap().to_string();
    let r = app.gql_ok(Some(&t.admin_token), CONVERT, json!({ "i": { "id": lead, "opportunityName": "Doomsday device", "amountMinor": 5_000_000, "currency": "USD" } })).await;
    let c = &r["convertLead"];
    assert_eq!(c["createdCompany"], false);
    assert_eq!(c["company"]["id"], globex.as_str());
    assert_eq!(c["createdContact"], true);
    assert_eq!(c["contact"]["company"]["name"], "Globex");
    assert_eq!(c["opportunity"]["amount"]["currency"], "USD");
    assert_eq!(c["lead"]["status"], "converted");
    assert_eq!(c["lead"]["convertedContact"]["id"], c["contact"]["id"]);
    // Converting again is a conflict.
    app.gql_err(
        Some(&t.admin_token),
        CONVERT,
        json!({ "i": { "id": lead } }),
        "CONFLICT",
    )
    .await;

    // A second lead with the same address joins the same contact.
    let l2 = app
        .gql_ok(
            Some(&t.admin_token),
            LEAD,
            json!({ "i": { "name": "H. Scorpio", "email": "hank@globex.com" } }),
        )
        .await;
    let r2 = app
        .gql_ok(
            Some(&t.admin_token),
            CONVERT,
            json!({ "i": { "id": l2["createLead"]["lead"]["id"] } }),
        )
        .await;
    assert_eq!(r2["convertLead"]["createdContact"], false);
    assert_eq!(r2["convertLead"]["contact"]["id"], c["contact"]["id"]);

    // A bad deal currency rolls the whole conversion back.
    let l3 = app
        .gql_ok(
            Some(&t.admin_token),
            LEAD,
            json!({ "i": { "name": "New Person", "email": "new@initech.com", "companyName": "Initech" } }),
        )
        .await;
    let l3 = l3["createLead"]["lead"]["id"].as_str().unwrap().to_string();
    app.gql_err(
        Some(&t.admin_token),
        CONVERT,
        json!({ "i": { "id": l3, "opportunityName": "TPS", "currency": "XXX" } }),
        "BAD_USER_INPUT",
    )
    .await;
    let after = app.gql_ok(Some(&t.admin_token), "query($id: ID!) { lead(id: $id) { status } companies(search: \"initech\") { totalCount } contacts(search: \"new@initech\") { totalCount } }", json!({ "id": l3 })).await;
    assert_eq!(after["lead"]["status"], "new");
    assert_eq!(after["companies"]["totalCount"], 0);
    assert_eq!(after["contacts"]["totalCount"], 0);
}

#[tokio::test]
async fn deals_tasks_and_leads_of_another_workspace_or_team_answer_like_unknown_ones() {
    let app = TestApp::spawn().await;
    let a = app.tenant("Acme").await;
    let b = app.tenant("Acme").await;
    let theirs_deal = deal(
        &app,
        &b,
        json!({ "name": "theirs", "amountMinor": 1, "currency": "CNY" }),
    )
    .await;
    let their_stages = stages(&app, &b).await;
    let mine = deal(&app, &a, json!({ "name": "mine", "amountMinor": 1, "currency": "CNY" })).await;
    let t = app
        .gql_ok(
            Some(&b.admin_token),
            "mutation { createTask(input: { title: \"theirs\" }) { task { id } } }",
            json!({}),
        )
        .await;
    let their_task = t["createTask"]["task"]["id"].as_str().unwrap().to_string();
    let l = app
        .gql_ok(
            Some(&b.admin_token),
            "mutation { createLead(input: { name: \"theirs\", email: \"x@theirs.com\" }) { lead { id } } }",
            json!({}),
        )
        .await;
    let their_lead = l["createLead"]["lead"]["id"].as_str().unwrap().to_string();

    for (q, vars) in [
        (
            "query($id: ID!) { opportunity(id: $id) { name } }",
            json!({ "id": theirs_deal }),
        ),
        (
            "mutation($id: ID!) { markOpportunityWon(input: { id: $id }) { opportunity { id } } }",
            json!({ "id": theirs_deal }),
        ),
        (
            "mutation($id: ID!) { updateOpportunity(input: { id: $id, amountMinor: 5 }) { opportunity { id } } }",
            json!({ "id": theirs_deal }),
        ),
        (
            "mutation($id: ID!, $s: ID!) { moveOpportunityStage(input: { id: $id, stageId: $s }) { opportunity { id } } }",
            json!({ "id": mine, "s": their_stages[2].0 }),
        ),
        (
            "mutation($id: ID!) { completeTask(id: $id) { task { id } } }",
            json!({ "id": their_task }),
        ),
        (
            "query($id: ID!) { lead(id: $id) { name } }",
            json!({ "id": their_lead }),
        ),
        (
            "mutation($id: ID!) { convertLead(input: { id: $id }) { lead { id } } }",
            json!({ "id": their_lead }),
        ),
        (
            "mutation($id: ID!) { setLeadStatus(input: { id: $id, status: \"working\" }) { lead { id } } }",
            json!({ "id": their_lead }),
        ),
        ("query($id: ID!) { node(id: $id) { id } }", json!({ "id": theirs_deal })),
        ("query($id: ID!) { node(id: $id) { id } }", json!({ "id": their_task })),
        ("query($id: ID!) { node(id: $id) { id } }", json!({ "id": their_lead })),
    ] {
        app.gql_err(Some(&a.admin_token), q, vars, "NOT_FOUND").await;
    }
    // Nothing changed on their side.
    let r = app
        .gql_ok(Some(&b.admin_token), "query($d: ID!, $l: ID!) { opportunity(id: $d) { amount { amountMinor } stage { kind } } lead(id: $l) { status } tasks(status: \"open\") { totalCount } }", json!({ "d": theirs_deal, "l": their_lead }))
        .await;
    assert_eq!(r["opportunity"]["amount"]["amountMinor"], 1);
    assert_eq!(r["opportunity"]["stage"]["kind"], "OPEN");
    assert_eq!(r["lead"]["status"], "new");
    assert_eq!(r["tasks"]["totalCount"], 1);
    // Totals and lists count only the caller's workspace.
    let totals = app
        .gql_ok(
            Some(&a.admin_token),
            "{ opportunityTotals(groupBy: STAGE) { count } opportunities { totalCount } leads { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(totals["opportunityTotals"], json!([{ "count": 1 }]));
    assert_eq!(totals["opportunities"]["totalCount"], 1);
    assert_eq!(totals["leads"]["totalCount"], 0);

    // Within a workspace, a rep sees only their own deals and leads.
    let rep = crate::e2e_invitation::invite_and_accept(&app, &a, "REP").await;
    app.gql_err(
        Some(&rep.token),
        "query($id: ID!) { opportunity(id: $id) { name } }",
        json!({ "id": mine }),
        "NOT_FOUND",
    )
    .await;
    let r = app
        .gql_ok(
            Some(&rep.token),
            "{ opportunities { totalCount } opportunityTotals(groupBy: OWNER) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(r["opportunities"]["totalCount"], 0);
    assert_eq!(r["opportunityTotals"], json!([]));
}

#[tokio::test]
async fn converting_a_lead_never_returns_a_record_the_rep_may_not_see() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let rep = crate::e2e_invitation::invite_and_accept(&app, &t, "REP").await;
    // The admin's own contact and company, with a private note.
    app.gql_ok(
        Some(&t.admin_token),
        "mutation { createCompany(input: { name: \"Initech\", domains: [\"initech.com\"] }) { company { id } } }",
        json!({}),
    )
    .await;
    app.gql_ok(Some(&t.admin_token), "mutation { createContact(input: { name: \"Admin's Bill\", emails: [{ email: \"bill@initech.com\" }], privateNotes: \"admin only\" }) { contact { id } } }", json!({})).await;
    let l = app.gql_ok(Some(&rep.token), "mutation { createLead(input: { name: \"Bill\", email: \"bill@initech.com\", companyName: \"Initech\" }) { lead { id } } }", json!({})).await;
    let r = app
        .gql_ok(
            Some(&rep.token),
            "mutation($id: ID!) { convertLead(input: { id: $id }) { createdContact createdCompany contact { name owner { email } } company { name domains } } }",
            json!({ "id": l["createLead"]["lead"]["id"] }),
        )
        .await;
    let c = &r["convertLead"];
    assert_eq!(c["createdContact"], true, "the admin's contact is not the rep's to see");
    assert_eq!(c["createdCompany"], true);
    assert_eq!(c["contact"]["name"], "Bill");
    assert_eq!(c["contact"]["owner"]["email"], rep.email.as_str());
    assert_eq!(
        c["company"]["domains"],
        json!([]),
        "the domain stays with the company that has it"
    );
    assert!(!r.to_string().contains("Admin's Bill") && !r.to_string().contains("admin only"));
}

#[tokio::test]
async fn deals_can_be_deleted_restored_and_reassigned() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let rep = crate::e2e_invitation::invite_and_accept(&app, &t, "REP").await;
    let d = deal(&app, &t, json!({ "name": "d", "amountMinor": 5, "currency": "CNY" })).await;
    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!) { deleteOpportunity(id: $id) { opportunity { id } } }",
        json!({ "id": d }),
    )
    .await;
    let r = app
        .gql_ok(
            Some(&t.admin_token),
            "{ opportunities { totalCount } opportunityTotals(groupBy: STAGE) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r["opportunities"]["totalCount"], 0,
        "deleted deals leave lists and totals"
    );
    assert_eq!(r["opportunityTotals"], json!([]));
    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!) { restoreOpportunity(id: $id) { opportunity { id } } }",
        json!({ "id": d }),
    )
    .await;
    let r = app
        .gql_ok(Some(&t.admin_token), "mutation($ids: [ID!]!, $o: ID!) { reassignOpportunities(input: { ids: $ids, ownerId: $o }) { opportunities { owner { email } } } }", json!({ "ids": [d], "o": rep.id }))
        .await;
    assert_eq!(
        r["reassignOpportunities"]["opportunities"][0]["owner"]["email"],
        rep.email.as_str()
    );
    let mine = app
        .gql_ok(Some(&rep.token), "{ opportunities { totalCount } }", json!({}))
        .await;
    assert_eq!(mine["opportunities"]["totalCount"], 1);
    let tl = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { opportunity(id: $id) { timeline { edges { node { kind } } } } }",
            json!({ "id": d }),
        )
        .await;
    let kinds: Vec<&str> = tl["opportunity"]["timeline"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["owner_changed", "restored", "deleted", "created"]);
}

#[tokio::test]
async fn leads_can_be_corrected_deleted_and_restored() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let l = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation { createLead(input: { name: \"Hank\", email: \"hank@globex.com\" }) { lead { id } } }",
            json!({}),
        )
        .await;
    let id = l["createLead"]["lead"]["id"].as_str().unwrap().to_string();
    const UPDATE: &str =
        "mutation($i: UpdateLeadInput!) { updateLead(input: $i) { lead { name email phone companyName } } }";
    let r = app.gql_ok(Some(&t.admin_token), UPDATE, json!({ "i": { "id": id, "name": "Hank Scorpio", "phone": "+1 555 0100", "companyName": "Globex", "email": "" } })).await;
    assert_eq!(
        r["updateLead"]["lead"],
        json!({ "name": "Hank Scorpio", "email": null, "phone": "+1 555 0100", "companyName": "Globex" })
    );
    let err = app
        .gql_err(
            Some(&t.admin_token),
            UPDATE,
            json!({ "i": { "id": id, "email": "not mail" } }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "email");
    let tl = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { lead(id: $id) { timeline { edges { node { kind data } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        tl["lead"]["timeline"]["edges"][0]["node"]["data"]["changes"]["name"],
        json!({ "from": "Hank", "to": "Hank Scorpio" })
    );

    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!) { deleteLead(id: $id) { lead { id } } }",
        json!({ "id": id }),
    )
    .await;
    app.gql_err(
        Some(&t.admin_token),
        "query($id: ID!) { lead(id: $id) { name } }",
        json!({ "id": id }),
        "NOT_FOUND",
    )
    .await;
    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!) { restoreLead(id: $id) { lead { id } } }",
        json!({ "id": id }),
    )
    .await;
    // Converted leads are history: change the contact instead.
    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!) { convertLead(input: { id: $id }) { lead { status } } }",
        json!({ "id": id }),
    )
    .await;
    app.gql_err(
        Some(&t.admin_token),
        UPDATE,
        json!({ "i": { "id": id, "name": "Changed" } }),
        "CONFLICT",
    )
    .await;
    // Another workspace's admin cannot touch it.
    let other = app.tenant("Other").await;
    app.gql_err(
        Some(&other.admin_token),
        "mutation($id: ID!) { deleteLead(id: $id) { lead { id } } }",
        json!({ "id": id }),
        "NOT_FOUND",
    )
    .await;
}
