//! The staff desk's queues room (issue #23, docs/staff-api.md "Queues and complaints"): queues and lists as
//! each person may see them, filters, sorting, full-text search, `ETag`/`304`, one complaint, its files served
//! so a browser never renders them, and the audit log. Complaints are filed through the real intake; who works
//! them, waiting, notes and audit lines are written straight into the database, as the actions room would.

#[path = "../support/mod.rs"]
mod support;

mod lists;
mod one_complaint;

use std::collections::BTreeMap;

use rusqlite::params;
use serde_json::{json, Value};
use support::staff::{staff_request, staff_session, Session};
use support::{body_of, complaint, issued_proof, send, Reply, Server, TempDir};

pub(crate) const API: &str = "/staff/api/v1";
pub(crate) const EMAIL: &str = "anna@example.pl";

pub(crate) fn db(dir: &TempDir) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    conn
}

/// Files `body` through the intake and returns its reference.
pub(crate) fn file(server: &Server, key: &str, body: &Value, files: &[(&str, &[u8])]) -> String {
    let reply = server.post(Some(key), &body_of(body, files));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

pub(crate) fn complaint_in(key: &str, category: &str, description: &str) -> Value {
    let mut body = complaint(key);
    body["category"] = json!(category);
    body["description"] = json!(description);
    body
}

pub(crate) fn id_of(dir: &TempDir, reference: &str) -> i64 {
    db(dir)
        .query_row(
            "SELECT id FROM complaints WHERE reference = ?1",
            [reference],
            |r| r.get(0),
        )
        .unwrap()
}

pub(crate) fn get(server: &Server, path: &str, who: &Session) -> Reply {
    staff_request(server, "GET", path, Some(who), false, None)
}

pub(crate) fn get_ok(server: &Server, path: &str, who: &Session) -> Value {
    let reply = get(server, path, who);
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
    reply.json()
}

/// A GET with the session's cookie and `If-None-Match: tag`.
pub(crate) fn get_if_none_match(server: &Server, path: &str, who: &Session, tag: &str) -> Reply {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nCookie: desk_session={}\r\nIf-None-Match: {tag}\r\n\r\n",
        server.addr, who.token
    );
    send(&server.addr, request.as_bytes())
}

pub(crate) fn counts(server: &Server, who: &Session) -> BTreeMap<String, i64> {
    get_ok(server, &format!("{API}/queues"), who)["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_owned(),
                q["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

pub(crate) fn references(server: &Server, query: &str, who: &Session) -> Vec<String> {
    get_ok(server, &format!("{API}/complaints?{query}"), who)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap().to_owned())
        .collect()
}

/// The customer adds information (with `text`) to `reference` through the intake.
pub(crate) fn customer_replies(
    server: &Server,
    dir: &TempDir,
    reference: &str,
    key: &str,
    text: &str,
) {
    let body = json!({ "text": text }).to_string();
    let request = format!(
        "POST /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {key}\r\nReply-Proof: {}\r\n\r\n{body}",
        server.addr,
        body.len(),
        issued_proof(dir, reference, EMAIL)
    );
    let reply = send(&server.addr, request.as_bytes());
    assert_eq!(reply.status, 201, "{}", reply.text());
}

/// The desk's world for the queue tests: five complaints, two agents and a lead.
pub(crate) struct Desk {
    pub(crate) dir: TempDir,
    pub(crate) server: Server,
    pub(crate) ola: Session,
    pub(crate) jan: Session,
    pub(crate) lea: Session,
    /// Delivery, unassigned, received three days ago (overdue), waiting for the customer.
    pub(crate) a: String,
    /// Delivery, assigned to Jan, the customer replied.
    pub(crate) b: String,
    /// Billing, acknowledged, root cause billing-error.
    pub(crate) c: String,
    /// Delivery, held in quarantine.
    pub(crate) d: String,
    /// Delivery, assigned to Ola.
    pub(crate) e: String,
}

pub(crate) fn desk(name: &str) -> Desk {
    let dir = TempDir::new(name);
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let a = file(
        &server,
        "q-a",
        &complaint_in("q-a", "delivery", "Parcel A lost."),
        &[],
    );
    let b = file(
        &server,
        "q-b",
        &complaint_in("q-b", "delivery", "Parcel B late."),
        &[],
    );
    let c = file(
        &server,
        "q-c",
        &complaint_in("q-c", "service-billing", "Billed twice."),
        &[],
    );
    let mut held = complaint_in("q-d", "delivery", "Bot text.");
    held["spam_signals"]["honeypot_filled"] = json!(true);
    let d = file(&server, "q-d", &held, &[]);
    let e = file(
        &server,
        "q-e",
        &complaint_in("q-e", "delivery", "Parcel E damaged."),
        &[],
    );
    customer_replies(
        &server,
        &dir,
        &b,
        "r-b",
        "The courier left it at depot seven.",
    );
    let ola = staff_session(&dir, "Ola", "agent", &["delivery"]);
    let jan = staff_session(&dir, "Jan", "agent", &["service-billing"]);
    let lea = staff_session(&dir, "Lea", "lead", &[]);
    let conn = db(&dir);
    let (ida, idb, idc, ide) = (
        id_of(&dir, &a),
        id_of(&dir, &b),
        id_of(&dir, &c),
        id_of(&dir, &e),
    );
    // As the actions room writes them.
    conn.execute(
        "UPDATE complaints SET received_at = received_at - 3 * 86400, waiting_since = unixepoch() WHERE id = ?1",
        [ida],
    )
    .unwrap();
    conn.execute(
        "UPDATE stages SET at = at - 3 * 86400 WHERE complaint_id = ?1",
        [ida],
    )
    .unwrap();
    conn.execute(
        "UPDATE complaints SET assignee = ?2 WHERE id = ?1",
        params![idb, jan.staff_id],
    )
    .unwrap();
    conn.execute(
        "UPDATE complaints SET assignee = ?2 WHERE id = ?1",
        params![ide, ola.staff_id],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO stages (complaint_id, seq, stage, at) VALUES (?1, 1, 'acknowledged', unixepoch())",
        [idc],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO complaint_causes (complaint_id, cause, at) VALUES (?1, 'billing-error', unixepoch())",
        [idc],
    )
    .unwrap();
    Desk {
        dir,
        server,
        ola,
        jan,
        lea,
        a,
        b,
        c,
        d,
        e,
    }
}

pub(crate) fn map(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

pub(crate) fn search_as(w: &Desk, q: &str, who: &Session) -> Vec<String> {
    references(&w.server, &format!("q={}", percent_encode(q)), who)
}

pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
