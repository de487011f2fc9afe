//! A customer's requests about their data over real HTTP (issue #25, docs/api.md "Your data"): the export
//! zip and what it holds, a wrong proof told apart from a missing complaint by nothing (status, body,
//! timing), the erasure request recorded once with the law's day, and the staff's answer (leads and
//! admins only).

mod support;

use std::io::Read as _;
use std::time::{Duration, Instant};

use complaint_domain::calendar::Date;
use complaint_domain::data_requests::{due_on, AnswerRule, DataRequestState};
use serde_json::{json, Value};
use support::staff::{staff_request, staff_session};
use support::*;

const EMAIL: &str = "anna@example.pl";

fn get_export(server: &Server, source: &str, reference: &str, proof: &str) -> Reply {
    let mut stream = connect_from(source, &server.addr, None);
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let request = format!(
        "GET /api/v1/complaints/{reference}/export HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
         Reply-Proof: {proof}\r\n\r\n",
        server.addr
    );
    std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
    read_reply(&mut stream)
}

fn erasure(server: &Server, reference: &str, proof: &str, key: &str) -> Reply {
    let request = format!(
        "POST /api/v1/complaints/{reference}/erasure HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
         Content-Length: 0\r\nIdempotency-Key: {key}\r\nReply-Proof: {proof}\r\n\r\n",
        server.addr
    );
    send(&server.addr, request.as_bytes())
}

/// Files Anna's complaint with `files`; its reference and the proof the filing answer gave.
fn file(server: &Server, key: &str, files: &[(&str, &[u8])]) -> (String, String) {
    let mut complaint = complaint(key);
    for (name, bytes) in files {
        attach(&mut complaint, name, "application/pdf", bytes);
    }
    let reply = server.post(Some(key), &body_of(&complaint, files));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let answer = reply.json();
    (
        answer["reference"].as_str().unwrap().to_owned(),
        answer["reply_proof"].as_str().unwrap().to_owned(),
    )
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().to_owned(), content)
        })
        .collect()
}

/// Today in the demo organisation's zone (Europe/London).
fn org_today() -> Date {
    let today = jiff::Zoned::now().in_tz("Europe/London").unwrap().date();
    Date::new(
        i32::from(today.year()),
        today.month() as u8,
        today.day() as u8,
    )
    .unwrap()
}

#[test]
fn the_export_holds_the_complaint_its_replies_and_its_files_byte_for_byte() {
    let dir = TempDir::new("export-zip");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let receipt = pdf(3000);
    let (reference, proof) = file(&server, "export-1", &[("receipt.pdf", &receipt)]);
    // An internal note, as the desk writes one: never the customer's to read.
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.execute(
        "INSERT INTO notes (complaint_id, at, text) VALUES (1, unixepoch(), 'Internal-Note-Words')",
        [],
    )
    .unwrap();
    drop(conn);

    let reply = get_export(&server, "127.0.0.1", &reference, &proof);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/zip"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let entries = unzip(&reply.body);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["complaint.json", "files/1-receipt.pdf"],
        "{names:?}"
    );
    assert_eq!(entries[1].1, receipt, "the file's bytes as received");

    let document: Value = serde_json::from_slice(&entries[0].1).unwrap();
    assert_eq!(document["reference"], json!(reference));
    assert_eq!(
        document["description"],
        json!("My parcel never arrived. Secret-Description-Words.")
    );
    assert_eq!(document["contact"]["name"], json!("Anna Kowalska"));
    assert_eq!(
        document["as_received"]["details"]["order_number"],
        json!("NW-1001")
    );
    assert_eq!(document["files"][0]["name"], json!("receipt.pdf"));
    assert_eq!(document["files"][0]["sha256"], json!(sha256_hex(&receipt)));
    assert_eq!(document["files"][0]["path"], json!("files/1-receipt.pdf"));
    assert_eq!(
        document["timeline"]["history"][0]["stage"],
        json!("received")
    );
    let text = String::from_utf8_lossy(&entries[0].1);
    for internal in ["Internal-Note-Words", "quarantine", "causes", "unread"] {
        assert!(!text.contains(internal), "{internal} in {text}");
    }
}

#[test]
fn a_wrong_proof_and_a_missing_complaint_get_the_same_answer_in_the_same_time() {
    let dir = TempDir::new("export-neutral");
    let server = Server::start(
        &dir,
        &["--rate-limit", "100000", "--status-misses", "100000"],
        &[],
    );
    let (reference, proof) = file(&server, "neutral-1", &[("receipt.pdf", &pdf(2000))]);
    let wrong = "0".repeat(64);
    let known = get_export(&server, "127.0.0.2", &reference, &wrong);
    let missing = get_export(&server, "127.0.0.2", "CMP-0000-0000", &proof);
    let unknown_action = send(
        &server.addr,
        format!(
            "GET /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nReply-Proof: {proof}\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    for reply in [&known, &missing, &unknown_action] {
        assert_eq!(reply.status, 404, "{}", reply.text());
    }
    assert_eq!(known.body, missing.body);
    assert_eq!(known.body, unknown_action.body);

    // Interleaved, so a change in the machine's load falls on both alike.
    let (mut exists, mut none) = (Vec::new(), Vec::new());
    for _ in 0..150 {
        for (target, samples) in [
            (&reference, &mut exists),
            (&"CMP-0000-0000".to_owned(), &mut none),
        ] {
            let started = Instant::now();
            let reply = get_export(&server, "127.0.0.2", target, &wrong);
            samples.push(started.elapsed());
            assert_eq!(reply.status, 404);
        }
    }
    let median = |mut s: Vec<Duration>| {
        s.sort();
        s[s.len() / 2]
    };
    let (exists, none) = (median(exists), median(none));
    eprintln!("median export refusal: {exists:?} for a complaint that exists, {none:?} for none");
    assert!(
        exists.as_secs_f64() < none.as_secs_f64() * 1.25,
        "a wrong proof for a complaint that exists takes {exists:?}, for none {none:?}"
    );
}

#[test]
fn wrong_proofs_count_as_status_misses() {
    let dir = TempDir::new("export-misses");
    let server = Server::start(&dir, &["--rate-limit", "100", "--status-misses", "3"], &[]);
    let (reference, proof) = file(&server, "misses-1", &[]);
    for _ in 0..3 {
        assert_eq!(
            get_export(&server, "127.0.0.3", &reference, "bad").status,
            404
        );
    }
    let limited = get_export(&server, "127.0.0.3", &reference, &proof);
    assert_eq!(limited.status, 429, "{}", limited.text());
    // Another customer is not held back.
    assert_eq!(
        get_export(&server, "127.0.0.1", &reference, &proof).status,
        200
    );
}

#[test]
fn an_erasure_request_is_recorded_once_with_the_laws_day_and_shows_on_the_status_file() {
    let dir = TempDir::new("erasure-once");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let (reference, proof) = file(&server, "erase-1", &[]);
    let wrong = erasure(&server, &reference, &"0".repeat(64), "e-0");
    assert_eq!(wrong.status, 404, "{}", wrong.text());

    let first = erasure(&server, &reference, &proof, "e-1");
    assert_eq!(first.status, 201, "{}", first.text());
    let due = due_on(org_today(), AnswerRule::OneMonth).to_string();
    assert_eq!(first.json()["due_on"], json!(due));
    assert_eq!(first.json()["kind"], json!("erasure"));
    let again = erasure(&server, &reference, &proof, "e-1");
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.json(), first.json());

    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM data_requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'erasure_requested' AND actor = 'customer'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
    let status = read_status(&dir.publish(), &status_key(&reference, EMAIL));
    assert_eq!(status.data_requests.len(), 1);
    assert_eq!(status.data_requests[0].due_on.to_string(), due);
    assert_eq!(status.data_requests[0].state, DataRequestState::Open);
}

#[test]
fn only_a_lead_or_admin_answers_a_request_and_the_customer_reads_the_reason() {
    let dir = TempDir::new("erasure-answer");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let (reference, proof) = file(&server, "answer-1", &[]);
    assert_eq!(erasure(&server, &reference, &proof, "a-1").status, 201);
    let agent = staff_session(&dir, "Ana Agent", "agent", &["delivery"]);
    let lead = staff_session(&dir, "Lee Lead", "lead", &[]);

    let listed = staff_request(
        &server,
        "GET",
        "/staff/api/v1/data-requests",
        Some(&agent),
        false,
        None,
    );
    assert_eq!(listed.status, 403, "{}", listed.text());
    let refused = json!({ "state": "refused", "reason": "We must keep the complaint's record until 2029 by law." });
    let path = "/staff/api/v1/data-requests/1/answer";
    let denied = staff_request(&server, "POST", path, Some(&agent), true, Some(&refused));
    assert_eq!(denied.status, 403, "{}", denied.text());

    let listed = staff_request(
        &server,
        "GET",
        "/staff/api/v1/data-requests",
        Some(&lead),
        false,
        None,
    );
    assert_eq!(listed.status, 200, "{}", listed.text());
    let first = &listed.json()["requests"][0];
    assert_eq!(first["reference"], json!(reference));
    assert_eq!(first["state"], json!("open"));
    assert_eq!(first["overdue"], json!(false));

    let blank = staff_request(
        &server,
        "POST",
        path,
        Some(&lead),
        true,
        Some(&json!({ "state": "refused" })),
    );
    assert_eq!(blank.status, 422, "{}", blank.text());
    let answered = staff_request(&server, "POST", path, Some(&lead), true, Some(&refused));
    assert_eq!(answered.status, 200, "{}", answered.text());
    assert_eq!(answered.json()["state"], json!("refused"));
    let twice = staff_request(
        &server,
        "POST",
        path,
        Some(&lead),
        true,
        Some(&json!({ "state": "done" })),
    );
    assert_eq!(twice.status, 422, "{}", twice.text());

    let status = read_status(&dir.publish(), &status_key(&reference, EMAIL));
    let entry = &status.data_requests[0];
    assert_eq!(entry.state, DataRequestState::Refused);
    assert_eq!(
        entry.reason.as_deref(),
        Some("We must keep the complaint's record until 2029 by law.")
    );
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'data_request_answered'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
}

/// The text of every column of complaint `reference`'s row (its submission holds the customer's words).
fn submission_of(dir: &TempDir, reference: &str) -> String {
    rusqlite::Connection::open(dir.db())
        .unwrap()
        .query_row(
            "SELECT submission FROM complaints WHERE reference = ?1",
            [reference],
            |r| r.get(0),
        )
        .unwrap()
}

fn audit_actions(dir: &TempDir) -> Vec<(String, String)> {
    rusqlite::Connection::open(dir.db())
        .unwrap()
        .prepare("SELECT action, detail FROM audit_log WHERE action IN ('erase', 'data_request_answered') ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn an_erasure_request_answered_done_erases_and_a_held_one_is_refused_with_the_reason() {
    let dir = TempDir::new("erasure-done");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let (free, free_proof) = file(&server, "done-1", &[(("photo.pdf"), b"%PDF-1.4 secret")]);
    let (held, held_proof) = file(&server, "done-2", &[]);
    assert_eq!(erasure(&server, &free, &free_proof, "d-1").status, 201);
    assert_eq!(erasure(&server, &held, &held_proof, "d-2").status, 201);
    let lead = staff_session(&dir, "Lee Lead", "lead", &[]);
    let hold = json!({ "reason": "County court claim 7/2026" });
    let put_on = staff_request(
        &server,
        "POST",
        &format!("/staff/api/v1/complaints/{held}/hold"),
        Some(&lead),
        true,
        Some(&hold),
    );
    assert_eq!(put_on.status, 200, "{}", put_on.text());
    let done = json!({ "state": "done" });

    // Done: erased in the same step, one audit line naming the request, and the tombstone published.
    let answered = staff_request(
        &server,
        "POST",
        "/staff/api/v1/data-requests/1/answer",
        Some(&lead),
        true,
        Some(&done),
    );
    assert_eq!(answered.status, 200, "{}", answered.text());
    assert_eq!(answered.json()["state"], json!("done"));
    assert!(answered.json().get("hold").is_none(), "{}", answered.text());
    assert!(!submission_of(&dir, &free).contains("Kowalska"));
    assert_eq!(dir.count("blobs"), 0);
    let file = dir
        .publish()
        .join(format!("{}.json", status_key(&free, EMAIL)));
    let tombstone: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(tombstone["erased"], json!(true), "{tombstone}");
    let actions = audit_actions(&dir);
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0].0, "erase");
    assert!(actions[0].1.contains("\"request\":1"), "{actions:?}");

    // On legal hold: nothing erased; the request is refused, staff read the hold, the customer a reason.
    let refused = staff_request(
        &server,
        "POST",
        "/staff/api/v1/data-requests/2/answer",
        Some(&lead),
        true,
        Some(&done),
    );
    assert_eq!(refused.status, 200, "{}", refused.text());
    let refused = refused.json();
    assert_eq!(refused["state"], json!("refused"), "{refused}");
    assert_eq!(
        refused["hold"]["reason"],
        json!("County court claim 7/2026")
    );
    assert!(submission_of(&dir, &held).contains("Kowalska"));
    let status = read_status(&dir.publish(), &status_key(&held, EMAIL));
    let entry = &status.data_requests[0];
    assert_eq!(entry.state, DataRequestState::Refused);
    let reason = entry.reason.as_deref().unwrap();
    assert!(reason.contains("legal matter"), "{reason}");
    assert!(!reason.contains("County court"), "{reason}");
    let actions = audit_actions(&dir);
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert_eq!(actions[1].0, "data_request_answered");
}

#[test]
fn the_command_line_lists_and_answers_requests_through_the_desk() {
    let dir = TempDir::new("erasure-cli");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let (kept, kept_proof) = file(&server, "cli-1", &[]);
    let (gone, gone_proof) = file(&server, "cli-2", &[]);
    assert_eq!(erasure(&server, &kept, &kept_proof, "c-1").status, 201);
    assert_eq!(erasure(&server, &gone, &gone_proof, "c-2").status, 201);
    drop(server);
    let run = |args: &[&str]| {
        let out = dir.cli(args);
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    let (ok, listed, _) = run(&["data-requests", "list"]);
    assert!(ok);
    assert!(listed.contains(&kept) && listed.contains(&gone), "{listed}");
    assert_eq!(listed.matches(" open").count(), 2, "{listed}");
    let (ok, _, words) = run(&["data-requests", "refuse", "1"]);
    assert!(!ok && words.contains("--reason"), "{words}");
    let (ok, said, words) = run(&[
        "data-requests",
        "refuse",
        "1",
        "--reason",
        "We must keep the complaint's record until 2029 by law.",
    ]);
    assert!(ok, "{words}");
    assert!(said.contains("refused"), "{said}");
    let (ok, said, words) = run(&["data-requests", "done", "2"]);
    assert!(ok, "{words}");
    assert!(said.contains("is done"), "{said}");
    assert!(!submission_of(&dir, &gone).contains("Kowalska"));
    assert!(submission_of(&dir, &kept).contains("Kowalska"));
    let (ok, _, words) = run(&["data-requests", "done", "1"]);
    assert!(!ok && words.contains("answered already"), "{words}");

    let lines: Vec<(String, String)> = rusqlite::Connection::open(dir.db())
        .unwrap()
        .prepare("SELECT action, actor FROM audit_log WHERE action IN ('erase', 'data_request_answered') ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected = [("data_request_answered", "cli"), ("erase", "cli")];
    assert_eq!(
        lines,
        expected.map(|(a, b)| (a.to_owned(), b.to_owned())),
        "{lines:?}"
    );
    let (_, listed, _) = run(&["data-requests", "list"]);
    assert!(
        listed.contains("done on") && listed.contains("refused: We must"),
        "{listed}"
    );
}
