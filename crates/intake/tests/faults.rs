//! The database lost while serving (issue #24; docs/scaling.md, "What happens when it fails"). With
//! PostgreSQL stopped under a running node, filing, a customer's reply and the staff API answer `503` with
//! `Retry-After` within seconds: never a `500`, never a request left hanging. When the server is back the
//! pool recovers by itself, and the same Idempotency-Key files the complaint once. SQLite's file held busy
//! by another process past the busy timeout is the same answer.
//!
//! This test binary stops its own cluster, so nothing else runs on it: one test per engine.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::*;

/// A request that waits for the database may take the pool's checkout wait (5 s), not r2d2's thirty.
const ANSWERED_WITHIN: Duration = Duration::from_secs(12);

fn reply_request(server: &Server, reference: &str, proof: &str, key: &str) -> Reply {
    let body = json!({ "text": "One more thing." }).to_string();
    let request = format!(
        "POST /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {key}\r\n\
         Reply-Proof: {proof}\r\n\r\n{body}",
        server.addr,
        body.len()
    );
    send(&server.addr, request.as_bytes())
}

/// `GET /staff/api/v1/me` with a session cookie: the desk must look the session up in the database.
fn staff_me(server: &Server) -> Reply {
    let request = format!(
        "GET /staff/api/v1/me HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
         Cookie: desk_session=some-session\r\n\r\n",
        server.addr
    );
    send(&server.addr, request.as_bytes())
}

/// `503` with `Retry-After` and the code the app and the desk know, within [`ANSWERED_WITHIN`].
fn assert_try_again(what: &str, started: Instant, reply: &Reply) {
    assert_eq!(reply.status, 503, "{what}: {}", reply.text());
    assert_eq!(reply.code(), "unavailable", "{what}");
    assert_eq!(reply.header("retry-after"), Some("5"), "{what}");
    assert!(
        started.elapsed() < ANSWERED_WITHIN,
        "{what} took {:?}",
        started.elapsed()
    );
}

/// Sends the complaint again with its key, as the app's outbox does, until it is answered `2xx`.
fn file_until_accepted(server: &Server, key: &str, body: &Multipart) -> Reply {
    let started = Instant::now();
    loop {
        let reply = server.post(Some(key), body);
        if reply.status == 201 {
            return reply;
        }
        assert_eq!(reply.status, 503, "{}", reply.text());
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never accepted again: {}\n{}",
            reply.text(),
            server.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn postgresql_lost_while_serving_is_503_with_retry_after_and_the_retry_files_once() {
    let Some(url) = postgres::database("lost") else {
        return;
    };
    let cluster = postgres::cluster().unwrap();
    let dir = TempDir::new("faults-pg");
    let paths = vec![
        "--config".to_owned(),
        dir.config().display().to_string(),
        "--db".to_owned(),
        url.clone(),
        "--publish".to_owned(),
        dir.publish().display().to_string(),
        "--node-dir".to_owned(),
        dir.0.join("node").display().to_string(),
    ];
    let server = Server::start_with(&dir, paths, &["--rate-limit", "1000"], &[]);
    let first = server.post(Some("lost-1"), &body_of(&complaint("lost-1"), &[]));
    assert_eq!(first.status, 201, "{}", first.text());
    let reference = first.json()["reference"].as_str().unwrap().to_owned();
    let proof = first.json()["reply_proof"].as_str().unwrap().to_owned();
    assert_eq!(staff_me(&server).status, 401, "an unknown session, asked");

    cluster.stop();
    let photo = jpeg(3000);
    let mut sent = complaint("lost-2");
    let part = attach(&mut sent, "parcel.jpg", "image/jpeg", &photo);
    let body = body_of(&sent, &[part]);
    let started = Instant::now();
    assert_try_again("filing", started, &server.post(Some("lost-2"), &body));
    let started = Instant::now();
    let replied = reply_request(&server, &reference, &proof, "reply-1");
    assert_try_again("a reply", started, &replied);
    let started = Instant::now();
    assert_try_again("the staff API", started, &staff_me(&server));

    cluster.restart();
    let filed = file_until_accepted(&server, "lost-2", &body);
    let again = server.post(Some("lost-2"), &body);
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.body, filed.body, "the first answer, byte for byte");
    let replied = reply_request(&server, &reference, &proof, "reply-1");
    assert_eq!(replied.status, 201, "{}", replied.text());
    assert_eq!(staff_me(&server).status, 401);
    let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
    let mut count = |sql: &str| -> i64 { client.query_one(sql, &[]).unwrap().get(0) };
    assert_eq!(count("SELECT count(*) FROM complaints"), 2);
    assert_eq!(count("SELECT count(*) FROM attachments"), 1);
    assert_eq!(count("SELECT count(*) FROM replies"), 1);
}

#[test]
fn sqlite_held_busy_past_its_timeout_is_503_with_retry_after() {
    let dir = TempDir::new("faults-sqlite");
    let server = Server::start(&dir, &[], &[]);
    // Another process (a back-office command, say) holding the write lock longer than the busy timeout.
    let holder = rusqlite::Connection::open(dir.db()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let body = body_of(&complaint("busy-1"), &[]);
    let reply = server.post(Some("busy-1"), &body);
    assert_eq!(reply.status, 503, "{}", reply.text());
    assert_eq!(reply.code(), "unavailable");
    assert_eq!(reply.header("retry-after"), Some("5"));
    holder.execute_batch("ROLLBACK").unwrap();
    let filed = server.post(Some("busy-1"), &body);
    assert_eq!(filed.status, 201, "{}", filed.text());
    assert_eq!(dir.count("complaints"), 1);
}
