//! What issue #23's desk added beyond the first rooms (docs/staff-api.md "Operations", "Queues"): the
//! command line's export, report, republishing and figures as staff API routes for leads and above, each
//! with its audit line; whom a note may mention (`GET /colleagues`); and the queues `breaching` (a lead's
//! landing page: overdue, or due within two working days, soonest first) and `mentions` (open complaints
//! whose notes mention the one asking).

mod support;

use serde_json::{json, Value};
use support::staff::{audit_actions, sql, staff_request, staff_session, Session};
use support::*;

const API: &str = "/staff/api/v1";

/// One route, and whether an agent may use it (a lead and an admin always may).
struct Row {
    method: &'static str,
    path: &'static str,
    body: Option<Value>,
    agent: bool,
}

fn rows() -> Vec<Row> {
    let row = |method, path, body: Option<Value>, agent| Row {
        method,
        path,
        body,
        agent,
    };
    vec![
        row(
            "GET",
            "/operations/export?since=2020-01-01&format=csv",
            None,
            false,
        ),
        row(
            "GET",
            "/operations/export?since=2020-01-01&format=json&lang=pl",
            None,
            false,
        ),
        row(
            "GET",
            "/operations/report?from=2020-01-01&to=2099-12-31",
            None,
            false,
        ),
        row(
            "GET",
            "/operations/report?from=2020-01-01&to=2099-12-31&format=csv",
            None,
            false,
        ),
        row("POST", "/operations/republish", Some(json!({})), false),
        row(
            "POST",
            "/operations/republish",
            Some(json!({"all": true})),
            false,
        ),
        row("POST", "/operations/figures", Some(json!({})), false),
        row("GET", "/colleagues", None, true),
    ]
}

fn status_code(reply: &Reply) -> String {
    if (200..300).contains(&reply.status) {
        "2xx".to_owned()
    } else {
        format!("{} {}", reply.status, reply.code())
    }
}

fn file(server: &Server, key: &str) -> String {
    let reply = server.post(Some(key), &body_of(&complaint(key), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

#[test]
fn operations_are_for_leads_and_above_and_each_is_audited() {
    let dir = TempDir::new("staff-operations");
    let server = Server::start(&dir, &["--rate-limit", "10000"], &[]);
    let admin = staff_session(&dir, "Ada Admin", "admin", &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let agent = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    file(&server, "ops-1");
    let mut failures = Vec::new();
    for row in rows() {
        let path = format!("{API}{}", row.path);
        let tries: [(&str, Option<&Session>, bool, bool); 5] = [
            ("nobody", None, true, false),
            ("lead without CSRF", Some(&lead), false, row.method == "GET"),
            ("agent", Some(&agent), true, row.agent),
            ("lead", Some(&lead), true, true),
            ("admin", Some(&admin), true, true),
        ];
        for (who, session, csrf, allowed) in tries {
            let before = audit_actions(&dir).len();
            let reply = staff_request(&server, row.method, &path, session, csrf, row.body.as_ref());
            let expected = match (who, allowed) {
                (_, true) => "2xx",
                ("nobody", _) => "401 signed_out",
                ("lead without CSRF", _) => "403 csrf",
                _ => "403 forbidden",
            };
            let got = status_code(&reply);
            if got != expected {
                failures.push(format!(
                    "{} {} as {who}: expected {expected}, got {got}: {}",
                    row.method,
                    row.path,
                    reply.text()
                ));
            }
            // One audit line for each operation done, none for one refused or for a list of names.
            let lines = audit_actions(&dir).len() - before;
            let audited = allowed && row.path.starts_with("/operations");
            if lines != usize::from(audited) {
                failures.push(format!(
                    "{} {} as {who}: {lines} audit line(s)",
                    row.method, row.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let actions: Vec<String> = audit_actions(&dir).into_iter().map(|(a, _)| a).collect();
    for action in ["export", "report", "republish", "publish_figures"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[test]
fn the_export_is_a_file_the_report_data_and_bad_values_are_named() {
    let dir = TempDir::new("staff-operations-shapes");
    let server = Server::start(&dir, &["--rate-limit", "10000"], &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let reference = file(&server, "ops-shape");
    let get = |path: &str| {
        staff_request(
            &server,
            "GET",
            &format!("{API}{path}"),
            Some(&lead),
            false,
            None,
        )
    };

    let csv = get("/operations/export?since=2020-01-01&format=csv");
    assert_eq!(csv.status, 200, "{}", csv.text());
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"complaints-since-2020-01-01.csv\"")
    );
    assert_eq!(csv.header("cache-control"), Some("private, no-store"));
    assert!(csv.text().contains(&reference), "{}", csv.text());

    let report = get("/operations/report?from=2020-01-01&to=2099-12-31");
    assert_eq!(report.status, 200, "{}", report.text());
    assert_eq!(report.json()["from"], "2020-01-01");
    assert!(report.json()["lines"].is_array());

    for (path, parameter) in [
        ("/operations/export?format=csv", "since"),
        ("/operations/export?since=yesterday", "since"),
        ("/operations/export?since=2020-01-01&lang=de", "lang"),
        ("/operations/export?since=2020-01-01&format=xml", "format"),
        ("/operations/report?from=2026-02-01&to=2026-01-01", "to"),
        ("/operations/report?from=2026-01-01&to=2026-02-01&x=1", "x"),
    ] {
        let reply = get(path);
        assert_eq!(reply.status, 400, "{path}: {}", reply.text());
        assert!(
            reply.message().starts_with(parameter),
            "{path}: {}",
            reply.text()
        );
    }

    let republished = staff_request(
        &server,
        "POST",
        &format!("{API}/operations/republish"),
        Some(&lead),
        true,
        Some(&json!({"all": true})),
    );
    assert_eq!(republished.status, 200, "{}", republished.text());
    assert_eq!(republished.json()["written"], 1);
    let figures = staff_request(
        &server,
        "POST",
        &format!("{API}/operations/figures"),
        Some(&lead),
        true,
        None,
    );
    assert_eq!(figures.status, 200, "{}", figures.text());
    assert!(dir.insights().exists());
}

fn references(server: &Server, queue: &str, who: &Session) -> Vec<String> {
    let reply = staff_request(
        server,
        "GET",
        &format!("{API}/complaints?queue={queue}"),
        Some(who),
        false,
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap().to_owned())
        .collect()
}

fn count(server: &Server, queue: &str, who: &Session) -> u64 {
    let reply = staff_request(
        server,
        "GET",
        &format!("{API}/queues"),
        Some(who),
        false,
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == queue)
        .unwrap_or_else(|| panic!("no queue {queue}: {}", reply.text()))["count"]
        .as_u64()
        .unwrap()
}

#[test]
fn breaching_holds_the_overdue_and_the_due_soon_soonest_first_and_mentions_the_mentioned() {
    let dir = TempDir::new("staff-breaching");
    let server = Server::start(&dir, &["--rate-limit", "10000"], &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let agent = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    let off = staff_session(&dir, "Otto Off", "agent", &["delivery"]);
    sql(
        &dir,
        "UPDATE staff SET disabled_at = unixepoch() WHERE id = ?1",
        [off.staff_id],
    );
    let fresh = file(&server, "breach-fresh");
    let late = file(&server, "breach-late");
    let far = file(&server, "breach-far");
    sql(
        &dir,
        "UPDATE complaints SET received_at = received_at - 10 * 86400 WHERE reference = ?1",
        [&late],
    );
    sql(
        &dir,
        "UPDATE stages SET at = at - 10 * 86400
         WHERE complaint_id = (SELECT id FROM complaints WHERE reference = ?1)",
        [&late],
    );
    // Acknowledged, its decision weeks away: in no hurry.
    let acknowledged = staff_request(
        &server,
        "POST",
        &format!("{API}/complaints/{far}/acknowledge"),
        Some(&lead),
        true,
        Some(&json!({"revision": 1})),
    );
    assert_eq!(acknowledged.status, 200, "{}", acknowledged.text());

    let overdue = references(&server, "overdue", &lead);
    let soon = references(&server, "due-soon", &lead);
    assert_eq!(overdue, [late.as_str()]);
    assert_eq!(soon, [fresh.as_str()]);
    assert_eq!(
        references(&server, "breaching", &lead),
        [late, fresh.clone()]
    );
    assert_eq!(count(&server, "breaching", &lead), 2);

    // Nobody is mentioned yet; the note names Adam, and his queue has it; Lena's does not.
    assert_eq!(count(&server, "mentions", &agent), 0);
    let colleagues = staff_request(
        &server,
        "GET",
        &format!("{API}/colleagues"),
        Some(&agent),
        false,
        None,
    );
    assert_eq!(colleagues.status, 200, "{}", colleagues.text());
    let names: Vec<String> = colleagues.json()["colleagues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["Adam Agent", "Lena Lead"],
        "turned-off accounts are left out"
    );
    let note = staff_request(
        &server,
        "POST",
        &format!("{API}/complaints/{fresh}/notes"),
        Some(&lead),
        true,
        Some(&json!({"text": "@Adam Agent can you call them?", "mentions": [agent.staff_id]})),
    );
    assert_eq!(note.status, 201, "{}", note.text());
    assert_eq!(references(&server, "mentions", &agent), [fresh.as_str()]);
    assert_eq!(count(&server, "mentions", &agent), 1);
    assert_eq!(count(&server, "mentions", &lead), 0);
}
