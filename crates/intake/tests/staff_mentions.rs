//! Two things the desk does to one complaint that issue #23's first round left to bulk changes or left
//! open (docs/staff-api.md, Actions): moving one complaint on to `assessing` or `investigating`, checked and
//! recorded as every action is; and what a mention in an internal note gives the colleague mentioned — read
//! the complaint and add notes, even when it is not theirs, and nothing more — while anyone not mentioned
//! still finds nothing.

mod support;

use complaint_domain::status::{Stage, StatusRecord};
use serde_json::{json, Value};
use support::staff::{db, revision, staff_request, staff_session, Session};
use support::*;

const API: &str = "/staff/api/v1";

fn file(server: &Server, key: &str) -> String {
    let reply = server.post(Some(key), &body_of(&complaint(key), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

fn post(server: &Server, who: &Session, path: &str, body: Value) -> Reply {
    staff_request(
        server,
        "POST",
        &format!("{API}{path}"),
        Some(who),
        true,
        Some(&body),
    )
}

fn get(server: &Server, who: &Session, path: &str) -> Reply {
    staff_request(
        server,
        "GET",
        &format!("{API}{path}"),
        Some(who),
        false,
        None,
    )
}

/// The audit log's last line on `reference`: (actor, action, detail).
fn last_audit(dir: &TempDir, reference: &str) -> (String, String, Value) {
    db(dir)
        .query_row(
            "SELECT a.actor, a.action, a.detail FROM audit_log a JOIN complaints c ON c.id = a.complaint_id
             WHERE c.reference = ?1 ORDER BY a.id DESC LIMIT 1",
            [reference],
            |r| {
                let detail: String = r.get(2)?;
                Ok((r.get(0)?, r.get(1)?, serde_json::from_str(&detail).unwrap()))
            },
        )
        .unwrap()
}

fn references(server: &Server, who: &Session, query: &str) -> Vec<String> {
    let reply = get(server, who, &format!("/complaints?{query}"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn one_complaint_moves_on_to_assessing_and_investigating_checked_and_recorded() {
    let dir = TempDir::new("staff-move-on");
    let server = Server::start(&dir, &["--rate-limit", "10000"], &[]);
    let agent = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    let other = staff_session(&dir, "Olga Agent", "agent", &["billing"]);
    let reference = file(&server, "move-on");
    let stage = |body: Value, who: &Session| {
        post(
            &server,
            who,
            &format!("/complaints/{reference}/stage"),
            body,
        )
    };

    let acknowledged = post(
        &server,
        &agent,
        &format!("/complaints/{reference}/acknowledge"),
        json!({"revision": revision(&dir, &reference)}),
    );
    assert_eq!(acknowledged.status, 200, "{}", acknowledged.text());
    let seen = revision(&dir, &reference);

    // Not her queue: refused before anything is read or changed.
    let refused = stage(json!({"revision": seen, "stage": "assessing"}), &other);
    assert_eq!((refused.status, refused.code()), (403, "forbidden".into()));

    let moved = stage(
        json!({"revision": seen, "stage": "assessing", "message": "We are looking at your order."}),
        &agent,
    );
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(moved.json()["stage"], "assessing");
    assert_eq!(moved.json()["revision"], seen + 1);
    let (actor, action, detail) = last_audit(&dir, &reference);
    assert_eq!(
        (actor.as_str(), action.as_str()),
        (format!("staff:{}", agent.staff_id).as_str(), "stage")
    );
    assert_eq!(detail["stage"], "assessing");

    // The customer's tracker reads the new stage, with its message.
    let key = status_key(&reference, "anna@example.pl");
    let record: StatusRecord = read_status(&dir.publish(), &key);
    let current = record.current().unwrap();
    assert_eq!(current.stage, Stage::Assessing);

    // The revision this person opened is now old: someone changed it since, and says who.
    let stale = stage(json!({"revision": seen, "stage": "investigating"}), &agent);
    assert_eq!(stale.status, 409, "{}", stale.text());
    assert_eq!(stale.json()["code"], "changed");
    assert_eq!(stale.json()["changed_by"], "Adam Agent");

    // Stages with actions of their own, or none at all, are not moved to here.
    for to in ["responded", "closed", "reopened", "received", "later"] {
        let wrong = stage(json!({"revision": seen + 1, "stage": to}), &agent);
        assert_eq!(wrong.status, 422, "{to}: {}", wrong.text());
    }
    let onwards = stage(
        json!({"revision": seen + 1, "stage": "investigating"}),
        &agent,
    );
    assert_eq!(onwards.status, 200, "{}", onwards.text());
    assert_eq!(onwards.json()["stage"], "investigating");
    // Back to assessing is the lifecycle's refusal, not a silent step back.
    let back = stage(json!({"revision": seen + 2, "stage": "assessing"}), &agent);
    assert_eq!(
        (back.status, back.code()),
        (422, "refused".into()),
        "{}",
        back.text()
    );
}

#[test]
fn a_mention_lets_a_colleague_read_and_note_but_not_act_and_nobody_else_in() {
    let dir = TempDir::new("staff-mention-access");
    let server = Server::start(&dir, &["--rate-limit", "10000"], &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let worker = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    // Billing agents: neither works delivery complaints; only Bea is mentioned.
    let mentioned = staff_session(&dir, "Bea Billing", "agent", &["billing"]);
    let bystander = staff_session(&dir, "Carl Billing", "agent", &["billing"]);
    let reference = file(&server, "mention-access");
    let assigned = post(
        &server,
        &lead,
        &format!("/complaints/{reference}/assign"),
        json!({"revision": revision(&dir, &reference), "assignee": worker.staff_id}),
    );
    assert_eq!(assigned.status, 200, "{}", assigned.text());
    let path = format!("/complaints/{reference}");

    // Before any mention, neither billing agent can see it, nor note on it.
    for who in [&mentioned, &bystander] {
        assert_eq!(get(&server, who, &path).status, 404);
        let note = post(
            &server,
            who,
            &format!("{path}/notes"),
            json!({"text": "hello"}),
        );
        assert_eq!(
            (note.status, note.code()),
            (403, "forbidden".into()),
            "{}",
            note.text()
        );
    }

    let asked = post(
        &server,
        &worker,
        &format!("{path}/notes"),
        json!({"text": "@Bea Billing was this order charged twice?", "mentions": [mentioned.staff_id, lead.staff_id]}),
    );
    assert_eq!(asked.status, 201, "{}", asked.text());
    // The grant is on the record: whom the mention let in (the lead works every complaint already).
    let (_, action, detail) = last_audit(&dir, &reference);
    assert_eq!(action, "note");
    assert_eq!(detail["granted"], json!([mentioned.staff_id]));

    // Bea reads it and answers with a note; her mentions queue has it, and no other queue of hers.
    let opened = get(&server, &mentioned, &path);
    assert_eq!(opened.status, 200, "{}", opened.text());
    assert_eq!(opened.json()["access"], "note");
    assert_eq!(get(&server, &worker, &path).json()["access"], "work");
    let answered = post(
        &server,
        &mentioned,
        &format!("{path}/notes"),
        json!({"text": "Yes, refund the second charge."}),
    );
    assert_eq!(answered.status, 201, "{}", answered.text());
    assert_eq!(
        references(&server, &mentioned, "queue=mentions"),
        [reference.as_str()]
    );
    assert!(references(&server, &mentioned, "queue=new").is_empty());
    assert!(references(&server, &mentioned, "").is_empty());
    let files = get(&server, &mentioned, &format!("{path}/files/1"));
    assert_eq!(
        files.status,
        404,
        "no such file, but not hidden: {}",
        files.text()
    );

    // Nothing else: deciding, replying, acknowledging and moving it on stay with the people who work it.
    let seen = revision(&dir, &reference);
    for (action, body) in [
        (
            "decide",
            json!({"revision": seen, "outcome": "upheld", "summary": "Refunded."}),
        ),
        (
            "reply",
            json!({"revision": seen, "text": "We refunded you."}),
        ),
        ("acknowledge", json!({"revision": seen})),
        ("stage", json!({"revision": seen, "stage": "assessing"})),
        (
            "assign",
            json!({"revision": seen, "assignee": mentioned.staff_id}),
        ),
    ] {
        let refused = post(&server, &mentioned, &format!("{path}/{action}"), body);
        assert_eq!(
            (refused.status, refused.code()),
            (403, "forbidden".into()),
            "{action}: {}",
            refused.text()
        );
    }
    assert_eq!(revision(&dir, &reference), seen, "nothing changed");

    // Carl, in the same queue as Bea but not mentioned, still finds nothing.
    assert_eq!(get(&server, &bystander, &path).status, 404);
    assert!(references(&server, &bystander, "queue=mentions").is_empty());
    let note = post(
        &server,
        &bystander,
        &format!("{path}/notes"),
        json!({"text": "me too"}),
    );
    assert_eq!((note.status, note.code()), (403, "forbidden".into()));
}

#[test]
fn a_mentioned_colleague_reading_along_leaves_the_customers_reply_unread_for_the_worker() {
    let dir = TempDir::new("staff-mention-unread");
    let server = Server::start(&dir, &["--rate-limit", "10000"], &[]);
    let worker = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    let mentioned = staff_session(&dir, "Bea Billing", "agent", &["billing"]);
    let reference = file(&server, "mention-unread");
    let noted = post(
        &server,
        &worker,
        &format!("/complaints/{reference}/notes"),
        json!({"text": "@Bea Billing look", "mentions": [mentioned.staff_id]}),
    );
    assert_eq!(noted.status, 201, "{}", noted.text());
    let proof = issued_proof(&dir, &reference, "anna@example.pl");
    let body = json!({"text": "Any news?"}).to_string();
    let request = format!(
        "POST /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nIdempotency-Key: reply-{reference}\r\nReply-Proof: {proof}\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr,
        body.len()
    );
    let replied = send(&server.addr, request.as_bytes());
    assert_eq!(replied.status, 201, "{}", replied.text());
    assert_eq!(
        references(&server, &worker, "queue=replied"),
        [reference.as_str()]
    );
    assert_eq!(
        get(&server, &mentioned, &format!("/complaints/{reference}")).status,
        200
    );
    assert_eq!(references(&server, &worker, "queue=replied"), [reference]);
}
