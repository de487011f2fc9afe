//! The submission contract over real HTTP: filing, exactly once, a crash between commit and answer, and
//! every kind of bad input the issue lists.

mod support;

use std::io::Write;
use std::thread;
use std::time::Duration;

use complaint_domain::status::Stage;
use serde_json::json;
use support::*;

fn is_reference(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts[0] == "CMP"
        && parts[1..].iter().all(|p| {
            p.len() == 4
                && p.bytes()
                    .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b))
        })
}

#[test]
fn a_complaint_is_filed_stored_and_published_under_the_documented_name() {
    let dir = TempDir::new("round-trip");
    let server = Server::start(&dir, &[], &[]);
    let mut body = complaint("0b5f3c3e-4a57-4c9b-9b0e-1d2c3b4a5f6e");
    let photo = jpeg(5000);
    let file = attach(&mut body, "parcel.jpg", "image/jpeg", &photo);
    let reply = server.post(
        Some("0b5f3c3e-4a57-4c9b-9b0e-1d2c3b4a5f6e"),
        &body_of(&body, &[file]),
    );

    assert_eq!(reply.status, 201, "{}", reply.text());
    let answer = reply.json();
    let reference = answer["reference"].as_str().unwrap();
    assert!(is_reference(reference), "{reference}");
    assert!(answer["received_at"].as_str().unwrap().ends_with('Z'));
    assert!(answer.get("pin").is_none(), "an email address was given");
    // Delivery: acknowledged within 24 hours (a time), decided within 10 business days (a date).
    assert!(answer["plan"]["acknowledge_by"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(answer["plan"]["decide_by"].as_str().unwrap().len(), 10);

    let key = status_key(reference, "anna@example.pl");
    assert_one_complaint_published(&dir, format!("{key}.json"));
    let record = read_status(&dir.publish(), &key);
    assert_eq!(record.reference, reference);
    assert_eq!(record.category, "delivery");
    assert_eq!(record.history.len(), 1);
    assert_eq!(record.history[0].stage, Stage::Received);
    let text = std::fs::read_to_string(dir.publish().join(format!("{key}.json"))).unwrap();
    for personal in [
        "Anna",
        "Example",
        "Secret-Description",
        "NW-1001",
        "parcel.jpg",
    ] {
        assert!(!text.contains(personal), "the status file holds {personal}");
    }

    let served = server.get(&format!("/api/v1/status/{key}.json"));
    assert_eq!(served.status, 200);
    assert_eq!(served.header("cache-control"), Some("no-cache"));
    assert!(served
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(served.text(), text);

    assert_eq!(dir.count("complaints"), 1);
    assert_eq!(dir.count("stages"), 1);
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let stored: Vec<u8> = conn
        .query_row(
            "SELECT b.content FROM attachments a JOIN blobs b ON b.sha256 = a.sha256",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, photo);
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");

    let log = server.log();
    assert!(
        log.contains(reference),
        "the log names the reference: {log}"
    );
    for personal in [
        "Anna",
        "anna",
        "Secret-Description",
        "NW-1001",
        "parcel.jpg",
        &key,
        "127.0.0.1 ",
    ] {
        assert!(!log.contains(personal), "the log holds {personal}: {log}");
    }
}

#[test]
fn a_customer_without_email_gets_a_pin_that_names_their_status_file() {
    let dir = TempDir::new("pin");
    let server = Server::start(&dir, &[], &[]);
    let mut body = complaint("key-pin");
    body["contact"] = json!({ "name": "Jin Park", "phone": "+82 10 1234 5678", "preferred": "phone", "consent": true });
    body["locale"] = json!("ko");
    let reply = server.post(Some("key-pin"), &body_of(&body, &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let answer = reply.json();
    let pin = answer["pin"].as_str().unwrap();
    assert_eq!(pin.len(), 9);
    assert_eq!(&pin[4..5], "-");
    let key = status_key(answer["reference"].as_str().unwrap(), &pin.to_lowercase());
    assert_one_complaint_published(&dir, format!("{key}.json"));
}

#[test]
fn the_same_key_and_body_get_the_first_answer_and_a_different_body_is_refused() {
    let dir = TempDir::new("idempotent");
    let server = Server::start(&dir, &[], &[]);
    let body = complaint("key-1");
    let first = server.post(Some("key-1"), &body_of(&body, &[]));
    assert_eq!(first.status, 201);
    // A resend from the outbox: a new multipart boundary and a recomputed fill time.
    let mut resent = body.clone();
    resent["spam_signals"]["fill_seconds"] = json!(900);
    let again = server.post(Some("key-1"), &body_of(&resent, &[]));
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body, "byte for byte");

    // Days later (keys are kept as long as their complaint), the outbox's retry still gets the first answer.
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.execute(
        "UPDATE idempotency_keys SET created_at = created_at - 3 * 86400",
        [],
    )
    .unwrap();
    let later = server.post(Some("key-1"), &body_of(&body, &[]));
    assert_eq!(later.body, first.body);

    let mut changed = body.clone();
    changed["description"] = json!("Something else entirely.");
    let refused = server.post(Some("key-1"), &body_of(&changed, &[]));
    assert_eq!(refused.status, 422);
    assert!(
        refused.message().contains("Idempotency-Key"),
        "{}",
        refused.message()
    );
    assert_eq!(refused.code(), "key_reused");
    assert_eq!(dir.count("complaints"), 1);
    assert_eq!(dir.count("idempotency_keys"), 1);
    assert_eq!(
        dir.published().len(),
        2,
        "one complaint, under both its names"
    );
}

#[test]
fn a_key_still_being_received_gets_409_and_the_first_request_completes() {
    let dir = TempDir::new("in-progress");
    let server = Server::start(&dir, &[], &[]);
    let body = body_of(&complaint("key-slow"), &[]);
    let request = post_request(
        &server.addr,
        Some("key-slow"),
        &body,
        &[("Expect", "100-continue")],
    );
    let head_end = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let mut first = connect(&server.addr);
    first.write_all(&request[..head_end]).unwrap();
    // The server asks for the body only once the handler reads it, after the key is claimed: a state to wait
    // for, not a pause to guess.
    let mut interim = [0u8; 25];
    std::io::Read::read_exact(&mut first, &mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    let split = request.len() - 40;
    first.write_all(&request[head_end..split]).unwrap();

    let second = server.post(Some("key-slow"), &body);
    assert_eq!(second.status, 409, "{}", second.text());
    assert!(second.message().contains("still being received"));
    assert_eq!(second.code(), "key_in_progress");

    first.write_all(&request[split..]).unwrap();
    let done = read_reply(&mut first);
    assert_eq!(done.status, 201, "{}", done.text());
    let replay = server.post(Some("key-slow"), &body);
    assert_eq!(replay.body, done.body);
    assert_eq!(dir.count("complaints"), 1);
}

#[test]
fn concurrent_duplicates_make_one_complaint() {
    let dir = TempDir::new("concurrent");
    let server = Server::start(&dir, &[], &[]);
    let request = post_request(
        &server.addr,
        Some("key-race"),
        &body_of(&complaint("key-race"), &[]),
        &[],
    );
    let replies: Vec<Reply> = thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| send(&server.addr, &request)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let accepted: Vec<&Reply> = replies.iter().filter(|r| r.status == 201).collect();
    assert!(!accepted.is_empty());
    assert!(
        replies.iter().all(|r| r.status == 201 || r.status == 409),
        "{replies:?}"
    );
    assert!(
        accepted.iter().all(|r| r.body == accepted[0].body),
        "every 201 is the same answer"
    );
    assert_eq!(dir.count("complaints"), 1);
    assert_eq!(
        dir.published().len(),
        2,
        "one complaint, under both its names"
    );
}

#[test]
fn a_crash_between_commit_and_answer_loses_nothing_and_files_nothing_twice() {
    let dir = TempDir::new("crash");
    let body = body_of(&complaint("key-crash"), &[]);
    let crashing = Server::start(&dir, &[], &[("COMPLAINT_INTAKE_CRASH_AFTER_COMMIT", "1")]);
    let request = post_request(&crashing.addr, Some("key-crash"), &body, &[]);
    let mut stream = connect(&crashing.addr);
    stream.write_all(&request).unwrap();
    let mut raw = Vec::new();
    let _ = std::io::Read::read_to_end(&mut stream, &mut raw);
    assert!(parse_reply(&raw).is_none(), "the customer got no answer");
    assert!(!crashing.wait_for_exit().success());
    assert_eq!(dir.count("complaints"), 1, "committed before the crash");
    assert!(
        dir.published().is_empty(),
        "the crash came before publishing"
    );

    // The phone's outbox sends again, with the same key, to the restarted service.
    let restarted = Server::start(&dir, &[], &[]);
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let stored: String = conn
        .query_row("SELECT reference FROM complaints", [], |r| r.get(0))
        .unwrap();
    assert_one_complaint_published(
        &dir,
        format!("{}.json", status_key(&stored, "anna@example.pl")),
    );
    let retry = restarted.post(Some("key-crash"), &body);
    assert_eq!(retry.status, 201, "{}", retry.text());
    assert_eq!(retry.json()["reference"], json!(stored));
    assert_eq!(dir.count("complaints"), 1);
}

#[test]
fn a_status_file_that_could_not_be_written_is_written_on_the_phones_retry() {
    let dir = TempDir::new("publish-retry");
    let server = Server::start(&dir, &[], &[]);
    // The publish folder becomes a plain file: no status file can be written there.
    let _ = std::fs::remove_dir_all(dir.publish());
    std::fs::write(dir.publish(), b"not a folder").unwrap();
    let body = body_of(&complaint("key-publish"), &[]);
    let first = server.post(Some("key-publish"), &body);
    assert_eq!(first.status, 201, "stored, so accepted: {}", first.text());

    std::fs::remove_file(dir.publish()).unwrap();
    std::fs::create_dir(dir.publish()).unwrap();
    assert!(dir.published().is_empty());
    let retry = server.post(Some("key-publish"), &body);
    assert_eq!(retry.status, 201);
    assert_eq!(retry.json()["reference"], first.json()["reference"]);
    let reference = first.json()["reference"].as_str().unwrap().to_owned();
    assert_one_complaint_published(
        &dir,
        format!("{}.json", status_key(&reference, "anna@example.pl")),
    );
    assert_eq!(dir.count("complaints"), 1);
}

#[test]
fn flagged_complaints_are_held_in_quarantine_answered_alike_and_released_by_the_back_office() {
    let dir = TempDir::new("spam");
    let server = Server::start(&dir, &[], &[]);
    // A browser's autofill filled the hidden field; a phone whose clock moved back sent fill_seconds 0.
    let mut autofilled = complaint("key-autofill");
    autofilled["spam_signals"]["honeypot_filled"] = json!(true);
    let mut clock_moved = complaint("key-clock");
    clock_moved["spam_signals"]["fill_seconds"] = json!(0);
    let mut references = Vec::new();
    for (key, body) in [("key-autofill", &autofilled), ("key-clock", &clock_moved)] {
        let first = server.post(Some(key), &body_of(body, &[]));
        assert_eq!(first.status, 201, "{}", first.text());
        let reference = first.json()["reference"].as_str().unwrap().to_owned();
        assert!(is_reference(&reference));
        assert!(
            server.log().contains(&format!("quarantined {reference}")),
            "{}",
            server.log()
        );
        // The phone's retry gets the first answer byte for byte: nothing tells a bot it was flagged.
        let again = server.post(Some(key), &body_of(body, &[]));
        assert_eq!(again.status, 201);
        assert_eq!(again.body, first.body);
        references.push(reference);
    }
    assert_eq!(dir.count("complaints"), 2, "kept, not lost");
    assert_eq!(dir.count("idempotency_keys"), 2);
    assert!(dir.published().is_empty(), "nothing tracks while held");

    let held = dir.cli(&["list", "--quarantine"]);
    assert!(held.status.success());
    let text = String::from_utf8_lossy(&held.stdout).into_owned();
    assert!(
        text.contains(&references[0]) && text.contains("the hidden field was filled in"),
        "{text}"
    );
    assert!(
        text.contains(&references[1]) && text.contains("sent 0 s after starting (under 3 s)"),
        "{text}"
    );
    let open = String::from_utf8_lossy(&dir.cli(&["list"]).stdout).into_owned();
    assert!(
        !open.contains(&references[0]),
        "held ones are not in the open list: {open}"
    );
    let refused = dir.cli(&["acknowledge", &references[0], "--message", "Hi"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in quarantine"));

    // Released: the reference the customer was given tracks from now on.
    let released = dir.cli(&["release", &references[0]]);
    assert!(
        released.status.success(),
        "{}",
        String::from_utf8_lossy(&released.stderr)
    );
    let key = status_key(&references[0], "anna@example.pl");
    assert_one_complaint_published(&dir, format!("{key}.json"));
    assert_eq!(
        server.get(&format!("/api/v1/status/{key}.json")).status,
        200
    );
    assert_eq!(read_status(&dir.publish(), &key).reference, references[0]);
    assert_eq!(dir.cli(&["release", &references[0]]).status.code(), Some(1));

    // The other was a bot's after all: deleted, with its key.
    let deleted = dir.cli(&["delete", &references[1]]);
    assert!(deleted.status.success());
    assert_eq!(dir.count("complaints"), 1);
    assert_eq!(dir.count("idempotency_keys"), 1);
    assert_eq!(
        dir.cli(&["delete", &references[0]]).status.code(),
        Some(1),
        "only a held complaint is deleted this way"
    );
    assert_eq!(
        dir.published().len(),
        2,
        "one complaint, under both its names"
    );
}

/// The service still files a good complaint after whatever came before.
fn still_answers(server: &Server, key: &str) {
    let reply = server.post(Some(key), &body_of(&complaint(key), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
}

#[test]
fn bad_input_gets_a_clear_4xx_and_nothing_is_written() {
    let dir = TempDir::new("bad-input");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let good = complaint("k");

    let missing_key = server.post(None, &body_of(&good, &[]));
    assert_eq!(missing_key.status, 400);
    assert!(missing_key.message().contains("Idempotency-Key"));
    assert_eq!(missing_key.code(), "key_invalid");

    let malformed = server.post(Some("k"), &multipart(b"{\"schema_version\": 1,", &[]));
    assert_eq!(malformed.status, 400);
    assert!(
        malformed.message().contains("not valid JSON"),
        "{}",
        malformed.message()
    );
    assert_eq!(malformed.code(), "not_json");

    let mut wrong_type = good.clone();
    wrong_type["happened_on"] = json!(20250106);
    let reply = server.post(Some("k"), &body_of(&wrong_type, &[]));
    assert_eq!(reply.status, 400);
    assert!(
        reply.message().contains("missing or wrong answer"),
        "{}",
        reply.message()
    );
    assert_eq!(reply.code(), "wrong_shape");

    let mut no_contact = good.clone();
    no_contact["contact"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert_eq!(
        server.post(Some("k"), &body_of(&no_contact, &[])).status,
        400
    );

    let mut unknown = good.clone();
    unknown["category"] = json!("time-travel");
    unknown["locale"] = json!("pl");
    let reply = server.post(Some("k"), &body_of(&unknown, &[]));
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.message(),
        "Wybierz, czego dotyczy zgłoszenie.",
        "in the customer's language"
    );
    assert_eq!(reply.code(), "invalid");
    assert_eq!(
        reply.json().as_object().map(|o| o.len()),
        Some(2),
        "message and code, nothing else: {}",
        reply.text()
    );

    let mut forged = good.clone();
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    let file = attach(&mut forged, "photo.jpg", "image/jpeg", &exe);
    let reply = server.post(Some("k"), &body_of(&forged, &[file]));
    assert_eq!(reply.status, 422);
    assert!(
        reply.message().contains("“photo.jpg”"),
        "{}",
        reply.message()
    );

    let mut big = good.clone();
    let photo = jpeg(65 * 1024);
    let file = attach(&mut big, "huge.jpg", "image/jpeg", &photo);
    let reply = server.post(Some("k"), &body_of(&big, &[file]));
    assert_eq!(reply.status, 422);
    assert!(
        reply.message().contains("larger than"),
        "{}",
        reply.message()
    );

    let not_multipart = send(
        &server.addr,
        format!(
            "POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nConnection: close\r\nIdempotency-Key: k\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{good}",
            good.to_string().len()
        )
        .as_bytes(),
    );
    assert_eq!(not_multipart.status, 415);
    assert_eq!(not_multipart.code(), "not_multipart");

    let mut other_key = good.clone();
    other_key["draft_id"] = json!("another");
    let reply = server.post(Some("k"), &body_of(&other_key, &[]));
    assert_eq!((reply.status, reply.code().as_str()), (400, "key_mismatch"));

    assert_eq!(dir.count("complaints"), 0);
    assert!(dir.published().is_empty());
    still_answers(&server, "k");
}

#[test]
fn a_huge_body_is_refused_before_it_is_read() {
    let dir = TempDir::new("huge");
    let server = Server::start(&dir, &[], &[]);
    let mut stream = connect(&server.addr);
    stream
        .write_all(
            b"POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000000000\r\n\r\n--b\r\n",
        )
        .unwrap();
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 413);
    assert!(
        reply.message().contains("larger than"),
        "{}",
        reply.message()
    );
    assert_eq!(reply.code(), "too_large");

    // Without a length up front (chunked), the limit stops the read part-way.
    let mut stream = connect(&server.addr);
    stream
        .write_all(
            b"POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k2\r\nContent-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .unwrap();
    let head =
        b"--b\r\nContent-Disposition: form-data; name=\"complaint\"; filename=\"c.json\"\r\n\r\n";
    let _ = stream.write_all(format!("{:x}\r\n", head.len()).as_bytes());
    let _ = stream.write_all(head);
    let _ = stream.write_all(b"\r\n");
    let chunk = vec![b'x'; 256 * 1024];
    for _ in 0..8 {
        if stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .is_err()
            || stream.write_all(&chunk).is_err()
            || stream.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 413, "{}", reply.text());
    assert_eq!(dir.count("complaints"), 0);
    still_answers(&server, "after-huge");
}

#[test]
fn slow_bodies_and_slow_headers_time_out_and_the_service_stays_up() {
    let dir = TempDir::new("slowloris");
    let server = Server::start(&dir, &["--body-timeout", "1", "--header-timeout", "1"], &[]);
    let request = post_request(
        &server.addr,
        Some("k-slow"),
        &body_of(&complaint("k-slow"), &[]),
        &[],
    );
    let mut slow_body = connect(&server.addr);
    slow_body.write_all(&request[..request.len() - 30]).unwrap();
    let started = std::time::Instant::now();
    let reply = read_reply(&mut slow_body);
    assert_eq!(reply.status, 408, "{}", reply.text());
    assert_eq!(reply.code(), "too_slow");
    assert!(started.elapsed() < Duration::from_secs(5));

    let mut slow_headers = connect(&server.addr);
    slow_headers
        .write_all(b"POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nIdem")
        .unwrap();
    let mut raw = Vec::new();
    let closed = std::io::Read::read_to_end(&mut slow_headers, &mut raw);
    assert!(
        closed.is_ok() || !raw.is_empty(),
        "the connection was closed: {closed:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(8));
    if let Some(reply) = parse_reply(&raw) {
        assert_eq!(reply.status, 408);
    }

    assert_eq!(dir.count("complaints"), 0);
    still_answers(&server, "k-slow");
}

#[test]
fn too_many_complaints_from_one_address_are_slowed_down() {
    let dir = TempDir::new("rate");
    let server = Server::start(&dir, &["--rate-limit", "3"], &[]);
    for i in 0..3 {
        let key = format!("rate-{i}");
        assert_eq!(
            server
                .post(Some(&key), &body_of(&complaint(&key), &[]))
                .status,
            201
        );
    }
    let reply = server.post(Some("rate-4"), &body_of(&complaint("rate-4"), &[]));
    assert_eq!(reply.status, 429);
    assert!(reply.header("retry-after").is_some());
    assert_eq!(reply.code(), "rate_limited");
    assert!(
        server.log().contains("429 ") && server.log().contains("ms rate_limited"),
        "the log names the code: {}",
        server.log()
    );
    assert_eq!(dir.count("complaints"), 3);
}

#[test]
fn cors_is_open_only_to_listed_origins() {
    let dir = TempDir::new("cors");
    let server = Server::start(&dir, &["--allow-origin", "https://shop.example"], &[]);
    let preflight = |origin: &str| {
        send(
            &server.addr,
            format!(
                "OPTIONS /api/v1/complaints HTTP/1.1\r\nHost: intake.example\r\nConnection: close\r\nOrigin: {origin}\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: idempotency-key\r\n\r\n"
            )
            .as_bytes(),
        )
    };
    let allowed = preflight("https://shop.example");
    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://shop.example")
    );
    assert!(allowed
        .header("access-control-allow-headers")
        .unwrap()
        .contains("Idempotency-Key"));
    assert!(allowed
        .header("access-control-allow-headers")
        .unwrap()
        .contains("Content-Type"));
    let refused = preflight("https://evil.example");
    assert_eq!(refused.status, 403);
    assert_eq!(refused.header("access-control-allow-origin"), None);

    let body = body_of(&complaint("cors-1"), &[]);
    let from = |origin: &str, key: &str| {
        send(
            &server.addr,
            &post_request(&server.addr, Some(key), &body, &[("Origin", origin)]),
        )
    };
    let foreign = from("https://evil.example", "cors-1");
    assert_eq!(foreign.status, 403);
    assert_eq!(foreign.code(), "origin_not_allowed");
    let listed = from("https://shop.example", "cors-1");
    assert_eq!(listed.status, 201, "{}", listed.text());
    assert_eq!(
        listed.header("access-control-allow-origin"),
        Some("https://shop.example")
    );
    let own = from(&format!("http://{}", server.addr), "cors-1");
    assert_eq!(own.status, 201, "the app on the same origin");
    assert_eq!(dir.count("complaints"), 1);
}

#[test]
fn the_site_is_served_with_app_routes_and_status_files_but_never_a_listing() {
    let dir = TempDir::new("site");
    let site = dir.0.join("dist");
    let demo_status = site.join("api/v1/status");
    std::fs::create_dir_all(&demo_status).unwrap();
    std::fs::write(site.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(site.join("app.wasm"), b"\0asm").unwrap();
    let demo_key = status_key("CMP-DEMO-0001", "demo@example.com");
    let demo = std::fs::read_to_string(format!(
        "{}/../../public/api/v1/status/{demo_key}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    std::fs::write(demo_status.join(format!("{demo_key}.json")), &demo).unwrap();
    std::fs::write(dir.0.join("secret.txt"), "outside the site").unwrap();
    let server = Server::start(&dir, &["--site", site.to_str().unwrap()], &[]);

    let home = server.get("/");
    assert_eq!(
        (home.status, home.text().contains("<title>app")),
        (200, true)
    );
    let track = server.get("/track?ref=x");
    assert_eq!(
        (track.status, track.text().contains("<title>app")),
        (200, true)
    );
    assert_eq!(
        server.get("/app.wasm").header("content-type"),
        Some("application/wasm")
    );
    assert_eq!(server.get("/missing.js").status, 404);
    assert_eq!(server.get("/../secret.txt").status, 404);
    assert_eq!(server.get("/%2e%2e/secret.txt").status, 404);
    assert_eq!(server.get("/api/v1/status/").status, 404);
    assert_eq!(server.get("/api/v1/").status, 404);
    let listing = server.get("/api/v1/status");
    assert!(!listing.text().contains(&demo_key));

    let served = server.get(&format!("/api/v1/status/{demo_key}.json"));
    assert_eq!(served.status, 200);
    assert_eq!(served.text(), demo);
    assert_eq!(served.header("cache-control"), Some("no-cache"));
    let unknown = server.get(&format!("/api/v1/status/{}.json", "0".repeat(64)));
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.message(),
        "We could not find a complaint with those details."
    );
    assert_eq!(unknown.code(), "not_found");

    // What the service publishes is found first.
    let reply = server.post(Some("site-1"), &body_of(&complaint("site-1"), &[]));
    let key = status_key(
        reply.json()["reference"].as_str().unwrap(),
        "anna@example.pl",
    );
    assert_eq!(
        server.get(&format!("/api/v1/status/{key}.json")).status,
        200
    );
    assert_eq!(server.get("/api/v1/complaints").status, 405);
}

#[test]
fn a_complaint_part_over_256_kib_is_refused_with_413_and_nothing_is_stored() {
    let dir = TempDir::new("padding");
    let server = Server::start(&dir, &[], &[]);
    let mut padded = complaint("key-padded");
    padded["padding"] = json!("x".repeat(300 * 1024));
    let reply = server.post(Some("key-padded"), &body_of(&padded, &[]));
    assert_eq!(reply.status, 413, "{}", reply.text());
    assert_eq!(reply.code(), "too_large");
    assert!(reply.message().contains("256 KB"), "{}", reply.message());
    assert_eq!(dir.count("complaints"), 0);
    still_answers(&server, "after-padding");
}

#[test]
fn unknown_fields_are_refused_and_the_stored_complaint_is_the_canonical_json() {
    let dir = TempDir::new("canonical");
    let server = Server::start(&dir, &[], &[]);
    let mut extra = complaint("key-extra");
    extra["padding"] = json!("x".repeat(1000));
    extra["contact"]["fax"] = json!("+44 20 0000 0000");
    let reply = server.post(Some("key-extra"), &body_of(&extra, &[]));
    assert_eq!(reply.status, 400, "{}", reply.text());
    assert_eq!(reply.code(), "wrong_shape");
    assert!(
        reply.message().contains("contact.fax") && reply.message().contains("padding"),
        "{}",
        reply.message()
    );
    assert_eq!(dir.count("complaints"), 0);

    // A complaint stored before unknown fields were refused, retried with them by its client: still the
    // same complaint, so the first answer, not a 400.
    let plain = complaint("key-before");
    let first = server.post(Some("key-before"), &body_of(&plain, &[]));
    assert_eq!(first.status, 201, "{}", first.text());
    let mut retried = plain.clone();
    retried["client_version"] = json!("3.1");
    let again = server.post(Some("key-before"), &body_of(&retried, &[]));
    assert_eq!(
        (again.status, &again.body),
        (201, &first.body),
        "{}",
        again.text()
    );

    // Spaced out, with a null the contract leaves out: accepted, and stored as the parsed answers.
    let mut good = complaint("key-canonical");
    good["contact"]["phone"] = json!(null);
    let spaced = serde_json::to_string_pretty(&good).unwrap();
    let reply = server.post(Some("key-canonical"), &multipart(spaced.as_bytes(), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let stored: String = conn
        .query_row(
            "SELECT submission FROM complaints JOIN idempotency_keys ON complaint_id = id
             WHERE key = 'key-canonical'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let parsed: complaint_domain::submission::Submission = serde_json::from_str(&spaced).unwrap();
    assert_eq!(stored, serde_json::to_string(&parsed).unwrap());
    assert!(
        !stored.contains('\n') && !stored.contains("phone"),
        "{stored}"
    );
}

#[test]
fn a_long_attachment_list_is_refused_for_its_length_in_one_sentence() {
    let dir = TempDir::new("many-entries");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let mut many = complaint("key-many");
    many["attachments"] = json!(vec![
        json!({"id": "", "name": "", "kind": "image/jpeg", "bytes": 1});
        2000
    ]);
    let reply = server.post(Some("key-many"), &body_of(&many, &[]));
    assert_eq!(reply.status, 422, "{}", reply.text());
    assert_eq!(reply.code(), "invalid");
    assert_eq!(reply.message(), "You can add up to 2 files.");

    // Half a million empty entries are over the part's cap before anything is parsed.
    let entries = format!("[{}{{}}]", "{},".repeat(499_999));
    let text = complaint("key-empty")
        .to_string()
        .replace("\"attachments\":[]", &format!("\"attachments\":{entries}"));
    let reply = server.post(Some("key-empty"), &multipart(text.as_bytes(), &[]));
    assert_eq!(reply.status, 413, "{}", reply.text());
    assert!(reply.body.len() < 1024, "{} bytes", reply.body.len());

    // Thousands of answers to questions nobody asked: the refusal names ten.
    let mut nosy = complaint("key-nosy");
    for i in 0..5000 {
        nosy["details"][format!("q{i:05}")] = json!("x");
    }
    let reply = server.post(Some("key-nosy"), &body_of(&nosy, &[]));
    assert_eq!(reply.status, 422, "{}", reply.text());
    assert!(
        reply.message().contains("and 4990 more") && reply.message().len() < 1000,
        "{}",
        reply.message()
    );
    assert_eq!(dir.count("complaints"), 0);
}

#[test]
fn an_oversized_complaint_part_is_refused_as_soon_as_it_passes_the_cap() {
    let dir = TempDir::new("padding-early");
    // A long body timeout: only an answer before the body ends can come in time.
    let server = Server::start(&dir, &["--body-timeout", "60"], &[]);
    let mut stream = connect(&server.addr);
    stream
        .write_all(
            b"POST /api/v1/complaints HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1100000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"complaint\"; filename=\"c.json\"\r\n\r\n{\"padding\": \"",
        )
        .unwrap();
    // 600 KiB of a body within the limit (1.1 MB with the tests' file limits), then nothing: the rest never
    // comes, so only a server that stops at the part's cap answers before the timeout.
    let _ = stream.write_all(&vec![b'x'; 600 * 1024]);
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 413, "{}", reply.text());
    assert_eq!(reply.code(), "too_large");
    assert!(reply.message().contains("256 KB"), "{}", reply.message());
    assert_eq!(reply.header("connection"), Some("close"));
    still_answers(&server, "after-early");
}

/// One complaint's status file is published under `name` (the one its email or PIN finds), and once more under
/// the name its mail link finds (the Reply-Proof in place of the email, so no address is in a link).
fn assert_one_complaint_published(dir: &TempDir, name: String) {
    let published = dir.published();
    assert!(published.contains(&name), "{name} in {published:?}");
    assert_eq!(published.len(), 2, "{published:?}");
}
