//! A webhook receiver for the tests (docs/webhooks.md): a small HTTP server on 127.0.0.1 in the test
//! process that answers 200 and keeps what it got, and the signature check receivers are told to make.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::staff::{staff_request, Session};
use super::{body_of, complaint, Server};

/// Where the webhooks are managed.
pub const HOOKS: &str = "/staff/api/v1/webhooks";

/// One request the receiver took: its headers (names in lower case) and body.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// A receiver on 127.0.0.1 that answers 200 to everything and keeps what it got.
pub struct Receiver {
    pub port: u16,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub fn start() -> Receiver {
        Receiver::on(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    pub fn on(listener: TcpListener) -> Receiver {
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let keep = Arc::clone(&got);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if let Some(received) = take(stream) {
                    keep.lock().unwrap().push(received);
                }
            }
        });
        Receiver { port, got }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// Polls until a request whose payload `type` is `kind` came, failing after `limit`.
    pub fn wait_for(&self, kind: &str, limit: Duration) -> Received {
        let started = Instant::now();
        loop {
            let found = self
                .got
                .lock()
                .unwrap()
                .iter()
                .find(|r| r.json()["type"] == kind)
                .cloned();
            if let Some(found) = found {
                return found;
            }
            assert!(
                started.elapsed() < limit,
                "no {kind} event within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// How many requests carried payloads of type `kind`.
    pub fn count_type(&self, kind: &str) -> usize {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.json()["type"] == kind)
            .count()
    }

    /// How many requests carried event `event_id`.
    pub fn count(&self, event_id: &str) -> usize {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.header("complaint-desk-event") == Some(event_id))
            .count()
    }
}

/// Reads one HTTP/1.1 request (headers, then Content-Length bytes) and answers `200`.
fn take(stream: std::net::TcpStream) -> Option<Received> {
    let mut reader = BufReader::new(stream);
    let mut headers = Vec::new();
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':')?;
        headers.push((name.trim().to_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut stream = reader.into_inner();
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .ok()?;
    Some(Received {
        headers,
        body: String::from_utf8(body).ok()?,
    })
}

/// What docs/webhooks.md tells a receiver to do: the signature is HMAC-SHA256 with the secret over
/// `"<t>.<body>"`, and `t` within five minutes of the receiver's clock.
pub fn verify(secret: &str, header: &str, body: &str, now: i64) -> Result<(), &'static str> {
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1.push(value.to_owned()),
            _ => {}
        }
    }
    let t = t.ok_or("no time")?;
    if (now - t).abs() > 300 {
        return Err("outside the window");
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if v1.contains(&expected) {
        Ok(())
    } else {
        Err("bad signature")
    }
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Adds an endpoint as `admin`; returns its id and secret.
pub fn add_hook(server: &Server, admin: &Session, url: &str, events: &[&str]) -> (i64, String) {
    let added = staff_request(
        server,
        "POST",
        HOOKS,
        Some(admin),
        true,
        Some(&json!({ "url": url, "events": events })),
    );
    assert_eq!(added.status, 201, "{}", added.text());
    let added = added.json();
    (
        added["id"].as_i64().unwrap(),
        added["secret"].as_str().unwrap().to_owned(),
    )
}

pub fn file_one(server: &Server, key: &str) -> String {
    let reply = server.post(Some(key), &body_of(&complaint(key), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}
