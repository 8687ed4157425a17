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

/// Creates a company from `input` and answers its id.
async fn company(app: &TestApp, token: &str, input: Value) -> String {
    const Q: &str = "mutation($i: CreateCompanyInput!) { createCompany(input: $i) { company { id } } }";
    let r = app.gql_ok(Some(token), Q, json!({ "i": input })).await;
    r["createCompany"]["company"]["id"].as_str().unwrap().to_string()
}

/// Creates a contact from `input` and answers its id.
async fn contact(app: &TestApp, token: &str, input: Value) -> String {
    const Q: &str = "mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } } }";
    let r = app.gql_ok(Some(token), Q, json!({ "i": input })).await;
    r["createContact"]["contact"]["id"].as_str().unwrap().to_string()
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

    let company = company(&app, &t.admin_token, json!({ "name": "Buyer Co" })).await;
    let person = contact(
        &app,
        &t.admin_token,
        json!({ "name": "Pat Buyer", "companyId": company }),
    )
    .await;

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
    let contact = contact(&app, &t.admin_token, json!({ "name": "Pat" })).await;
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
            "{ tasks(filter: { status: { eq: \"open\" } }) { totalCount } done: tasks(filter: { status: { eq: \"done\" } }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(open["tasks"]["totalCount"], 0);
    assert_eq!(open["done"]["totalCount"], 1);
    let kinds = timeline_kinds(&app, &t.admin_token, "contact", &contact).await;
    assert_eq!(kinds, ["task_completed", "task_created", "created"]);
}

#[tokio::test]
async fn converting_a_lead_matches_existing_records_instead_of_duplicating() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let globex = company(
        &app,
        &t.admin_token,
        json!({ "name": "Globex", "domains": ["globex.com"] }),
    )
    .await;
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
        .gql_ok(Some(&b.admin_token), "query($d: ID!, $l: ID!) { opportunity(id: $d) { amount { amountMinor } stage { kind } } lead(id: $l) { status } tasks(filter: { status: { eq: \"open\" } }) { totalCount } }", json!({ "d": theirs_deal, "l": their_lead }))
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
    let kinds = timeline_kinds(&app, &t.admin_token, "opportunity", &d).await;
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

/// The names of a connection's nodes, in order.
fn names(conn: &Value, field: &str) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"][field].as_str().unwrap().to_string())
        .collect()
}

/// The kinds of a record's timeline entries, newest first.
async fn timeline_kinds(app: &TestApp, token: &str, record: &str, id: &str) -> Vec<String> {
    let q = format!("query($id: ID!) {{ {record}(id: $id) {{ timeline {{ edges {{ node {{ kind }} }} }} }} }}");
    let r = app.gql_ok(Some(token), &q, json!({ "id": id })).await;
    names(&r[record]["timeline"], "kind")
}

const CREATE_LEAD: &str = "mutation($i: CreateLeadInput!) { createLead(input: $i) { lead { id } } }";

async fn lead(app: &TestApp, token: &str, input: Value) -> String {
    let r = app.gql_ok(Some(token), CREATE_LEAD, json!({ "i": input })).await;
    r["createLead"]["lead"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn leads_filter_with_and_or_not_search_and_page_both_ways() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let tok = t.admin_token.as_str();
    for (name, email, company, source) in [
        ("Ann", "ann@globex.com", "Globex", "web"),
        ("Bob", "bob@initech.com", "Initech", "trade show"),
        ("Cid", "cid@globex.com", "Globex", "referral"),
        ("Dee", "dee@umbrella.com", "Umbrella", "web"),
        ("Eve", "eve@hooli.com", "Hooli", "web"),
    ] {
        lead(
            &app,
            tok,
            json!({ "name": name, "email": email, "companyName": company, "source": source, "phone": "+86 138 0000 0000" }),
        )
        .await;
    }
    let ids = app
        .gql_ok(
            Some(tok),
            "{ leads(orderBy: [{ field: NAME }]) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    let id_of = |n: &str| -> String {
        ids["leads"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["name"] == n)
            .unwrap()["node"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    app.gql_ok(
        Some(tok),
        "mutation($id: ID!) { setLeadStatus(input: { id: $id, status: \"working\" }) { lead { id } } }",
        json!({ "id": id_of("Dee") }),
    )
    .await;

    const Q: &str = "query($f: LeadFilter, $s: String, $o: [LeadOrderBy!], $first: Int, $after: String, $last: Int, $before: String) { leads(filter: $f, search: $s, orderBy: $o, first: $first, after: $after, last: $last, before: $before) { totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let by_name = json!([{ "field": "NAME" }]);
    // (source web OR company Initech) AND NOT status working.
    let f = json!({ "or": [{ "source": { "eq": "web" } }, { "companyName": { "eq": "Initech" } }], "not": { "status": { "eq": "working" } } });
    let r = app.gql_ok(Some(tok), Q, json!({ "f": f, "o": by_name })).await;
    assert_eq!(names(&r["leads"], "name"), ["Ann", "Bob", "Eve"]);
    assert_eq!(r["leads"]["totalCount"], 3);
    // `and` with email and creation time.
    let f =
        json!({ "and": [{ "email": { "contains": "GLOBEX" } }, { "createdAt": { "lte": "2199-01-01T00:00:00Z" } }] });
    let r = app.gql_ok(Some(tok), Q, json!({ "f": f, "o": by_name })).await;
    assert_eq!(names(&r["leads"], "name"), ["Ann", "Cid"]);
    // Search covers company names and emails, ignoring case.
    let r = app.gql_ok(Some(tok), Q, json!({ "s": "UMBRELLA" })).await;
    assert_eq!(names(&r["leads"], "name"), ["Dee"]);
    let r = app.gql_ok(Some(tok), Q, json!({ "s": "eve@hooli" })).await;
    assert_eq!(names(&r["leads"], "name"), ["Eve"]);
    // Newest first by default.
    let r = app.gql_ok(Some(tok), Q, json!({})).await;
    assert_eq!(names(&r["leads"], "name"), ["Eve", "Dee", "Cid", "Bob", "Ann"]);

    // Forward by name, two at a time, then backward from the end.
    let p1 = app.gql_ok(Some(tok), Q, json!({ "o": by_name, "first": 2 })).await;
    assert_eq!(names(&p1["leads"], "name"), ["Ann", "Bob"]);
    assert_eq!(p1["leads"]["pageInfo"]["hasNextPage"], true);
    let p2 = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "o": by_name, "first": 2, "after": p1["leads"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(names(&p2["leads"], "name"), ["Cid", "Dee"]);
    assert_eq!(p2["leads"]["pageInfo"]["hasPreviousPage"], true);
    let back = app.gql_ok(Some(tok), Q, json!({ "o": by_name, "last": 2 })).await;
    assert_eq!(names(&back["leads"], "name"), ["Dee", "Eve"]);
    assert_eq!(back["leads"]["pageInfo"]["hasPreviousPage"], true);
    let back2 = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "o": by_name, "last": 2, "before": back["leads"]["pageInfo"]["startCursor"] }),
        )
        .await;
    assert_eq!(names(&back2["leads"], "name"), ["Bob", "Cid"]);
    assert_eq!(back2["leads"]["pageInfo"]["hasNextPage"], true);
    // Two fields: by update time (newest first), then name.
    let r = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "o": [{ "field": "UPDATED_AT", "direction": "DESC" }, { "field": "NAME" }], "first": 1 }),
        )
        .await;
    assert_eq!(
        names(&r["leads"], "name"),
        ["Dee"],
        "the status change touched Dee last"
    );
    // A cursor of another ordering is refused.
    let err = app
        .gql_err(
            Some(tok),
            Q,
            json!({ "first": 2, "after": p1["leads"]["pageInfo"]["endCursor"] }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "after");
    // A status no lead can have is a typo, not an empty list.
    let err = app
        .gql_err(
            Some(tok),
            Q,
            json!({ "f": { "status": { "in": ["new", "wokring"] } } }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "filter.status");

    // Deleted leads leave the list and can be listed to restore them.
    app.gql_ok(
        Some(tok),
        "mutation($id: ID!) { deleteLead(id: $id) { lead { id } } }",
        json!({ "id": id_of("Bob") }),
    )
    .await;
    let r = app
        .gql_ok(
            Some(tok),
            "{ live: leads { totalCount } gone: leads(deleted: true) { totalCount edges { node { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(r["live"]["totalCount"], 4);
    assert_eq!(names(&r["gone"], "name"), ["Bob"]);
}

#[tokio::test]
async fn leads_are_reassigned_in_bulk_within_the_callers_scope() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let rep1 = crate::e2e_invitation::invite_and_accept(&app, &t, "REP").await;
    let rep2 = crate::e2e_invitation::invite_and_accept(&app, &t, "REP").await;
    let other = app.tenant("Other").await;
    let mine = lead(&app, &rep1.token, json!({ "name": "Rep one's" })).await;
    let theirs = lead(&app, &rep2.token, json!({ "name": "Rep two's" })).await;
    let foreign = lead(&app, &other.admin_token, json!({ "name": "Foreign" })).await;
    const REASSIGN: &str = "mutation($ids: [ID!]!, $o: ID!) { reassignLeads(input: { ids: $ids, ownerId: $o }) { leads { name owner { email } } } }";

    // A rep cannot take a colleague's lead, and a foreign id answers like an unknown one; in
    // both cases nothing is reassigned, not even the rep's own lead in the same call.
    for ids in [json!([mine, theirs]), json!([mine, foreign])] {
        app.gql_err(
            Some(&rep1.token),
            REASSIGN,
            json!({ "ids": ids, "o": rep1.id }),
            "NOT_FOUND",
        )
        .await;
    }
    app.gql_err(
        Some(&t.admin_token),
        REASSIGN,
        json!({ "ids": [mine, foreign], "o": rep2.id }),
        "NOT_FOUND",
    )
    .await;
    // A rep cannot hand leads to someone else either.
    app.gql_err(
        Some(&rep1.token),
        REASSIGN,
        json!({ "ids": [mine], "o": rep2.id }),
        "FORBIDDEN",
    )
    .await;
    {
        use sea_orm::EntityTrait;
        let owners: Vec<(String, Option<uuid::Uuid>)> = entity::lead::Entity::find()
            .all(&app.cx.db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| (l.name, l.owner_id))
            .collect();
        let owner_of = |n: &str| owners.iter().find(|(name, _)| name == n).unwrap().1.unwrap();
        assert_ne!(owner_of("Rep one's"), owner_of("Rep two's"), "nothing was reassigned");
        assert_ne!(owner_of("Foreign"), owner_of("Rep one's"));
    }

    // The admin moves both to rep two, all at once.
    let r = app
        .gql_ok(
            Some(&t.admin_token),
            REASSIGN,
            json!({ "ids": [mine, theirs], "o": rep2.id }),
        )
        .await;
    let emails: Vec<&str> = r["reassignLeads"]["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["owner"]["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, [rep2.email.as_str(), rep2.email.as_str()]);
    let r = app
        .gql_ok(Some(&rep1.token), "{ leads { totalCount } }", json!({}))
        .await;
    assert_eq!(r["leads"]["totalCount"], 0, "rep one no longer sees it");
    let r = app
        .gql_ok(
            Some(&rep2.token),
            "query($id: ID!) { lead(id: $id) { timeline { edges { node { kind } } } } }",
            json!({ "id": mine }),
        )
        .await;
    assert_eq!(r["lead"]["timeline"]["edges"][0]["node"]["kind"], "owner_changed");
}

#[tokio::test]
async fn tasks_are_updated_deleted_restored_filtered_and_paged() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let tok = t.admin_token.as_str();
    let rep = crate::e2e_invitation::invite_and_accept(&app, &t, "REP").await;
    let contact = contact(&app, tok, json!({ "name": "Pat" })).await;
    const CREATE: &str = "mutation($i: CreateTaskInput!) { createTask(input: $i) { task { id } } }";
    let mut ids = Vec::new();
    for (title, due, prio, linked) in [
        ("Call", "2026-12-03T09:00:00Z", "high", true),
        ("Mail", "2026-12-01T09:00:00Z", "low", false),
        ("Quote", "2026-12-02T09:00:00Z", "high", true),
        ("Visit", "2026-12-04T09:00:00Z", "normal", false),
    ] {
        let mut i = json!({ "title": title, "dueAt": due, "priority": prio, "timeZone": "Asia/Shanghai" });
        if linked {
            i["recordId"] = json!(contact);
        }
        let r = app.gql_ok(Some(tok), CREATE, json!({ "i": i })).await;
        ids.push(r["createTask"]["task"]["id"].as_str().unwrap().to_string());
    }
    let undated = app
        .gql_ok(Some(tok), CREATE, json!({ "i": { "title": "Someday" } }))
        .await;
    let undated = undated["createTask"]["task"]["id"].as_str().unwrap().to_string();

    const UPDATE: &str = "mutation($i: UpdateTaskInput!) { updateTask(input: $i) { task { title dueAt timeZone priority reminderOffsets assignee { email } timeline { edges { node { kind data } } } } } }";
    let r = app
        .gql_ok(
            Some(tok),
            UPDATE,
            json!({ "i": { "id": ids[0], "title": "Call back", "dueAt": "2026-12-05T01:00:00Z", "timeZone": "Europe/Berlin", "priority": "normal", "assigneeId": rep.id, "reminderOffsets": [30] } }),
        )
        .await;
    let task = &r["updateTask"]["task"];
    assert_eq!(task["title"], "Call back");
    assert_eq!(task["dueAt"], "2026-12-05T01:00:00+00:00");
    assert_eq!(task["timeZone"], "Europe/Berlin");
    assert_eq!(task["priority"], "normal");
    assert_eq!(task["reminderOffsets"], json!([30]));
    assert_eq!(task["assignee"]["email"], rep.email.as_str());
    let entry = &task["timeline"]["edges"][0]["node"];
    assert_eq!(entry["kind"], "updated");
    assert_eq!(
        entry["data"]["changes"]["title"],
        json!({ "from": "Call", "to": "Call back" })
    );

    // Bad input names the field and writes nothing.
    let unknown_user = foreign_user_id(&app).await;
    let before = task_snapshot(&app).await;
    for (input, code, field) in [
        (
            json!({ "id": ids[1], "dueAt": "0202-12-01T09:00:00Z" }),
            "BAD_USER_INPUT",
            Some("dueAt"),
        ),
        (
            json!({ "id": ids[1], "timeZone": "Mars/Olympus Mons!" }),
            "BAD_USER_INPUT",
            Some("timeZone"),
        ),
        (
            json!({ "id": ids[1], "priority": "urgent" }),
            "BAD_USER_INPUT",
            Some("priority"),
        ),
        (json!({ "id": ids[1], "title": "  " }), "BAD_USER_INPUT", Some("title")),
        (
            json!({ "id": ids[0], "dueAt": null }),
            "BAD_USER_INPUT",
            Some("reminderOffsets"),
        ),
        (
            json!({ "id": undated, "reminderOffsets": [10] }),
            "BAD_USER_INPUT",
            Some("reminderOffsets"),
        ),
        (
            json!({ "id": ids[1], "title": "ok", "assigneeId": unknown_user }),
            "NOT_FOUND",
            None,
        ),
    ] {
        let err = app.gql_err(Some(tok), UPDATE, json!({ "i": input }), code).await;
        if let Some(f) = field {
            assert_eq!(err["extensions"]["field"], f, "{err}");
        } else {
            assert!(err["message"].as_str().unwrap().contains("assigneeId"), "{err}");
        }
    }
    app.gql_err(
        Some(tok),
        CREATE,
        json!({ "i": { "title": "x", "dueAt": "1999-12-31T23:00:00Z" } }),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(task_snapshot(&app).await, before, "failed changes wrote nothing");

    // Filters: (high OR assigned to the rep) AND NOT done; linked record; due time.
    const Q: &str = "query($f: TaskFilter, $o: [TaskOrderBy!], $first: Int, $after: String, $last: Int, $before: String, $d: Boolean! = false) { tasks(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before, deleted: $d) { totalCount edges { node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    app.gql_ok(
        Some(tok),
        "mutation($id: ID!) { completeTask(id: $id) { task { id } } }",
        json!({ "id": ids[2] }),
    )
    .await;
    let f = json!({ "or": [{ "priority": { "eq": "high" } }, { "assigneeId": { "eq": rep.id } }], "not": { "status": { "eq": "done" } } });
    let r = app.gql_ok(Some(tok), Q, json!({ "f": f })).await;
    assert_eq!(names(&r["tasks"], "title"), ["Call back"]);
    let r = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "f": { "recordId": { "eq": contact } }, "o": [{ "field": "DUE_AT" }] }),
        )
        .await;
    assert_eq!(names(&r["tasks"], "title"), ["Quote", "Call back"]);
    let r = app
        .gql_ok(Some(tok), Q, json!({ "f": { "and": [{ "dueAt": { "gte": "2026-12-02T00:00:00Z" } }, { "dueAt": { "lt": "2026-12-05T00:00:00Z" } }] } }))
        .await;
    assert_eq!(names(&r["tasks"], "title"), ["Quote", "Visit"]);
    let r = app
        .gql_ok(Some(tok), Q, json!({ "f": { "dueAt": { "isNull": true } } }))
        .await;
    assert_eq!(names(&r["tasks"], "title"), ["Someday"]);
    let err = app
        .gql_err(
            Some(tok),
            Q,
            json!({ "f": { "priority": { "eq": "urgent" } } }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "filter.priority");

    // Paging by due time both ways (the task without a due time comes after the dated ones).
    let by_due = json!([{ "field": "DUE_AT" }]);
    let p1 = app.gql_ok(Some(tok), Q, json!({ "o": by_due, "first": 2 })).await;
    assert_eq!(names(&p1["tasks"], "title"), ["Mail", "Quote"]);
    assert_eq!(p1["tasks"]["totalCount"], 5);
    let p2 = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "o": by_due, "first": 2, "after": p1["tasks"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(names(&p2["tasks"], "title"), ["Visit", "Call back"]);
    assert_eq!(p2["tasks"]["pageInfo"]["hasNextPage"], true);
    let p3 = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "o": by_due, "first": 2, "after": p2["tasks"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(names(&p3["tasks"], "title"), ["Someday"]);
    assert_eq!(p3["tasks"]["pageInfo"]["hasNextPage"], false);
    let back = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "o": [{ "field": "DUE_AT", "direction": "DESC" }], "last": 3 }),
        )
        .await;
    assert_eq!(names(&back["tasks"], "title"), ["Visit", "Quote", "Mail"]);
    assert_eq!(back["tasks"]["pageInfo"]["hasPreviousPage"], true);
    let back2 = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "o": [{ "field": "DUE_AT", "direction": "DESC" }], "last": 3, "before": back["tasks"]["pageInfo"]["startCursor"] }),
        )
        .await;
    assert_eq!(names(&back2["tasks"], "title"), ["Someday", "Call back"]);
    assert_eq!(back2["tasks"]["pageInfo"]["hasPreviousPage"], false);

    // Delete and restore, on the task's timeline and on the contact's.
    app.gql_ok(
        Some(tok),
        "mutation($id: ID!) { deleteTask(id: $id) { task { id } } }",
        json!({ "id": ids[2] }),
    )
    .await;
    app.gql_err(
        Some(tok),
        "mutation($id: ID!) { completeTask(id: $id) { task { id } } }",
        json!({ "id": ids[2] }),
        "NOT_FOUND",
    )
    .await;
    let r = app
        .gql_ok(
            Some(tok),
            "{ live: tasks { totalCount } gone: tasks(deleted: true) { edges { node { title deletedAt } } } }",
            json!({}),
        )
        .await;
    assert_eq!(r["live"]["totalCount"], 4);
    assert_eq!(names(&r["gone"], "title"), ["Quote"]);
    let r = app
        .gql_ok(
            Some(tok),
            "mutation($id: ID!) { restoreTask(id: $id) { task { deletedAt timeline { edges { node { kind } } } } } }",
            json!({ "id": ids[2] }),
        )
        .await;
    assert_eq!(r["restoreTask"]["task"]["deletedAt"], Value::Null);
    let kinds = names(&r["restoreTask"]["task"]["timeline"], "kind");
    assert_eq!(kinds, ["restored", "deleted", "task_completed", "created"]);
    let kinds = timeline_kinds(&app, tok, "contact", &contact).await;
    assert_eq!(
        kinds,
        [
            "task_restored",
            "task_deleted",
            "task_completed",
            "task_updated",
            "task_created",
            "task_created",
            "created"
        ]
    );

    // The rep sees only their own task; someone else's is NOT_FOUND to them, as is a foreign one.
    let r = app.gql_ok(Some(&rep.token), Q, json!({})).await;
    assert_eq!(names(&r["tasks"], "title"), ["Call back"]);
    let other = app.tenant("Other").await;
    for token in [rep.token.as_str(), other.admin_token.as_str()] {
        app.gql_err(
            Some(token),
            "mutation($id: ID!) { deleteTask(id: $id) { task { id } } }",
            json!({ "id": ids[1] }),
            "NOT_FOUND",
        )
        .await;
        app.gql_err(
            Some(token),
            UPDATE,
            json!({ "i": { "id": ids[1], "title": "mine now" } }),
            "NOT_FOUND",
        )
        .await;
    }
}

/// Every task row and how many timeline entries exist, to show a failed change wrote nothing.
async fn task_snapshot(app: &TestApp) -> (Vec<entity::task::Model>, usize) {
    use sea_orm::EntityTrait;
    let mut rows = entity::task::Entity::find().all(&app.cx.db).await.unwrap();
    rows.sort_by_key(|r| r.id);
    let entries = entity::timeline_entry::Entity::find()
        .all(&app.cx.db)
        .await
        .unwrap()
        .len();
    (rows, entries)
}

/// The id of a user in another workspace: for the API, an unknown user.
pub async fn foreign_user_id(app: &TestApp) -> String {
    app.tenant("Elsewhere").await.admin_id
}

#[tokio::test]
async fn deals_filter_with_and_or_not_across_contacts_search_deleted_and_page_backward() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let tok = t.admin_token.as_str();
    let pat = contact(
        &app,
        tok,
        json!({ "name": "Pat Buyer", "emails": [{ "email": "pat@buyer.com" }] }),
    )
    .await;
    let mut ids = Vec::new();
    for (name, amount, with_pat) in [
        ("Forklifts", 500, true),
        ("Cranes", 900, false),
        ("Trucks", 100, true),
        ("Pallets", 50, false),
    ] {
        let mut i = json!({ "name": name, "amountMinor": amount, "currency": "CNY" });
        if with_pat {
            i["contacts"] = json!([{ "contactId": pat }]);
        }
        ids.push(deal(&app, &t, i).await);
    }
    const Q: &str = "query($f: OpportunityFilter, $s: String, $o: [OpportunityOrderBy!], $first: Int, $after: String, $last: Int, $before: String, $d: Boolean! = false) { opportunities(filter: $f, search: $s, orderBy: $o, first: $first, after: $after, last: $last, before: $before, deleted: $d) { totalCount edges { node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let by_amount = json!([{ "field": "AMOUNT" }]);
    // Deals whose contacts include Pat (by email, across the relation), or big ones; not Trucks.
    let f = json!({ "or": [{ "contact": { "email": { "eq": "PAT@buyer.com" } } }, { "amountMinor": { "gte": 800 } }], "not": { "name": { "eq": "Trucks" } } });
    let r = app.gql_ok(Some(tok), Q, json!({ "f": f, "o": by_amount })).await;
    assert_eq!(names(&r["opportunities"], "name"), ["Forklifts", "Cranes"]);
    let r = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "f": { "not": { "contact": { "name": { "startsWith": "pat" } } } }, "o": by_amount }),
        )
        .await;
    assert_eq!(names(&r["opportunities"], "name"), ["Pallets", "Cranes"]);
    // The flat fields keep working.
    let r = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "f": { "contactId": pat, "status": "OPEN" }, "o": by_amount }),
        )
        .await;
    assert_eq!(names(&r["opportunities"], "name"), ["Trucks", "Forklifts"]);
    let r = app.gql_ok(Some(tok), Q, json!({ "s": "LIFT" })).await;
    assert_eq!(names(&r["opportunities"], "name"), ["Forklifts"]);

    // Backward by amount.
    let back = app.gql_ok(Some(tok), Q, json!({ "o": by_amount, "last": 3 })).await;
    assert_eq!(names(&back["opportunities"], "name"), ["Trucks", "Forklifts", "Cranes"]);
    assert_eq!(back["opportunities"]["pageInfo"]["hasPreviousPage"], true);
    let back2 = app
        .gql_ok(
            Some(tok),
            Q,
            json!({ "o": by_amount, "last": 3, "before": back["opportunities"]["pageInfo"]["startCursor"] }),
        )
        .await;
    assert_eq!(names(&back2["opportunities"], "name"), ["Pallets"]);
    assert_eq!(back2["opportunities"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(back2["opportunities"]["pageInfo"]["hasPreviousPage"], false);

    // Deleted deals can be listed (to restore them), with the same filters.
    app.gql_ok(
        Some(tok),
        "mutation($id: ID!) { deleteOpportunity(id: $id) { opportunity { id } } }",
        json!({ "id": ids[1] }),
    )
    .await;
    let r = app.gql_ok(Some(tok), Q, json!({ "d": true })).await;
    assert_eq!(names(&r["opportunities"], "name"), ["Cranes"]);
    let r = app
        .gql_ok(Some(tok), Q, json!({ "f": { "amountMinor": { "gte": 800 } } }))
        .await;
    assert_eq!(r["opportunities"]["totalCount"], 0);
}
