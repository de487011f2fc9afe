//! Cheap requests that once cost the intake far more than they carried (issue 21): replies that made it read
//! large uploads before their proof was checked, files stored once per naming, and mail that grew with every
//! reply. Each attack is replayed over real HTTP on loopback, bounded in count and time, and the figure it
//! once inflated (memory peak, bytes stored per byte sent, mails per complaint) is measured and printed.

mod support;

use std::io::Write;
use std::sync::{Arc, Barrier};

use serde_json::{json, Value};
use support::*;

const MIB: usize = 1024 * 1024;

/// The demo organisation with files up to `max_bytes`, `max_count` to a complaint or reply.
fn with_limits(dir: &TempDir, max_bytes: usize, max_count: usize) {
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.config()).unwrap()).unwrap();
    config["limits"]["attachments"]["max_bytes"] = json!(max_bytes);
    config["limits"]["attachments"]["max_count"] = json!(max_count);
    std::fs::write(dir.config(), config.to_string()).unwrap();
}

/// Sends `bytes` whole as the upload named by their hash; returns the hash.
fn upload(server: &Server, bytes: &[u8]) -> String {
    let hash = sha256_hex(bytes);
    let mut request = patch_head(&server.addr, &hash, 0, bytes.len() as u64, bytes.len());
    request.extend_from_slice(bytes);
    let reply = send(&server.addr, &request);
    assert_eq!(reply.status, 204, "{}", reply.text());
    hash
}

fn proof(dir: &TempDir, reference: &str) -> String {
    issued_proof(dir, reference, "anna@example.pl")
}

fn reply_request(addr: &str, reference: &str, proof: &str, key: &str, body: &Value) -> Vec<u8> {
    let body = body.to_string();
    format!(
        "POST /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {key}\r\nReply-Proof: {proof}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A reply's body naming uploaded files by hash.
fn naming(files: &[(&str, &str, usize, &str)]) -> Value {
    let attachments: Vec<Value> = files
        .iter()
        .map(|(name, kind, bytes, sha256)| {
            json!({ "name": name, "kind": kind, "bytes": bytes, "sha256": sha256 })
        })
        .collect();
    json!({ "text": "More.", "attachments": attachments })
}

fn file(server: &Server, key: &str) -> String {
    let reply = server.post(Some(key), &body_of(&complaint(key), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

#[test]
fn replies_refused_for_their_proof_or_reference_read_no_upload() {
    let dir = TempDir::new("refused-reads");
    with_limits(&dir, 16 * MIB, 2);
    let server = Server::start(&dir, &["--rate-limit", "1000"], &[]);
    let reference = file(&server, "reads-1");
    let (photo, paper) = (jpeg(16 * MIB), pdf(16 * MIB));
    let (photo_hash, paper_hash) = (upload(&server, &photo), upload(&server, &paper));
    drop((photo, paper));

    // A file that is not there tells nothing to a wrong proof: the neutral 404, not "upload it first". Had
    // the uploads been looked at before the proof, this would be 409 upload_missing.
    let absent = sha256_hex(b"never uploaded");
    let missing = naming(&[("a.jpg", "image/jpeg", 1000, &absent)]);
    for (target, key) in [(reference.as_str(), "miss-1"), ("CMP-0000-0000", "miss-2")] {
        let wrong = format!("{:064x}", 7);
        let answer = send(
            &server.addr,
            &reply_request(&server.addr, target, &wrong, key, &missing),
        );
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (404, "not_found"),
            "{}",
            answer.text()
        );
    }

    // Forty at once, each naming 32 MiB of uploads, from eight addresses (five each, within the bodies one
    // address may send at once, so that every one reaches the proof): all refused, none read.
    let big = naming(&[
        ("photo.jpg", "image/jpeg", 16 * MIB, &photo_hash),
        ("paper.pdf", "application/pdf", 16 * MIB, &paper_hash),
    ]);
    let before = server.peak_rss_kib();
    let start = Arc::new(Barrier::new(40));
    let senders: Vec<_> = (0..40)
        .map(|i| {
            let (addr, start, body) = (server.addr.clone(), Arc::clone(&start), big.clone());
            let reference = if i % 2 == 0 {
                reference.clone()
            } else {
                "CMP-0000-0000".to_owned()
            };
            std::thread::spawn(move || {
                let request = reply_request(
                    &addr,
                    &reference,
                    &format!("{i:064x}"),
                    &format!("big-{i}"),
                    &body,
                );
                let mut stream = connect_from(&format!("127.0.0.{}", 2 + i % 8), &addr, None);
                start.wait();
                let _ = stream.write_all(&request);
                read_reply(&mut stream).status
            })
        })
        .collect();
    let statuses: Vec<u16> = senders.into_iter().map(|s| s.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 404), "{statuses:?}");
    let grown = server.peak_rss_kib().saturating_sub(before);
    eprintln!(
        "40 refused replies naming 32 MiB each: peak memory {} MiB before, grew by {} MiB",
        before / 1024,
        grown / 1024
    );
    assert!(
        grown < 48 * 1024,
        "the peak grew by {} MiB: the uploads were read",
        grown / 1024
    );
    assert_eq!(dir.count("replies"), 0);
    assert_eq!(dir.count("reply_files"), 0);
}

/// The bytes the database's pages take now, as SQLite counts them (the write-ahead log included).
fn database_bytes(dir: &TempDir) -> i64 {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let pragma = |name: &str| -> i64 { conn.pragma_query_value(None, name, |r| r.get(0)).unwrap() };
    (pragma("page_count") - pragma("freelist_count")) * pragma("page_size")
}

/// A complaint naming uploaded files by hash (no file parts), about 1.4 KB as the review sent it.
fn complaint_naming(key: &str, files: &[(&str, &[u8])]) -> Value {
    let mut sent = complaint(key);
    sent["description"] = json!("My parcel never arrived. ".repeat(40));
    for (name, bytes) in files {
        sent["attachments"].as_array_mut().unwrap().push(json!({
            "id": format!("id-{name}"), "name": name, "kind": "application/pdf",
            "bytes": bytes.len(), "sha256": sha256_hex(bytes)
        }));
    }
    sent
}

/// Files a complaint from `source` (another loopback address is another customer).
fn post_from(server: &Server, source: &str, key: &str, sent: &Value) -> Reply {
    let mut stream = connect_from(source, &server.addr, None);
    let _ = stream.write_all(&post_request(
        &server.addr,
        Some(key),
        &body_of(sent, &[]),
        &[],
    ));
    read_reply(&mut stream)
}

#[test]
fn one_upload_named_by_ten_complaints_is_stored_once_and_never_twice_in_one() {
    let dir = TempDir::new("stored-once");
    with_limits(&dir, 4 * MIB, 5);
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let paper = pdf(2 * MIB);
    upload(&server, &paper);

    // Five times in one complaint: refused, in the customer's words, and nothing kept.
    let five = complaint_naming("twice-1", &[("a.pdf", &paper[..]); 5]);
    let refused = post_from(&server, "127.0.0.1", "twice-1", &five);
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (422, "invalid"),
        "{}",
        refused.text()
    );
    assert!(
        refused.message().contains("same file"),
        "{}",
        refused.text()
    );
    assert_eq!(dir.count("complaints"), 0);

    // Ten complaints naming it once each: the bytes are kept once.
    let before = database_bytes(&dir);
    let mut sent = 0usize;
    for i in 0..10 {
        let key = format!("once-{i}");
        let body = complaint_naming(&key, &[("a.pdf", &paper)]);
        sent += post_request(&server.addr, Some(&key), &body_of(&body, &[]), &[]).len();
        let answer = post_from(&server, "127.0.0.1", &key, &body);
        assert_eq!(answer.status, 201, "{}", answer.text());
    }
    let grown = database_bytes(&dir) - before;
    let sent = sent + paper.len();
    eprintln!(
        "ten complaints naming one 2 MiB upload: the database grew {} KiB for {} KiB sent (x{:.2})",
        grown / 1024,
        sent / 1024,
        grown as f64 / sent as f64
    );
    assert!(
        grown < (paper.len() + MIB) as i64,
        "the database grew {grown} bytes: the file was stored once per naming"
    );
    assert_eq!(dir.count("attachments"), 10);
    assert_eq!(dir.count("blobs"), 1);
    // And each complaint still gives its file back whole.
    let reference = post_from(
        &server,
        "127.0.0.1",
        "once-3",
        &complaint_naming("once-3", &[("a.pdf", &paper)]),
    )
    .json()["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = dir.0.join("a.pdf");
    let saved = dir.cli(&[
        "attachment",
        &reference,
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    assert_eq!(std::fs::read(&out).unwrap(), paper);

    // Twice in one reply: refused before anything is stored.
    let hash = sha256_hex(&paper);
    let twice = naming(&[
        ("a.pdf", "application/pdf", paper.len(), &hash),
        ("b.pdf", "application/pdf", paper.len(), &hash),
    ]);
    let answer = send(
        &server.addr,
        &reply_request(
            &server.addr,
            &reference,
            &proof(&dir, &reference),
            "twice-r",
            &twice,
        ),
    );
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (422, "invalid"),
        "{}",
        answer.text()
    );
    assert_eq!(dir.count("replies"), 0);
}

#[test]
fn an_address_has_a_days_bytes_of_files_and_the_database_a_ceiling() {
    let dir = TempDir::new("budgets");
    with_limits(&dir, 4 * MIB, 2);
    let server = Server::start(
        &dir,
        &["--rate-limit", "100", "--address-daily-mb", "3"],
        &[],
    );
    let (first, second) = (pdf(2 * MIB), pdf(2 * MIB + 1));
    upload(&server, &first);
    upload(&server, &second);
    let one = complaint_naming("day-1", &[("first.pdf", &first)]);
    assert_eq!(post_from(&server, "127.0.0.2", "day-1", &one).status, 201);
    // Another 2 MiB from the same address passes its 3 MiB for the day: wait, as the app's outbox does.
    let two = complaint_naming("day-2", &[("second.pdf", &second)]);
    let over = post_from(&server, "127.0.0.2", "day-2", &two);
    assert_eq!(
        (over.status, over.code().as_str()),
        (429, "files_budget"),
        "{}",
        over.text()
    );
    let wait: u64 = over.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 3600, "until the address's day is over: {wait} s");
    // A complaint without files from that address, and the same one from another, still go in.
    let plain = complaint_naming("day-3", &[]);
    assert_eq!(post_from(&server, "127.0.0.2", "day-3", &plain).status, 201);
    assert_eq!(post_from(&server, "127.0.0.3", "day-2", &two).status, 201);
    drop(server);

    // A database at its ceiling (1 MiB here) takes complaints, not more files.
    let full = Server::start(&dir, &["--rate-limit", "100", "--db-max-mb", "1"], &[]);
    let third = pdf(2 * MIB + 2);
    upload(&full, &third);
    let files = complaint_naming("full-1", &[("third.pdf", &third)]);
    let refused = post_from(&full, "127.0.0.4", "full-1", &files);
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (503, "storage_full"),
        "{}",
        refused.text()
    );
    assert!(refused.header("retry-after").is_some());
    assert_eq!(
        post_from(
            &full,
            "127.0.0.4",
            "full-2",
            &complaint_naming("full-2", &[])
        )
        .status,
        201
    );
    // A file it holds already takes no room.
    let again = complaint_naming("full-3", &[("first.pdf", &first)]);
    assert_eq!(post_from(&full, "127.0.0.4", "full-3", &again).status, 201);
}
