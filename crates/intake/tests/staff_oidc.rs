//! Signing in with the organisation's OpenID Connect provider (issue #23, docs/staff-api.md "Sign-in with
//! the organisation's provider"), against the real service and a provider in this process
//! (`support::oidc`): the whole flow signs a known staff member in; an ID token with a wrong nonce, a wrong
//! audience or past its expiry, an unverified or unknown address, a turned-off account and a replayed or
//! foreign state are each refused and recorded; an invitation becomes its account; the desk learns which
//! ways in there are.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};
use support::oidc::{unix_now, Provider, CLIENT_ID, CLIENT_SECRET};
use support::staff::{request_from, sql, staff_session, Auth};
use support::{send, Reply, Server, TempDir};

/// The service with `provider` configured (and room for many attempts from one address).
fn serve_with(dir: &TempDir, provider: &Provider) -> Server {
    let secret = dir.0.join("oidc-secret");
    std::fs::write(&secret, format!("{CLIENT_SECRET}\n")).unwrap();
    let secret = secret.to_str().unwrap().to_owned();
    let server = Server::start(
        dir,
        &[
            "--oidc-issuer",
            &provider.issuer,
            "--oidc-client-id",
            CLIENT_ID,
            "--oidc-client-secret-file",
            &secret,
            "--oidc-label",
            "Sign in with Example SSO",
            "--staff-sign-in-limit",
            "100",
        ],
        &[],
    );
    server.wait_for_log(Duration::from_secs(10), |log| log.contains("discovered"));
    server
}

fn get(server: &Server, path: &str, cookie: Option<&str>) -> Reply {
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{cookie}\r\n",
        server.addr
    );
    send(&server.addr, request.as_bytes())
}

/// The value `name` is set to by the reply's `Set-Cookie` headers, with the header.
fn set_cookie<'a>(reply: &'a Reply, name: &str) -> Option<(&'a str, &'a str)> {
    reply
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| {
            let value = v.strip_prefix(&format!("{name}="))?;
            Some((value.split(';').next().unwrap_or_default(), v.as_str()))
        })
}

fn query(url: &str) -> HashMap<String, String> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let v = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
            (k.to_owned(), v.into_owned())
        })
        .collect()
}

/// A started sign-in: the provider's URL's parameters and the browser's state cookie.
struct Started {
    params: HashMap<String, String>,
    cookie: String,
}

fn start(server: &Server) -> Started {
    let reply = get(server, "/staff/api/v1/oidc/start", None);
    assert_eq!(reply.status, 303, "{}", reply.text());
    let location = reply.header("location").unwrap().to_owned();
    let (state, header) = set_cookie(&reply, "desk_oidc").expect("a state cookie");
    for part in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/staff/api/v1/oidc",
        "Max-Age=300",
    ] {
        assert!(header.contains(part), "{header}");
    }
    Started {
        params: query(&location),
        cookie: format!("desk_oidc={state}"),
    }
}

/// The provider's answer with `code` for `started`, from the browser that started it.
fn callback(server: &Server, started: &Started, code: &str) -> Reply {
    let path = format!(
        "/staff/api/v1/oidc/callback?code={code}&state={}",
        started.params["state"]
    );
    get(server, &path, Some(&started.cookie))
}

/// A sign-in whose ID token has the claims `edit` makes of good ones for `email`.
fn sign_in(
    server: &Server,
    provider: &Provider,
    email: &str,
    edit: impl FnOnce(&mut Value),
) -> Reply {
    let started = start(server);
    let mut claims = provider.claims(&started.params["nonce"], email);
    edit(&mut claims);
    let code = provider.issue(&started.params["code_challenge"], claims);
    callback(server, &started, &code)
}

/// The `sign_in` and `sign_in_failed` lines: action, actor, detail.
fn sign_in_lines(dir: &TempDir) -> Vec<(String, String, Value)> {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let mut statement = conn
        .prepare(
            "SELECT action, actor, detail FROM audit_log
             WHERE action IN ('sign_in', 'sign_in_failed', 'enrol') ORDER BY id",
        )
        .unwrap();
    let rows = statement
        .query_map([], |r| {
            let detail: String = r.get(2)?;
            Ok((r.get(0)?, r.get(1)?, serde_json::from_str(&detail).unwrap()))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn me(server: &Server, reply: &Reply) -> Value {
    let (token, _) = set_cookie(reply, "desk_session").expect("a session cookie");
    let me = request_from(
        server,
        "127.0.0.1",
        "GET",
        "/me",
        Auth::Cookie(token, None),
        None,
    );
    assert_eq!(me.status, 200, "{}", me.text());
    me.json()
}

#[test]
fn the_whole_flow_signs_in_a_known_staff_member() {
    let provider = Provider::start();
    let dir = TempDir::new("oidc-flow");
    let server = serve_with(&dir, &provider);
    let ana = staff_session(&dir, "Ana", "lead", &[]);

    let started = start(&server);
    let port = server.addr.rsplit(':').next().unwrap();
    assert_eq!(started.params["client_id"], CLIENT_ID);
    assert_eq!(started.params["response_type"], "code");
    assert_eq!(started.params["code_challenge_method"], "S256");
    assert!(started.params["scope"].contains("openid"));
    assert_eq!(
        started.params["redirect_uri"],
        format!("http://localhost:{port}/staff/api/v1/oidc/callback")
    );
    // The address the provider vouches for, in another case than the account's.
    let claims = provider.claims(&started.params["nonce"], "ANA@Staff.Example");
    let code = provider.issue(&started.params["code_challenge"], claims);
    let reply = callback(&server, &started, &code);

    assert_eq!(reply.status, 303, "{}", reply.text());
    assert_eq!(reply.header("location"), Some("/staff/"));
    let (_, session) = set_cookie(&reply, "desk_session").unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/staff"] {
        assert!(session.contains(part), "{session}");
    }
    let (cleared, _) = set_cookie(&reply, "desk_oidc").unwrap();
    assert_eq!(cleared, "");
    let me = me(&server, &reply);
    assert_eq!(
        (me["id"].as_i64(), &me["role"]),
        (Some(ana.staff_id), &json!("lead"))
    );
    assert!(provider.refusals.lock().unwrap().is_empty());
    let lines = sign_in_lines(&dir);
    assert_eq!(
        lines,
        vec![(
            "sign_in".to_owned(),
            format!("staff:{}", ana.staff_id),
            json!({ "with": "oidc" })
        )]
    );
}

#[test]
fn each_bad_answer_is_refused_and_recorded() {
    let provider = Provider::start();
    let dir = TempDir::new("oidc-refused");
    let server = serve_with(&dir, &provider);
    let ana = staff_session(&dir, "Ana", "agent", &[]);
    let bo = staff_session(&dir, "Bo", "agent", &[]);
    sql(
        &dir,
        "UPDATE staff SET disabled_at = unixepoch() WHERE id = ?1",
        [bo.staff_id],
    );
    let ana_email = "ana@staff.example";
    // What is wrong, whose address, how the good claims are spoiled, the desk's code, the audit's reason.
    type Case = (
        &'static str,
        &'static str,
        fn(&mut Value),
        &'static str,
        &'static str,
    );
    let cases: [Case; 6] = [
        (
            "wrong nonce",
            ana_email,
            |c| c["nonce"] = json!("another"),
            "sign_in_failed",
            "nonce",
        ),
        (
            "wrong audience",
            ana_email,
            |c| c["aud"] = json!("someone-else"),
            "sign_in_failed",
            "audience",
        ),
        (
            "expired",
            ana_email,
            |c| {
                c["iat"] = json!(unix_now() - 900);
                c["exp"] = json!(unix_now() - 600);
            },
            "sign_in_failed",
            "expired",
        ),
        (
            "unverified",
            ana_email,
            |c| c["email_verified"] = json!(false),
            "sign_in_failed",
            "not verified",
        ),
        (
            "unknown",
            "nobody@staff.example",
            |_| {},
            "no_account",
            "no staff account",
        ),
        (
            "turned off",
            "bo@staff.example",
            |_| {},
            "sign_in_failed",
            "account turned off",
        ),
    ];
    for (seen, (case, email, edit, code, why)) in cases.into_iter().enumerate() {
        let reply = sign_in(&server, &provider, email, edit);
        assert_eq!(reply.status, 303, "{case}: {}", reply.text());
        assert_eq!(
            reply.header("location"),
            Some(format!("/staff/?signin_error={code}").as_str()),
            "{case}"
        );
        assert!(set_cookie(&reply, "desk_session").is_none(), "{case}");
        let lines = sign_in_lines(&dir);
        assert_eq!(lines.len(), seen + 1, "{case}: one line each: {lines:?}");
        let (action, _, detail) = &lines[seen];
        assert_eq!(action, "sign_in_failed", "{case}");
        let text = detail["why"].as_str().unwrap().to_lowercase();
        assert!(text.contains(why), "{case}: {detail}");
    }
    // Only the turned-off account's failure counts against an account.
    let actors: Vec<String> = sign_in_lines(&dir).into_iter().map(|l| l.1).collect();
    assert_eq!(
        actors.iter().filter(|a| *a == "anonymous").count(),
        5,
        "{actors:?}"
    );
    assert_eq!(actors.last(), Some(&format!("staff:{}", bo.staff_id)));
    // Ana herself still gets in.
    let reply = sign_in(&server, &provider, ana_email, |_| {});
    assert_eq!(me(&server, &reply)["id"].as_i64(), Some(ana.staff_id));
}

#[test]
fn a_state_is_used_once_and_only_by_the_browser_that_started_it() {
    let provider = Provider::start();
    let dir = TempDir::new("oidc-state");
    let server = serve_with(&dir, &provider);
    staff_session(&dir, "Ana", "agent", &[]);

    let started = start(&server);
    let claims = provider.claims(&started.params["nonce"], "ana@staff.example");
    let code = provider.issue(&started.params["code_challenge"], claims);
    // Someone else's browser, sent the answer: no state cookie.
    let path = format!(
        "/staff/api/v1/oidc/callback?code={code}&state={}",
        started.params["state"]
    );
    let foreign = get(&server, &path, None);
    assert_eq!(
        foreign.header("location"),
        Some("/staff/?signin_error=ceremony_expired")
    );
    // The state was used by that attempt: the right browser must start again.
    let replayed = callback(&server, &started, &code);
    assert_eq!(
        replayed.header("location"),
        Some("/staff/?signin_error=ceremony_expired")
    );
    let fresh = sign_in(&server, &provider, "ana@staff.example", |_| {});
    assert_eq!(fresh.header("location"), Some("/staff/"));
    let again = get(
        &server,
        &format!(
            "/staff/api/v1/oidc/callback?code=x&state={}",
            "0".repeat(20)
        ),
        Some("desk_oidc=00000000000000000000"),
    );
    assert_eq!(
        again.header("location"),
        Some("/staff/?signin_error=ceremony_expired")
    );
    // The person cancelled at the provider.
    let cancelled = start(&server);
    let path = format!(
        "/staff/api/v1/oidc/callback?error=access_denied&state={}",
        cancelled.params["state"]
    );
    let reply = get(&server, &path, Some(&cancelled.cookie));
    assert_eq!(
        reply.header("location"),
        Some("/staff/?signin_error=cancelled")
    );
    let whys: Vec<String> = sign_in_lines(&dir)
        .into_iter()
        .map(|(action, _, detail)| format!("{action}: {}", detail["why"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        whys,
        vec![
            "sign_in_failed: state from another browser",
            "sign_in_failed: state unknown, used or expired",
            "sign_in: ",
            "sign_in_failed: state unknown, used or expired",
            "sign_in_failed: the provider answered access_denied",
        ]
    );
}

#[test]
fn a_new_signing_key_of_the_provider_is_fetched_when_a_token_names_it() {
    let provider = Provider::start();
    let dir = TempDir::new("oidc-rotate");
    let server = serve_with(&dir, &provider);
    let ana = staff_session(&dir, "Ana", "agent", &[]);
    let first = sign_in(&server, &provider, "ana@staff.example", |_| {});
    assert_eq!(first.header("location"), Some("/staff/"));

    // The kept JWKS has only the old key; the next token is signed with a new one.
    provider.rotate();
    let second = sign_in(&server, &provider, "ana@staff.example", |_| {});
    assert_eq!(
        second.header("location"),
        Some("/staff/"),
        "{:?}",
        sign_in_lines(&dir)
    );
    assert_eq!(me(&server, &second)["id"].as_i64(), Some(ana.staff_id));
}

#[test]
fn an_invitation_becomes_its_account_at_the_first_sign_in() {
    let provider = Provider::start();
    let dir = TempDir::new("oidc-invited");
    let server = serve_with(&dir, &provider);
    let invited = dir.cli(&[
        "staff",
        "invite",
        "--name",
        "Cy",
        "--email",
        "cy@staff.example",
        "--role",
        "lead",
    ]);
    assert!(invited.status.success(), "{invited:?}");

    let reply = sign_in(&server, &provider, "Cy@staff.example", |_| {});
    assert_eq!(
        reply.header("location"),
        Some("/staff/"),
        "{}",
        reply.text()
    );
    let me = me(&server, &reply);
    assert_eq!((&me["name"], &me["role"]), (&json!("Cy"), &json!("lead")));
    let actions: Vec<String> = sign_in_lines(&dir).into_iter().map(|l| l.0).collect();
    assert_eq!(actions, vec!["enrol", "sign_in"]);
    // The invitation is used up: the link enrols nobody else.
    let used = dir.count("staff_invitations WHERE used_at IS NOT NULL");
    assert_eq!(used, 1);

    // An invitation past its 72 hours is no account.
    let late = dir.cli(&[
        "staff",
        "invite",
        "--name",
        "Di",
        "--email",
        "di@staff.example",
        "--role",
        "agent",
    ]);
    assert!(late.status.success(), "{late:?}");
    sql(
        &dir,
        "UPDATE staff_invitations SET expires_at = unixepoch() - 1 WHERE email = ?1",
        ["di@staff.example"],
    );
    let reply = sign_in(&server, &provider, "di@staff.example", |_| {});
    assert_eq!(
        reply.header("location"),
        Some("/staff/?signin_error=no_account")
    );
    assert_eq!(dir.count("staff WHERE email = 'di@staff.example'"), 0);
}

#[test]
fn the_desk_learns_the_ways_in() {
    let dir = TempDir::new("oidc-methods-none");
    let plain = Server::start(&dir, &[], &[]);
    let methods = request_from(
        &plain,
        "127.0.0.1",
        "GET",
        "/sign-in/methods",
        Auth::None,
        None,
    );
    assert_eq!(methods.json(), json!({ "passkey": true, "oidc": null }));
    let start = get(&plain, "/staff/api/v1/oidc/start", None);
    assert_eq!((start.status, start.code()), (404, "not_found".to_owned()));

    let provider = Provider::start();
    let dir = TempDir::new("oidc-methods");
    let server = serve_with(&dir, &provider);
    let methods = request_from(
        &server,
        "127.0.0.1",
        "GET",
        "/sign-in/methods",
        Auth::None,
        None,
    );
    assert_eq!(
        methods.json(),
        json!({ "passkey": true, "oidc": { "label": "Sign in with Example SSO" } })
    );
}

#[test]
fn a_provider_that_cannot_be_reached_is_reported() {
    // A port nobody listens on: bound, then let go.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let dir = TempDir::new("oidc-down");
    let secret = dir.0.join("oidc-secret");
    std::fs::write(&secret, CLIENT_SECRET).unwrap();
    let server = Server::start(
        &dir,
        &[
            "--oidc-issuer",
            &issuer,
            "--oidc-client-id",
            CLIENT_ID,
            "--oidc-client-secret-file",
            secret.to_str().unwrap(),
        ],
        &[],
    );
    server.wait_for_log(Duration::from_secs(15), |log| {
        log.contains(&format!("sign-in provider {issuer}"))
    });
    let reply = get(&server, "/staff/api/v1/oidc/start", None);
    assert_eq!(reply.status, 503, "{}", reply.text());
    assert_eq!(reply.code(), "oidc_unavailable");
    assert!(
        !reply.message().contains("127.0.0.1"),
        "{}",
        reply.message()
    );
}
