//! Desk sessions (issue #23, docs/staff-api.md "Who is asking"): the CSRF value, sessions that expire (idle
//! and absolute) or are ended, signing out everywhere, and the stolen-cookie rule. The clock here is the
//! database's: sessions are backdated (one test waits for the real clock, polling).

mod support;

use std::time::{Duration, Instant};

use support::staff::{
    audit_actions, request_from, sql, staff_request, staff_session, Auth, Session,
};
use support::{sha256_hex, Server, TempDir};

const API: &str = "/staff/api/v1";

fn me(server: &Server, session: &Session) -> u16 {
    staff_request(
        server,
        "GET",
        &format!("{API}/me"),
        Some(session),
        false,
        None,
    )
    .status
}

#[test]
fn a_change_without_the_sessions_csrf_value_is_refused_and_changes_nothing() {
    let dir = TempDir::new("staff-csrf");
    let server = Server::start(&dir, &[], &[]);
    let ana = staff_session(&dir, "Ana", "agent", &[]);

    let forged = staff_request(
        &server,
        "POST",
        &format!("{API}/sign-out"),
        Some(&ana),
        false,
        None,
    );
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

    let out = staff_request(
        &server,
        "POST",
        &format!("{API}/sign-out"),
        Some(&ana),
        true,
        None,
    );
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
    assert_eq!(
        me(&server, &ana),
        401,
        "the session is over for its owner too"
    );
    let changed: Vec<_> = audit_actions(&dir)
        .into_iter()
        .filter(|(a, _)| a == "session_address_changed")
        .collect();
    assert_eq!(
        changed,
        [("session_address_changed".to_owned(), "127.0.0.2".to_owned())]
    );
}
