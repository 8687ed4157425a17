//! Reads delivered mail back: from the real SMTP server's Maildir (the server delivered it
//! there) or from the outbox folder when no SMTP server is configured.

use std::path::Path;

/// Every message addressed to `to` (matched case-insensitively in the `To:` header).
pub fn messages_to(dir: &Path, to: &str) -> Vec<String> {
    let needle = to.to_lowercase();
    let mut found = Vec::new();
    for sub in ["", "new", "cur"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_file()
                || path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
            {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes).to_string();
            let header_end = text
                .find("\r\n\r\n")
                .or_else(|| text.find("\n\n"))
                .unwrap_or(text.len());
            let headers = text[..header_end].to_lowercase();
            if headers.lines().any(|l| l.starts_with("to:") && l.contains(&needle)) {
                found.push(text);
            }
        }
    }
    found
}

/// The invitation token in a mail body.
pub fn invitation_token(mail: &str) -> String {
    // The line of its own, which no transfer encoding wraps (the link line may be).
    let start = mail
        .find("Invitation token: rpt_i_")
        .expect("mail has an invitation token")
        + "Invitation token: ".len();
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// A header's value (first occurrence).
pub fn header(mail: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_lowercase());
    mail.lines()
        .find(|l| l.to_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}
