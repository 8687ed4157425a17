//! Two workspaces with look-alike people and departments: every query and mutation, called
//! with the other workspace's ids, answers exactly like an unknown id and changes nothing.

use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

use crate::support::{Tenant, TestApp};

struct Seeded {
    t: Tenant,
    dept: String,
    member: crate::e2e_invitation::Member,
    key_id: String,
}

async fn seed(app: &TestApp, name: &str) -> Seeded {
    let t = app.tenant(name).await;
    let d = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation { createDepartment(input: { name: \"Sales\" }) { department { id } } }",
            json!({}),
        )
        .await;
    let member = crate::e2e_invitation::invite_and_accept(app, &t, "REP").await;
    let k = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation { createApiKey(input: { name: \"sync\" }) { apiKey { id } } }",
            json!({}),
        )
        .await;
    Seeded {
        dept: d["createDepartment"]["department"]["id"].as_str().unwrap().to_string(),
        key_id: k["createApiKey"]["apiKey"]["id"].as_str().unwrap().to_string(),
        member,
        t,
    }
}

/// Everything tenant-owned, as stored, to compare before and after.
async fn snapshot(app: &TestApp) -> String {
    let db = &app.cx.db;
    let users = entity::user::Entity::find()
        .order_by_asc(entity::user::Column::Id)
        .all(db)
        .await
        .unwrap();
    let depts = entity::department::Entity::find()
        .order_by_asc(entity::department::Column::Id)
        .all(db)
        .await
        .unwrap();
    let tokens = entity::auth_token::Entity::find()
        .order_by_asc(entity::auth_token::Column::Id)
        .all(db)
        .await
        .unwrap();
    let invs = entity::invitation::Entity::find()
        .order_by_asc(entity::invitation::Column::Id)
        .all(db)
        .await
        .unwrap();
    format!("{users:?}\n{depts:?}\n{tokens:?}\n{invs:?}")
}

/// An id of the right type that exists nowhere.
pub fn unknown(kind: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{}", uuid::Uuid::now_v7()))
}

#[tokio::test]
async fn foreign_ids_answer_like_unknown_ids_and_change_nothing() {
    let app = TestApp::spawn().await;
    let a = seed(&app, "Acme").await;
    let b = seed(&app, "Acme").await; // look-alike: same names everywhere
    let before = snapshot(&app).await;

    let calls: Vec<(&str, &str, String, &str)> = vec![
        (
            "user",
            "query($id: ID!) { user(id: $id) { email } }",
            b.member.id.clone(),
            "User",
        ),
        (
            "node user",
            "query($id: ID!) { node(id: $id) { id } }",
            b.member.id.clone(),
            "User",
        ),
        (
            "node department",
            "query($id: ID!) { node(id: $id) { id } }",
            b.dept.clone(),
            "Department",
        ),
        (
            "node key",
            "query($id: ID!) { node(id: $id) { id } }",
            b.key_id.clone(),
            "ApiKey",
        ),
        (
            "department",
            "query($id: ID!) { department(id: $id) { name } }",
            b.dept.clone(),
            "Department",
        ),
        (
            "rename",
            "mutation($id: ID!) { renameDepartment(input: { id: $id, name: \"Hijacked\" }) { department { id } } }",
            b.dept.clone(),
            "Department",
        ),
        (
            "move",
            "mutation($id: ID!) { moveDepartment(input: { id: $id }) { department { id } } }",
            b.dept.clone(),
            "Department",
        ),
        (
            "delete",
            "mutation($id: ID!) { deleteDepartment(input: { id: $id }) { deletedId } }",
            b.dept.clone(),
            "Department",
        ),
        (
            "update user",
            "mutation($id: ID!) { updateUser(input: { id: $id, role: ADMIN }) { user { id } } }",
            b.member.id.clone(),
            "User",
        ),
        (
            "deactivate",
            "mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { id } } }",
            b.member.id.clone(),
            "User",
        ),
        (
            "reactivate",
            "mutation($id: ID!) { reactivateUser(input: { id: $id }) { user { id } } }",
            b.member.id.clone(),
            "User",
        ),
        (
            "revoke key",
            "mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } } }",
            b.key_id.clone(),
            "ApiKey",
        ),
        (
            "invitations",
            "query($id: ID!) { user(id: $id) { invitations { status } } }",
            b.member.id.clone(),
            "User",
        ),
    ];
    for (what, query, foreign, kind) in &calls {
        let theirs = app.gql(Some(&a.t.admin_token), query, json!({ "id": foreign })).await;
        let nobody = app
            .gql(Some(&a.t.admin_token), query, json!({ "id": unknown(kind) }))
            .await;
        assert_eq!(
            theirs["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{what}: {theirs:#}"
        );
        assert_eq!(
            theirs["errors"][0]["message"], nobody["errors"][0]["message"],
            "{what}: foreign and unknown ids must look alike"
        );
        assert_eq!(theirs["data"], nobody["data"], "{what}");
    }
    // Foreign ids as references inside inputs.
    let refs: Vec<(&str, Value)> = vec![
        (
            "mutation($d: ID!) { createDepartment(input: { name: \"X\", parentId: $d }) { department { id } } }",
            json!({ "d": b.dept }),
        ),
        (
            "mutation($id: ID!, $d: ID!) { moveDepartment(input: { id: $id, parentId: $d }) { department { id } } }",
            json!({ "id": a.dept, "d": b.dept }),
        ),
        (
            "mutation($d: ID!) { inviteUser(input: { email: \"z@z.test\", name: \"Z\", role: REP, departmentId: $d }) { user { id } } }",
            json!({ "d": b.dept }),
        ),
        (
            "mutation($id: ID!, $d: ID!) { updateUser(input: { id: $id, departmentId: $d }) { user { id } } }",
            json!({ "id": a.member.id, "d": b.dept }),
        ),
        (
            "query($d: ID!) { users(filter: { departmentId: $d }) { totalCount } }",
            json!({ "d": b.dept }),
        ),
    ];
    for (query, vars) in &refs {
        let body = app.gql(Some(&a.t.admin_token), query, vars.clone()).await;
        let code = &body["errors"][0]["extensions"]["code"];
        if body["errors"].is_null() {
            // A filter by a foreign department finds nothing rather than failing.
            assert_eq!(body["data"]["users"]["totalCount"], 0, "{query}: {body:#}");
        } else {
            assert_eq!(code, "NOT_FOUND", "{query}: {body:#}");
        }
    }
    assert_eq!(snapshot(&app).await, before, "nothing changed in either workspace");

    // Lists never show the other workspace.
    let lists = app
        .gql_ok(
            Some(&a.t.admin_token),
            "{ users { totalCount edges { node { email } } } departments { totalCount } apiKeys { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(lists["users"]["totalCount"], 2);
    assert_eq!(lists["departments"]["totalCount"], 1);
    assert_eq!(lists["apiKeys"]["totalCount"], 1);
    assert!(!lists.to_string().contains(&b.member.email) && !lists.to_string().contains(&b.t.admin_email));

    // A cursor from the other workspace is refused.
    let theirs = app
        .gql_ok(
            Some(&b.t.admin_token),
            "{ users(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let err = app
        .gql_err(
            Some(&a.t.admin_token),
            "query($c: String) { users(first: 1, after: $c) { totalCount } }",
            json!({ "c": theirs["users"]["pageInfo"]["endCursor"] }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "after");

    // B's member signing in lands in B, with B's data only.
    let me = app
        .gql_ok(
            Some(&b.member.token),
            "{ me { workspace { slug } } users { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(me["me"]["workspace"]["slug"], b.t.slug.as_str());
    assert_eq!(me["users"]["totalCount"], 2);
}

#[tokio::test]
async fn one_email_in_two_workspaces_signs_in_to_the_one_named() {
    let app = TestApp::spawn().await;
    let a = app.tenant("Alpha").await;
    let b = app.tenant("Beta").await;
    // The same person invited into both workspaces, same password.
    let email = format!("shared-{}@example.test", uuid::Uuid::new_v4().simple());
    for t in [&a, &b] {
        app.gql_ok(
            Some(&t.admin_token),
            "mutation($e: String!) { inviteUser(input: { email: $e, name: \"Shared\", role: REP }) { user { id } } }",
            json!({ "e": email }),
        )
        .await;
    }
    app.drain().await;
    let mails = crate::support::mail::messages_to(&app.env.mail_dir, &email);
    assert_eq!(mails.len(), 2);
    for m in &mails {
        let token = crate::support::mail::invitation_token(m);
        app.gql_ok(None, "mutation($t: String!) { acceptInvitation(input: { token: $t, password: \"same password here\" }) { token } }", json!({ "t": token })).await;
    }
    const SIGN_IN: &str = "mutation($e: String!, $w: String) { signIn(input: { email: $e, password: \"same password here\", workspace: $w }) { token } }";
    let err = app
        .gql_err(None, SIGN_IN, json!({ "e": email }), "BAD_USER_INPUT")
        .await;
    assert_eq!(err["extensions"]["field"], "workspace");
    let tok = app.gql_ok(None, SIGN_IN, json!({ "e": email, "w": b.slug })).await;
    let me = app
        .gql_ok(
            Some(tok["signIn"]["token"].as_str().unwrap()),
            "{ me { workspace { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(me["me"]["workspace"]["slug"], b.slug.as_str());
}
