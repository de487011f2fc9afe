//! Staff sessions for the staff API's tests (issue #23): an account and a signed-in session written straight
//! into the database (as a passkey sign-in would leave them), and JSON requests carrying the session's cookie
//! and CSRF value.

use serde_json::Value;

use super::{connect_from, read_reply, send, Reply, Server, TempDir};

/// A signed-in staff member: the cookie's token and the CSRF value.
pub struct Session {
    pub staff_id: i64,
    pub token: String,
    pub csrf: String,
}

/// Adds a staff account (`role`: agent, lead, admin) working `categories`, and a session for it. The server
/// must have started once (the schema is made at start).
pub fn staff_session(dir: &TempDir, name: &str, role: &str, categories: &[&str]) -> Session {
    let conn = db(dir);
    let email = format!("{}@staff.example", name.to_lowercase().replace(' ', "."));
    conn.execute(
        "INSERT INTO staff (name, email, role, categories, created_at) VALUES (?1, ?2, ?3, ?4, unixepoch())",
        rusqlite::params![name, email, role, serde_json::to_string(categories).unwrap()],
    )
    .unwrap();
    let staff_id = conn.last_insert_rowid();
    let token = format!("token-{staff_id}-{name}").replace(' ', "-");
    let csrf = format!("csrf-{staff_id}");
    conn.execute(
        "INSERT INTO staff_sessions (token_sha256, staff_id, csrf, created_at, seen_at, address)
         VALUES (?1, ?2, ?3, unixepoch(), unixepoch(), '127.0.0.1')",
        rusqlite::params![super::sha256_hex(token.as_bytes()), staff_id, csrf],
    )
    .unwrap();
    Session {
        staff_id,
        token,
        csrf,
    }
}

/// A request to the staff API with `session`'s cookie (and, when `csrf`, its CSRF header), JSON `body`.
pub fn staff_request(
    server: &Server,
    method: &str,
    path: &str,
    session: Option<&Session>,
    csrf: bool,
    body: Option<&Value>,
) -> Reply {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        server.addr
    );
    if let Some(session) = session {
        head.push_str(&format!("Cookie: desk_session={}\r\n", session.token));
        if csrf {
            head.push_str(&format!("X-CSRF-Token: {}\r\n", session.csrf));
        }
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    if !body.is_empty() || method != "GET" {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body.as_bytes());
    send(&server.addr, &request)
}

/// A staff API request from loopback address `source`, with a session's cookie token and CSRF value.
pub fn request_from(
    server: &Server,
    source: &str,
    method: &str,
    path: &str,
    auth: Auth<'_>,
    body: Option<&Value>,
) -> Reply {
    let mut head = format!(
        "{method} /staff/api/v1{path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        server.addr
    );
    match auth {
        Auth::None => {}
        Auth::Cookie(token, csrf) => {
            head.push_str(&format!("Cookie: desk_session={token}\r\n"));
            if let Some(csrf) = csrf {
                head.push_str(&format!("X-CSRF-Token: {csrf}\r\n"));
            }
        }
    }
    let body = body.map(Value::to_string).unwrap_or_default();
    head.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    let mut stream = connect_from(source, &server.addr, None);
    std::io::Write::write_all(&mut stream, head.as_bytes()).unwrap();
    read_reply(&mut stream)
}

#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    Cookie(&'a str, Option<&'a str>),
}

/// Runs one SQL statement on the test's database (to move its clock: backdating).
pub fn sql(dir: &TempDir, statement: &str, params: impl rusqlite::Params) {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    conn.execute(statement, params).unwrap();
}

/// The audit log's actions and addresses, oldest first.
pub fn audit_actions(dir: &TempDir) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let mut statement = conn
        .prepare("SELECT action, coalesce(address, '') FROM audit_log ORDER BY id")
        .unwrap();
    let rows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// The desk's database, waiting for a running server's writes rather than failing on them.
pub fn db(dir: &TempDir) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    conn
}

/// A complaint's revision, as a staff action must send it back.
pub fn revision(dir: &TempDir, reference: &str) -> i64 {
    db(dir)
        .query_row(
            "SELECT revision FROM complaints WHERE reference = ?1",
            [reference],
            |r| r.get(0),
        )
        .unwrap()
}
