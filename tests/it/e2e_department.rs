//! The department tree: create, rename, move (never into its own subtree), delete when empty.

use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

use crate::support::{Tenant, TestApp};

const CREATE: &str = "mutation($n: String!, $p: ID) { createDepartment(input: { name: $n, parentId: $p }) { department { id name depth parent { name } } } }";
const MOVE: &str = "mutation($id: ID!, $p: ID) { moveDepartment(input: { id: $id, parentId: $p }) { department { id depth parent { name } } } }";

async fn create(app: &TestApp, t: &Tenant, name: &str, parent: Option<&str>) -> String {
    let r = app
        .gql_ok(Some(&t.admin_token), CREATE, json!({ "n": name, "p": parent }))
        .await;
    r["createDepartment"]["department"]["id"].as_str().unwrap().to_string()
}

/// (name, path) of every department, straight from the database.
async fn tree(app: &TestApp) -> Vec<(String, String)> {
    entity::department::Entity::find()
        .order_by_asc(entity::department::Column::Path)
        .all(&app.cx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.name, d.path))
        .collect()
}

#[tokio::test]
async fn build_rename_move_and_delete_a_tree() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let sales = create(&app, &t, "Sales", None).await;
    let north = create(&app, &t, "North", Some(&sales)).await;
    let beijing = create(&app, &t, "Beijing", Some(&north)).await;
    let support = create(&app, &t, "Support", None).await;

    let roots = app
        .gql_ok(Some(&t.admin_token), "{ departments(rootsOnly: true) { totalCount edges { node { name children { totalCount edges { node { name depth } } } } } } }", json!({}))
        .await;
    assert_eq!(roots["departments"]["totalCount"], 2);
    assert_eq!(roots["departments"]["edges"][0]["node"]["name"], "Sales");
    assert_eq!(
        roots["departments"]["edges"][0]["node"]["children"]["edges"][0]["node"]["depth"],
        1
    );

    // Sibling names are unique.
    let err = app
        .gql_err(
            Some(&t.admin_token),
            CREATE,
            json!({ "n": "North", "p": sales }),
            "CONFLICT",
        )
        .await;
    assert!(err["message"].as_str().unwrap().contains("North"));

    let renamed = app
        .gql_ok(Some(&t.admin_token), "mutation($id: ID!) { renameDepartment(input: { id: $id, name: \"North China\" }) { department { name } } }", json!({ "id": north }))
        .await;
    assert_eq!(renamed["renameDepartment"]["department"]["name"], "North China");

    // Move the North subtree under Support: Beijing moves along.
    let moved = app
        .gql_ok(Some(&t.admin_token), MOVE, json!({ "id": north, "p": support }))
        .await;
    assert_eq!(moved["moveDepartment"]["department"]["parent"]["name"], "Support");
    let b = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { department(id: $id) { depth parent { name parent { name } } } }",
            json!({ "id": beijing }),
        )
        .await;
    assert_eq!(b["department"]["depth"], 2);
    assert_eq!(b["department"]["parent"]["parent"]["name"], "Support");
    let paths = tree(&app).await;
    let support_path = paths.iter().find(|(n, _)| n == "Support").unwrap().1.clone();
    assert!(
        paths
            .iter()
            .filter(|(n, _)| n == "North China" || n == "Beijing")
            .all(|(_, p)| p.starts_with(&support_path))
    );

    // To the top of the tree.
    let top = app
        .gql_ok(Some(&t.admin_token), MOVE, json!({ "id": north, "p": Value::Null }))
        .await;
    assert_eq!(top["moveDepartment"]["department"]["depth"], 0);

    // Not empty: conflict. Empty: gone.
    let err = app
        .gql_err(
            Some(&t.admin_token),
            "mutation($id: ID!) { deleteDepartment(input: { id: $id }) { deletedId } }",
            json!({ "id": north }),
            "CONFLICT",
        )
        .await;
    assert!(err["message"].as_str().unwrap().contains("1 sub-department"));
    let gone = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation($id: ID!) { deleteDepartment(input: { id: $id }) { deletedId } }",
            json!({ "id": beijing }),
        )
        .await;
    assert_eq!(gone["deleteDepartment"]["deletedId"], beijing.as_str());
    app.gql_err(
        Some(&t.admin_token),
        "query($id: ID!) { department(id: $id) { name } }",
        json!({ "id": beijing }),
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn a_move_into_its_own_subtree_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let a = create(&app, &t, "A", None).await;
    let b = create(&app, &t, "B", Some(&a)).await;
    let c = create(&app, &t, "C", Some(&b)).await;
    let before = tree(&app).await;

    for target in [&a, &b, &c] {
        let err = app
            .gql_err(
                Some(&t.admin_token),
                MOVE,
                json!({ "id": a, "p": target }),
                "BAD_USER_INPUT",
            )
            .await;
        assert_eq!(err["extensions"]["field"], "parentId");
    }
    assert_eq!(tree(&app).await, before, "a refused move leaves every path as it was");
}

#[tokio::test]
async fn members_and_departments_of_people() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let sales = create(&app, &t, "Sales", None).await;
    let rep = crate::e2e_invitation::invite_and_accept(&app, &t, "REP").await;
    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!, $d: ID!) { updateUser(input: { id: $id, departmentId: $d }) { user { department { name } } } }",
        json!({ "id": rep.id, "d": sales }),
    )
    .await;
    let members = app
        .gql_ok(Some(&t.admin_token), "query($id: ID!) { department(id: $id) { members { totalCount edges { node { email department { name } } } } } }", json!({ "id": sales }))
        .await;
    assert_eq!(members["department"]["members"]["totalCount"], 1);
    assert_eq!(
        members["department"]["members"]["edges"][0]["node"]["email"],
        rep.email.as_str()
    );
    let filtered = app
        .gql_ok(
            Some(&t.admin_token),
            "query($d: ID!) { users(filter: { departmentId: $d, status: ACTIVE }) { totalCount } }",
            json!({ "d": sales }),
        )
        .await;
    assert_eq!(filtered["users"]["totalCount"], 1);
    app.gql_err(
        Some(&t.admin_token),
        "mutation($id: ID!) { deleteDepartment(input: { id: $id }) { deletedId } }",
        json!({ "id": sales }),
        "CONFLICT",
    )
    .await;
}

#[tokio::test]
async fn users_page_forward_and_backward_with_opaque_cursors() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    for i in 0..4 {
        app.gql_ok(
            Some(&t.admin_token),
            "mutation($e: String!, $n: String!) { inviteUser(input: { email: $e, name: $n, role: REP }) { user { id } } }",
            json!({ "e": format!("p{i}@acme.test"), "n": format!("Person {i}") }),
        )
        .await;
    }
    const PAGE: &str = "query($f: Int, $a: String, $l: Int, $b: String) { users(first: $f, after: $a, last: $l, before: $b, orderBy: [{ field: NAME }]) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { name } } } }";
    let p1 = app.gql_ok(Some(&t.admin_token), PAGE, json!({ "f": 2 })).await;
    let names = |v: &Value| {
        v["users"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&p1), ["Acme Admin", "Person 0"]);
    assert_eq!(p1["users"]["totalCount"], 5);
    assert_eq!(p1["users"]["pageInfo"]["hasNextPage"], true);
    let p2 = app
        .gql_ok(
            Some(&t.admin_token),
            PAGE,
            json!({ "f": 2, "a": p1["users"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(names(&p2), ["Person 1", "Person 2"]);
    let back = app
        .gql_ok(
            Some(&t.admin_token),
            PAGE,
            json!({ "l": 2, "b": p2["users"]["pageInfo"]["startCursor"] }),
        )
        .await;
    assert_eq!(names(&back), ["Acme Admin", "Person 0"]);

    // Out-of-range sizes and foreign cursors are refused with the argument named.
    let err = app
        .gql_err(Some(&t.admin_token), PAGE, json!({ "f": 101 }), "BAD_USER_INPUT")
        .await;
    assert_eq!(err["extensions"]["field"], "first");
    let other_order = app
        .gql_ok(
            Some(&t.admin_token),
            "{ users(first: 1, orderBy: [{ field: EMAIL }]) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let err = app
        .gql_err(
            Some(&t.admin_token),
            PAGE,
            json!({ "f": 2, "a": other_order["users"]["pageInfo"]["endCursor"] }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "after");
    app.gql_err(
        Some(&t.admin_token),
        PAGE,
        json!({ "f": 2, "a": "garbage" }),
        "BAD_USER_INPUT",
    )
    .await;
}
