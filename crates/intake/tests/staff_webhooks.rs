//! Outgoing webhooks (issue #23, docs/webhooks.md), against the real service: a receiver in this process
//! checks each delivery's signature and time as docs/webhooks.md tells receivers to; a receiver that is down
//! when the event happens gets it later, once; only an admin manages endpoints; a URL that is not http(s)
//! or names a private address is refused.

mod support;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use support::staff::{staff_request, staff_session, Session};
use support::webhooks::{add_hook, file_one, unix_now, verify, Receiver, HOOKS};
use support::{Server, TempDir};

#[test]
fn a_filed_complaint_and_a_test_event_arrive_signed_and_without_personal_data() {
    let dir = TempDir::new("hooks-signed");
    let server = Server::start(&dir, &["--webhooks-allow-private"], &[]);
    let admin = staff_session(&dir, "Ada", "admin", &[]);
    let receiver = Receiver::start();
    let (id, secret) = add_hook(
        &server,
        &admin,
        &receiver.url(),
        &["complaint.filed", "stage.changed"],
    );
    assert!(secret.starts_with("whsec_"));
    let listed = staff_request(&server, "GET", HOOKS, Some(&admin), false, None);
    assert_eq!(listed.status, 200, "{}", listed.text());
    assert_eq!(listed.json()["webhooks"][0]["id"], id);
    assert!(
        !listed.text().contains(&secret),
        "the secret is shown once only"
    );

    let reference = file_one(&server, "hook-1");
    let filed = receiver.wait_for("complaint.filed", Duration::from_secs(20));
    let signature = filed.header("complaint-desk-signature").unwrap();
    verify(&secret, signature, &filed.body, unix_now()).unwrap();
    let payload = filed.json();
    assert_eq!(filed.header("complaint-desk-event"), payload["id"].as_str());
    assert_eq!(payload["data"]["reference"], reference.as_str());
    assert_eq!(payload["data"]["category"], "delivery");
    assert_eq!(payload["data"]["stage"], "received");
    for personal in [
        "Anna",
        "anna@example.pl",
        "Secret-Description-Words",
        "NW-1001",
    ] {
        assert!(
            !filed.body.to_lowercase().contains(&personal.to_lowercase()),
            "{personal} in {}",
            filed.body
        );
    }
    // The receiver's check can fail: another body, another key, or a time outside the window.
    assert_eq!(
        verify(
            &secret,
            signature,
            &filed.body.replace("delivery", "billing"),
            unix_now()
        ),
        Err("bad signature")
    );
    assert_eq!(
        verify("whsec_other", signature, &filed.body, unix_now()),
        Err("bad signature")
    );
    assert_eq!(
        verify(&secret, signature, &filed.body, unix_now() + 301),
        Err("outside the window")
    );

    // A stage change made at the command line leaves from the same outbox.
    let ack = dir.cli(&["acknowledge", &reference, "--message", "We have it."]);
    assert!(ack.status.success(), "{:?}", ack);
    let changed = receiver.wait_for("stage.changed", Duration::from_secs(20));
    verify(
        &secret,
        changed.header("complaint-desk-signature").unwrap(),
        &changed.body,
        unix_now(),
    )
    .unwrap();
    assert_eq!(changed.json()["data"]["stage"], "acknowledged");
    assert_eq!(changed.json()["data"]["previous_stage"], "received");

    let test = staff_request(
        &server,
        "POST",
        &format!("{HOOKS}/{id}/test"),
        Some(&admin),
        true,
        None,
    );
    assert_eq!(test.status, 202, "{}", test.text());
    let event = test.json()["event"].as_str().unwrap().to_owned();
    let got = receiver.wait_for("test", Duration::from_secs(20));
    assert_eq!(got.header("complaint-desk-event"), Some(event.as_str()));
    verify(
        &secret,
        got.header("complaint-desk-signature").unwrap(),
        &got.body,
        unix_now(),
    )
    .unwrap();

    // Each change is in the audit log.
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit_log WHERE action LIKE 'webhook_%' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(actions, ["webhook_add", "webhook_test"]);
}

/// Polls the endpoint's delivery log until `done` holds for it.
fn wait_for_log(
    server: &Server,
    admin: &Session,
    id: i64,
    limit: Duration,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let log = staff_request(
            server,
            "GET",
            &format!("{HOOKS}/{id}/deliveries"),
            Some(admin),
            false,
            None,
        );
        assert_eq!(log.status, 200, "{}", log.text());
        let lines = log.json()["deliveries"].as_array().unwrap().clone();
        if done(&lines) {
            return lines;
        }
        assert!(
            started.elapsed() < limit,
            "the delivery log never showed it: {lines:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_receiver_that_was_down_gets_the_event_later_exactly_once() {
    let dir = TempDir::new("hooks-later");
    let server = Server::start(
        &dir,
        &["--webhooks-allow-private", "--webhooks-first-retry", "1"],
        &[],
    );
    let admin = staff_session(&dir, "Ada", "admin", &[]);
    // A port nobody listens on yet: the first attempt is refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let (id, secret) = add_hook(&server, &admin, &url, &["complaint.filed"]);
    let reference = file_one(&server, "hook-down");

    let failed = wait_for_log(&server, &admin, id, Duration::from_secs(20), |lines| {
        !lines.is_empty()
    });
    assert_eq!(failed[0]["status"], Value::Null, "{failed:?}");
    assert!(failed[0]["error"].as_str().is_some(), "{failed:?}");
    assert_eq!(failed[0]["state"], "pending");

    let receiver = Receiver::on(TcpListener::bind(("127.0.0.1", port)).unwrap());
    let filed = receiver.wait_for("complaint.filed", Duration::from_secs(60));
    assert_eq!(filed.json()["data"]["reference"], reference.as_str());
    verify(
        &secret,
        filed.header("complaint-desk-signature").unwrap(),
        &filed.body,
        unix_now(),
    )
    .unwrap();
    let event = filed.header("complaint-desk-event").unwrap().to_owned();
    let log = wait_for_log(&server, &admin, id, Duration::from_secs(20), |lines| {
        lines.first().is_some_and(|l| l["status"] == 200)
    });
    assert!(log.iter().all(|l| l["event"] == event.as_str()));
    assert!(log.iter().all(|l| l["state"] == "delivered"));

    // Delivered is never sent again: a later event arrives after it, and the first one is still there once.
    let test = staff_request(
        &server,
        "POST",
        &format!("{HOOKS}/{id}/test"),
        Some(&admin),
        true,
        None,
    );
    assert_eq!(test.status, 202, "{}", test.text());
    receiver.wait_for("test", Duration::from_secs(20));
    assert_eq!(receiver.count(&event), 1);
    // The worker records the answer just after the receiver gave it.
    wait_for_log(&server, &admin, id, Duration::from_secs(20), |lines| {
        lines
            .iter()
            .any(|l| l["type"] == "test" && l["state"] == "delivered")
    });
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let pending: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM webhook_outbox WHERE delivered_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 0);
}

#[test]
fn only_an_admin_manages_webhooks() {
    let dir = TempDir::new("hooks-roles");
    let server = Server::start(&dir, &["--webhooks-allow-private"], &[]);
    let admin = staff_session(&dir, "Ada", "admin", &[]);
    let (id, _) = add_hook(
        &server,
        &admin,
        "http://127.0.0.1:9/hook",
        &["complaint.filed"],
    );
    let body = json!({ "url": "https://hooks.example.com/in", "events": ["complaint.filed"] });
    let routes: [(&str, String, Option<&Value>); 5] = [
        ("GET", HOOKS.to_owned(), None),
        ("POST", HOOKS.to_owned(), Some(&body)),
        ("POST", format!("{HOOKS}/{id}/test"), None),
        ("GET", format!("{HOOKS}/{id}/deliveries"), None),
        ("DELETE", format!("{HOOKS}/{id}"), None),
    ];
    for role in ["agent", "lead"] {
        let someone = staff_session(&dir, &format!("Someone {role}"), role, &["delivery"]);
        for (method, path, body) in &routes {
            let refused = staff_request(&server, method, path, Some(&someone), true, *body);
            assert_eq!(
                refused.status,
                403,
                "{role} {method} {path}: {}",
                refused.text()
            );
            assert_eq!(refused.code(), "forbidden");
        }
    }
    assert_eq!(
        staff_request(&server, "GET", HOOKS, None, false, None).status,
        401
    );
    // Without the CSRF value a session changes nothing.
    let forged = staff_request(&server, "POST", HOOKS, Some(&admin), false, Some(&body));
    assert_eq!(forged.status, 403);
    assert_eq!(forged.code(), "csrf");

    for (method, path, body) in &routes {
        let answer = staff_request(&server, method, path, Some(&admin), true, *body);
        assert!(
            [200, 201, 202, 204].contains(&answer.status),
            "admin {method} {path}: {} {}",
            answer.status,
            answer.text()
        );
    }
    // Removed: gone from the list, and nothing more can be sent to it.
    let listed = staff_request(&server, "GET", HOOKS, Some(&admin), false, None).json();
    assert!(listed["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["id"] != id));
    let gone = staff_request(
        &server,
        "POST",
        &format!("{HOOKS}/{id}/test"),
        Some(&admin),
        true,
        None,
    );
    assert_eq!(gone.status, 404, "{}", gone.text());
    assert_eq!(gone.code(), "not_found");
}

#[test]
fn urls_that_are_not_http_or_reach_private_addresses_are_refused() {
    let dir = TempDir::new("hooks-urls");
    let server = Server::start(&dir, &[], &[]);
    let admin = staff_session(&dir, "Ada", "admin", &[]);
    let add = |url: &str, events: Value| {
        staff_request(
            &server,
            "POST",
            HOOKS,
            Some(&admin),
            true,
            Some(&json!({ "url": url, "events": events })),
        )
    };
    let filed = json!(["complaint.filed"]);
    for (url, code) in [
        ("ftp://hooks.example.com/in", "bad_url"),
        ("file:///etc/passwd", "bad_url"),
        ("javascript:alert(1)", "bad_url"),
        ("https://user:pw@hooks.example.com/in", "bad_url"),
        ("http://127.0.0.1:9/hook", "private_address"),
        ("http://localhost:9/hook", "private_address"),
        ("http://169.254.169.254/latest/meta-data", "private_address"),
        ("http://10.0.0.7/hook", "private_address"),
        ("http://[::1]/hook", "private_address"),
    ] {
        let refused = add(url, filed.clone());
        assert_eq!(refused.status, 422, "{url}: {}", refused.text());
        assert_eq!(refused.code(), code, "{url}");
    }
    let unknown = add("https://hooks.example.com/in", json!(["complaint.deleted"]));
    assert_eq!(unknown.status, 422, "{}", unknown.text());
    assert_eq!(unknown.code(), "unknown_event");
    let none = add("https://hooks.example.com/in", json!([]));
    assert_eq!(none.code(), "unknown_event");
    let broken = staff_request(
        &server,
        "POST",
        HOOKS,
        Some(&admin),
        true,
        Some(&json!({ "address": "https://hooks.example.com/in" })),
    );
    assert_eq!(broken.status, 400, "{}", broken.text());
    assert_eq!(broken.code(), "bad_request");
    // Nothing was added by any of them; a public one is.
    assert_eq!(dir.count("webhook_endpoints"), 0);
    assert_eq!(add("https://hooks.example.com/in", filed).status, 201);
}
