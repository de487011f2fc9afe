//! Evidence over a weak signal: files uploaded ahead of the complaint, resumable at any byte, paced by
//! silence and a minimum rate rather than a total time, and slow senders from one address unable to hold
//! the way in for everyone else. Real HTTP on 127.0.0.1, a real SQLite file.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::json;
use support::*;

/// Asks until the server has `want` bytes of the upload (a dropped connection is noticed a moment later).
fn await_offset(addr: &str, hash: &str, total: u64, want: u64) {
    let started = Instant::now();
    loop {
        let now = upload_offset(addr, hash, total);
        if now == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the server holds {now} bytes, not {want}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn named(complaint: &mut serde_json::Value, name: &str, kind: &str, bytes: &[u8]) {
    complaint["attachments"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "id": format!("id-{name}"), "name": name, "kind": kind, "bytes": bytes.len(),
            "sha256": sha256_hex(bytes)
        }));
}

fn stored_attachment(dir: &TempDir) -> Vec<u8> {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.query_row(
        "SELECT b.content FROM attachments a JOIN blobs b ON b.sha256 = a.sha256",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_file_cut_off_mid_way_goes_on_from_the_byte_it_reached_and_files_one_complaint() {
    let dir = TempDir::new("resume");
    let server = Server::start(&dir, &[], &[]);
    let file = pdf(60_000);
    let (hash, total) = (sha256_hex(&file), file.len() as u64);
    assert_eq!(upload_offset(&server.addr, &hash, total), 0);

    // The signal drops after 25,000 bytes: the connection simply ends.
    let mut first = connect(&server.addr);
    first
        .write_all(&patch_head(&server.addr, &hash, 0, total, file.len()))
        .unwrap();
    first.write_all(&file[..25_000]).unwrap();
    drop(first);
    await_offset(&server.addr, &hash, total, 25_000);

    // The retry sends only what is missing.
    let mut request = patch_head(&server.addr, &hash, 25_000, total, file.len() - 25_000);
    request.extend_from_slice(&file[25_000..]);
    let reply = send(&server.addr, &request);
    assert_eq!(reply.status, 204, "{}", reply.text());
    assert_eq!(reply.header("upload-offset"), Some("60000"));

    // A retry that still thinks it is at 10,000 skips what the server has instead of appending it twice.
    let mut late = patch_head(&server.addr, &hash, 10_000, total, file.len() - 10_000);
    late.extend_from_slice(&file[10_000..]);
    assert_eq!(send(&server.addr, &late).status, 204);

    let mut body = complaint("k-resume");
    named(&mut body, "invoice.pdf", "application/pdf", &file);
    let reply = server.post(Some("k-resume"), &body_of(&body, &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let again = server.post(Some("k-resume"), &body_of(&body, &[]));
    assert_eq!(again.body, reply.body);
    assert_eq!(dir.count("complaints"), 1);
    assert_eq!(stored_attachment(&dir), file);
}

#[test]
fn uploads_refuse_what_does_not_match_and_a_complaint_waits_for_its_files() {
    let dir = TempDir::new("upload-refusals");
    let server = Server::start(&dir, &[], &[]);
    let file = pdf(20_000);
    let total = file.len() as u64;

    // Bytes that do not hash to the name are not kept.
    let wrong = sha256_hex(b"another file");
    let mut request = patch_head(&server.addr, &wrong, 0, total, file.len());
    request.extend_from_slice(&file);
    let reply = send(&server.addr, &request);
    assert_eq!(reply.status, 422, "{}", reply.text());
    assert_eq!(reply.json()["code"], "upload_corrupt");
    assert_eq!(upload_offset(&server.addr, &wrong, total), 0);

    // An offset past what is stored gets the stored one back.
    let hash = sha256_hex(&file);
    let mut ahead = patch_head(&server.addr, &hash, 5_000, total, 100);
    ahead.extend_from_slice(&file[5_000..5_100]);
    let reply = send(&server.addr, &ahead);
    assert_eq!(reply.status, 409, "{}", reply.text());
    assert_eq!(reply.header("upload-offset"), Some("0"));

    // Over the organisation's limit (64 KiB here): refused before a byte is read.
    let reply = send(
        &server.addr,
        &patch_head(&server.addr, &hash, 0, 10 * 1024 * 1024, 10 * 1024 * 1024),
    );
    assert_eq!(reply.status, 413, "{}", reply.text());

    // A name that is not a hash never reaches the disk.
    let reply = send(
        &server.addr,
        &patch_head(&server.addr, "..%2F..%2Fetc", 0, 10, 10),
    );
    assert!(matches!(reply.status, 400 | 404), "{}", reply.status);

    // A complaint naming a file that has not arrived is not filed yet: 409, to be tried again.
    let mut body = complaint("k-missing");
    named(&mut body, "invoice.pdf", "application/pdf", &file);
    let reply = server.post(Some("k-missing"), &body_of(&body, &[]));
    assert_eq!(reply.status, 409, "{}", reply.text());
    assert_eq!(reply.json()["code"], "upload_missing");
    assert_eq!(dir.count("complaints"), 0);

    // A file sent inside the request that names a hash must match it.
    let mut body = complaint("k-mismatch");
    named(&mut body, "invoice.pdf", "application/pdf", &pdf(20_001));
    let reply = server.post(
        Some("k-mismatch"),
        &body_of(&body, &[("invoice.pdf", &file)]),
    );
    assert_eq!(reply.status, 422, "{}", reply.text());
    assert_eq!(dir.count("complaints"), 0);
}

#[test]
fn a_body_is_paced_by_silence_and_a_floor_never_by_its_total_time() {
    let dir = TempDir::new("pace");
    // Old flag, kept working: it now means one second of silence, not one second in all.
    let server = Server::start(
        &dir,
        &[
            "--body-timeout",
            "1",
            "--min-rate",
            "4000",
            "--rate-window",
            "1",
        ],
        &[],
    );
    let file = jpeg(60_000);
    let mut body = complaint("k-steady");
    let part = attach(&mut body, "photo.jpg", "image/jpeg", &file);
    let request = post_request(
        &server.addr,
        Some("k-steady"),
        &body_of(&body, &[part]),
        &[],
    );

    // About 20 KB a second for three seconds: three times the old total, well above the floor.
    let started = Instant::now();
    let mut steady = connect(&server.addr);
    for piece in request.chunks(2_000) {
        steady.write_all(piece).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    let reply = read_reply(&mut steady);
    assert!(started.elapsed() > Duration::from_secs(2));
    assert_eq!(reply.status, 201, "{}", reply.text());

    // A trickle under the floor is cut, and what it delivered of an upload is kept.
    let upload = pdf(60_000);
    let hash = sha256_hex(&upload);
    let mut trickle = connect(&server.addr);
    trickle
        .write_all(&patch_head(&server.addr, &hash, 0, 60_000, 60_000))
        .unwrap();
    trickle
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let started = Instant::now();
    let mut sent = 0;
    let mut reply = None;
    let mut raw = Vec::new();
    while reply.is_none() && started.elapsed() < Duration::from_secs(10) {
        // Once cut, the server may close before the next write; the answer is read all the same.
        if trickle.write_all(&upload[sent..sent + 100]).is_ok() {
            sent += 100;
        }
        let mut buffer = [0u8; 512];
        match std::io::Read::read(&mut trickle, &mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                raw.extend_from_slice(&buffer[..n]);
                reply = parse_reply(&raw);
            }
            Err(_) => {}
        }
    }
    let reply = reply.expect("the trickle was never cut");
    assert_eq!(reply.status, 408);
    assert!(upload_offset(&server.addr, &hash, 60_000) > 0);
    assert_eq!(dir.count("complaints"), 1);
}

#[test]
fn slow_senders_from_one_address_cannot_hold_the_way_in_for_a_customer_elsewhere() {
    let dir = TempDir::new("permits");
    let server = Server::start(&dir, &[], &[]);
    // Eight uploads from one address that send their headers and ten bytes, then nothing.
    let mut stalled = Vec::new();
    let mut turned_away = 0;
    for i in 0..8 {
        let key = format!("k-stall-{i}");
        let request = post_request(
            &server.addr,
            Some(&key),
            &body_of(&complaint(&key), &[("x.jpg", &jpeg(60_000))]),
            &[],
        );
        let mut stream = connect_from("127.0.0.2", &server.addr, None);
        stream
            .write_all(&request[..request.len() - 60_000])
            .unwrap();
        stream.write_all(&[0; 10]).unwrap();
        stalled.push(stream);
    }
    // Beyond two (whichever two the service reached first), they are told at once to come back later; the
    // two that hold a place get no answer while they stall.
    let mut hanging = 0;
    for stream in stalled.iter_mut() {
        stream
            .set_read_timeout(Some(Duration::from_secs(3)))
            .unwrap();
        let mut raw = Vec::new();
        let _ = std::io::Read::read_to_end(stream, &mut raw);
        match parse_reply(&raw) {
            Some(reply) => {
                assert_eq!(reply.status, 429, "{}", reply.text());
                assert!(reply.header("retry-after").is_some());
                turned_away += 1;
            }
            None => hanging += 1,
        }
    }
    assert_eq!((turned_away, hanging), (6, 2));

    // A customer elsewhere sends 60 KB of photos and is answered at once, while the two still hang.
    let photo = jpeg(60_000);
    let mut body = complaint("k-customer");
    let part = attach(&mut body, "photo.jpg", "image/jpeg", &photo);
    let started = Instant::now();
    let mut customer = connect_from("127.0.0.3", &server.addr, None);
    customer
        .write_all(&post_request(
            &server.addr,
            Some("k-customer"),
            &body_of(&body, &[part]),
            &[],
        ))
        .unwrap();
    let reply = read_reply(&mut customer);
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(stalled);
}
