//! Invitations: the mail goes out through a background job (to a real SMTP server when one is
//! configured, else the outbox folder), exactly once even across a killed worker, and its
//! token activates the account.

use std::sync::Arc;

use rapport::config::Mode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::support::mail::{header, invitation_token, messages_to};
use crate::support::{Tenant, TestApp, TestEnv};

const INVITE: &str = "mutation($e: String!, $n: String!, $r: Role!, $d: ID) {
  inviteUser(input: { email: $e, name: $n, role: $r, departmentId: $d }) {
    user { id email status role }
    invitation { id status }
  }
}";
const ACCEPT: &str = "mutation($t: String!, $p: String!) { acceptInvitation(input: { token: $t, password: $p }) { token user { id status email } } }";

pub struct Member {
    pub id: String,
    pub email: String,
    pub token: String,
}

fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@example.test", uuid::Uuid::new_v4().simple())
}

/// Invites someone, delivers the mail, accepts with the token from the mail.
pub async fn invite_and_accept(app: &TestApp, t: &Tenant, role: &str) -> Member {
    invite_and_accept_in(app, t, role, None).await
}

/// The same, into a department.
pub async fn invite_and_accept_in(app: &TestApp, t: &Tenant, role: &str, department: Option<&str>) -> Member {
    let email = unique_email(&role.to_lowercase());
    let invited = app
        .gql_ok(
            Some(&t.admin_token),
            INVITE,
            json!({ "e": email, "n": format!("{role} person"), "r": role, "d": department }),
        )
        .await;
    app.drain().await;
    let mails = messages_to(&app.env.mail_dir, &email);
    assert_eq!(mails.len(), 1, "one invitation mail to {email}");
    let accepted = app
        .gql_ok(
            None,
            ACCEPT,
            json!({ "t": invitation_token(&mails[0]), "p": "a long enough password" }),
        )
        .await;
    Member {
        id: invited["inviteUser"]["user"]["id"].as_str().unwrap().to_string(),
        email,
        token: accepted["acceptInvitation"]["token"].as_str().unwrap().to_string(),
    }
}

#[tokio::test]
async fn invitation_round_trip_through_the_mail() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let email = unique_email("li.wei");
    let invited = app
        .gql_ok(
            Some(&t.admin_token),
            INVITE,
            json!({ "e": email, "n": "Li Wei", "r": "MANAGER" }),
        )
        .await;
    assert_eq!(invited["inviteUser"]["user"]["status"], "INVITED");
    assert_eq!(invited["inviteUser"]["invitation"]["status"], "PENDING");

    // Nothing is sent until the worker runs.
    assert!(messages_to(&app.env.mail_dir, &email).is_empty());
    app.drain().await;
    let mails = messages_to(&app.env.mail_dir, &email);
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(
        header(mail, "Subject").unwrap().contains("Acme"),
        "subject names the workspace: {mail}"
    );
    assert!(header(mail, "From").unwrap().contains("crm@rapport.test"));
    assert!(header(mail, "Message-ID").unwrap().contains("@rapport.test"));

    // An invited account cannot sign in yet.
    app.gql_err(
        None,
        "mutation($e: String!) { signIn(input: { email: $e, password: \"a long enough password\" }) { token } }",
        json!({ "e": email }),
        "UNAUTHENTICATED",
    )
    .await;

    // A too-short password is refused and the invitation stays usable.
    let token = invitation_token(mail);
    let err = app
        .gql_err(None, ACCEPT, json!({ "t": token, "p": "short" }), "BAD_USER_INPUT")
        .await;
    assert_eq!(err["extensions"]["field"], "password");

    let accepted = app
        .gql_ok(None, ACCEPT, json!({ "t": token, "p": "a long enough password" }))
        .await;
    assert_eq!(accepted["acceptInvitation"]["user"]["status"], "ACTIVE");
    let session = accepted["acceptInvitation"]["token"].as_str().unwrap();
    let me = app
        .gql_ok(Some(session), "{ me { role user { email } } }", json!({}))
        .await;
    assert_eq!(me["me"]["role"], "MANAGER");
    assert_eq!(me["me"]["user"]["email"], email.as_str());
    app.sign_in(&email, "a long enough password").await;

    // The token is single-use.
    app.gql_err(
        None,
        ACCEPT,
        json!({ "t": token, "p": "another long password" }),
        "BAD_USER_INPUT",
    )
    .await;

    // The admin sees the delivery in the ledger.
    let user_id = invited["inviteUser"]["user"]["id"].as_str().unwrap();
    let seen = app
        .gql_ok(
            Some(&t.admin_token),
            "query($id: ID!) { user(id: $id) { invitations { status delivery { state attempts transport } } } }",
            json!({ "id": user_id }),
        )
        .await;
    let inv = &seen["user"]["invitations"][0];
    assert_eq!(inv["status"], "ACCEPTED");
    assert_eq!(inv["delivery"]["state"], "sent");
    assert_eq!(inv["delivery"]["attempts"], 1);
    let transport = if app.env.smtp_url.is_some() { "smtp" } else { "outbox" };
    assert_eq!(inv["delivery"]["transport"], transport);
}

#[tokio::test]
async fn inviting_an_existing_member_is_a_conflict_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let err = app
        .gql_err(
            Some(&t.admin_token),
            INVITE,
            json!({ "e": t.admin_email.to_uppercase(), "n": "Again", "r": "REP" }),
            "CONFLICT",
        )
        .await;
    assert!(err["message"].as_str().unwrap().contains("already has an account"));
    let err = app
        .gql_err(
            Some(&t.admin_token),
            INVITE,
            json!({ "e": "not-an-address", "n": "X", "r": "REP" }),
            "BAD_USER_INPUT",
        )
        .await;
    assert_eq!(err["extensions"]["field"], "email");
    let users = app
        .gql_ok(Some(&t.admin_token), "{ users { totalCount } }", json!({}))
        .await;
    assert_eq!(users["users"]["totalCount"], 1);
    assert_eq!(
        entity::mail_delivery::Entity::find()
            .all(&app.cx.db)
            .await
            .unwrap()
            .len(),
        0
    );
}

/// The job is enqueued, the process dies before any worker runs it, a new process starts:
/// the mail is delivered exactly once, and a further restart does not send it again.
#[tokio::test]
async fn a_queued_invitation_survives_a_restart_and_is_sent_exactly_once() {
    let env = Arc::new(TestEnv::new().await);
    let first = TestApp::start(env.clone(), Mode::Api, |_| {}).await;
    let t = first.tenant("Acme").await;
    let email = unique_email("restart");
    first
        .gql_ok(
            Some(&t.admin_token),
            INVITE,
            json!({ "e": email, "n": "Restart Person", "r": "REP" }),
        )
        .await;
    first.stop().await; // no worker ever ran in this process
    assert!(messages_to(&env.mail_dir, &email).is_empty());

    let second = TestApp::start(env.clone(), Mode::All, |_| {}).await;
    second.drain().await;
    second.stop().await;
    let third = TestApp::start(env.clone(), Mode::Api, |_| {}).await;
    third.drain().await;
    assert_eq!(messages_to(&env.mail_dir, &email).len(), 1, "delivered exactly once");

    let rows = entity::mail_delivery::Entity::find()
        .filter(entity::mail_delivery::Column::ToAddress.eq(email.as_str()))
        .all(&third.cx.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, "sent");
    assert_eq!(rows[0].attempts, 1);
}

/// A job delivered twice (a replayed queue, a sweep racing the worker) sends once.
#[tokio::test]
async fn a_duplicated_job_sends_one_mail() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let email = unique_email("dup");
    app.gql_ok(
        Some(&t.admin_token),
        INVITE,
        json!({ "e": email, "n": "Dup Person", "r": "REP" }),
    )
    .await;
    let row = entity::mail_delivery::Entity::find()
        .filter(entity::mail_delivery::Column::ToAddress.eq(email.as_str()))
        .one(&app.cx.db)
        .await
        .unwrap()
        .unwrap();
    let job = workers::SendMail {
        workspace_id: row.workspace_id,
        delivery_id: row.id,
    };
    app.cx.queue.push_send_mail(job.clone()).await.unwrap();
    app.cx.queue.push_send_mail(job).await.unwrap();
    app.drain().await;
    assert_eq!(messages_to(&app.env.mail_dir, &email).len(), 1);
}

/// A job the queue lost (a crash between commit and enqueue, a Redis flush) is found by the
/// recovery sweep once its grace period has passed.
#[tokio::test]
async fn a_lost_job_is_recovered_from_the_ledger() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let email = unique_email("lost");
    app.gql_ok(
        Some(&t.admin_token),
        INVITE,
        json!({ "e": email, "n": "Lost Person", "r": "REP" }),
    )
    .await;
    // The queue loses the job.
    app.cx.queue.clear().await.unwrap();
    assert_eq!(app.cx.queue.outstanding().await.unwrap(), 0);
    // Within the grace period the sweep leaves the row alone (the normal enqueue may be late).
    assert!(rapport::service::mail_delivery::due(&app.cx).await.unwrap().is_empty());
    app.drain().await;
    assert!(messages_to(&app.env.mail_dir, &email).is_empty());
    // Past it, the row is due again.
    let row = entity::mail_delivery::Entity::find()
        .filter(entity::mail_delivery::Column::ToAddress.eq(email.as_str()))
        .one(&app.cx.db)
        .await
        .unwrap()
        .unwrap();
    use sea_orm::{ActiveModelTrait, Set};
    let mut am: entity::mail_delivery::ActiveModel = row.into();
    am.next_attempt_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    am.update(&app.cx.db).await.unwrap();
    assert_eq!(rapport::service::mail_delivery::due(&app.cx).await.unwrap().len(), 1);
    app.drain().await; // the drain sweeps first, then runs the queue
    assert_eq!(messages_to(&app.env.mail_dir, &email).len(), 1);
}

#[tokio::test]
async fn deactivation_revokes_every_token_at_once() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Acme").await;
    let rep = invite_and_accept(&app, &t, "REP").await;
    let key = app
        .gql_ok(
            Some(&rep.token),
            "mutation { createApiKey(input: { name: \"k\" }) { secret } }",
            json!({}),
        )
        .await;
    let key = key["createApiKey"]["secret"].as_str().unwrap().to_string();
    app.gql_ok(Some(&key), "{ me { role } }", json!({})).await;

    let out = app
        .gql_ok(
            Some(&t.admin_token),
            "mutation($id: ID!) { deactivateUser(input: { id: $id }) { user { status } } }",
            json!({ "id": rep.id }),
        )
        .await;
    assert_eq!(out["deactivateUser"]["user"]["status"], "DEACTIVATED");
    app.gql_err(Some(&rep.token), "{ me { role } }", json!({}), "UNAUTHENTICATED")
        .await;
    app.gql_err(Some(&key), "{ me { role } }", json!({}), "UNAUTHENTICATED")
        .await;
    let wrong = app
        .gql_err(
            None,
            "mutation($e: String!) { signIn(input: { email: $e, password: \"a long enough password\" }) { token } }",
            json!({ "e": rep.email }),
            "UNAUTHENTICATED",
        )
        .await;
    assert_eq!(wrong["message"], "The email or password is incorrect.");

    // Reactivated, they sign in again; the old tokens stay dead.
    app.gql_ok(
        Some(&t.admin_token),
        "mutation($id: ID!) { reactivateUser(input: { id: $id }) { user { status } } }",
        json!({ "id": rep.id }),
    )
    .await;
    app.gql_err(Some(&rep.token), "{ me { role } }", json!({}), "UNAUTHENTICATED")
        .await;
    app.sign_in(&rep.email, "a long enough password").await;
}
