//! The contact step's consent tick is retired (issue #25): a complaint from the current app carries the notice
//! it showed and no consent; one from an older app, still in a phone's outbox, carries `consent: true` and is
//! received as before, and its retry gets its first answer (docs/submission.md, "Older apps"). The link in the
//! customer's mail holds no personal data: its Reply-Proof finds the status file, and a wrong one finds
//! nothing, in the same answer and time as a missing complaint.

mod support;

use std::time::{Duration, Instant};

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

#[test]
fn the_mail_links_proof_finds_the_status_file_and_a_wrong_one_is_told_apart_by_nothing() {
    let dir = TempDir::new("link-lookup");
    let server = Server::start(
        &dir,
        &["--rate-limit", "100000", "--status-misses", "100000"],
        &[],
    );
    let filed = server.post(Some("link-1"), &body_of(&complaint("link-1"), &[]));
    assert_eq!(filed.status, 201, "{}", filed.text());
    let answer = filed.json();
    let reference = answer["reference"].as_str().unwrap().to_owned();
    let proof = answer["reply_proof"].as_str().unwrap().to_owned();
    let status = |key: &str| {
        let path = format!("/api/v1/status/{key}.json");
        server
            .get_from("127.0.0.2", &path, Duration::from_secs(30))
            .unwrap()
    };
    let by_link = status(&status_key(&reference, &proof));
    assert_eq!(by_link.status, 200, "{}", by_link.text());
    assert_eq!(
        by_link.body,
        status(&status_key(&reference, "anna@example.pl")).body
    );

    let mut wrong = proof.clone();
    let last = if wrong.ends_with('0') { "1" } else { "0" };
    wrong.replace_range(wrong.len() - 1.., last);
    let wrong_key = status_key(&reference, &wrong);
    let missing_key = status_key("CMP-0000-0000", &proof);
    let (refused, missing) = (status(&wrong_key), status(&missing_key));
    assert_eq!((refused.status, missing.status), (404, 404));
    assert_eq!(refused.body, missing.body);

    // Interleaved, so a change in the machine's load falls on both alike.
    let (mut exists, mut none) = (Vec::new(), Vec::new());
    for _ in 0..150 {
        for (key, samples) in [(&wrong_key, &mut exists), (&missing_key, &mut none)] {
            let started = Instant::now();
            assert_eq!(status(key).status, 404);
            samples.push(started.elapsed());
        }
    }
    let median = |mut s: Vec<Duration>| {
        s.sort();
        s[s.len() / 2]
    };
    let (exists, none) = (median(exists), median(none));
    eprintln!("median status miss: {exists:?} with a wrong proof, {none:?} for no complaint");
    assert!(
        exists.as_secs_f64() < none.as_secs_f64() * 1.25,
        "a wrong proof for a complaint that exists takes {exists:?}, for none {none:?}"
    );
}
