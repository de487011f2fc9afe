//! The contact step's consent tick is retired (issue #25): a complaint from the current app carries the notice
//! it showed and no consent; one from an older app, still in a phone's outbox, carries `consent: true` and is
//! received as before, and its retry gets its first answer (docs/submission.md, "Older apps").

mod support;

use serde_json::json;
use support::*;

fn stored_submission(dir: &TempDir, key: &str) -> serde_json::Value {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let text: String = conn
        .query_row(
            "SELECT submission FROM complaints WHERE json_extract(submission, '$.draft_id') = ?1",
            [key],
            |row| row.get(0),
        )
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_complaint_without_consent_is_received_with_the_notice_it_showed() {
    let dir = TempDir::new("notice");
    let server = Server::start(&dir, &[], &[]);
    let mut body = complaint("key-notice");
    body["contact"] = json!({
        "name": "Jin Park", "email": "jin@example.kr", "phone": "+82 10 1234 5678",
        "preferred": "email", "may_call": true
    });
    body["privacy_notice"] = json!({ "version": "2026-12", "date": "2026-12-07" });
    let reply = server.post(Some("key-notice"), &body_of(&body, &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let stored = stored_submission(&dir, "key-notice");
    assert_eq!(stored["privacy_notice"]["version"], "2026-12");
    assert_eq!(stored["contact"]["may_call"], true);
    assert!(stored["contact"].get("consent").is_none());
}

#[test]
fn an_old_apps_consent_tick_is_accepted_and_its_retry_gets_the_first_answer() {
    let dir = TempDir::new("old-consent");
    let server = Server::start(&dir, &[], &[]);
    let body = complaint("key-old");
    assert_eq!(
        body["contact"]["consent"], true,
        "the fixture files as an older app"
    );
    let first = server.post(Some("key-old"), &body_of(&body, &[]));
    assert_eq!(first.status, 201, "{}", first.text());
    let again = server.post(Some("key-old"), &body_of(&body, &[]));
    assert_eq!(again.status, 201);
    assert_eq!(
        again.body, first.body,
        "the same complaint, not a reused key"
    );
    let stored = stored_submission(&dir, "key-old");
    assert_eq!(stored["contact"]["consent"], true, "kept as sent");
    assert!(stored.get("privacy_notice").is_none());
}
