//! Sign-in to the staff desk (issue #23, docs/staff-api.md "Who is asking"): the session cookie, CSRF,
//! sessions that expire (idle and absolute) or are ended, the stolen-cookie rule, rate limits, recovery
//! codes and enrolment links. The passkey ceremony itself is tested end to end in Chromium
//! (tests/e2e/staff-passkey.test.mjs); the clock here is the database's: sessions are backdated.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::staff::{staff_request, staff_session, Session};
use support::{connect_from, read_reply, sha256_hex, Reply, Server, TempDir};

const API: &str = "/staff/api/v1";

/// A staff API request from loopback address `source`, with a cookie token, its CSRF value, or a bearer.
fn request_from(
    server: &Server,
    source: &str,
    method: &str,
    path: &str,
    auth: Auth<'_>,
    body: Option<&Value>,
) -> Reply {
    let mut head = format!(
        "{method} {API}{path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
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
        Auth::Bearer(token) => head.push_str(&format!("Authorization: Bearer {token}\r\n")),
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
enum Auth<'a> {
    None,
    Cookie(&'a str, Option<&'a str>),
    Bearer(&'a str),
}

fn me(server: &Server, session: &Session) -> u16 {
    staff_request(server, "GET", &format!("{API}/me"), Some(session), false, None).status
}

fn sql(dir: &TempDir, statement: &str, params: impl rusqlite::Params) {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.execute(statement, params).unwrap();
}

fn audit_actions(dir: &TempDir) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let mut statement = conn
        .prepare("SELECT action, coalesce(address, '') FROM audit_log ORDER BY id")
        .unwrap();
    let rows = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn a_change_without_the_sessions_csrf_value_is_refused_and_changes_nothing() {
    let dir = TempDir::new("staff-csrf");
    let server = Server::start(&dir, &[], &[]);
    let ana = staff_session(&dir, "Ana", "agent", &[]);

    let forged = staff_request(&server, "POST", &format!("{API}/sign-out"), Some(&ana), false, None);
    assert_eq!(forged.status, 403, "{}", forged.text());
    assert_eq!(forged.code(), "csrf");
    assert_eq!(me(&server, &ana), 200, "the forged sign-out ended nothing");

    let wrong = request_from(
        &server,
        "127.0.0.1",
        "POST",
        "/sign-out",
        Auth::Cookie(&ana.token, Some("csrf-guessed")),
        None,
    );
    assert_eq!(wrong.code(), "csrf");

    let out = staff_request(&server, "POST", &format!("{API}/sign-out"), Some(&ana), true, None);
    assert_eq!(out.status, 200, "{}", out.text());
    let cleared = out.header("set-cookie").unwrap();
    assert!(cleared.starts_with("desk_session=;") && cleared.contains("Max-Age=0"));
    assert_eq!(me(&server, &ana), 401, "a signed-out session is refused");
    assert!(audit_actions(&dir).iter().any(|(a, _)| a == "sign_out"));
}

#[test]
fn a_session_ends_when_idle_or_old_as_the_flags_say() {
    let dir = TempDir::new("staff-expiry");
    let server = Server::start(
        &dir,
        &["--staff-idle-minutes", "1", "--staff-session-hours", "0.5"],
        &[],
    );
    let fresh = staff_session(&dir, "Fresh", "agent", &[]);
    let idle = staff_session(&dir, "Idle", "agent", &[]);
    let rested = staff_session(&dir, "Rested", "agent", &[]);
    let old = staff_session(&dir, "Old", "agent", &[]);
    let backdate = |session: &Session, created: i64, seen: i64| {
        sql(
            &dir,
            "UPDATE staff_sessions SET created_at = unixepoch() - ?2, seen_at = unixepoch() - ?3
             WHERE staff_id = ?1",
            [session.staff_id, created, seen],
        );
    };
    backdate(&idle, 100, 90); // unused for 90 s: past the idle minute
    backdate(&rested, 100, 30); // unused for 30 s: still good
    backdate(&old, 1900, 5); // in use, but signed in 31 minutes ago: past half an hour

    assert_eq!(me(&server, &fresh), 200);
    assert_eq!(me(&server, &rested), 200);
    assert_eq!(me(&server, &idle), 401);
    assert_eq!(me(&server, &old), 401);
    // Ended for good: the next request finds it ended, not merely idle.
    backdate(&idle, 100, 0);
    assert_eq!(me(&server, &idle), 401);
    let expired: Vec<_> = audit_actions(&dir)
        .into_iter()
        .filter(|(a, _)| a == "session_expired")
        .collect();
    assert_eq!(expired.len(), 2, "{expired:?}");
}

#[test]
fn a_session_past_its_lifetime_is_refused_on_the_real_clock() {
    let dir = TempDir::new("staff-lifetime");
    // 0.002 hours: a session lasts 7 seconds, however busy.
    let server = Server::start(&dir, &["--staff-session-hours", "0.002"], &[]);
    let ana = staff_session(&dir, "Ana", "agent", &[]);
    assert_eq!(me(&server, &ana), 200);
    let started = Instant::now();
    loop {
        if me(&server, &ana) == 401 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the session outlived its lifetime"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn signing_out_everywhere_ends_every_session_of_that_person_only() {
    let dir = TempDir::new("staff-everywhere");
    let server = Server::start(&dir, &[], &[]);
    let laptop = staff_session(&dir, "Ana", "agent", &[]);
    let tablet = Session {
        staff_id: laptop.staff_id,
        token: "tablet-token".into(),
        csrf: "tablet-csrf".into(),
    };
    sql(
        &dir,
        "INSERT INTO staff_sessions (token_sha256, staff_id, csrf, created_at, seen_at, address)
         VALUES (?1, ?2, 'tablet-csrf', unixepoch(), unixepoch(), '127.0.0.1')",
        rusqlite::params![sha256_hex(b"tablet-token"), laptop.staff_id],
    );
    let bo = staff_session(&dir, "Bo", "agent", &[]);
    assert_eq!(me(&server, &tablet), 200);

    let out = staff_request(
        &server,
        "POST",
        &format!("{API}/sign-out-everywhere"),
        Some(&laptop),
        true,
        None,
    );
    assert_eq!(out.status, 200, "{}", out.text());
    assert_eq!(out.json()["ended"], 2);
    assert_eq!(me(&server, &laptop), 401);
    assert_eq!(me(&server, &tablet), 401);
    assert_eq!(me(&server, &bo), 200, "another person's session goes on");
}

#[test]
fn a_session_cookie_used_from_another_address_ends_the_session() {
    let dir = TempDir::new("staff-stolen");
    let server = Server::start(&dir, &[], &[]);
    // Signed in from 127.0.0.1 (the support writes that address).
    let ana = staff_session(&dir, "Ana", "admin", &[]);
    assert_eq!(me(&server, &ana), 200);

    let stolen = request_from(
        &server,
        "127.0.0.2",
        "GET",
        "/me",
        Auth::Cookie(&ana.token, None),
        None,
    );
    assert_eq!(stolen.status, 401, "{}", stolen.text());
    assert_eq!(stolen.code(), "signed_out");
    assert_eq!(me(&server, &ana), 401, "the session is over for its owner too");
    let changed: Vec<_> = audit_actions(&dir)
        .into_iter()
        .filter(|(a, _)| a == "session_address_changed")
        .collect();
    assert_eq!(
        changed,
        [("session_address_changed".to_owned(), "127.0.0.2".to_owned())]
    );
}

/// An account with recovery codes `codes`, written as an enrolment leaves it.
fn with_recovery_codes(dir: &TempDir, session: &Session, codes: &[&str]) {
    for code in codes {
        let plain: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
        sql(
            dir,
            "INSERT INTO staff_recovery_codes (staff_id, code_sha256) VALUES (?1, ?2)",
            rusqlite::params![
                session.staff_id,
                sha256_hex(plain.to_lowercase().as_bytes())
            ],
        );
    }
}

fn recover(server: &Server, source: &str, email: &str, code: &str) -> Reply {
    request_from(
        server,
        source,
        "POST",
        "/sign-in/recovery",
        Auth::None,
        Some(&json!({ "email": email, "code": code })),
    )
}

fn cookie_token(reply: &Reply) -> String {
    let cookie = reply.header("set-cookie").expect("a session cookie");
    cookie
        .strip_prefix("desk_session=")
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_owned()
}

#[test]
fn a_recovery_code_signs_in_once() {
    let dir = TempDir::new("staff-recovery");
    let server = Server::start(&dir, &[], &[]);
    let ana = staff_session(&dir, "Ana", "lead", &[]);
    with_recovery_codes(&dir, &ana, &["abcde-fghjk", "mnpqr-stvwx"]);

    let first = recover(&server, "127.0.0.1", "ANA@staff.example", "ABCDE FGHJK");
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.json()["add_passkey"], true);
    let cookie = first.header("set-cookie").unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/staff"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP on localhost: {cookie}");
    let token = cookie_token(&first);
    let me = request_from(&server, "127.0.0.1", "GET", "/me", Auth::Cookie(&token, None), None);
    assert_eq!(me.json()["role"], "lead");
    assert_eq!(me.json()["csrf"], first.json()["csrf"]);

    let again = recover(&server, "127.0.0.1", "ana@staff.example", "abcde-fghjk");
    assert_eq!(again.status, 401);
    assert_eq!(again.code(), "sign_in_failed");
    let unknown = recover(&server, "127.0.0.1", "nobody@staff.example", "abcde-fghjk");
    assert_eq!(unknown.code(), "sign_in_failed", "the same answer for no account");

    let actions = audit_actions(&dir);
    assert!(actions.contains(&("sign_in".to_owned(), "127.0.0.1".to_owned())));
    assert_eq!(
        actions.iter().filter(|(a, _)| a == "sign_in_failed").count(),
        2
    );
}

#[test]
fn sign_in_attempts_are_limited_per_address_and_failures_per_account() {
    let dir = TempDir::new("staff-limits");
    let server = Server::start(&dir, &["--staff-sign-in-limit", "8"], &[]);
    let ana = staff_session(&dir, "Ana", "agent", &[]);
    with_recovery_codes(&dir, &ana, &["abcde-fghjk"]);

    // Five failures lock the account, from wherever they come.
    for source in ["127.0.0.1", "127.0.0.1", "127.0.0.3", "127.0.0.3", "127.0.0.3"] {
        let wrong = recover(&server, source, "ana@staff.example", "00000-00000");
        assert_eq!(wrong.status, 401, "{}", wrong.text());
    }
    let locked = recover(&server, "127.0.0.4", "ana@staff.example", "abcde-fghjk");
    assert_eq!(locked.status, 429, "{}", locked.text());
    assert_eq!(locked.code(), "rate_limited");
    let wait: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    // The code was not used up by the locked attempt: it works once the failures are old.
    sql(&dir, "UPDATE audit_log SET at = at - 1000", []);
    let later = recover(&server, "127.0.0.4", "ana@staff.example", "abcde-fghjk");
    assert_eq!(later.status, 200, "{}", later.text());

    // Per address: 8 attempts a minute; the ninth waits, another address does not.
    for _ in 0..6 {
        let start = request_from(&server, "127.0.0.1", "POST", "/sign-in/start", Auth::None, None);
        assert_eq!(start.status, 200, "{}", start.text());
    }
    let limited = request_from(&server, "127.0.0.1", "POST", "/sign-in/start", Auth::None, None);
    assert_eq!(limited.status, 429, "{}", limited.text());
    assert!(limited.header("retry-after").is_some());
    let other = request_from(&server, "127.0.0.2", "POST", "/sign-in/start", Auth::None, None);
    assert_eq!(other.status, 200);
    assert_eq!(other.json()["options"]["publicKey"]["userVerification"], "required");
}

#[test]
fn an_enrolment_link_is_printed_once_kept_hashed_and_refused_when_expired() {
    let dir = TempDir::new("staff-invite");
    let server = Server::start(&dir, &[], &[]);
    let origin = format!("http://localhost:{}", server.addr.rsplit(':').next().unwrap());
    let out = dir.cli(&[
        "staff", "invite", "--role", "admin", "--name", "Ada", "--email", "ada@org.example",
        "--origin", &origin,
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let link = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let token = link
        .strip_prefix(&format!("{origin}/staff/enrol#"))
        .unwrap_or_else(|| panic!("{link}"));
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let stored: String = conn
        .query_row("SELECT token_sha256 FROM staff_invitations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, sha256_hex(token.as_bytes()), "only the hash is kept");

    let who = request_from(&server, "127.0.0.1", "GET", &format!("/enrolments/{token}"), Auth::None, None);
    assert_eq!(who.status, 200, "{}", who.text());
    assert_eq!(who.json()["role"], "admin");
    let start = request_from(&server, "127.0.0.1", "POST", &format!("/enrolments/{token}/start"), Auth::None, None);
    let options = start.json();
    assert_eq!(options["publicKey"]["rp"]["id"], "localhost");
    assert_eq!(options["publicKey"]["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(options["publicKey"]["authenticatorSelection"]["userVerification"], "required");

    // The ceremony is good for five minutes: one older than that is refused.
    sql(&dir, "UPDATE staff_ceremonies SET expires_at = unixepoch() - 1", []);
    let fake = json!({"credential": {"id": "AA", "rawId": "AA", "type": "public-key",
        "response": {"attestationObject": "AA", "clientDataJSON": "AA"}}});
    let late = request_from(&server, "127.0.0.1", "POST", &format!("/enrolments/{token}/finish"), Auth::None, Some(&fake));
    assert_eq!(late.status, 400, "{}", late.text());
    assert_eq!(late.code(), "ceremony_expired");

    sql(&dir, "UPDATE staff_invitations SET expires_at = unixepoch() - 1", []);
    let expired = request_from(&server, "127.0.0.1", "GET", &format!("/enrolments/{token}"), Auth::None, None);
    assert_eq!(expired.status, 404);
    assert_eq!(expired.code(), "link_invalid");
    let unknown = request_from(&server, "127.0.0.1", "GET", "/enrolments/guessed", Auth::None, None);
    assert_eq!(unknown.code(), "link_invalid");

    let bad_role = dir.cli(&["staff", "invite", "--role", "owner", "--name", "X", "--email", "x@y.z"]);
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("owner"));
    assert_eq!(dir.count("staff"), 0, "a link makes no account by itself");
}

#[test]
fn the_desk_origin_decides_the_cookie_and_an_ip_address_is_refused() {
    let dir = TempDir::new("staff-origin");
    let server = Server::start(&dir, &["--staff-origin", "https://desk.example"], &[]);
    let ana = staff_session(&dir, "Ana", "agent", &[]);
    with_recovery_codes(&dir, &ana, &["abcde-fghjk"]);
    let signed = recover(&server, "127.0.0.1", "ana@staff.example", "abcde-fghjk");
    assert!(signed.header("set-cookie").unwrap().contains("; Secure"));
    let start = request_from(&server, "127.0.0.1", "POST", "/sign-in/start", Auth::None, None);
    assert_eq!(start.json()["options"]["publicKey"]["rpId"], "desk.example");
    let garbage = request_from(&server, "127.0.0.1", "POST", "/sign-in/finish", Auth::None, Some(&json!({"ceremony": 1})));
    assert_eq!(garbage.status, 400);
    assert_eq!(garbage.code(), "bad_request");
    drop(server);

    let refused = dir.cli(&["serve", "--listen", "127.0.0.1:0", "--staff-origin", "http://127.0.0.1:8080"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("IP address"));
}
