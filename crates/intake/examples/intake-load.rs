//! The load of issue #24's benchmark (`./scripts/bench intake`, `tests/bench/parts/intake.mjs`): many
//! customers at once, each filing one complaint with one photo as the app does it (`src/services/submit.rs`):
//! `HEAD` the upload, `PATCH` it from the offset the server has, `HEAD` again, then `POST` the complaint naming
//! the file by its SHA-256, with the draft's Idempotency-Key. A `429`, `503`, other `5xx`, `408`, `409` or a
//! broken connection is a "later", as the app's outbox takes it: the whole send again after the server's
//! `Retry-After` (held between 1 s and 1 h) or the outbox's growing pause (5 s, 15 s, 45 s …), same key.
//!
//! Each customer sends from its own loopback address (127.1.x.y), so the service's per-address limits see 500
//! people, not one. With several `--node`s, requests go round-robin across them (a load balancer without
//! stickiness): an upload begun through one node is finished or named through another.
//!
//! After the timed pass, every customer sends its complaint again, untimed, as a phone whose answer was lost
//! would: each must get its first reference back. Prints one JSON object on stdout; the part checks the
//! database and makes the rows. Not a test: it measures, and reports what went wrong instead of panicking.
//!
//! ```sh
//! cargo run --profile intake --example intake-load -- --node http://127.0.0.1:8080 --customers 500
//! ```

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// What the command line says.
struct Options {
    nodes: Vec<String>,
    customers: usize,
    file_bytes: usize,
    /// A staff session's cookie value, to poll the desk's queues during the load.
    staff_session: Option<String>,
    staff_per_second: f64,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        nodes: Vec::new(),
        customers: 500,
        file_bytes: 200 * 1024,
        staff_session: None,
        staff_per_second: 4.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = |v: &str| {
            v.parse::<f64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--node" => options.nodes.push(value.trim_end_matches('/').to_owned()),
            "--customers" => options.customers = number(&value)? as usize,
            "--file-kb" => options.file_bytes = (number(&value)? * 1024.0) as usize,
            "--staff-session" => options.staff_session = Some(value),
            "--staff-per-second" => options.staff_per_second = number(&value)?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if options.nodes.is_empty() || options.customers == 0 || options.customers > 60_000 {
        return Err("usage: intake-load --node URL [--node URL …] [--customers N ≤ 60000] [--file-kb KB] [--staff-session TOKEN] [--staff-per-second R]".into());
    }
    Ok(options)
}

/// Why an attempt ended without a reference.
enum Later {
    /// An answer the app's outbox keeps the complaint for: its status, and its `Retry-After` if any.
    Status(u16, Option<u64>),
    /// No answer: refused connection, reset, timeout.
    Network,
}

/// An answer the app would not retry (a `4xx` refusal): the run reports it and that customer stops.
struct Refused(String);

/// What every customer adds to, for the figures.
#[derive(Default)]
struct Tally {
    /// Customer → milliseconds from its first byte to its reference, retries and pauses included.
    filing_ms: Vec<f64>,
    /// Each `POST` that was answered `2xx`, in milliseconds.
    post_ms: Vec<f64>,
    /// The "laters" by cause: `429`, `503`, another status, no answer.
    too_many: usize,
    unavailable: usize,
    other_status: usize,
    network: usize,
    refused: Vec<String>,
    references: Vec<(usize, String)>,
}

/// One customer: its address, key, file and complaint.
struct Customer {
    index: usize,
    client: reqwest::Client,
    key: String,
    file: Vec<u8>,
    hash: String,
    complaint: Vec<u8>,
}

/// The nodes, taken in turn.
struct Nodes {
    urls: Vec<String>,
    next: AtomicUsize,
}

impl Nodes {
    fn next(&self) -> &str {
        &self.urls[self.next.fetch_add(1, Ordering::Relaxed) % self.urls.len()]
    }
}

fn uuid() -> String {
    let mut b = [0u8; 16];
    // No randomness is no key: a benchmark may stop here.
    getrandom::fill(&mut b).unwrap_or_else(|e| panic!("no random bytes: {e}"));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A photo-sized file the server sniffs as JPEG, its bytes random as a compressed photo's are (a database
/// that compresses what it stores gets no help).
fn photo(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len.max(4)];
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no random bytes: {e}"));
    bytes[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    bytes
}

fn customer(index: usize, file_bytes: usize) -> Result<Customer, String> {
    // 127.1.0.1 …: one address per customer, all on loopback.
    let n = index + 1;
    let address = Ipv4Addr::new(127, 1 + (n >> 16) as u8, (n >> 8) as u8, n as u8);
    let client = reqwest::Client::builder()
        .local_address(IpAddr::V4(address))
        .no_proxy()
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let key = uuid();
    let file = photo(file_bytes);
    let hash: String = Sha256::digest(&file)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let complaint = json!({
        "schema_version": 1,
        "draft_id": key,
        "locale": "en",
        "category": "delivery",
        "description": format!("My parcel never arrived (customer {n})."),
        "happened_on": "2026-12-01",
        "details": { "order_number": format!("NW-{n}") },
        "outcome": "refund",
        "contact": { "name": "Anna Kowalska", "email": format!("customer{n}@example.pl"), "preferred": "email" },
        "attachments": [{ "id": uuid(), "name": "parcel.jpg", "kind": "image/jpeg", "bytes": file.len(), "sha256": hash }],
        "spam_signals": { "honeypot_filled": false, "fill_seconds": 143 }
    });
    Ok(Customer {
        index,
        client,
        key,
        file,
        hash,
        complaint: complaint.to_string().into_bytes(),
    })
}

/// `2xx` is done, `4xx` the app would retry (`408`, `409`, `425`, `429`) and `5xx` are later, the rest refused.
fn judge(response: &reqwest::Response) -> Result<(), Later> {
    let status = response.status().as_u16();
    if response.status().is_success() {
        return Ok(());
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    Err(Later::Status(status, retry_after))
}

fn is_later(status: u16) -> bool {
    matches!(status, 408 | 409 | 425 | 429) || status >= 500
}

/// One whole send as the app makes it; the reference, or why not.
async fn send(
    c: &Customer,
    nodes: &Nodes,
    tally: &Mutex<Tally>,
) -> Result<Result<String, Later>, Refused> {
    let length = c.file.len().to_string();
    let upload = |node: &str| format!("{node}/api/v1/uploads/{}", c.hash);
    for _ in 0..3 {
        let offset = match offset_of(c, &upload(nodes.next()), &length).await? {
            Ok(offset) => offset,
            Err(later) => return Ok(Err(later)),
        };
        if offset >= c.file.len() {
            break;
        }
        let patched = c
            .client
            .patch(upload(nodes.next()))
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset.to_string())
            .header("Upload-Length", &length)
            .body(c.file[offset..].to_vec())
            .send()
            .await;
        match patched.map(|r| judge(&r)) {
            Ok(Ok(())) => {}
            // The app asks again at once after 408 and 409 (cut for pace, offset moved on).
            Ok(Err(Later::Status(408 | 409, _))) => {}
            Ok(Err(Later::Status(status, after))) if is_later(status) => {
                return Ok(Err(Later::Status(status, after)))
            }
            Ok(Err(Later::Status(status, _))) => {
                return Err(Refused(format!("PATCH answered {status}")))
            }
            Ok(Err(Later::Network)) | Err(_) => return Ok(Err(Later::Network)),
        }
    }
    let boundary = format!("----intake-load-{}", c.index);
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"complaint\"; filename=\"complaint.json\"\r\nContent-Type: application/json\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&c.complaint);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let started = Instant::now();
    let posted = c
        .client
        .post(format!("{}/api/v1/complaints", nodes.next()))
        .header("Idempotency-Key", &c.key)
        .header("Accept", "application/json")
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await;
    let response = match posted {
        Ok(response) => response,
        Err(_) => return Ok(Err(Later::Network)),
    };
    match judge(&response) {
        Ok(()) => {}
        Err(Later::Status(status, after)) if is_later(status) => {
            return Ok(Err(Later::Status(status, after)))
        }
        Err(_) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            return Err(Refused(format!("POST answered {status}: {text}")));
        }
    }
    let Ok(body) = response.bytes().await else {
        return Ok(Err(Later::Network));
    };
    let Ok(answer) = serde_json::from_slice::<Value>(&body) else {
        return Err(Refused(format!(
            "a 2xx that is not JSON: {}",
            String::from_utf8_lossy(&body)
        )));
    };
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    lock(tally).post_ms.push(elapsed);
    match answer["reference"].as_str() {
        Some(reference) => Ok(Ok(reference.to_owned())),
        None => Err(Refused(format!("a 2xx without a reference: {answer}"))),
    }
}

/// `HEAD` on the upload: the bytes the server has.
async fn offset_of(c: &Customer, url: &str, length: &str) -> Result<Result<usize, Later>, Refused> {
    let response = match c
        .client
        .head(url)
        .header("Upload-Length", length)
        .send()
        .await
    {
        Ok(response) => response,
        Err(_) => return Ok(Err(Later::Network)),
    };
    match judge(&response) {
        Ok(()) => Ok(Ok(response
            .headers()
            .get("upload-offset")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))),
        Err(Later::Status(status, after)) if is_later(status) => {
            Ok(Err(Later::Status(status, after)))
        }
        Err(_) => Err(Refused(format!("HEAD answered {}", response.status()))),
    }
}

fn lock(tally: &Mutex<Tally>) -> std::sync::MutexGuard<'_, Tally> {
    tally
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sends until a reference comes back, pausing as the app's outbox does; gives up after an hour.
async fn file(c: &Customer, nodes: &Nodes, tally: &Mutex<Tally>) -> Option<String> {
    let started = Instant::now();
    let mut pauses = 0u32;
    while started.elapsed() < Duration::from_secs(3600) {
        let later = match send(c, nodes, tally).await {
            Ok(Ok(reference)) => {
                let mut t = lock(tally);
                t.filing_ms.push(started.elapsed().as_secs_f64() * 1000.0);
                return Some(reference);
            }
            Ok(Err(later)) => later,
            Err(Refused(why)) => {
                lock(tally).refused.push(why);
                return None;
            }
        };
        let growing = 5 * 3u64.saturating_pow(pauses).min(180);
        pauses += 1;
        let seconds = {
            let mut t = lock(tally);
            match later {
                Later::Status(429, after) => {
                    t.too_many += 1;
                    after.unwrap_or(growing)
                }
                Later::Status(503, after) => {
                    t.unavailable += 1;
                    after.unwrap_or(growing)
                }
                Later::Status(_, after) => {
                    t.other_status += 1;
                    after.unwrap_or(growing)
                }
                Later::Network => {
                    t.network += 1;
                    growing
                }
            }
        };
        tokio::time::sleep(Duration::from_secs(seconds.clamp(1, 3600))).await;
    }
    lock(tally)
        .refused
        .push("no reference within an hour".into());
    None
}

/// The desk in use: staff polling the queue counts and the newest complaints, in turn, at `per_second`.
async fn poll_desk(
    nodes: Arc<Nodes>,
    session: String,
    per_second: f64,
    done: Arc<tokio::sync::Notify>,
) -> Value {
    let client = reqwest::Client::builder().no_proxy().build().ok();
    let Some(client) = client else {
        return json!({ "error": "no HTTP client" });
    };
    let mut ms = Vec::new();
    let mut failed = 0usize;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / per_second.max(0.1)));
    for turn in 0usize.. {
        tokio::select! {
            _ = done.notified() => break,
            _ = tick.tick() => {}
        }
        let path = if turn % 2 == 0 {
            "queues"
        } else {
            "complaints?queue=new&limit=50"
        };
        let started = Instant::now();
        let answer = client
            .get(format!("{}/staff/api/v1/{path}", nodes.next()))
            .header("Cookie", format!("desk_session={session}"))
            .send()
            .await;
        match answer {
            Ok(r) if r.status().is_success() && r.bytes().await.is_ok() => {
                ms.push(started.elapsed().as_secs_f64() * 1000.0)
            }
            _ => failed += 1,
        }
    }
    json!({ "polls": ms.len() + failed, "failed": failed, "ms": percentiles(&mut ms) })
}

fn percentiles(xs: &mut [f64]) -> Value {
    if xs.is_empty() {
        return Value::Null;
    }
    xs.sort_by(f64::total_cmp);
    let at = |p: f64| xs[((xs.len() as f64 * p).ceil() as usize).clamp(1, xs.len()) - 1];
    json!({ "p50": at(0.50), "p90": at(0.90), "p99": at(0.99), "max": at(1.0) })
}

/// Every customer at once; the seconds from the start to the last reference.
async fn pass(
    customers: &Arc<Vec<Customer>>,
    nodes: &Arc<Nodes>,
    tally: &Arc<Mutex<Tally>>,
) -> f64 {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..customers.len() {
        let (customers, nodes, tally) =
            (Arc::clone(customers), Arc::clone(nodes), Arc::clone(tally));
        tasks.spawn(async move {
            let c = &customers[i];
            if let Some(reference) = file(c, &nodes, &tally).await {
                lock(&tally).references.push((i, reference));
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let made: Result<Vec<Customer>, String> = (0..options.customers)
        .map(|i| customer(i, options.file_bytes))
        .collect();
    let customers = match made {
        Ok(customers) => Arc::new(customers),
        Err(e) => {
            eprintln!("cannot make the customers' HTTP clients: {e}");
            std::process::exit(1);
        }
    };
    let nodes = Arc::new(Nodes {
        urls: options.nodes.clone(),
        next: AtomicUsize::new(0),
    });
    let done = Arc::new(tokio::sync::Notify::new());
    let desk = options.staff_session.clone().map(|session| {
        tokio::spawn(poll_desk(
            Arc::clone(&nodes),
            session,
            options.staff_per_second,
            Arc::clone(&done),
        ))
    });
    let tally = Arc::new(Mutex::new(Tally::default()));
    let seconds = pass(&customers, &nodes, &tally).await;
    done.notify_one();
    let desk = match desk {
        Some(task) => task.await.unwrap_or(Value::Null),
        None => Value::Null,
    };
    let first = std::mem::take(&mut *lock(&tally));
    // The same keys again: each must answer with its first reference.
    let resent_seconds = pass(&customers, &nodes, &tally).await;
    let again = std::mem::take(&mut *lock(&tally));
    println!(
        "{}",
        report(&options, seconds, first, desk, resent_seconds, again)
    );
}

/// The CPU seconds this process has used (user and system, every thread), from /proc; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map(|(_, rest)| rest.split(' ').collect())
        .unwrap_or_default();
    // After the command's parenthesis: utime and stime are fields 14 and 15, in ticks of 1/100 s.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn report(
    options: &Options,
    seconds: f64,
    mut first: Tally,
    desk: Value,
    resent_seconds: f64,
    again: Tally,
) -> Value {
    let distinct: HashSet<&String> = first.references.iter().map(|(_, r)| r).collect();
    let mut by_customer = first.references.clone();
    by_customer.sort();
    let mut resent = again.references.clone();
    resent.sort();
    let changed = by_customer
        .iter()
        .filter(|(i, r)| !resent.iter().any(|(j, s)| j == i && s == r))
        .count();
    json!({
        "customers": options.customers,
        "nodes": options.nodes.len(),
        "file_bytes": options.file_bytes,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds(),
        "filed": first.references.len(),
        "distinct_references": distinct.len(),
        "references": by_customer.iter().map(|(_, r)| r).collect::<Vec<_>>(),
        "filing_ms": percentiles(&mut first.filing_ms),
        "post_ms": percentiles(&mut first.post_ms),
        "later": { "429": first.too_many, "503": first.unavailable, "other": first.other_status, "network": first.network },
        "refused": first.refused.iter().take(5).collect::<Vec<_>>(),
        "refused_count": first.refused.len(),
        "desk": desk,
        "resent": { "seconds": resent_seconds, "answered": again.references.len(), "changed": changed, "refused": again.refused.iter().take(5).collect::<Vec<_>>() },
    })
}
