//! The customer's replies over real HTTP on 127.0.0.1 (`docs/replies.md`): the proof, exactly once, the
//! stage rules, what the status file shows (and never shows), the back office's view, and the rate limit
//! against a loop of ten thousand.

mod support;

use std::io::Write;
use std::process::Output;
use std::time::{Duration, Instant};

use complaint_domain::status::{ReplyKind, Stage};
use serde_json::{json, Value};
use support::*;

const EMAIL: &str = "anna@example.pl";

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The proof the filing answer gave the complaint's device (`reply_proof`), made again from the database's key.
fn proof(dir: &TempDir, reference: &str, verifier: &str) -> String {
    issued_proof(dir, reference, verifier)
}

fn request(addr: &str, path: &str, proof: Option<&str>, key: &str, body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {key}\r\n",
        body.len()
    );
    if let Some(proof) = proof {
        head.push_str(&format!("Reply-Proof: {proof}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn reply(
    server: &Server,
    reference: &str,
    action: &str,
    proof: Option<&str>,
    key: &str,
    body: &Value,
) -> Reply {
    let path = format!("/api/v1/complaints/{reference}/{action}");
    send(
        &server.addr,
        &request(&server.addr, &path, proof, key, body.to_string().as_bytes()),
    )
}

/// Files Anna's complaint and returns its reference.
fn file(server: &Server, key: &str) -> String {
    let reply = server.post(Some(key), &body_of(&complaint(key), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

fn status(dir: &TempDir, reference: &str) -> complaint_domain::status::StatusRecord {
    read_status(&dir.publish(), &status_key(reference, EMAIL))
}

fn status_text(dir: &TempDir, reference: &str) -> String {
    std::fs::read_to_string(
        dir.publish()
            .join(format!("{}.json", status_key(reference, EMAIL))),
    )
    .unwrap()
}

fn cli_ok(dir: &TempDir, args: &[&str]) -> String {
    let out = dir.cli(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_wrong_proof_the_status_file_name_or_an_unknown_reference_get_one_neutral_answer() {
    let dir = TempDir::new("replies-proof");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let reference = file(&server, "proof-1");
    let body = json!({ "text": "The courier left a card." });
    let neutral = |reply: &Reply| {
        assert_eq!(reply.status, 404, "{}", reply.text());
        assert_eq!(reply.code(), "not_found");
        reply.text()
    };
    let wrong = neutral(&reply(
        &server,
        &reference,
        "information",
        Some(&proof(&dir, &reference, "eve@example.com")),
        "p-1",
        &body,
    ));
    let status_name = neutral(&reply(
        &server,
        &reference,
        "information",
        Some(&status_key(&reference, EMAIL)),
        "p-2",
        &body,
    ));
    let unknown = neutral(&reply(
        &server,
        "CMP-0000-0000",
        "information",
        Some(&proof(&dir, "CMP-0000-0000", EMAIL)),
        "p-3",
        &body,
    ));
    let missing = neutral(&reply(
        &server,
        &reference,
        "information",
        None,
        "p-4",
        &body,
    ));
    assert_eq!(wrong, unknown);
    assert_eq!(status_name, unknown);
    assert_eq!(missing, unknown);
    assert_eq!(dir.count("replies"), 0);

    // The right proof, however the reference and the email address are typed.
    let right = reply(
        &server,
        &reference.to_lowercase(),
        "information",
        Some(&proof(&dir, &reference, " Anna@Example.PL ").to_uppercase()),
        "p-5",
        &body,
    );
    assert_eq!(right.status, 201, "{}", right.text());
    assert_eq!(dir.count("replies"), 1);
}

#[test]
fn information_with_a_file_is_kept_shown_to_the_back_office_and_published_without_its_words() {
    let dir = TempDir::new("replies-info");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    // Filed first, so its acknowledgement falls due first: only an unread reply puts the other above it.
    let other = file(&server, "info-0");
    let reference = file(&server, "info-1");
    let photo = jpeg(3000);
    let hash = sha256_hex(&photo);
    let mut upload = patch_head(&server.addr, &hash, 0, photo.len() as u64, photo.len());
    upload.extend_from_slice(&photo);
    assert_eq!(send(&server.addr, &upload).status, 204);

    let body = json!({
        "text": "Secret-Reply-Words: the card says \u{1b}[2J depot 7.",
        "attachments": [{ "name": "card.jpg", "kind": "image/jpeg", "bytes": photo.len(), "sha256": hash }]
    });
    let first = reply(
        &server,
        &reference,
        "information",
        Some(&proof(&dir, &reference, EMAIL)),
        "i-1",
        &body,
    );
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.json()["reply"], json!("information"));
    assert_eq!(first.json()["stage"], json!("received"));

    // The status file says that Anna added information, never what.
    let record = status(&dir, &reference);
    assert_eq!(record.replies.len(), 1);
    assert_eq!(record.replies[0].kind, ReplyKind::Information);
    let text = status_text(&dir, &reference);
    assert!(
        !text.contains("Secret-Reply-Words") && !text.contains("card.jpg"),
        "{text}"
    );

    // A file named but not uploaded: upload it first.
    let missing = reply(
        &server,
        &reference,
        "information",
        Some(&proof(&dir, &reference, EMAIL)),
        "i-2",
        &json!({
            "attachments": [{ "name": "x.jpg", "kind": "image/jpeg", "bytes": 10, "sha256": sha256_hex(b"nothing") }]
        }),
    );
    assert_eq!(missing.status, 409, "{}", missing.text());
    assert_eq!(missing.code(), "upload_missing");
    // Empty, or over the text limit: refused with the checks' words.
    let empty = reply(
        &server,
        &reference,
        "information",
        Some(&proof(&dir, &reference, EMAIL)),
        "i-3",
        &json!({ "text": "  " }),
    );
    assert_eq!((empty.status, empty.code().as_str()), (422, "invalid"));
    let long = reply(
        &server,
        &reference,
        "information",
        Some(&proof(&dir, &reference, EMAIL)),
        "i-4",
        &json!({ "text": "x".repeat(5001) }),
    );
    assert_eq!(
        (long.status, long.code().as_str()),
        (422, "invalid"),
        "{}",
        long.text()
    );
    let shape = reply(
        &server,
        &reference,
        "information",
        Some(&proof(&dir, &reference, EMAIL)),
        "i-5",
        &json!({ "txt": "typo" }),
    );
    assert_eq!((shape.status, shape.code().as_str()), (400, "wrong_shape"));

    // The back office: unread replies first (nothing is overdue yet), then in `show` with the file.
    let list = cli_ok(&dir, &["list"]);
    let rows: Vec<&str> = list.lines().filter(|l| l.starts_with("CMP-")).collect();
    assert!(
        rows[0].starts_with(&reference) && rows[0].contains("1 new"),
        "{list}"
    );
    assert!(rows[1].starts_with(&other), "{list}");
    // Overdue still comes first: a promise already broken.
    cli_ok(
        &dir,
        &[
            "extend",
            &other,
            "--step",
            "acknowledge",
            "--due",
            "2020-01-01",
        ],
    );
    let list = cli_ok(&dir, &["list"]);
    let rows: Vec<&str> = list.lines().filter(|l| l.starts_with("CMP-")).collect();
    assert!(
        rows[0].starts_with(&other) && rows[0].contains("OVERDUE"),
        "{list}"
    );
    assert!(
        rows[1].starts_with(&reference) && rows[1].contains("1 new"),
        "{list}"
    );
    let shown = cli_ok(&dir, &["show", &reference]);
    for expected in [
        "Conversation (1 from the customer, 1 new)",
        "added information  NEW",
        "      Secret-Reply-Words: the card says <U+001B>[2J depot 7.",
        "card.jpg  image/jpeg  3000 bytes",
        "(added in a reply)",
    ] {
        assert!(shown.contains(expected), "no {expected:?} in:\n{shown}");
    }
    assert!(!shown.contains('\u{1b}'));
    let again = cli_ok(&dir, &["show", &reference]);
    assert!(
        again.contains("1 from the customer, 0 new"),
        "shown is read:\n{again}"
    );
    assert!(!cli_ok(&dir, &["list"]).contains("1 new"));
    let out = dir.0.join("card.jpg");
    cli_ok(
        &dir,
        &[
            "attachment",
            &reference,
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read(&out).unwrap(), photo);
}

#[test]
fn the_same_key_twice_is_one_reply_and_a_different_body_with_it_is_refused() {
    let dir = TempDir::new("replies-once");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let reference = file(&server, "once-1");
    let p = proof(&dir, &reference, EMAIL);
    let body = json!({ "text": "One more thing." });
    let first = reply(
        &server,
        &reference,
        "information",
        Some(&p),
        "same-key",
        &body,
    );
    assert_eq!(first.status, 201, "{}", first.text());
    // Spaced and ordered otherwise: the same reply. Were it handled afresh, a second row would be stored.
    let spaced = "{ \"text\" :  \"One more thing.\" }";
    let path = format!("/api/v1/complaints/{reference}/information");
    let second = send(
        &server.addr,
        &request(&server.addr, &path, Some(&p), "same-key", spaced.as_bytes()),
    );
    assert_eq!(second.status, 201);
    assert_eq!(second.body, first.body, "the first answer, byte for byte");
    assert_eq!(dir.count("replies"), 1);
    assert_eq!(status(&dir, &reference).replies.len(), 1);

    let different = reply(
        &server,
        &reference,
        "information",
        Some(&p),
        "same-key",
        &json!({ "text": "Something else." }),
    );
    assert_eq!(
        (different.status, different.code().as_str()),
        (422, "key_reused")
    );
    assert_eq!(dir.count("replies"), 1);
}

#[test]
fn replies_follow_the_stage_rules_and_the_status_shows_them_without_the_customers_words() {
    let dir = TempDir::new("replies-rules");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let reference = file(&server, "rules-1");
    let p = proof(&dir, &reference, EMAIL);
    let send_reply = |action: &str, key: &str, body: Value| {
        reply(&server, &reference, action, Some(&p), key, &body)
    };
    let refused = |reply: Reply, code: &str| {
        assert_eq!(
            (reply.status, reply.code()),
            (422, code.to_owned()),
            "{}",
            reply.text()
        );
    };

    refused(
        send_reply("rating", "r-1", json!({ "stars": 4 })),
        "not_closed",
    );
    refused(
        send_reply("resolution", "r-2", json!({ "resolved": true })),
        "not_responded",
    );
    refused(
        send_reply(
            "resolution",
            "r-3",
            json!({ "resolved": false, "reason": "Nothing happened." }),
        ),
        "not_responded",
    );

    cli_ok(
        &dir,
        &[
            "respond",
            &reference,
            "--decision",
            "not_upheld",
            "--message",
            "The parcel was delivered.",
        ],
    );
    let reason = "Secret-Reason: it was left at the wrong door.";
    let reopened = send_reply(
        "resolution",
        "r-4",
        json!({ "resolved": false, "reason": reason }),
    );
    assert_eq!(reopened.status, 201, "{}", reopened.text());
    assert_eq!(reopened.json()["stage"], json!("reopened"));
    let record = status(&dir, &reference);
    assert_eq!(record.current().unwrap().stage, Stage::Reopened);
    assert_eq!(record.current().unwrap().message, None);
    assert_eq!(record.outcome, None);
    assert!(!status_text(&dir, &reference).contains("Secret-Reason"));
    refused(
        send_reply("resolution", "r-5", json!({ "resolved": false })),
        "invalid",
    );

    cli_ok(
        &dir,
        &[
            "respond",
            &reference,
            "--decision",
            "upheld",
            "--message",
            "We will refund you.",
        ],
    );
    let resolved = send_reply("resolution", "r-6", json!({ "resolved": true }));
    assert_eq!(resolved.status, 201, "{}", resolved.text());
    refused(
        send_reply("resolution", "r-7", json!({ "resolved": true })),
        "already_answered",
    );
    cli_ok(&dir, &["close", &reference, "--message", "Refunded."]);

    refused(
        send_reply(
            "information",
            "r-8",
            json!({ "text": "And another thing." }),
        ),
        "complaint_closed",
    );
    refused(
        send_reply("rating", "r-9", json!({ "stars": 6 })),
        "invalid",
    );
    let rated = send_reply(
        "rating",
        "r-10",
        json!({ "stars": 4, "comment": "Secret-Comment: slow." }),
    );
    assert_eq!(rated.status, 201, "{}", rated.text());
    let record = status(&dir, &reference);
    assert_eq!(record.rating(), Some(4));
    assert_eq!(
        record.replies.iter().map(|r| r.kind).collect::<Vec<_>>(),
        [
            ReplyKind::NotSatisfied,
            ReplyKind::Resolved,
            ReplyKind::Rating
        ]
    );
    assert!(!status_text(&dir, &reference).contains("Secret-Comment"));
    let changed = send_reply("rating", "r-11", json!({ "stars": 5 }));
    assert_eq!(
        changed.status,
        201,
        "changeable within the window: {}",
        changed.text()
    );
    assert_eq!(status(&dir, &reference).rating(), Some(5));

    // The first rating 15 days ago: the 14 days of the config's default have passed.
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.execute(
        "UPDATE replies SET at = at - 15 * 86400 WHERE kind = 'rating'",
        [],
    )
    .unwrap();
    drop(conn);
    refused(
        send_reply("rating", "r-12", json!({ "stars": 1 })),
        "rating_final",
    );

    // The CRM export carries the conversation with its words; the status file never does.
    let exported: Value = serde_json::from_str(&cli_ok(
        &dir,
        &["export", "--since", "2020-01-01", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(exported[0]["rating"], json!(5));
    assert_eq!(exported[0]["replies"][0]["kind"], json!("not_satisfied"));
    assert_eq!(exported[0]["replies"][0]["text"], json!(reason));

    let shown = cli_ok(&dir, &["show", &reference]);
    for expected in [
        "not satisfied (reopened)",
        "Secret-Reason: it was left at the wrong door.",
        "confirmed: this resolves it",
        "rated 4/5",
        "Secret-Comment: slow.",
        "rated 5/5",
        "Rating: 5/5",
    ] {
        assert!(shown.contains(expected), "no {expected:?} in:\n{shown}");
    }
}

#[test]
fn ten_thousand_replies_from_one_address_are_held_to_the_rate_limit_and_others_still_get_in() {
    let dir = TempDir::new("replies-flood");
    let server = Server::start(&dir, &["--rate-limit", "5"], &[]);
    let reference = file(&server, "flood-1");
    let path = format!("/api/v1/complaints/{reference}/information");
    let body = br#"{"text":"flood"}"#;
    let started = Instant::now();
    let (mut limited, mut other) = (0, 0);
    for i in 0..10_000 {
        let mut stream = connect_from("127.0.0.3", &server.addr, None);
        let wrong = format!("{:064x}", i);
        let _ = stream.write_all(&request(
            &server.addr,
            &path,
            Some(&wrong),
            &format!("f-{i}"),
            body,
        ));
        match read_reply(&mut stream).status {
            429 => limited += 1,
            _ => other += 1,
        }
    }
    assert_eq!(other, 5, "only the minute's quota was looked at");
    assert_eq!(limited, 9_995);
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "{:?}",
        started.elapsed()
    );
    // The service is up, and another customer is not held to that address's limit.
    let right = send(
        &server.addr,
        &request(
            &server.addr,
            &path,
            Some(&proof(&dir, &reference, EMAIL)),
            "f-ok",
            body,
        ),
    );
    assert_eq!(right.status, 201, "{}", right.text());
    assert_eq!(dir.count("replies"), 1);
}

#[test]
fn files_on_a_service_without_uploads_are_refused_for_good_not_waited_on() {
    let dir = TempDir::new("replies-no-uploads");
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.config()).unwrap()).unwrap();
    config["submission"]
        .as_object_mut()
        .unwrap()
        .remove("uploads");
    std::fs::write(dir.config(), config.to_string()).unwrap();
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let reference = file(&server, "noup-1");
    let refused = reply(
        &server,
        &reference,
        "information",
        Some(&proof(&dir, &reference, EMAIL)),
        "noup-r",
        &json!({ "attachments": [{ "name": "a.jpg", "kind": "image/jpeg", "bytes": 10,
                                   "sha256": sha256_hex(b"a") }] }),
    );
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (422, "invalid"),
        "{}",
        refused.text()
    );
}
