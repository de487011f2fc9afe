//! Who may do what in the auth room (issue #23, docs/staff-api.md "Sign-in, staff, tokens"): every route
//! for every role, as a person and as a service token; service tokens shown once, kept hashed, refused once
//! revoked; staff accounts changed by an admin, the last admin kept.

mod support;

use serde_json::{json, Value};
use support::staff::{staff_request, staff_session, Session};
use support::{send, sha256_hex, Reply, Server, TempDir};

const API: &str = "/staff/api/v1";

fn bearer(server: &Server, method: &str, path: &str, token: &str, body: Option<&Value>) -> Reply {
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {API}{path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr,
        body.len()
    );
    send(&server.addr, request.as_bytes())
}

fn call(
    server: &Server,
    method: &str,
    path: &str,
    session: &Session,
    body: Option<&Value>,
) -> Reply {
    staff_request(
        server,
        method,
        &format!("{API}{path}"),
        Some(session),
        true,
        body,
    )
}

/// A token made by `admin` through the API: (id, secret).
fn token(server: &Server, admin: &Session, name: &str, role: &str) -> (i64, String) {
    let made = call(
        server,
        "POST",
        "/tokens",
        admin,
        Some(&json!({"name": name, "role": role})),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    let made = made.json();
    (
        made["id"].as_i64().unwrap(),
        made["token"].as_str().unwrap().to_owned(),
    )
}

/// One route: method, path, body, the least role that may call it, and the status it answers that role.
struct Route {
    method: &'static str,
    path: String,
    body: Option<Value>,
    least: &'static str,
    allowed: u16,
}

fn routes(victim: i64) -> Vec<Route> {
    let route = |method, path: String, body: Option<Value>, least, allowed| Route {
        method,
        path,
        body,
        least,
        allowed,
    };
    vec![
        route("GET", "/staff".into(), None, "lead", 200),
        route(
            "PATCH",
            format!("/staff/{victim}"),
            Some(json!({"categories": ["delivery"]})),
            "admin",
            200,
        ),
        route(
            "POST",
            "/staff/invitations".into(),
            Some(json!({"name": "New", "email": "new@org.example", "role": "agent"})),
            "admin",
            201,
        ),
        route("GET", "/tokens".into(), None, "admin", 200),
        route(
            "POST",
            "/tokens".into(),
            Some(json!({"name": "crm", "role": "agent"})),
            "admin",
            201,
        ),
        route("DELETE", "/tokens/9999".into(), None, "admin", 404),
    ]
}

const ROLES: [&str; 3] = ["agent", "lead", "admin"];

fn rank(role: &str) -> usize {
    ROLES.iter().position(|r| *r == role).unwrap()
}

#[test]
fn every_route_of_the_auth_room_is_refused_to_a_role_below_it_as_person_and_as_token() {
    let dir = TempDir::new("staff-roles");
    let server = Server::start(&dir, &[], &[]);
    let root = staff_session(&dir, "Root", "admin", &[]);
    let victim = staff_session(&dir, "Victim", "agent", &[]).staff_id;
    for role in ROLES {
        let person = staff_session(&dir, &format!("Person {role}"), role, &[]);
        let (_, secret) = token(&server, &root, &format!("token {role}"), role);
        for route in routes(victim) {
            let expected = if rank(role) >= rank(route.least) {
                route.allowed
            } else {
                403
            };
            // Each allowed invitation needs an address of its own.
            let body = route.body.clone().map(|mut b| {
                if b.get("email").is_some() {
                    b["email"] = json!(format!("{role}-{}@org.example", expected));
                }
                b
            });
            let as_person = call(&server, route.method, &route.path, &person, body.as_ref());
            assert_eq!(
                as_person.status,
                expected,
                "{role} person: {} {}: {}",
                route.method,
                route.path,
                as_person.text()
            );
            let body = body.map(|mut b| {
                if b.get("email").is_some() {
                    b["email"] = json!(format!("{role}-token@org.example"));
                }
                b
            });
            let as_token = bearer(&server, route.method, &route.path, &secret, body.as_ref());
            assert_eq!(
                as_token.status,
                expected,
                "{role} token: {} {}: {}",
                route.method,
                route.path,
                as_token.text()
            );
            if expected == 403 {
                assert_eq!(as_token.code(), "forbidden");
            }
        }
    }
}

#[test]
fn a_service_token_is_shown_once_kept_hashed_and_refused_once_revoked() {
    let dir = TempDir::new("staff-tokens");
    let server = Server::start(&dir, &[], &[]);
    let admin = staff_session(&dir, "Ada", "admin", &[]);
    let (id, secret) = token(&server, &admin, "CRM mirror", "lead");
    assert!(
        secret.starts_with("cdt_") && secret.len() == 4 + 43,
        "{secret}"
    );

    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let stored: String = conn
        .query_row(
            "SELECT token_sha256 FROM service_tokens WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, sha256_hex(secret.as_bytes()));

    let listed = call(&server, "GET", "/tokens", &admin, None);
    assert!(!listed.text().contains(&secret), "{}", listed.text());
    assert_eq!(listed.json()["tokens"][0]["last_used_at"], Value::Null);

    let me = bearer(&server, "GET", "/me", &secret, None);
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["role"], "lead");
    assert_eq!(me.json()["name"], "CRM mirror");
    assert_eq!(me.json()["csrf"], Value::Null);
    // No CSRF value for a token: a lead may list the staff, and says so with no cookie at all.
    let staff = bearer(&server, "GET", "/staff", &secret, None);
    assert_eq!(staff.status, 200);
    let listed = call(&server, "GET", "/tokens", &admin, None);
    assert_ne!(listed.json()["tokens"][0]["last_used_at"], Value::Null);

    let revoked = call(&server, "DELETE", &format!("/tokens/{id}"), &admin, None);
    assert_eq!(revoked.status, 204, "{}", revoked.text());
    let after = bearer(&server, "GET", "/me", &secret, None);
    assert_eq!(after.status, 401);
    assert_eq!(after.code(), "signed_out");
    let twice = call(&server, "DELETE", &format!("/tokens/{id}"), &admin, None);
    assert_eq!(twice.status, 404);
    assert_eq!(
        bearer(&server, "GET", "/me", "cdt_guessed", None).status,
        401
    );
    assert_eq!(
        bearer(&server, "GET", "/me", &admin.token, None).status,
        401
    );

    let bad = call(
        &server,
        "POST",
        "/tokens",
        &admin,
        Some(&json!({"name": "x", "role": "root"})),
    );
    assert_eq!(bad.status, 422);
    assert_eq!(bad.code(), "invalid");
    // A token has no passkeys and no session to end.
    let (_, admin_token) = token(&server, &admin, "ops", "admin");
    assert_eq!(
        bearer(&server, "GET", "/me/passkeys", &admin_token, None).status,
        403
    );
    assert_eq!(
        bearer(&server, "POST", "/sign-out", &admin_token, None).status,
        403
    );
}

#[test]
fn a_service_token_may_expire_and_is_refused_once_expired() {
    let dir = TempDir::new("staff-token-expiry");
    let server = Server::start(&dir, &[], &[]);
    let admin = staff_session(&dir, "Ada", "admin", &[]);
    let made = call(
        &server,
        "POST",
        "/tokens",
        &admin,
        Some(&json!({"name": "Trial CRM", "role": "agent", "expires_in_days": 30})),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    let made = made.json();
    let id = made["id"].as_i64().unwrap();
    let secret = made["token"].as_str().unwrap().to_owned();
    let created = made["created_at"].as_str().unwrap();
    let expires = made["expires_at"].as_str().unwrap();
    assert!(expires > created, "{created} {expires}");
    // With the organisation's offset (the test config's Europe/London), as every staff API time.
    for time in [created, expires] {
        assert!(
            time.ends_with("+00:00") || time.ends_with("+01:00"),
            "{time}"
        );
    }

    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let (created_at, expires_at): (i64, i64) = conn
        .query_row(
            "SELECT created_at, expires_at FROM service_tokens WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(expires_at - created_at, 30 * 86_400);
    let listed = call(&server, "GET", "/tokens", &admin, None);
    assert_eq!(listed.json()["tokens"][0]["expires_at"], expires);
    assert_eq!(bearer(&server, "GET", "/me", &secret, None).status, 200);

    // A minute past its time, it is refused as a revoked one is.
    conn.execute(
        "UPDATE service_tokens SET expires_at = unixepoch() - 60 WHERE id = ?1",
        [id],
    )
    .unwrap();
    let after = bearer(&server, "GET", "/me", &secret, None);
    assert_eq!(after.status, 401, "{}", after.text());
    assert_eq!(after.code(), "signed_out");

    // Without it, a token lasts until revoked.
    let (_, lasting) = token(&server, &admin, "Mirror", "agent");
    assert_eq!(bearer(&server, "GET", "/me", &lasting, None).status, 200);
    let listed = call(&server, "GET", "/tokens", &admin, None);
    assert_eq!(listed.json()["tokens"][0]["expires_at"], Value::Null);

    for days in [0, 731, -1] {
        let bad = call(
            &server,
            "POST",
            "/tokens",
            &admin,
            Some(&json!({"name": "x", "role": "agent", "expires_in_days": days})),
        );
        assert_eq!(bad.status, 422, "{days}: {}", bad.text());
        assert_eq!(bad.code(), "invalid", "{days}");
    }
    let text = call(
        &server,
        "POST",
        "/tokens",
        &admin,
        Some(&json!({"name": "x", "role": "agent", "expires_in_days": "30"})),
    );
    assert_eq!(text.status, 400, "{}", text.text());
    let tokens = call(&server, "GET", "/tokens", &admin, None).json();
    assert_eq!(tokens["tokens"].as_array().unwrap().len(), 2);
}

#[test]
fn an_admin_changes_accounts_and_the_last_admin_stays() {
    let dir = TempDir::new("staff-admin");
    let server = Server::start(&dir, &[], &[]);
    let ada = staff_session(&dir, "Ada", "admin", &[]);
    let bo = staff_session(&dir, "Bo", "agent", &[]);

    let promoted = call(
        &server,
        "PATCH",
        &format!("/staff/{}", bo.staff_id),
        &ada,
        Some(&json!({"role": "lead", "categories": ["delivery"]})),
    );
    assert_eq!(promoted.status, 200, "{}", promoted.text());
    assert_eq!(promoted.json()["role"], "lead");
    let me = call(&server, "GET", "/me", &bo, None);
    assert_eq!(
        me.json()["role"],
        "lead",
        "the next request sees the new role"
    );
    assert_eq!(me.json()["categories"][0], "delivery");

    let unknown_category = call(
        &server,
        "PATCH",
        &format!("/staff/{}", bo.staff_id),
        &ada,
        Some(&json!({"categories": ["nope"]})),
    );
    assert_eq!(unknown_category.status, 422);
    let unknown_field = call(
        &server,
        "PATCH",
        &format!("/staff/{}", bo.staff_id),
        &ada,
        Some(&json!({"rolle": "admin"})),
    );
    assert_eq!(unknown_field.status, 400);

    let off = call(
        &server,
        "PATCH",
        &format!("/staff/{}", bo.staff_id),
        &ada,
        Some(&json!({"disabled": true})),
    );
    assert_eq!(off.status, 200);
    assert_eq!(off.json()["disabled"], true);
    let on = call(
        &server,
        "PATCH",
        &format!("/staff/{}", bo.staff_id),
        &ada,
        Some(&json!({"disabled": false})),
    );
    assert_eq!(on.json()["disabled"], false);
    assert_eq!(
        call(&server, "GET", "/me", &bo, None).status,
        401,
        "turning off ended the session for good"
    );

    for change in [json!({"role": "lead"}), json!({"disabled": true})] {
        let refused = call(
            &server,
            "PATCH",
            &format!("/staff/{}", ada.staff_id),
            &ada,
            Some(&change),
        );
        assert_eq!(refused.status, 409, "{}", refused.text());
        assert_eq!(refused.code(), "last_admin");
    }
    assert_eq!(
        call(&server, "GET", "/me", &ada, None).json()["role"],
        "admin"
    );
    for id in ["9999", "bo"] {
        let missing = call(
            &server,
            "PATCH",
            &format!("/staff/{id}"),
            &ada,
            Some(&json!({})),
        );
        assert_eq!(missing.status, 404, "{}", missing.text());
        assert_eq!(missing.code(), "not_found");
    }

    let list = call(&server, "GET", "/staff", &ada, None).json();
    let names: Vec<&str> = list["staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ada", "Bo"]);
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let changes: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'staff_changed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        changes, 3,
        "every change that went through is in the audit log"
    );
}

#[test]
fn an_invitation_is_refused_for_an_address_that_has_an_account_or_bad_input() {
    let dir = TempDir::new("staff-invitations");
    let server = Server::start(&dir, &[], &[]);
    let ada = staff_session(&dir, "Ada", "admin", &[]);
    let taken = call(
        &server,
        "POST",
        "/staff/invitations",
        &ada,
        Some(&json!({"name": "Ada 2", "email": "ADA@staff.example", "role": "agent"})),
    );
    assert_eq!(taken.status, 409, "{}", taken.text());
    assert_eq!(taken.code(), "exists");
    for body in [
        json!({"name": "", "email": "a@b.c", "role": "agent"}),
        json!({"name": "A", "email": "not an address", "role": "agent"}),
        json!({"name": "A", "email": "a@b.c", "role": "agent", "categories": ["nope"]}),
    ] {
        let refused = call(&server, "POST", "/staff/invitations", &ada, Some(&body));
        assert_eq!(refused.status, 422, "{body}: {}", refused.text());
        assert_eq!(refused.code(), "invalid");
    }
    let made = call(
        &server,
        "POST",
        "/staff/invitations",
        &ada,
        Some(
            &json!({"name": "Bo", "email": "bo@org.example", "role": "lead", "categories": ["delivery"]}),
        ),
    );
    assert_eq!(made.status, 201);
    let link = made.json()["link"].as_str().unwrap().to_owned();
    let port = server.addr.rsplit(':').next().unwrap();
    assert!(
        link.starts_with(&format!("http://localhost:{port}/staff/enrol#")),
        "{link}"
    );
    assert_eq!(dir.count("staff_invitations"), 1);
}
