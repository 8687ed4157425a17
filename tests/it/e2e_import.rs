//! CSV import and export over HTTP, as a client uses them: upserts, dry runs, per-row
//! rejections, encodings, refusals that leave the database untouched, tenancy and data scope,
//! a large streamed file, and export → import round trips.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::e2e_invitation::invite_and_accept_in;
use crate::support::{Tenant, TestApp};

/// POSTs a CSV body to `/import/<kind>.csv` and returns the status and JSON body.
async fn import(
    app: &TestApp,
    token: &str,
    kind: &str,
    params: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let url = reqwest::Url::parse_with_params(&format!("{}/import/{kind}.csv", app.base), params).unwrap();
    let resp = app
        .client()
        .post(url)
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

async fn import_ok(
    app: &TestApp,
    token: &str,
    kind: &str,
    params: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> Value {
    let (status, report) = import(app, token, kind, params, body).await;
    assert_eq!(status, 200, "{report:#}");
    report
}

async fn export(app: &TestApp, token: &str, kind: &str, params: &[(&str, &str)]) -> (u16, Vec<u8>) {
    let url = reqwest::Url::parse_with_params(&format!("{}/export/{kind}.csv", app.base), params).unwrap();
    let resp = app.client().get(url).bearer_auth(token).send().await.unwrap();
    (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
}

fn counts(report: &Value) -> (u64, u64, u64, u64) {
    (
        report["created"].as_u64().unwrap(),
        report["updated"].as_u64().unwrap(),
        report["unchanged"].as_u64().unwrap(),
        report["rejected"].as_u64().unwrap(),
    )
}

/// What the database holds for a workspace, for "nothing changed" assertions.
async fn snapshot(app: &TestApp) -> (u64, u64, u64, u64, u64, u64) {
    let db = &app.cx.db;
    (
        entity::contact::Entity::find().count(db).await.unwrap(),
        entity::contact_email::Entity::find().count(db).await.unwrap(),
        entity::company::Entity::find().count(db).await.unwrap(),
        entity::lead::Entity::find().count(db).await.unwrap(),
        entity::timeline_entry::Entity::find().count(db).await.unwrap(),
        entity::record_counter::Entity::find().count(db).await.unwrap(),
    )
}

async fn contact_named(app: &TestApp, t: &Tenant, name: &str) -> Value {
    let r = app
        .gql_ok(
            Some(&t.admin_token),
            "query($n: String!) { contacts(first: 5, filter: { name: { eq: $n } }) { edges { node { id name title emails { email primary } phones { phone } tags company { name } owner { email } } } } }",
            json!({ "n": name }),
        )
        .await;
    let edges = r["contacts"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1, "one contact named {name}: {r:#}");
    edges[0]["node"].clone()
}

const CREATE_CONTACT: &str = "mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } } }";
const CREATE_COMPANY: &str = "mutation($i: CreateCompanyInput!) { createCompany(input: $i) { company { id } } }";

#[tokio::test]
async fn contacts_upsert_by_email_and_a_dry_run_reports_what_the_real_run_does() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    app.gql_ok(
        Some(&t.admin_token),
        CREATE_CONTACT,
        json!({ "i": { "name": "Li Wei", "emails": [{ "email": "li.wei@huawei.com" }] } }),
    )
    .await;
    let csv = format!(
        "姓名,E-Mail,手机,公司,Title,owner\n\
         Li Wei,LI.WEI@huawei.com,+86 138 0013 8000,huawei.com,CTO,\n\
         Zhang San,zhang@example.com,,huawei.com,,{admin}\n\
         Zhang San,zhang@example.com; z3@gmail.com,,,Boss,\n\
         Bad Mail,not-an-email,,,,\n\
         Bad Phone,bp@example.com,call me,,,\n\
         Nobody Owns,no@example.com,,,,ghost@example.com\n\
         Multi,ml@example.com,,,\"Line one\nLine two\",\n",
        admin = t.admin_email
    );
    let before = snapshot(&app).await;
    let dry = import_ok(&app, &t.admin_token, "contacts", &[("dryRun", "true")], csv.clone()).await;
    assert_eq!(dry["dryRun"], true);
    assert_eq!(snapshot(&app).await, before, "a dry run writes nothing");
    // Row 3 creates Zhang San, row 4 updates the same contact; row 2 creates the company by domain.
    assert_eq!(counts(&dry), (2, 2, 0, 3), "{dry:#}");
    assert_eq!(dry["rows"], 7);
    assert_eq!(dry["companiesCreated"], 1);
    let rejections = dry["rejections"].as_array().unwrap();
    let by_row: Vec<(u64, &str, &str)> = rejections
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["field"].as_str().unwrap(),
                r["column"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_row,
        [(5, "email", "E-Mail"), (6, "phone", "手机"), (7, "owner", "owner")]
    );
    assert!(
        rejections[0]["reason"].as_str().unwrap().contains("not-an-email"),
        "{dry:#}"
    );
    assert!(rejections[1]["reason"].as_str().unwrap().contains("call me"), "{dry:#}");
    assert!(
        rejections[2]["reason"].as_str().unwrap().contains("ghost@example.com"),
        "{dry:#}"
    );

    let real = import_ok(&app, &t.admin_token, "contacts", &[], csv.clone()).await;
    assert_eq!(real["dryRun"], false);
    for k in [
        "created",
        "updated",
        "unchanged",
        "rejected",
        "rows",
        "rejections",
        "companiesCreated",
    ] {
        assert_eq!(real[k], dry[k], "{k}: the dry run said what the real run did");
    }
    let li = contact_named(&app, &t, "Li Wei").await;
    assert_eq!(li["title"], "CTO");
    assert_eq!(li["phones"], json!([{ "phone": "+86 138 0013 8000" }]));
    assert_eq!(li["company"]["name"], "huawei.com");
    assert_eq!(
        li["emails"],
        json!([{ "email": "li.wei@huawei.com", "primary": true }]),
        "no duplicate address"
    );
    let zhang = contact_named(&app, &t, "Zhang San").await;
    assert_eq!(zhang["title"], "Boss");
    assert_eq!(zhang["company"]["name"], "huawei.com", "the company row 2 created");
    assert_eq!(zhang["emails"].as_array().unwrap().len(), 2);
    assert_eq!(zhang["owner"]["email"], t.admin_email);
    let multi = contact_named(&app, &t, "Multi").await;
    assert_eq!(multi["title"], "Line one\nLine two", "a quoted cell spans lines");
    assert_eq!(
        entity::company::Entity::find().count(&app.cx.db).await.unwrap(),
        1,
        "one company, found again by its domain"
    );
    // The timeline says what the import changed, like any other change.
    let r = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { contact(id: $id) { timeline(first: 10) { edges { node { kind data } } } } }",
            json!({ "id": li["id"] }),
        )
        .await;
    let kinds: Vec<&str> = r["contact"]["timeline"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["updated", "created"]);

    // The same file again changes nothing.
    let again = import_ok(&app, &t.admin_token, "contacts", &[], csv).await;
    assert_eq!(counts(&again), (0, 0, 4, 3), "{again:#}");
}

#[tokio::test]
async fn a_mapping_names_columns_and_unknown_targets_or_missing_columns_are_refused() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let csv = "Who,Reach me at,Shoe size\nAda,ada@example.com,38\n";
    let before = snapshot(&app).await;
    for (mapping, field, needle) in [
        (
            r#"{"Who": "name", "Reach me at": "favourite colour"}"#,
            "mapping",
            "favourite colour",
        ),
        (r#"{"Who": "name", "Phone": "phone"}"#, "mapping", "\"Phone\""),
        (r#"{"Reach me at": "email"}"#, "name", "name"),
        ("[1, 2]", "mapping", "JSON object"),
    ] {
        let (status, body) = import(&app, &t.admin_token, "contacts", &[("mapping", mapping)], csv).await;
        assert_eq!(status, 400, "{mapping}: {body:#}");
        let err = &body["errors"][0];
        assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(err["extensions"]["field"], field, "{mapping}: {body:#}");
        assert!(err["message"].as_str().unwrap().contains(needle), "{body:#}");
    }
    // Without a mapping this file has no name column.
    let (status, body) = import(&app, &t.admin_token, "contacts", &[], csv).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["extensions"]["field"], "name");
    assert_eq!(snapshot(&app).await, before);

    let ok = import_ok(
        &app,
        &t.admin_token,
        "contacts",
        &[(
            "mapping",
            r#"{"Who": "name", "Reach me at": "email", "Shoe size": null}"#,
        )],
        csv,
    )
    .await;
    assert_eq!(counts(&ok), (1, 0, 0, 0), "{ok:#}");
    assert_eq!(
        contact_named(&app, &t, "Ada").await["emails"][0]["email"],
        "ada@example.com"
    );
}

#[tokio::test]
async fn gbk_and_utf8_with_bom_read_chinese_names() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let (gbk, _, unmappable) = encoding_rs::GBK.encode("姓名,邮箱,公司\n张伟,zhang.wei@example.cn,华为技术\n");
    assert!(!unmappable);
    let r = import_ok(&app, &t.admin_token, "contacts", &[], gbk.into_owned()).await;
    assert_eq!(r["encoding"], "GBK");
    assert_eq!(counts(&r), (1, 0, 0, 0), "{r:#}");
    let zhang = contact_named(&app, &t, "张伟").await;
    assert_eq!(zhang["company"]["name"], "华为技术");

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("name,email\n王芳,wang@example.cn\n".as_bytes());
    let r = import_ok(&app, &t.admin_token, "contacts", &[], bom).await;
    assert_eq!(r["encoding"], "UTF-8");
    assert_eq!(
        counts(&r),
        (1, 0, 0, 0),
        "the BOM is not part of the first header: {r:#}"
    );
    contact_named(&app, &t, "王芳").await;
}

#[tokio::test]
async fn broken_quoting_or_bytes_refuse_the_whole_file_and_write_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let before = snapshot(&app).await;
    // Valid rows first: the refusal comes after they were applied in the transaction.
    // 1200 valid rows (more than two batches, applied in the transaction) before the bad line.
    let mut long = String::from("name,email\n");
    for i in 0..1200 {
        long.push_str(&format!("P{i},p{i}@example.com\n"));
    }
    long.push_str("Late,\"late@example.com\n");
    for (csv, line) in [
        (
            "name,email\nA,a@example.com\nB,\"b@example.com\nC,c@example.com\n".to_string(),
            3,
        ),
        ("name,email\nA,a@example.com\nC,c\"@example.com\n".into(), 3),
        ("name,email\nA,a@example.com\n\"B\"x,b@example.com\n".into(), 3),
        (long, 1202),
    ] {
        let (status, body) = import(&app, &t.admin_token, "contacts", &[], csv.clone()).await;
        assert_eq!(status, 400, "{csv}: {body:#}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["extensions"]["line"], line, "{body:#}");
        assert_eq!(snapshot(&app).await, before, "nothing half-written: {}", &csv[..40]);
    }
    // GBK bytes declared as UTF-8, after a valid row.
    let mut bytes = b"name,email\nA,a@example.com\n".to_vec();
    bytes.extend_from_slice(&encoding_rs::GBK.encode("张伟,z@example.com\n").0);
    let (status, body) = import(&app, &t.admin_token, "contacts", &[("encoding", "utf-8")], bytes).await;
    assert_eq!(status, 400, "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["line"], 3, "{body:#}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(snapshot(&app).await, before);
    let (status, _) = import(
        &app,
        &t.admin_token,
        "contacts",
        &[("encoding", "latin-1")],
        "name\nx\n",
    )
    .await;
    assert_eq!(status, 400);
    let (status, body) = import(&app, &t.admin_token, "contacts", &[], "").await;
    assert_eq!(status, 400, "an empty file has no header: {body:#}");
    let resp = app
        .client()
        .post(format!("{}/import/contacts.csv", app.base))
        .body("name\nx\n")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn imports_match_only_inside_the_workspace_and_the_callers_data_scope() {
    let app = TestApp::spawn().await;
    let a = app.tenant("Alpha").await;
    let b = app.tenant("Beta").await;
    app.gql_ok(
        Some(&b.admin_token),
        CREATE_CONTACT,
        json!({ "i": { "name": "Beta's Person", "emails": [{ "email": "shared@example.com" }] } }),
    )
    .await;
    app.gql_ok(
        Some(&b.admin_token),
        CREATE_COMPANY,
        json!({ "i": { "name": "Beta's Co", "domains": ["shared.example"] } }),
    )
    .await;
    let r = import_ok(
        &app,
        &a.admin_token,
        "contacts",
        &[],
        "name,email,title\nAlpha's Person,shared@example.com,CEO\n",
    )
    .await;
    assert_eq!(counts(&r), (1, 0, 0, 0), "B's contact is not A's: {r:#}");
    let r = import_ok(
        &app,
        &a.admin_token,
        "companies",
        &[],
        "name,domain\nAlpha Co,shared.example\n",
    )
    .await;
    assert_eq!(counts(&r), (1, 0, 0, 0), "{r:#}");
    let theirs = contact_named(&app, &b, "Beta's Person").await;
    assert_eq!(theirs["title"], Value::Null, "B's contact is untouched");
    contact_named(&app, &a, "Alpha's Person").await;

    // Two reps: one may not update the other's contact (nor learn more than that it exists).
    let rep1 = invite_and_accept_in(&app, &a, "REP", None).await;
    let rep2 = invite_and_accept_in(&app, &a, "REP", None).await;
    app.gql_ok(
        Some(&rep1.token),
        CREATE_CONTACT,
        json!({ "i": { "name": "Rep One's", "emails": [{ "email": "client@rep1.example" }] } }),
    )
    .await;
    let r = import_ok(
        &app,
        &rep2.token,
        "contacts",
        &[],
        "name,email,title\nHijack,client@rep1.example,Mine now\nOwn,own@rep2.example,\nGift,gift@rep2.example,\n",
    )
    .await;
    assert_eq!(counts(&r), (2, 0, 0, 1), "{r:#}");
    assert_eq!(r["rejections"][0]["row"], 2);
    assert_eq!(r["rejections"][0]["field"], "email");
    assert!(
        r["rejections"][0]["reason"].as_str().unwrap().contains("data scope"),
        "{r:#}"
    );
    let c = contact_named(&app, &a, "Rep One's").await;
    assert_eq!(c["title"], Value::Null, "not silently updated");
    // A rep cannot hand records to someone else through the owner column.
    let r = import_ok(
        &app,
        &rep2.token,
        "contacts",
        &[],
        format!("name,email,owner\nPushed,pushed@rep2.example,{}\n", rep1.email),
    )
    .await;
    assert_eq!(counts(&r), (0, 0, 0, 1), "{r:#}");
    assert_eq!(r["rejections"][0]["field"], "owner");
}

#[tokio::test]
async fn companies_and_leads_upsert_on_domain_and_email() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    app.gql_ok(
        Some(&t.admin_token),
        CREATE_COMPANY,
        json!({ "i": { "name": "Huawei", "domains": ["huawei.com"] } }),
    )
    .await;
    let csv = "名称,域名,行业,tags\n\
               Huawei Technologies,https://www.huawei.com/en,Telecom,key account\n\
               Globex,globex.example,,\n\
               Globex,globex.example; globex.cn,Chemicals,\n\
               Broken,not a domain,,\n\
               No Domain Ltd,,Retail,\n";
    let r = import_ok(&app, &t.admin_token, "companies", &[], csv).await;
    assert_eq!(counts(&r), (2, 2, 0, 1), "{r:#}");
    assert_eq!(r["rejections"][0]["row"], 5);
    assert_eq!(r["rejections"][0]["field"], "domain");
    let q = app
        .gql_ok(
            Some(&t.admin_token),
            "{ companies(first: 10, orderBy: [{ field: NUMBER, direction: ASC }]) { edges { node { name domains industry tags } } } }",
            json!({}),
        )
        .await;
    let names: Vec<Value> = q["companies"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(names.len(), 3, "{q:#}");
    assert_eq!(names[0]["name"], "Huawei Technologies");
    assert_eq!(names[0]["industry"], "Telecom");
    assert_eq!(names[0]["tags"], json!(["key account"]));
    assert_eq!(names[1]["domains"], json!(["globex.example", "globex.cn"]));
    assert_eq!(names[1]["industry"], "Chemicals");
    // A company without a domain is found again by its name.
    let r = import_ok(
        &app,
        &t.admin_token,
        "companies",
        &[],
        "name,industry\nno domain ltd,Retail\n",
    )
    .await;
    assert_eq!(counts(&r), (0, 1, 0, 0), "renamed to the file's spelling: {r:#}");

    let l = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation { createLead(input: { name: \"Hank\", email: \"hank@globex.example\" }) { lead { id } } }",
            json!({}),
        )
        .await;
    let lead_id = l["createLead"]["lead"]["id"].as_str().unwrap().to_string();
    let csv = "name,email,phone,company,source\n\
               Hank Scorpio,HANK@globex.example,+1 555 0100,Globex,expo\n\
               Marge,marge@example.com,,,web\n\
               Marge,marge@example.com,,,web\n";
    let r = import_ok(&app, &t.admin_token, "leads", &[], csv).await;
    assert_eq!(counts(&r), (1, 1, 1, 0), "{r:#}");
    let q = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { node(id: $id) { ... on Lead { name phone companyName source } } }",
            json!({ "id": lead_id }),
        )
        .await;
    assert_eq!(q["node"]["name"], "Hank Scorpio");
    assert_eq!(q["node"]["phone"], "+1 555 0100");
    assert_eq!(q["node"]["companyName"], "Globex");
}

#[tokio::test]
async fn a_large_streamed_file_imports_with_exact_counts() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Bulk").await;
    // Six batches of 500: enough to cross batch boundaries inside one transaction; bigger files
    // are for the benchmark, not the suite (a debug build applies a few hundred rows a second).
    const ROWS: usize = 3_000;
    const BAD: u64 = (ROWS / 1000) as u64;
    // Generated as it is sent, 100 rows per chunk; every 1000th row has a bad address.
    let chunks = futures::stream::iter((0..ROWS / 100).map(|chunk| {
        let mut s = String::new();
        if chunk == 0 {
            s.push_str("name,email,phone,tags\n");
        }
        for i in chunk * 100..(chunk + 1) * 100 {
            let email = if i % 1000 == 999 {
                format!("broken-{i}")
            } else {
                format!("person{i}@bulk.example")
            };
            s.push_str(&format!("Person {i},{email},+86 138 {i:08},bulk\n"));
        }
        Ok::<_, std::io::Error>(s)
    }));
    // The server reads the body only as fast as it applies rows, so the upload waits on TCP flow
    // control; reqwest's default TCP user timeout (30 s) would take that wait for a dead peer.
    let client = reqwest::Client::builder().tcp_user_timeout(None).build().unwrap();
    let resp = client
        .post(format!("{}/import/contacts.csv", app.base))
        .bearer_auth(&t.admin_token)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let r: Value = resp.json().await.unwrap();
    assert_eq!(r["rows"], ROWS);
    assert_eq!(counts(&r), (ROWS as u64 - BAD, 0, 0, BAD), "{}", r["rejections"]);
    let rows: Vec<u64> = r["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows[..3], [1001, 2001, 3001], "row numbers count the header as row 1");
    let ws = rapport_ws(&app, &t).await;
    let stored = entity::contact::Entity::find()
        .filter(entity::contact::Column::WorkspaceId.eq(ws))
        .count(&app.cx.db)
        .await
        .unwrap();
    assert_eq!(stored, ROWS as u64 - BAD);
}

async fn rapport_ws(app: &TestApp, t: &Tenant) -> Uuid {
    let u = entity::user::Entity::find()
        .filter(entity::user::Column::EmailCanonical.eq(t.admin_email.to_lowercase()))
        .one(&app.cx.db)
        .await
        .unwrap()
        .unwrap();
    u.workspace_id
}

#[tokio::test]
async fn an_export_imports_back_unchanged() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let co = app
        .gql_ok(
            Some(&t.admin_token),
            CREATE_COMPANY,
            json!({ "i": { "name": "=Huawei, \"Tech\"", "domains": ["huawei.com", "华为.中国"], "industry": "Telecom", "region": "华南", "website": "https://huawei.com/en", "tier": "A", "tags": ["key account", "-vip"] } }),
        )
        .await;
    let co = co["createCompany"]["company"]["id"].as_str().unwrap().to_string();
    app.gql_ok(
        Some(&t.admin_token),
        CREATE_COMPANY,
        json!({ "i": { "name": "No Domain Co", "region": "华东" } }),
    )
    .await;
    app.gql_ok(
        Some(&t.admin_token),
        CREATE_CONTACT,
        json!({ "i": { "name": "李伟", "title": "CTO", "companyId": co,
            "emails": [{ "email": "li.wei@huawei.com" }, { "email": "Wei.Li@Gmail.com", "primary": true }],
            "phones": [{ "phone": "+86 138-0013-8000" }], "tags": ["decision maker"],
            "publicNotes": "Met at MWC, \"loved\" the demo\nsecond line", "semiPublicNotes": "+ hiking" } }),
    )
    .await;
    app.gql_ok(
        Some(&t.admin_token),
        CREATE_CONTACT,
        json!({ "i": { "name": "@handle", "emails": [{ "email": "handle@example.com" }] } }),
    )
    .await;
    let before = snapshot(&app).await;
    for kind in ["companies", "contacts"] {
        let (status, csv) = export(&app, &t.admin_token, kind, &[]).await;
        assert_eq!(status, 200);
        assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
        let r = import_ok(&app, &t.admin_token, kind, &[], csv.clone()).await;
        assert_eq!(
            counts(&r),
            (0, 0, 2, 0),
            "{kind}: {r:#}\n{}",
            String::from_utf8_lossy(&csv)
        );
        assert_eq!(r["ignoredColumns"], json!([]), "{kind}: every exported column is known");
    }
    assert_eq!(snapshot(&app).await, before, "no timeline entries either");
}

#[tokio::test]
async fn company_lead_and_deal_exports_respect_filter_and_scope() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let rep = invite_and_accept_in(&app, &t, "REP", None).await;
    for (name, region, token) in [
        ("East Co", "华东", &t.admin_token),
        ("South Co", "华南", &t.admin_token),
        ("Rep East", "华东", &rep.token),
    ] {
        app.gql_ok(
            Some(token),
            CREATE_COMPANY,
            json!({ "i": { "name": name, "region": region, "domains": [format!("{}.example", name.to_lowercase().replace(' ', "-"))] } }),
        )
        .await;
    }
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    let filter = json!({ "region": { "eq": "华东" } }).to_string();
    let (status, csv) = export(&app, &t.admin_token, "companies", &[("filter", &filter)]).await;
    assert_eq!(status, 200);
    let csv = text(csv);
    assert!(csv.starts_with("\u{feff}number,name,domains,"), "{csv}");
    assert!(
        csv.contains("East Co,east-co.example,,华东") && csv.contains("Rep East"),
        "{csv}"
    );
    assert!(!csv.contains("South Co"), "{csv}");
    let (_, csv) = export(&app, &rep.token, "companies", &[("search", "east")]).await;
    let csv = text(csv);
    assert_eq!(csv.lines().count(), 2, "the rep sees only their own: {csv}");
    let (status, body) = export(
        &app,
        &t.admin_token,
        "companies",
        &[("filter", "{\"region\": {\"eq\": 5}}")],
    )
    .await;
    assert_eq!(status, 400, "{}", text(body));

    for (name, token) in [("Admin Lead", &t.admin_token), ("Rep Lead", &rep.token)] {
        let q = format!(
            "mutation {{ createLead(input: {{ name: \"{name}\", email: \"{}@example.com\" }}) {{ lead {{ id }} }} }}",
            name.replace(' ', ".")
        );
        app.gql_ok(Some(token), &q, json!({})).await;
    }
    let l = app
        .gql_ok(
            Some(&t.admin_token),
            "{ leads(first: 10) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    let admin_lead = l["leads"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["name"] == "Admin Lead")
        .unwrap()["node"]["id"]
        .clone();
    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!) { setLeadStatus(input: { id: $id, status: \"working\" }) { lead { id } } }",
        json!({ "id": admin_lead }),
    )
    .await;
    let (_, csv) = export(&app, &t.admin_token, "leads", &[("status", "working")]).await;
    let csv = text(csv);
    assert!(csv.contains("Admin Lead") && !csv.contains("Rep Lead"), "{csv}");
    let (_, csv) = export(&app, &rep.token, "leads", &[]).await;
    let csv = text(csv);
    assert!(csv.contains("Rep Lead") && !csv.contains("Admin Lead"), "{csv}");

    for (name, amount, token) in [
        ("Big deal", 500_000, &t.admin_token),
        ("Small deal", 100, &t.admin_token),
        ("Rep deal", 900_000, &rep.token),
    ] {
        app.gql_ok(
            Some(token),
            "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { opportunity { id } } }",
            json!({ "i": { "name": name, "amountMinor": amount, "currency": "CNY" } }),
        )
        .await;
    }
    let filter = json!({ "amountMinor": { "gte": 1000 } }).to_string();
    let (status, csv) = export(&app, &t.admin_token, "opportunities", &[("filter", &filter)]).await;
    assert_eq!(status, 200);
    let csv = text(csv);
    assert!(
        csv.contains("Big deal") && csv.contains("Rep deal") && !csv.contains("Small deal"),
        "{csv}"
    );
    assert!(csv.contains(",500000,CNY,"), "{csv}");
    let (_, csv) = export(&app, &rep.token, "opportunities", &[("filter", &filter)]).await;
    let csv = text(csv);
    assert!(csv.contains("Rep deal") && !csv.contains("Big deal"), "{csv}");
}

/// A file of `n` new contacts with an address, a phone, a tag and (every other row) one of a
/// few companies, the rows the benchmark imports.
fn new_contacts(n: usize, from: usize) -> String {
    let mut s = String::from("name,email,phone,tags,company\n");
    for i in from..from + n {
        let company = if i % 2 == 0 {
            format!("co{}.example", i % 5)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "Person {i},p{i}@count.example,+86 139 {i:08},imported,{company}\n"
        ));
    }
    s
}

#[tokio::test]
async fn creating_contacts_costs_a_few_statements_per_batch_not_per_row() {
    use std::sync::atomic::Ordering;
    let app = TestApp::spawn().await;
    let t = app.tenant("Count").await;
    // Warm-up: the companies exist and the token's last-use stamp is written.
    import_ok(&app, &t.admin_token, "contacts", &[], new_contacts(10, 0)).await;
    let before = app.cx.statements.load(Ordering::SeqCst);
    let r = import_ok(&app, &t.admin_token, "contacts", &[], new_contacts(1000, 10)).await;
    let spent = app.cx.statements.load(Ordering::SeqCst) - before;
    assert_eq!(counts(&r), (1000, 0, 0, 0), "{r:#}");
    eprintln!("1000 created contacts cost {spent} statements");
    assert!(spent <= 60, "1000 created contacts cost {spent} statements");
}

#[tokio::test]
async fn the_report_lists_the_first_1000_rejections_and_counts_the_rest() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Cap").await;
    let mut csv = String::from("name,email\n");
    for i in 0..1003 {
        csv.push_str(&format!("Bad {i},not-an-address-{i}\n"));
    }
    csv.push_str("Good,good@example.com\n");
    let r = import_ok(&app, &t.admin_token, "contacts", &[], csv).await;
    assert_eq!(counts(&r), (1, 0, 0, 1003), "{}", r["rejectionsTruncated"]);
    assert_eq!(r["rows"], 1004);
    let listed = r["rejections"].as_array().unwrap();
    assert_eq!(listed.len(), 1000);
    assert_eq!(r["rejectionsTruncated"], true);
    assert_eq!(listed[0]["row"], 2);
    assert_eq!(listed[999]["row"], 1001, "the first ones, in file order");
    let small = import_ok(&app, &t.admin_token, "contacts", &[], "name,email\nX,bad\n").await;
    assert_eq!(small["rejectionsTruncated"], false);
}

#[tokio::test]
async fn lead_status_imports_with_the_rules_of_set_lead_status() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    app.gql_ok(
        Some(&t.admin_token),
        "mutation { createLead(input: { name: \"Old\", email: \"old@example.com\" }) { lead { id } } }",
        json!({}),
    )
    .await;
    let csv = "name,email,状态\n\
               Old,old@example.com,working\n\
               New,new@example.com,qualified\n\
               Plain,plain@example.com,\n\
               Hot,hot@example.com,hot\n\
               Done,done@example.com,converted\n";
    let mapping = r#"{"name": "name", "email": "email", "状态": "status"}"#;
    let r = import_ok(&app, &t.admin_token, "leads", &[("mapping", mapping)], csv).await;
    assert_eq!(counts(&r), (2, 1, 0, 2), "{r:#}");
    let rejected: Vec<(u64, &str, &str)> = r["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["row"].as_u64().unwrap(),
                x["field"].as_str().unwrap(),
                x["column"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(rejected, [(5, "status", "状态"), (6, "status", "状态")]);
    assert!(
        r["rejections"][1]["reason"].as_str().unwrap().contains("convertLead"),
        "{r:#}"
    );
    let q = app
        .gql_ok(
            Some(&t.admin_token),
            "{ leads(first: 10) { edges { node { name status timeline(first: 5) { edges { node { kind data } } } } } } }",
            json!({}),
        )
        .await;
    let status_of = |name: &str| {
        q["leads"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["name"] == name)
            .map(|e| e["node"].clone())
            .unwrap()
    };
    assert_eq!(status_of("Old")["status"], "working");
    assert_eq!(status_of("New")["status"], "qualified");
    assert_eq!(status_of("Plain")["status"], "new");
    let updated = status_of("Old")["timeline"]["edges"][0]["node"].clone();
    assert_eq!(updated["kind"], "updated", "{q:#}");
    assert!(updated["data"].to_string().contains("working"), "{updated}");
    // The same statuses again change nothing; an export's status column imports back.
    let again = import_ok(
        &app,
        &t.admin_token,
        "leads",
        &[],
        "name,email,status\nOld,old@example.com,working\n",
    )
    .await;
    assert_eq!(counts(&again), (0, 0, 1, 0), "{again:#}");
}

/// Timeline entries of a kind on records of a type, across the database.
async fn entries(app: &TestApp, record_type: &str, kind: &str) -> u64 {
    entity::timeline_entry::Entity::find()
        .filter(entity::timeline_entry::Column::RecordType.eq(record_type))
        .filter(entity::timeline_entry::Column::Kind.eq(kind))
        .count(&app.cx.db)
        .await
        .unwrap()
}

/// Runs an import and returns its report and the statements it cost.
async fn counted(app: &TestApp, token: &str, kind: &str, csv: String) -> (Value, u64) {
    use std::sync::atomic::Ordering;
    let before = app.cx.statements.load(Ordering::SeqCst);
    let r = import_ok(app, token, kind, &[], csv).await;
    (r, app.cx.statements.load(Ordering::SeqCst) - before)
}

/// Leads `from..from + n`, with `source` in every row.
fn leads_file(n: usize, from: usize, source: &str) -> String {
    let mut s = String::from("name,email,phone,company,source\n");
    for i in from..from + n {
        s.push_str(&format!(
            "Lead {i},l{i}@lead.example,+86 138 {i:08},Co {},{source}\n",
            i % 7
        ));
    }
    s
}

#[tokio::test]
async fn importing_leads_costs_a_few_statements_per_batch_not_per_row() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Count").await;
    let r = import_ok(&app, &t.admin_token, "leads", &[], leads_file(500, 0, "expo")).await;
    assert_eq!(counts(&r), (500, 0, 0, 0), "{r:#}");
    // Half the rows update the leads above (a new source), half create leads; the last row
    // repeats the first one's change (unchanged by then).
    let mut csv = leads_file(1000, 0, "fair");
    csv.push_str("Lead 0,l0@lead.example,,,fair\n");
    let (r, spent) = counted(&app, &t.admin_token, "leads", csv).await;
    assert_eq!(counts(&r), (500, 500, 1, 0), "{r:#}");
    eprintln!("1000 lead rows (500 updates) cost {spent} statements");
    assert!(spent <= 60, "1000 lead rows cost {spent} statements");
    assert_eq!(entity::lead::Entity::find().count(&app.cx.db).await.unwrap(), 1000);
    assert_eq!(entries(&app, "lead", "created").await, 1000);
    assert_eq!(entries(&app, "lead", "updated").await, 500);
    let l = entity::lead::Entity::find()
        .filter(entity::lead::Column::EmailCanonical.eq("l7@lead.example"))
        .one(&app.cx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (l.source.as_deref(), l.name.as_str(), l.number),
        (Some("fair"), "Lead 7", 8)
    );
    let e = entity::timeline_entry::Entity::find()
        .filter(entity::timeline_entry::Column::RecordId.eq(l.id))
        .filter(entity::timeline_entry::Column::Kind.eq("updated"))
        .one(&app.cx.db)
        .await
        .unwrap()
        .unwrap();
    let data: Value = serde_json::from_str(&e.data).unwrap();
    assert_eq!(
        data,
        json!({ "changes": { "source": { "from": "expo", "to": "fair" } } })
    );
}

/// Companies `from..from + n` with a domain each, `industry` and `tag` in every row.
fn companies_file(n: usize, from: usize, industry: &str, tag: &str) -> String {
    let mut s = String::from("name,domain,industry,tags\n");
    for i in from..from + n {
        s.push_str(&format!("Company {i},c{i}.example,{industry},{tag}\n"));
    }
    s
}

#[tokio::test]
async fn importing_companies_costs_a_few_statements_per_batch_not_per_row() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Count").await;
    let r = import_ok(
        &app,
        &t.admin_token,
        "companies",
        &[],
        companies_file(500, 0, "Retail", "old"),
    )
    .await;
    assert_eq!(counts(&r), (500, 0, 0, 0), "{r:#}");
    // Half the rows update the companies above (industry, one more tag), half create; then a
    // company without a domain twice (created, then found by name) and a second domain for
    // an earlier row's company.
    let mut csv = companies_file(1000, 0, "Telecom", "new");
    csv.push_str("Plain Ltd,,Retail,\nplain ltd,,Mining,\nCompany 600,c600.example;c600.cn,,\n");
    let (r, spent) = counted(&app, &t.admin_token, "companies", csv).await;
    assert_eq!(counts(&r), (501, 502, 0, 0), "{r:#}");
    eprintln!("1003 company rows (502 updates) cost {spent} statements");
    assert!(spent <= 60, "1003 company rows cost {spent} statements");
    let db = &app.cx.db;
    assert_eq!(entity::company::Entity::find().count(db).await.unwrap(), 1001);
    assert_eq!(entity::company_domain::Entity::find().count(db).await.unwrap(), 1001);
    assert_eq!(entries(&app, "company", "created").await, 1001);
    assert_eq!(entries(&app, "company", "updated").await, 502);
    let tags = entity::record_tag::Entity::find()
        .filter(entity::record_tag::Column::RecordType.eq("company"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(
        tags,
        500 * 2 + 500,
        "old + new on the updated ones, new on the created ones"
    );
    let q = app
        .gql_ok(
            Some(&t.admin_token),
            "{ companies(first: 3, filter: { name: { in: [\"Company 7\", \"Company 600\", \"plain ltd\"] } }, orderBy: [{ field: NUMBER, direction: ASC }]) { edges { node { number name domains industry tags timeline(first: 5) { edges { node { kind data } } } } } } }",
            json!({}),
        )
        .await;
    let got: Vec<Value> = q["companies"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(got.len(), 3, "{q:#}");
    assert_eq!(
        (&got[0]["number"], &got[0]["industry"], &got[0]["tags"]),
        (&json!(8), &json!("Telecom"), &json!(["new", "old"])),
        "{q:#}"
    );
    assert_eq!(got[1]["domains"], json!(["c600.example", "c600.cn"]), "{q:#}");
    assert_eq!(
        (&got[2]["industry"], &got[2]["number"]),
        (&json!("Mining"), &json!(1001)),
        "{q:#}"
    );
    let kinds = |c: &Value| -> Vec<String> {
        c["timeline"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(kinds(&got[0]).len(), 2, "created and updated: {q:#}");
    assert_eq!(kinds(&got[1]).len(), 2, "created and updated: {q:#}");
}

#[tokio::test]
async fn contacts_with_new_companies_cost_a_few_statements_per_batch_not_per_row() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Count").await;
    import_ok(&app, &t.admin_token, "contacts", &[], new_contacts(10, 0)).await;
    // Every row names one of 100 companies that do not exist: 50 by domain, 50 by name.
    let mut csv = String::from("name,email,company\n");
    for i in 0..1000 {
        let company = if i % 2 == 0 {
            format!("nc{}.example", i % 100)
        } else {
            format!("New Co {}", i % 100)
        };
        csv.push_str(&format!("Person {i},n{i}@new.example,{company}\n"));
    }
    let companies_before = entity::company::Entity::find().count(&app.cx.db).await.unwrap();
    let (r, spent) = counted(&app, &t.admin_token, "contacts", csv).await;
    assert_eq!(counts(&r), (1000, 0, 0, 0), "{r:#}");
    assert_eq!(r["companiesCreated"], 100, "{r:#}");
    eprintln!("1000 contacts with new companies cost {spent} statements");
    assert!(spent <= 60, "1000 contacts with new companies cost {spent} statements");
    let db = &app.cx.db;
    assert_eq!(
        entity::company::Entity::find().count(db).await.unwrap(),
        companies_before + 100
    );
    assert_eq!(entries(&app, "company", "created").await, companies_before + 100);
    assert_eq!(entries(&app, "company", "contact_added").await, 5 + 1000);
    let linked = entity::contact::Entity::find()
        .filter(entity::contact::Column::CompanyId.is_not_null())
        .count(db)
        .await
        .unwrap();
    assert_eq!(linked, 5 + 1000);
    let p = contact_named(&app, &t, "Person 998").await;
    assert_eq!(p["company"]["name"], "nc98.example", "{p:#}");
    let p = contact_named(&app, &t, "Person 999").await;
    assert_eq!(p["company"]["name"], "New Co 99", "{p:#}");
}

#[tokio::test]
async fn a_rejected_contact_leaves_no_new_company_behind() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let long = "x".repeat(201);
    let csv = format!(
        "name,email,company\n{long},a@x.example,Lonely Co\n{long},b@x.example,Shared Co\nGood,c@x.example,Shared Co\nGood Two,d@x.example,shared co\n"
    );
    let r = import_ok(&app, &t.admin_token, "contacts", &[], csv).await;
    assert_eq!(counts(&r), (2, 0, 0, 2), "{r:#}");
    assert_eq!(r["companiesCreated"], 1, "{r:#}");
    assert_eq!(r["rejections"][0]["row"], 2);
    assert_eq!(r["rejections"][1]["row"], 3);
    assert_eq!(r["rejections"][1]["field"], "name");
    let q = app
        .gql_ok(
            Some(&t.admin_token),
            "{ companies(first: 5) { edges { node { number name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        q["companies"]["edges"],
        json!([{ "node": { "number": 1, "name": "Shared Co" } }]),
        "{q:#}"
    );
    assert_eq!(contact_named(&app, &t, "Good").await["company"]["name"], "Shared Co");
    assert_eq!(
        contact_named(&app, &t, "Good Two").await["company"]["name"],
        "Shared Co"
    );
}

#[tokio::test]
async fn updating_contacts_costs_a_few_statements_per_batch_not_per_row() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Count").await;
    import_ok(&app, &t.admin_token, "contacts", &[], new_contacts(1000, 0)).await;
    // Every contact above gets a title, a second address and one more tag; every tenth row
    // changes nothing.
    let mut csv = String::from("name,email,title,tags\n");
    for i in 0..1000 {
        if i % 10 == 0 {
            csv.push_str(&format!("Person {i},p{i}@count.example,,imported\n"));
        } else {
            csv.push_str(&format!(
                "Person {i},p{i}@count.example;second{i}@count.example,Buyer,vip\n"
            ));
        }
    }
    let (r, spent) = counted(&app, &t.admin_token, "contacts", csv).await;
    assert_eq!(counts(&r), (0, 900, 100, 0), "{r:#}");
    eprintln!("1000 contact update rows (900 updates) cost {spent} statements");
    assert!(spent <= 60, "1000 contact update rows cost {spent} statements");
    let db = &app.cx.db;
    assert_eq!(entity::contact_email::Entity::find().count(db).await.unwrap(), 1900);
    assert_eq!(entries(&app, "contact", "updated").await, 900);
    let tags = entity::record_tag::Entity::find()
        .filter(entity::record_tag::Column::RecordType.eq("contact"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(tags, 1000 + 900);
    let p = contact_named(&app, &t, "Person 7").await;
    assert_eq!(p["title"], "Buyer");
    assert_eq!(p["tags"], json!(["imported", "vip"]));
    assert_eq!(
        p["emails"],
        json!([
            { "email": "p7@count.example", "primary": true },
            { "email": "second7@count.example", "primary": false }
        ])
    );
}

#[tokio::test]
async fn batched_rows_see_earlier_rows_and_give_contacts_and_leads_new_owners() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let rep = invite_and_accept_in(&app, &t, "REP", None).await;
    import_ok(
        &app,
        &t.admin_token,
        "contacts",
        &[],
        "name,email\nOld One,old1@x.example\nOld Two,old2@x.example\n",
    )
    .await;
    // Row 2 creates a contact and a company; row 3 updates an existing contact naming the same
    // new company (one company); row 4 updates the contact row 2 created; row 5 gives an
    // existing contact to the rep; row 6 names an owner who does not exist.
    let csv = format!(
        "name,email,company,title,owner\n\
         New,new@x.example,Acme Widgets,,\n\
         Old One,old1@x.example,acme widgets,,\n\
         New,new@x.example;new2@x.example,,Boss,\n\
         Old Two,old2@x.example,,,{}\n\
         Nobody,old1@x.example,,,ghost@x.example\n",
        rep.email
    );
    let r = import_ok(&app, &t.admin_token, "contacts", &[], csv).await;
    assert_eq!(counts(&r), (1, 3, 0, 1), "{r:#}");
    assert_eq!(r["companiesCreated"], 1, "{r:#}");
    assert_eq!(
        (&r["rejections"][0]["row"], &r["rejections"][0]["field"]),
        (&json!(6), &json!("owner"))
    );
    let new = contact_named(&app, &t, "New").await;
    assert_eq!(new["title"], "Boss");
    assert_eq!(new["emails"].as_array().unwrap().len(), 2, "{new:#}");
    assert_eq!(new["company"]["name"], "Acme Widgets");
    assert_eq!(
        contact_named(&app, &t, "Old One").await["company"]["name"],
        "Acme Widgets"
    );
    assert_eq!(
        contact_named(&app, &t, "Old Two").await["owner"]["email"],
        json!(rep.email)
    );
    assert_eq!(entity::company::Entity::find().count(&app.cx.db).await.unwrap(), 1);
    assert_eq!(entries(&app, "contact", "owner_changed").await, 1);

    import_ok(&app, &t.admin_token, "leads", &[], "name,email\nL,l@x.example\n").await;
    let csv = format!(
        "name,email,owner,source\nL,l@x.example,{},fair\nM,m@x.example,,\nM,m@x.example,,web\n",
        rep.email
    );
    let r = import_ok(&app, &t.admin_token, "leads", &[], csv).await;
    assert_eq!(counts(&r), (1, 2, 0, 0), "{r:#}");
    let l = entity::lead::Entity::find()
        .filter(entity::lead::Column::EmailCanonical.eq("l@x.example"))
        .one(&app.cx.db)
        .await
        .unwrap()
        .unwrap();
    let rep_user = entity::user::Entity::find()
        .filter(entity::user::Column::EmailCanonical.eq(rep.email.to_lowercase()))
        .one(&app.cx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((l.owner_id, l.source.as_deref()), (Some(rep_user.id), Some("fair")));
    assert_eq!(entries(&app, "lead", "owner_changed").await, 1);
    assert_eq!(entries(&app, "lead", "updated").await, 2);
}
