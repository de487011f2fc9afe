//! The events besides a filed complaint (docs/webhooks.md), against the real service: a customer's reply
//! tells `reply.received` without its words; a deadline passed is told once per complaint and step, by the
//! scan `serve` makes before it serves and then every few minutes, however often it is restarted.

mod support;

use std::time::Duration;

use serde_json::json;

use support::staff::{staff_request, staff_session};
use support::webhooks::{add_hook, file_one, unix_now, verify, Receiver, HOOKS};
use support::{issued_proof, send, Server, TempDir};

const ALLOW: &[&str] = &["--webhooks-allow-private"];

#[test]
fn a_reply_is_told_of_without_its_words() {
    let dir = TempDir::new("hooks-reply");
    let server = Server::start(&dir, ALLOW, &[]);
    let admin = staff_session(&dir, "Ada", "admin", &[]);
    let receiver = Receiver::start();
    let (_, secret) = add_hook(&server, &admin, &receiver.url(), &["reply.received"]);
    let reference = file_one(&server, "reply-hook");

    let words = "The courier left a card. Words-Only-In-The-Reply.";
    let body = json!({ "text": words }).to_string();
    let proof = issued_proof(&dir, &reference, "anna@example.pl");
    let request = format!(
        "POST /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: reply-hook-1\r\n\
         Reply-Proof: {proof}\r\n\r\n{body}",
        server.addr,
        body.len()
    );
    let replied = send(&server.addr, request.as_bytes());
    assert_eq!(replied.status, 201, "{}", replied.text());

    let got = receiver.wait_for("reply.received", Duration::from_secs(20));
    verify(
        &secret,
        got.header("complaint-desk-signature").unwrap(),
        &got.body,
        unix_now(),
    )
    .unwrap();
    let data = &got.json()["data"];
    assert_eq!(data["reference"], reference.as_str());
    assert_eq!(data["reply_kind"], "information");
    assert!(
        !got.body.contains("Words-Only-In-The-Reply"),
        "{}",
        got.body
    );
    // Not subscribed to complaint.filed: only what was asked for came.
    assert_eq!(receiver.count_type("complaint.filed"), 0);
}

#[test]
fn a_deadline_passed_is_told_once_per_complaint_and_step() {
    let dir = TempDir::new("hooks-breach");
    let receiver = Receiver::start();
    let reference = {
        let server = Server::start(&dir, ALLOW, &[]);
        let admin = staff_session(&dir, "Ada", "admin", &[]);
        add_hook(&server, &admin, &receiver.url(), &["deadline.breached"]);
        file_one(&server, "breach-hook")
    };
    // Filed ninety days ago, never acknowledged.
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let ago = 90 * 86_400;
    conn.execute(
        "UPDATE complaints SET received_at = received_at - ?1, updated_at = updated_at - ?1",
        [ago],
    )
    .unwrap();
    conn.execute("UPDATE stages SET at = at - ?1", [ago])
        .unwrap();

    let server = Server::start(&dir, ALLOW, &[]);
    let breached = receiver.wait_for("deadline.breached", Duration::from_secs(20));
    let data = &breached.json()["data"];
    assert_eq!(data["reference"], reference.as_str());
    assert_eq!(data["step"], "acknowledged");
    assert!(data["due"].as_str().is_some(), "{data}");
    drop(server);

    // Started again: the scan before serving finds the same breach, and tells nobody again.
    let server = Server::start(&dir, ALLOW, &[]);
    let admin = staff_session(&dir, "Bea", "admin", &[]);
    let queued: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM webhook_outbox WHERE type = 'deadline.breached'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(queued, 1);
    let test = staff_request(
        &server,
        "POST",
        &format!("{HOOKS}/1/test"),
        Some(&admin),
        true,
        None,
    );
    assert_eq!(test.status, 202, "{}", test.text());
    receiver.wait_for("test", Duration::from_secs(20));
    assert_eq!(receiver.count_type("deadline.breached"), 1);
}
