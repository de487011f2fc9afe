//! Signing in to the desk (issue #23, docs/staff-api.md "Sign-in, staff, tokens"): recovery codes, rate
//! limits per address and per account, enrolment links and their ceremonies, and the desk's origin. The
//! passkey ceremony itself is tested end to end in Chromium (tests/e2e/staff-passkey.test.mjs).

mod support;

use serde_json::json;
use support::staff::{audit_actions, request_from, sql, staff_session, Auth, Session};
use support::{sha256_hex, Reply, Server, TempDir};

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
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on localhost: {cookie}"
    );
    let token = cookie_token(&first);
    let me = request_from(
        &server,
        "127.0.0.1",
        "GET",
        "/me",
        Auth::Cookie(&token, None),
        None,
    );
    assert_eq!(me.json()["role"], "lead");
    assert_eq!(me.json()["csrf"], first.json()["csrf"]);

    let again = recover(&server, "127.0.0.1", "ana@staff.example", "abcde-fghjk");
    assert_eq!(again.status, 401);
    assert_eq!(again.code(), "sign_in_failed");
    let unknown = recover(&server, "127.0.0.1", "nobody@staff.example", "abcde-fghjk");
    assert_eq!(
        unknown.code(),
        "sign_in_failed",
        "the same answer for no account"
    );

    let actions = audit_actions(&dir);
    assert!(actions.contains(&("sign_in".to_owned(), "127.0.0.1".to_owned())));
    assert_eq!(
        actions
            .iter()
            .filter(|(a, _)| a == "sign_in_failed")
            .count(),
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
    for source in [
        "127.0.0.1",
        "127.0.0.1",
        "127.0.0.3",
        "127.0.0.3",
        "127.0.0.3",
    ] {
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
        let start = request_from(
            &server,
            "127.0.0.1",
            "POST",
            "/sign-in/start",
            Auth::None,
            None,
        );
        assert_eq!(start.status, 200, "{}", start.text());
    }
    let limited = request_from(
        &server,
        "127.0.0.1",
        "POST",
        "/sign-in/start",
        Auth::None,
        None,
    );
    assert_eq!(limited.status, 429, "{}", limited.text());
    assert!(limited.header("retry-after").is_some());
    let other = request_from(
        &server,
        "127.0.0.2",
        "POST",
        "/sign-in/start",
        Auth::None,
        None,
    );
    assert_eq!(other.status, 200);
    assert_eq!(
        other.json()["options"]["publicKey"]["userVerification"],
        "required"
    );
}

#[test]
fn an_enrolment_link_is_printed_once_kept_hashed_and_refused_when_expired() {
    let dir = TempDir::new("staff-invite");
    let server = Server::start(&dir, &[], &[]);
    let origin = format!(
        "http://localhost:{}",
        server.addr.rsplit(':').next().unwrap()
    );
    let out = dir.cli(&[
        "staff",
        "invite",
        "--role",
        "admin",
        "--name",
        "Ada",
        "--email",
        "ada@org.example",
        "--origin",
        &origin,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let token = link
        .strip_prefix(&format!("{origin}/staff/enrol#"))
        .unwrap_or_else(|| panic!("{link}"));
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let stored: String = conn
        .query_row("SELECT token_sha256 FROM staff_invitations", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        stored,
        sha256_hex(token.as_bytes()),
        "only the hash is kept"
    );

    let who = request_from(
        &server,
        "127.0.0.1",
        "GET",
        &format!("/enrolments/{token}"),
        Auth::None,
        None,
    );
    assert_eq!(who.status, 200, "{}", who.text());
    assert_eq!(who.json()["role"], "admin");
    let start = request_from(
        &server,
        "127.0.0.1",
        "POST",
        &format!("/enrolments/{token}/start"),
        Auth::None,
        None,
    );
    let options = start.json();
    assert_eq!(options["publicKey"]["rp"]["id"], "localhost");
    assert_eq!(
        options["publicKey"]["authenticatorSelection"]["residentKey"],
        "required"
    );
    assert_eq!(
        options["publicKey"]["authenticatorSelection"]["userVerification"],
        "required"
    );

    // The ceremony is good for five minutes: one older than that is refused.
    sql(
        &dir,
        "UPDATE staff_ceremonies SET expires_at = unixepoch() - 1",
        [],
    );
    let fake = json!({"credential": {"id": "AA", "rawId": "AA", "type": "public-key",
        "response": {"attestationObject": "AA", "clientDataJSON": "AA"}}});
    let late = request_from(
        &server,
        "127.0.0.1",
        "POST",
        &format!("/enrolments/{token}/finish"),
        Auth::None,
        Some(&fake),
    );
    assert_eq!(late.status, 400, "{}", late.text());
    assert_eq!(late.code(), "ceremony_expired");

    sql(
        &dir,
        "UPDATE staff_invitations SET expires_at = unixepoch() - 1",
        [],
    );
    let expired = request_from(
        &server,
        "127.0.0.1",
        "GET",
        &format!("/enrolments/{token}"),
        Auth::None,
        None,
    );
    assert_eq!(expired.status, 404);
    assert_eq!(expired.code(), "link_invalid");
    let unknown = request_from(
        &server,
        "127.0.0.1",
        "GET",
        "/enrolments/guessed",
        Auth::None,
        None,
    );
    assert_eq!(unknown.code(), "link_invalid");

    let bad_role = dir.cli(&[
        "staff", "invite", "--role", "owner", "--name", "X", "--email", "x@y.z",
    ]);
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
    let start = request_from(
        &server,
        "127.0.0.1",
        "POST",
        "/sign-in/start",
        Auth::None,
        None,
    );
    assert_eq!(start.json()["options"]["publicKey"]["rpId"], "desk.example");
    let garbage = request_from(
        &server,
        "127.0.0.1",
        "POST",
        "/sign-in/finish",
        Auth::None,
        Some(&json!({"ceremony": 1})),
    );
    assert_eq!(garbage.status, 400);
    assert_eq!(garbage.code(), "bad_request");
    drop(server);

    let refused = dir.cli(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--staff-origin",
        "http://127.0.0.1:8080",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("IP address"));
}
