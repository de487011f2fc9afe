//! What staff do to complaints, over the staff API against the real intake (issue #23, docs/staff-api.md,
//! Actions): each action's effect on the database, on the status file the customer's tracker reads and on
//! the customer's mail; a stale revision refused with who changed it; templates previewed in the customer's
//! language; a merged duplicate pointing to its survivor; bulk changes that fail one by one.

mod support;

use complaint_domain::status::{MessageKind, Stage, StatusRecord};
use serde_json::{json, Value};
use support::staff::{db, revision, staff_request, staff_session, Session};
use support::*;

const EMAIL: &str = "anna@example.pl";

/// Mail on, to a relay that is not there: what the customer would be sent stays in the outbox to read.
fn mail_flags() -> Vec<&'static str> {
    vec![
        "--smtp-relay",
        "127.0.0.1:9",
        "--mail-from",
        "desk@northwind.example",
        "--public-url",
        "https://desk.example",
    ]
}

fn file_in(server: &Server, key: &str, locale: &str) -> String {
    let mut sent = complaint(key);
    sent["locale"] = json!(locale);
    let reply = server.post(Some(key), &body_of(&sent, &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

fn column<T: rusqlite::types::FromSql>(dir: &TempDir, reference: &str, column: &str) -> T {
    db(dir)
        .query_row(
            &format!("SELECT {column} FROM complaints WHERE reference = ?1"),
            [reference],
            |r| r.get(0),
        )
        .unwrap()
}

fn status(dir: &TempDir, reference: &str) -> StatusRecord {
    read_status(&dir.publish(), &status_key(reference, EMAIL))
}

fn act(server: &Server, who: &Session, reference: &str, action: &str, body: Value) -> Reply {
    let path = format!("/staff/api/v1/complaints/{reference}/{action}");
    staff_request(server, "POST", &path, Some(who), true, Some(&body))
}

/// Acts with the revision as it is now, and expects it done.
fn done(
    dir: &TempDir,
    server: &Server,
    who: &Session,
    reference: &str,
    action: &str,
    mut body: Value,
) -> Value {
    body["revision"] = json!(revision(dir, reference));
    let reply = act(server, who, reference, action, body);
    assert_eq!(reply.status, 200, "{action}: {}", reply.text());
    reply.json()
}

/// The customer's reply through the ordinary intake, with the proof their device holds.
fn customer_reply(
    server: &Server,
    dir: &TempDir,
    reference: &str,
    action: &str,
    body: Value,
) -> Reply {
    let proof = issued_proof(dir, reference, EMAIL);
    let body = body.to_string();
    let request = format!(
        "POST /api/v1/complaints/{reference}/{action} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nIdempotency-Key: {action}-{reference}\r\nReply-Proof: {proof}\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr,
        body.len()
    );
    send(&server.addr, request.as_bytes())
}

/// The bodies of the customer's mails about `reference`, oldest first.
fn mails(dir: &TempDir, reference: &str) -> Vec<String> {
    let conn = db(dir);
    let mut statement = conn
        .prepare(
            "SELECT m.body FROM mail_outbox m JOIN complaints c ON c.id = m.complaint_id
             WHERE c.reference = ?1 AND m.to_addr = 'Anna@Example.PL' ORDER BY m.id",
        )
        .unwrap();
    let rows = statement.query_map([reference], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

/// The audit log's lines on `reference`: (actor, action, address).
fn audit(dir: &TempDir, reference: &str) -> Vec<(String, String, Option<String>)> {
    let conn = db(dir);
    let mut statement = conn
        .prepare(
            "SELECT a.actor, a.action, a.address FROM audit_log a JOIN complaints c ON c.id = a.complaint_id
             WHERE c.reference = ?1 ORDER BY a.id",
        )
        .unwrap();
    let rows = statement
        .query_map([reference], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn each_action_changes_the_database_the_status_file_and_the_customers_mail() {
    let dir = TempDir::new("staff-each-action");
    let server = Server::start(&dir, &mail_flags(), &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let agent = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    let reference = file_in(&server, "each-1", "en");

    let acked = done(
        &dir,
        &server,
        &agent,
        &reference,
        "acknowledge",
        json!({"message": "We have it."}),
    );
    assert_eq!(acked["stage"], "acknowledged");
    assert_eq!(acked["revision"], revision(&dir, &reference));
    assert_eq!(
        status(&dir, &reference).current().unwrap().stage,
        Stage::Acknowledged
    );

    done(
        &dir,
        &server,
        &lead,
        &reference,
        "assign",
        json!({"assignee": agent.staff_id}),
    );
    assert_eq!(
        column::<Option<i64>>(&dir, &reference, "assignee"),
        Some(agent.staff_id)
    );

    // A note is for colleagues: stored, never in the status file nor in a mail.
    let note = act(
        &server,
        &agent,
        &reference,
        "notes",
        json!({"text": "Courier-Internal-Remark", "mentions": [lead.staff_id]}),
    );
    assert_eq!(note.status, 201, "{}", note.text());
    assert_eq!(dir.count("notes"), 1);
    let before = revision(&dir, &reference);

    done(
        &dir,
        &server,
        &agent,
        &reference,
        "ask",
        json!({"text": "Which door did the courier try?"}),
    );
    assert!(
        revision(&dir, &reference) > before,
        "a question is a change"
    );
    let asked = status(&dir, &reference);
    assert_eq!(asked.messages.len(), 1);
    assert_eq!(asked.messages[0].kind, MessageKind::Ask);
    assert_eq!(
        asked.current().unwrap().stage,
        Stage::Acknowledged,
        "the stage does not move"
    );
    assert!(column::<Option<i64>>(&dir, &reference, "waiting_since").is_some());
    assert!(mails(&dir, &reference)
        .last()
        .unwrap()
        .contains("Which door did the courier try?"));

    // The customer's answer through the ordinary intake ends the wait.
    let answer = customer_reply(
        &server,
        &dir,
        &reference,
        "information",
        json!({"text": "The front door."}),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert_eq!(
        column::<Option<i64>>(&dir, &reference, "waiting_since"),
        None
    );

    done(
        &dir,
        &server,
        &agent,
        &reference,
        "reply",
        json!({"text": "Thank you, we are asking the courier."}),
    );
    assert_eq!(
        status(&dir, &reference).messages[1].kind,
        MessageKind::Reply
    );

    let extended = done(
        &dir,
        &server,
        &lead,
        &reference,
        "extend",
        json!({"step": "decide", "until": "2099-01-15", "reason": "Waiting for the courier's report."}),
    );
    assert_eq!(extended["stage"], "acknowledged");
    assert_eq!(
        status(&dir, &reference).deadlines[0].due.to_string(),
        "2099-01-15"
    );

    let mailed = mails(&dir, &reference).len();
    let decided = done(
        &dir,
        &server,
        &agent,
        &reference,
        "decide",
        json!({"outcome": "upheld", "summary": "We refund the delivery fee.", "causes": ["courier-delay"]}),
    );
    assert_eq!(decided["stage"], "responded");
    let responded = status(&dir, &reference);
    assert!(responded.outcome.is_some());
    assert_eq!(
        mails(&dir, &reference).len(),
        mailed + 1,
        "a decision is mailed as a stage is"
    );

    done(&dir, &server, &agent, &reference, "close", json!({}));
    assert_eq!(
        status(&dir, &reference).current().unwrap().stage,
        Stage::Closed
    );
    done(
        &dir,
        &server,
        &lead,
        &reference,
        "reopen",
        json!({"message": "Looking again."}),
    );
    assert_eq!(
        status(&dir, &reference).current().unwrap().stage,
        Stage::Reopened
    );

    let published = std::fs::read_to_string(
        dir.publish()
            .join(format!("{}.json", status_key(&reference, EMAIL))),
    )
    .unwrap();
    assert!(!published.contains("Courier-Internal-Remark"));
    assert!(mails(&dir, &reference)
        .iter()
        .all(|m| !m.contains("Courier-Internal-Remark")));

    // One audit line per action, each with who and from where.
    let lines = audit(&dir, &reference);
    let actions: Vec<&str> = lines.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "acknowledge",
            "assign",
            "note",
            "ask",
            "reply",
            "extend",
            "decide",
            "close",
            "reopen"
        ]
    );
    assert!(lines
        .iter()
        .all(|(_, _, address)| address.as_deref() == Some("127.0.0.1")));
    assert_eq!(lines[1].0, format!("staff:{}", lead.staff_id));
}

#[test]
fn a_stale_revision_is_refused_with_who_changed_it_and_nothing_changes() {
    let dir = TempDir::new("staff-stale");
    let server = Server::start(&dir, &[], &[]);
    let ana = staff_session(&dir, "Ana Kowalska", "lead", &[]);
    let bo = staff_session(&dir, "Bo Lee", "lead", &[]);
    let reference = file_in(&server, "stale-1", "en");
    let opened = revision(&dir, &reference);

    let first = act(
        &server,
        &ana,
        &reference,
        "acknowledge",
        json!({"revision": opened}),
    );
    assert_eq!(first.status, 200, "{}", first.text());
    let second = act(
        &server,
        &bo,
        &reference,
        "reply",
        json!({"revision": opened, "text": "Hello"}),
    );
    assert_eq!(second.status, 409, "{}", second.text());
    let refused = second.json();
    assert_eq!(refused["code"], "changed");
    assert_eq!(refused["changed_by"], "Ana Kowalska");
    assert!(refused["changed_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(refused["revision"], opened + 1);
    assert!(status(&dir, &reference).messages.is_empty());
    assert_eq!(revision(&dir, &reference), opened + 1);
    // Opened again, it goes through.
    let again = act(
        &server,
        &bo,
        &reference,
        "reply",
        json!({"revision": opened + 1, "text": "Hello"}),
    );
    assert_eq!(again.status, 200, "{}", again.text());
}

fn template_named(server: &Server, who: &Session, name: &str) -> i64 {
    let listed = staff_request(
        server,
        "GET",
        "/staff/api/v1/templates",
        Some(who),
        false,
        None,
    );
    assert_eq!(listed.status, 200, "{}", listed.text());
    listed.json()["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no template {name}"))["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn a_template_is_previewed_and_sent_in_the_customers_language_or_refused_naming_the_missing_one() {
    let dir = TempDir::new("staff-templates");
    let server = Server::start(&dir, &mail_flags(), &[]);
    let agent = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    let admin = staff_session(&dir, "Ada Admin", "admin", &[]);
    let reference = file_in(&server, "ko-1", "ko");
    let receipt = template_named(&server, &agent, "Please send the receipt");

    let preview = staff_request(
        &server,
        "POST",
        "/staff/api/v1/templates/preview",
        Some(&agent),
        true,
        Some(&json!({"reference": reference, "kind": "ask", "template": receipt})),
    );
    assert_eq!(preview.status, 200, "{}", preview.text());
    let preview = preview.json();
    assert_eq!(preview["locale"], "ko");
    let body = preview["body"].as_str().unwrap();
    assert!(
        body.contains(&format!(
            "접수하신 건(접수 번호 {reference})을 확인하기 위해"
        )),
        "{body}"
    );
    assert!(!body.contains('{'), "every placeholder filled: {body}");
    assert!(preview["subject"].as_str().unwrap().contains(&reference));
    assert!(
        body.contains("https://desk.example/track#reference="),
        "{body}"
    );
    assert_eq!(mails(&dir, &reference).len(), 0, "a preview sends nothing");

    // Sent, the customer reads the same words, in the status file and the mail.
    done(
        &dir,
        &server,
        &agent,
        &reference,
        "ask",
        json!({"template": receipt}),
    );
    let asked = status(&dir, &reference);
    let shown = asked.messages[0]
        .text
        .show(complaint_domain::i18n::Locale::Ko);
    assert_eq!(shown.lang, Some("ko"));
    assert!(body.contains(shown.text));
    assert!(mails(&dir, &reference).last().unwrap().contains(shown.text));

    // A template an admin wrote in English only is never sent to a Korean customer in English.
    let only_en = staff_request(
        &server,
        "POST",
        "/staff/api/v1/templates",
        Some(&admin),
        true,
        Some(
            &json!({"name": "English only", "kind": "reply", "texts": {"en": "Thank you, {reference}."}}),
        ),
    );
    assert_eq!(only_en.status, 201, "{}", only_en.text());
    let only_en = only_en.json()["id"].as_i64().unwrap();
    let refused = act(
        &server,
        &agent,
        &reference,
        "reply",
        json!({"revision": revision(&dir, &reference), "template": only_en}),
    );
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert_eq!(refused.code(), "template_language");
    assert_eq!(refused.json()["language"], "ko");
    assert_eq!(status(&dir, &reference).messages.len(), 1);

    // Only an admin writes templates, and an unknown placeholder is refused.
    let by_agent = staff_request(
        &server,
        "POST",
        "/staff/api/v1/templates",
        Some(&agent),
        true,
        Some(&json!({"name": "x", "kind": "reply", "texts": {"en": "x"}})),
    );
    assert_eq!(by_agent.status, 403);
    let typo = staff_request(
        &server,
        "PUT",
        &format!("/staff/api/v1/templates/{only_en}"),
        Some(&admin),
        true,
        Some(&json!({"name": "x", "kind": "reply", "texts": {"en": "Dear {name}"}})),
    );
    assert_eq!(typo.status, 422, "{}", typo.text());
    let gone = staff_request(
        &server,
        "DELETE",
        &format!("/staff/api/v1/templates/{only_en}"),
        Some(&admin),
        true,
        None,
    );
    assert_eq!(gone.status, 204, "{}", gone.text());
}

#[test]
fn a_merged_duplicate_points_its_status_file_to_the_survivor_and_takes_no_replies() {
    let dir = TempDir::new("staff-merge");
    let server = Server::start(&dir, &[], &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let agent = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    let survivor = file_in(&server, "merge-1", "pl");
    let duplicate = file_in(&server, "merge-2", "pl");

    let by_agent = act(
        &server,
        &agent,
        &duplicate,
        "merge",
        json!({"revision": revision(&dir, &duplicate), "into": survivor}),
    );
    assert_eq!(by_agent.status, 403, "{}", by_agent.text());
    let merged = done(
        &dir,
        &server,
        &lead,
        &duplicate,
        "merge",
        json!({"into": survivor.to_lowercase()}),
    );
    assert_eq!(merged["stage"], "closed");
    let file = status(&dir, &duplicate);
    assert_eq!(file.merged_into.as_deref(), Some(survivor.as_str()));
    assert_eq!(file.current().unwrap().stage, Stage::Closed);
    assert!(status(&dir, &survivor).merged_into.is_none());
    let survivor_id: i64 = column(&dir, &survivor, "id");
    assert_eq!(
        column::<Option<i64>>(&dir, &duplicate, "merged_into"),
        Some(survivor_id)
    );

    // The customer's reply to the duplicate is refused with a code that says why.
    let reply = customer_reply(
        &server,
        &dir,
        &duplicate,
        "resolution",
        json!({"resolved": false, "reason": "Still no parcel."}),
    );
    assert_eq!(reply.status, 422, "{}", reply.text());
    assert_eq!(reply.code(), "merged");
    assert!(reply.message().contains(&survivor));

    // Never twice, never into itself.
    let again = act(
        &server,
        &lead,
        &duplicate,
        "merge",
        json!({"revision": revision(&dir, &duplicate), "into": survivor}),
    );
    assert_eq!(again.status, 422, "{}", again.text());
    let itself = act(
        &server,
        &lead,
        &survivor,
        "merge",
        json!({"revision": revision(&dir, &survivor), "into": survivor}),
    );
    assert_eq!(itself.status, 422, "{}", itself.text());
}

#[test]
fn a_bulk_change_does_each_complaint_on_its_own_and_one_failure_stops_no_other() {
    let dir = TempDir::new("staff-bulk");
    let server = Server::start(&dir, &[], &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let agent = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    let one = file_in(&server, "bulk-1", "en");
    let two = file_in(&server, "bulk-2", "en");
    let three = file_in(&server, "bulk-3", "en");
    done(&dir, &server, &lead, &two, "acknowledge", json!({}));

    let bulk = |who: &Session, body: Value| {
        staff_request(
            &server,
            "POST",
            "/staff/api/v1/bulk",
            Some(who),
            true,
            Some(&body),
        )
    };
    let refused = bulk(
        &agent,
        json!({"action": "acknowledge", "references": [one]}),
    );
    assert_eq!(refused.status, 403, "{}", refused.text());

    let answer = bulk(
        &lead,
        json!({"action": "acknowledge", "references": [one, two, "CMP-0000-0000", three]}),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let results = answer.json()["results"].as_array().unwrap().clone();
    let ok: Vec<bool> = results.iter().map(|r| r["ok"].as_bool().unwrap()).collect();
    assert_eq!(ok, [true, false, false, true]);
    assert_eq!(results[1]["code"], "refused", "already acknowledged");
    assert_eq!(results[2]["code"], "not_found");
    assert!(results[0].get("code").is_none());
    assert_eq!(
        status(&dir, &three).current().unwrap().stage,
        Stage::Acknowledged
    );

    let assigned = bulk(
        &lead,
        json!({"action": "assign", "references": [one, two, three], "assignee": agent.staff_id}),
    );
    assert_eq!(assigned.status, 200, "{}", assigned.text());
    for reference in [&one, &two, &three] {
        assert_eq!(
            column::<Option<i64>>(&dir, reference, "assignee"),
            Some(agent.staff_id)
        );
        assert_eq!(
            audit(&dir, reference).last().unwrap().1,
            "assign",
            "one audit line each"
        );
    }
    let staged = bulk(
        &lead,
        json!({"action": "stage", "stage": "investigating", "references": [one]}),
    );
    assert_eq!(staged.json()["results"][0]["ok"], true, "{}", staged.text());
}

#[test]
fn the_command_lines_stage_commands_are_in_the_audit_log_as_the_command_line() {
    let dir = TempDir::new("staff-cli-audit");
    let server = Server::start(&dir, &[], &[]);
    let reference = file_in(&server, "cli-1", "en");
    let out = dir.cli(&["acknowledge", &reference, "--message", "Received."]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = audit(&dir, &reference);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].0, "cli");
    assert_eq!(lines[0].1, "stage");
    assert_eq!(lines[0].2, None);
}

#[test]
fn quarantine_is_released_or_deleted_by_a_lead_with_an_audit_line() {
    let dir = TempDir::new("staff-quarantine");
    let server = Server::start(&dir, &["--min-fill-seconds", "1000"], &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let held = file_in(&server, "held-1", "en");
    let bot = file_in(&server, "held-2", "en");
    let released = act(&server, &lead, &held, "release", json!({}));
    assert_eq!(released.status, 200, "{}", released.text());
    assert_eq!(
        status(&dir, &held).current().unwrap().stage,
        Stage::Received
    );
    assert_eq!(audit(&dir, &held).last().unwrap().1, "release");
    let deleted = staff_request(
        &server,
        "DELETE",
        &format!("/staff/api/v1/complaints/{bot}"),
        Some(&lead),
        true,
        None,
    );
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    assert_eq!(dir.count("complaints"), 1);
    let line: String = db(&dir)
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'delete'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(line.contains(&bot));
}

#[test]
fn an_agent_takes_only_an_unassigned_complaint_of_their_queue_and_only_for_themselves() {
    let dir = TempDir::new("staff-take");
    let server = Server::start(&dir, &[], &[]);
    let adam = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    let olga = staff_session(&dir, "Olga Agent", "agent", &["delivery"]);
    let bea = staff_session(&dir, "Bea Billing", "agent", &["service-billing"]);
    let reference = file_in(&server, "take-1", "en");
    let take = |who: &Session, assignee: Value| {
        act(
            &server,
            who,
            &reference,
            "assign",
            json!({"revision": revision(&dir, &reference), "assignee": assignee}),
        )
    };
    assert_eq!(take(&bea, json!(bea.staff_id)).status, 403, "not her queue");
    assert_eq!(
        take(&adam, json!(olga.staff_id)).status,
        403,
        "not for someone else"
    );
    let taken = take(&adam, json!(adam.staff_id));
    assert_eq!(taken.status, 200, "{}", taken.text());
    assert_eq!(
        column::<Option<i64>>(&dir, &reference, "assignee"),
        Some(adam.staff_id)
    );
    assert_eq!(take(&olga, json!(olga.staff_id)).status, 403, "Adam's now");
    assert_eq!(
        take(&adam, Value::Null).status,
        403,
        "handing back is a lead's"
    );
}

#[test]
fn bad_bodies_are_refused_with_a_code_and_change_nothing() {
    let dir = TempDir::new("staff-bad-bodies");
    let server = Server::start(&dir, &[], &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let reference = file_in(&server, "bad-1", "en");
    let opened = revision(&dir, &reference);
    let refused = |body: Value, code: &str| {
        let reply = act(&server, &lead, &reference, "reply", body);
        assert_eq!(reply.status, 422, "{}", reply.text());
        assert_eq!(reply.code(), code, "{}", reply.text());
    };
    refused(json!({"text": "Hello"}), "invalid");
    refused(
        json!({"revision": opened, "text": "Hello", "cc": "x"}),
        "invalid",
    );
    refused(
        json!({"revision": opened, "text": "Hello", "template": 1}),
        "invalid",
    );
    refused(
        json!({"revision": opened, "text": "x".repeat(5001)}),
        "invalid",
    );
    refused(json!({"revision": opened, "text": "   "}), "refused");
    let garbled = staff_request(
        &server,
        "POST",
        &format!("/staff/api/v1/complaints/{reference}/reply"),
        Some(&lead),
        true,
        None,
    );
    assert_eq!(garbled.status, 422, "{}", garbled.text());
    assert_eq!(revision(&dir, &reference), opened);
    assert!(audit(&dir, &reference).is_empty());
    // Markup is words like any other: kept as typed, for the tracker to show as text.
    done(
        &dir,
        &server,
        &lead,
        &reference,
        "reply",
        json!({"text": "<script>alert(1)</script>"}),
    );
    let shown = status(&dir, &reference);
    assert_eq!(
        shown.messages[0]
            .text
            .show(complaint_domain::i18n::Locale::En)
            .text,
        "<script>alert(1)</script>"
    );
}
