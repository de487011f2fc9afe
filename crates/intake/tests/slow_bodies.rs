//! Bodies sent slowly on purpose from a few addresses (issue 21, items 1 and 6): each one stays above the
//! minimum rate, so none is cut for its pace, and a customer elsewhere must still be served at once. Real
//! HTTP on loopback; the attackers are 127.0.0.1x and 127.0.0.2x, the customer another address. Every
//! attacking thread stops by itself within its time bound.

mod support;

use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::*;

/// Writes `bytes` a little at a time on every stream, about `per_second` bytes a second each, until
/// `stop` or `limit`; a stream the service has closed is left alone.
fn trickle(
    mut streams: Vec<TcpStream>,
    per_second: usize,
    stop: Arc<AtomicBool>,
    limit: Duration,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let started = Instant::now();
        let piece = vec![b'x'; per_second / 10];
        let mut open = vec![true; streams.len()];
        while !stop.load(Ordering::Relaxed) && started.elapsed() < limit {
            for (stream, open) in streams.iter_mut().zip(open.iter_mut()) {
                if *open && stream.write_all(&piece).is_err() {
                    *open = false;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    })
}

/// The head of a complaint with one attachment part, declaring `total` bytes, of which only the head is
/// written: the rest is the file part's content, to be trickled.
fn complaint_head(addr: &str, key: &str, total: usize) -> Vec<u8> {
    let boundary = "----slow";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"complaint\"; filename=\"complaint.json\"\r\nContent-Type: application/json\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"x.jpg\"\r\nContent-Type: application/octet-stream\r\n\r\n",
        complaint(key)
    )
    .into_bytes();
    body.extend_from_slice(&JPEG_HEAD);
    let mut request = format!(
        "POST /api/v1/complaints HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {total}\r\nIdempotency-Key: {key}\r\n\r\n"
    )
    .into_bytes();
    request.extend_from_slice(&body);
    request
}

#[test]
fn slow_complaint_bodies_from_four_addresses_hold_no_permit_a_customer_needs() {
    let dir = TempDir::new("slow-permits");
    let server = Server::start(&dir, &[], &[]);
    // Eight complaints, two from each of four addresses (as many as each may have arriving), each with a
    // file part of about a megabyte trickled at 4 KB a second: 32 KB a second in all, twice the floor
    // each, so no pace rule cuts them for minutes.
    let mut attack = Vec::new();
    for i in 0..8 {
        let source = format!("127.0.0.{}", 11 + i / 2);
        let key = format!("k-slow-{i}");
        let mut stream = connect_from(&source, &server.addr, None);
        stream
            .write_all(&complaint_head(&server.addr, &key, 1024 * 1024))
            .unwrap();
        attack.push(stream);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let trickler = trickle(attack, 4 * 1024, Arc::clone(&stop), Duration::from_secs(60));
    // The trickle has reached the service (each body has been read into for a while).
    std::thread::sleep(Duration::from_millis(500));

    let photo = jpeg(60_000);
    let mut body = complaint("k-customer");
    let part = attach(&mut body, "photo.jpg", "image/jpeg", &photo);
    let started = Instant::now();
    let mut customer = connect_from("127.0.0.15", &server.addr, None);
    customer
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    customer
        .write_all(&post_request(
            &server.addr,
            Some("k-customer"),
            &body_of(&body, &[part]),
            &[],
        ))
        .unwrap();
    let mut raw = Vec::new();
    let _ = std::io::Read::read_to_end(&mut customer, &mut raw);
    let waited = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    trickler.join().unwrap();
    let reply = parse_reply(&raw);
    eprintln!("a customer under eight slow complaint bodies was answered in {waited:?}");
    assert_eq!(
        reply.as_ref().map(|r| r.status),
        Some(201),
        "the customer waited {waited:?}: {:?}",
        reply.map(|r| r.text())
    );
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[test]
fn slow_uploads_from_eight_addresses_cannot_fill_the_connections() {
    let dir = TempDir::new("slow-connections");
    // The defaults: 256 connections in all, 32 from one address.
    let server = Server::start(&dir, &[], &[]);
    let file = pdf(60_000);
    let total = file.len() as u64;
    // 8 addresses × 32 uploads, each sending its head and then 4 KB a second (twice the floor): 1 MB a
    // second in all, as many connections as the service takes.
    let stop = Arc::new(AtomicBool::new(false));
    let mut tricklers = Vec::new();
    for a in 0..8 {
        let source = format!("127.0.0.{}", 21 + a);
        let streams: Vec<TcpStream> = (0..32)
            .map(|i| {
                // Distinct files, so no upload stops another.
                let hash = sha256_hex(format!("{source}-{i}").as_bytes());
                let mut stream = connect_from(&source, &server.addr, None);
                let _ = stream.write_all(&patch_head(&server.addr, &hash, 0, total, file.len()));
                stream
            })
            .collect();
        tricklers.push(trickle(
            streams,
            4 * 1024,
            Arc::clone(&stop),
            Duration::from_secs(60),
        ));
    }

    let started = Instant::now();
    let reply = server.get_from(
        "127.0.0.30",
        "/api/v1/insights.json",
        Duration::from_secs(15),
    );
    let waited = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for trickler in tricklers {
        trickler.join().unwrap();
    }
    eprintln!("a ninth address under 256 slow uploads was answered in {waited:?}");
    assert!(
        reply.is_some(),
        "a ninth address got no answer in {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}
