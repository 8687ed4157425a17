//! The real binary with zero configuration: it creates its data directory, migrates, serves,
//! and on SIGTERM drains and exits 0. Also the CLI's workspace bootstrap.

use std::process::{Command, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn zero_config_start_bootstrap_and_clean_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let bin = env!("CARGO_BIN_EXE_rapport");
    // No RAPPORT_* variables but where to listen: everything else is the zero-config default.
    let clean = |c: &mut Command| {
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("RAPPORT_")) {
            c.env_remove(k);
        }
        c.current_dir(dir.path());
    };
    let mut create = Command::new(bin);
    clean(&mut create);
    let out = create
        .args(["admin", "create-workspace", "--name", "Acme", "--email", "a@acme.test"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("One-time password: "))
        .expect("password printed")
        .trim()
        .to_string();
    assert!(dir.path().join("rapport-data/rapport.db").exists());
    assert!(dir.path().join("rapport-data/jobs.db").exists());

    let mut serve = Command::new(bin);
    clean(&mut serve);
    let mut child = serve
        .env("RAPPORT_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the server came up");
    let body: serde_json::Value = client
        .post(format!("{base}/graphql"))
        .json(&serde_json::json!({ "query": "mutation($p: String!) { signIn(input: { email: \"a@acme.test\", password: $p }) { user { role } } }", "variables": { "p": password } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"]["signIn"]["user"]["role"], "ADMIN", "{body:#}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let code = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(code.success(), "exit status after SIGTERM: {code:?}");
}
