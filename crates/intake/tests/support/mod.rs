//! Starts the real binary on 127.0.0.1 with an ephemeral port, a real SQLite file and a publish folder in
//! a fresh temporary directory, and talks to it over raw HTTP/1.1, so slow and malformed requests can be
//! sent exactly as an attacker or a weak phone would.

#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub mod engine;
pub mod nodes;
pub mod oidc;
pub mod outage;
pub mod postgres;
pub mod s3;
pub mod smtp;
pub mod staff;
pub mod webhooks;

pub const BIN: &str = env!("CARGO_BIN_EXE_complaint-intake");
pub const DEMO_CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../public/api/v1/config.json"
);

/// A temporary folder, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "intake-{name}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        let dir = TempDir(path);
        // The demo organisation with small file limits, so "too large" is cheap to send.
        let mut config: Value =
            serde_json::from_str(&fs::read_to_string(DEMO_CONFIG).unwrap()).unwrap();
        config["limits"]["attachments"]["max_bytes"] = json!(64 * 1024);
        config["limits"]["attachments"]["max_count"] = json!(2);
        fs::write(dir.config(), config.to_string()).unwrap();
        dir
    }

    pub fn config(&self) -> PathBuf {
        self.0.join("config.json")
    }
    pub fn db(&self) -> PathBuf {
        self.0.join("intake.sqlite3")
    }
    pub fn publish(&self) -> PathBuf {
        self.0.join("status")
    }
    pub fn insights(&self) -> PathBuf {
        self.0.join("insights.json")
    }

    /// `--config`, `--db`, `--publish` for this folder.
    pub fn paths(&self) -> Vec<String> {
        vec![
            "--config".into(),
            self.config().display().to_string(),
            "--db".into(),
            self.db().display().to_string(),
            "--publish".into(),
            self.publish().display().to_string(),
            "--insights".into(),
            self.insights().display().to_string(),
        ]
    }

    /// The status files in the publish folder (`*.json`; not the desk's marker, `complaint-desk.id`).
    pub fn published(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.publish())
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|name| name.ends_with(".json"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    pub fn count(&self, table: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// Runs a back-office command on this folder's database.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .args(self.paths())
            .output()
            .unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

pub struct Server {
    child: Child,
    pub addr: String,
    log: PathBuf,
}

impl Server {
    /// `serve --listen 127.0.0.1:0` plus `extra`; waits for the address line on stdout.
    pub fn start(dir: &TempDir, extra: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_with(dir, dir.paths(), extra, env)
    }

    /// As [`Server::start`], with `paths` in place of the folder's own (another `--publish`, say).
    pub fn start_with(
        dir: &TempDir,
        paths: Vec<String>,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        Server::try_start_with(dir, paths, extra, env).unwrap_or_else(|log| {
            panic!("no address printed: {log}");
        })
    }

    /// As [`Server::start_with`]; a server that stops before serving (a database or a bucket it cannot
    /// reach at start) is its log, not a panic.
    pub fn try_start_with(
        dir: &TempDir,
        paths: Vec<String>,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Server, String> {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let log = dir.0.join(format!(
            "serve-{}.log",
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(paths)
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(addr) = line.trim().strip_prefix("http://").map(str::to_owned) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(fs::read_to_string(&log).unwrap_or_default());
        };
        Ok(Server { child, addr, log })
    }

    /// Kills it with SIGKILL, as a crash or an out-of-memory kill would, and waits for it to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls the log until `done` holds for it (a state the service reports), failing after `limit`.
    pub fn wait_for_log(&self, limit: Duration, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let log = self.log();
            if done(&log) {
                return log;
            }
            assert!(
                started.elapsed() < limit,
                "the log never showed it within {limit:?}: {log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The service's resident memory, from /proc.
    pub fn rss_kib(&self) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no VmRSS in {status}"))
    }

    /// The most resident memory the service has had since it started (VmHWM, from /proc).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no VmHWM in {status}"))
    }

    /// `GET path` from another loopback address, waiting at most `limit` for the answer; `None` when the
    /// service closed without one, or gave none in time.
    pub fn get_from(&self, source: &str, path: &str, limit: Duration) -> Option<Reply> {
        let mut stream = connect_from(source, &self.addr, None);
        stream.set_read_timeout(Some(limit)).unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        let _ = stream.write_all(request.as_bytes());
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        parse_reply(&raw)
    }

    /// Waits for the process to end by itself (after an abort, say).
    pub fn wait_for_exit(mut self) -> std::process::ExitStatus {
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the server did not exit");
    }

    pub fn get(&self, path: &str) -> Reply {
        send(
            &self.addr,
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.addr
            )
            .as_bytes(),
        )
    }

    pub fn post(&self, key: Option<&str>, body: &Multipart) -> Reply {
        send(&self.addr, &post_request(&self.addr, key, body, &[]))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
    /// The refusal's machine-readable `code` (`docs/submission.md`).
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
    pub fn message(&self) -> String {
        self.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// A connection from `source` (any 127.x.y.z works on Linux loopback, so tests can be "other customers"),
/// optionally with a small receive buffer so a reply that is not read stalls the sender quickly.
pub fn connect_from(source: &str, addr: &str, receive_buffer: Option<usize>) -> TcpStream {
    use socket2::{Domain, Socket, Type};
    let target: std::net::SocketAddr = addr.parse().unwrap();
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    if let Some(size) = receive_buffer {
        socket.set_recv_buffer_size(size).unwrap();
    }
    let local: std::net::SocketAddr = format!("{source}:0").parse().unwrap();
    socket.bind(&local.into()).unwrap();
    socket
        .connect_timeout(&target.into(), Duration::from_secs(5))
        .unwrap();
    let stream: TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

pub fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

/// Writes the request, reads until the server closes, and parses the answer.
pub fn send(addr: &str, request: &[u8]) -> Reply {
    let mut stream = connect(addr);
    // The server may answer (413, 409) and close before the whole body is written.
    let _ = stream.write_all(request);
    read_reply(&mut stream)
}

pub fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_reply(&raw)
        .unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(&raw)))
}

pub fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Some(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

pub struct Multipart {
    pub content_type: String,
    pub body: Vec<u8>,
}

/// The body the app builds: the complaint part, then one part per file.
pub fn multipart(complaint: &[u8], files: &[(&str, &[u8])]) -> Multipart {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    // A fresh boundary each time, as browsers do: the same complaint must still count as the same.
    let boundary = format!("----intake-test-{}", COUNT.fetch_add(1, Ordering::Relaxed));
    let mut body = Vec::new();
    let mut part = |name: &str, file: &str, kind: &str, bytes: &[u8]| {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {kind}\r\n\r\n"
        )
        .unwrap();
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    };
    part("complaint", "complaint.json", "application/json", complaint);
    for (name, bytes) in files {
        part("attachment", name, "application/octet-stream", bytes);
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    Multipart {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body,
    }
}

pub fn post_request(
    addr: &str,
    key: Option<&str>,
    body: &Multipart,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    let mut head = format!(
        "POST /api/v1/complaints HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: application/json\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
        body.content_type,
        body.body.len()
    );
    if let Some(key) = key {
        head.push_str(&format!("Idempotency-Key: {key}\r\n"));
    }
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(&body.body);
    request
}

pub const JPEG_HEAD: [u8; 4] = [0xFF, 0xD8, 0xFF, 0xE0];

/// A file the server sniffs as a JPEG photo.
pub fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = JPEG_HEAD.to_vec();
    bytes.resize(len, 0x42);
    bytes
}

/// A complaint the app would send: a late delivery, filed by Anna with her email address.
pub fn complaint(key: &str) -> Value {
    json!({
        "schema_version": 1,
        "draft_id": key,
        "locale": "en",
        "category": "delivery",
        "description": "My parcel never arrived. Secret-Description-Words.",
        "happened_on": "2025-01-06",
        "details": { "order_number": "NW-1001" },
        "outcome": "refund",
        "contact": { "name": "Anna Kowalska", "email": "Anna@Example.PL", "preferred": "email", "consent": true },
        "attachments": [],
        "spam_signals": { "honeypot_filled": false, "fill_seconds": 143 }
    })
}

/// Adds a file to the complaint's list and returns the part to send with it.
pub fn attach<'a>(
    complaint: &mut Value,
    name: &'a str,
    kind: &str,
    bytes: &'a [u8],
) -> (&'a str, &'a [u8]) {
    complaint["attachments"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "id": format!("id-{name}"), "name": name, "kind": kind, "bytes": bytes.len()
        }));
    (name, bytes)
}

pub fn body_of(complaint: &Value, files: &[(&str, &[u8])]) -> Multipart {
    multipart(complaint.to_string().as_bytes(), files)
}

pub fn status_key(reference: &str, verifier: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(complaint_domain::tracking::status_key_input(reference, verifier).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn read_status(dir: &Path, key: &str) -> complaint_domain::status::StatusRecord {
    let text = fs::read_to_string(dir.join(format!("{key}.json"))).unwrap();
    complaint_domain::status::StatusRecord::from_json(&text).unwrap()
}

/// The SHA-256 of bytes in lower-case hex, as uploads are named.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file the server sniffs as a PDF.
pub fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..len.saturating_sub(9)).map(|i| (i % 251) as u8));
    bytes
}

/// The head of `PATCH /api/v1/uploads/{hash}` sending `len` bytes from `offset` of a file of `total`.
pub fn patch_head(addr: &str, hash: &str, offset: u64, total: u64, len: usize) -> Vec<u8> {
    format!(
        "PATCH /api/v1/uploads/{hash} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\nUpload-Length: {total}\r\nContent-Length: {len}\r\n\r\n"
    )
    .into_bytes()
}

/// `HEAD` for an upload: how many of its bytes the server has.
pub fn upload_offset(addr: &str, hash: &str, total: u64) -> u64 {
    let reply = send(
        addr,
        format!(
            "HEAD /api/v1/uploads/{hash} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nUpload-Length: {total}\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.header("upload-offset").unwrap().parse().unwrap()
}

/// The Reply-Proof the intake gives a complaint's device in the filing answer (`docs/replies.md`):
/// HMAC-SHA256 of the status file's name under the database's own key, which a test may read.
pub fn issued_proof(dir: &TempDir, reference: &str, verifier: &str) -> String {
    use hmac::{Hmac, Mac};
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let key: Vec<u8> = conn
        .query_row(
            "SELECT value FROM secrets WHERE name = 'reply-proof'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key).unwrap();
    mac.update(status_key(reference, verifier).as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
