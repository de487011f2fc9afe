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

    // Forty at once, each naming 32 MiB of uploads, from four addresses: all refused, none read.
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
                let mut stream = connect_from(&format!("127.0.0.{}", 2 + i % 4), &addr, None);
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
