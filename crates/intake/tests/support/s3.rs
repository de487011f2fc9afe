//! A real S3-compatible server for the object storage tests: moto in server mode (PyPI, installed by
//! scripts/setup), started on a free loopback port and stopped when dropped. Without moto the tests that
//! need it are skipped on a developer's machine, and fail under CI (`CI=true`), where a skip would hide them.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{send, Reply};

const CREDENTIALS: &str = "Authorization: AWS4-HMAC-SHA256 \
    Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00\r\n";

/// The moto server, stopped when dropped.
pub struct Moto {
    child: Option<Child>,
    pub port: u16,
}

/// Whether moto can be started here; under CI its absence is a failure, not a skip.
pub fn available() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import moto.server"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "moto is not installed (run ./scripts/setup): the object storage tests cannot run"
        );
        eprintln!("skipped: moto is not installed (run ./scripts/setup)");
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Moto {
    /// Starts moto and waits until it answers; `None` (after [`available`]'s note) when it is missing.
    pub fn start() -> Option<Moto> {
        if !available() {
            return None;
        }
        let mut moto = Moto {
            child: None,
            port: free_port(),
        };
        moto.resume();
        Some(moto)
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Starts it again on the same port (empty: moto keeps its buckets in memory).
    pub fn resume(&mut self) {
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p"])
            .arg(self.port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m moto.server");
        self.child = Some(child);
        let started = Instant::now();
        while !self.answers() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "moto did not answer on {}",
                self.addr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn answers(&self) -> bool {
        std::net::TcpStream::connect(self.addr()).is_ok()
            && self.request("GET", "/", &[]).status == 200
    }

    /// Stops it, as an outage would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// One plain request. moto checks no signature, but reads objects only for a caller that names
    /// its credentials (an anonymous read is refused, as S3 would refuse it on a private bucket).
    pub fn request(&self, method: &str, path: &str, body: &[u8]) -> Reply {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n{CREDENTIALS}Connection: close\r\n\r\n",
            self.addr(),
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        send(&self.addr(), &request)
    }

    pub fn create_bucket(&self, bucket: &str) {
        let reply = self.request("PUT", &format!("/{bucket}"), &[]);
        assert_eq!(reply.status, 200, "{}", reply.text());
    }

    /// The object, or `None` when there is none.
    pub fn get(&self, bucket: &str, key: &str) -> Option<Reply> {
        let reply = self.request("GET", &format!("/{bucket}/{key}"), &[]);
        (reply.status == 200).then_some(reply)
    }

    pub fn put(&self, bucket: &str, key: &str, body: &[u8]) {
        let reply = self.request("PUT", &format!("/{bucket}/{key}"), body);
        assert_eq!(reply.status, 200, "{}", reply.text());
    }

    /// Polls until the object is there, failing after `limit`.
    pub fn wait_for(&self, bucket: &str, key: &str, limit: Duration) -> Reply {
        let started = Instant::now();
        loop {
            if let Some(reply) = self.get(bucket, key) {
                return reply;
            }
            assert!(
                started.elapsed() < limit,
                "s3://{bucket}/{key} did not appear within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The environment an intake needs to reach it.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        self.env_at(self.port)
    }

    /// The same, reaching it through loopback port `port` (a forwarder: `support::outage`).
    pub fn env_at(&self, port: u16) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}
