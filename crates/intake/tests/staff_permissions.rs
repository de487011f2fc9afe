//! Who may do what, for every staff API route that changes or reads a complaint's work (issue #23,
//! docs/staff-api.md): one table, each route tried as nobody (401), with a session but without its CSRF value
//! (403 `csrf`), as an agent the complaint is not theirs to work (403), as the agent it is assigned to, and as
//! a lead. Every case starts from a complaint of its own, so one case's change never decides another's answer.
//!
//! Another room's routes join by appending rows to [`rows`]: a method, a path and a body made from the case's
//! [`Case`], what to do first ([`Row::prepare`]), and who may.

mod support;

use serde_json::{json, Value};
use support::staff::{db, staff_request, staff_session, Session};
use support::*;

/// Whom a route lets an agent through for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agent {
    /// No agent (a lead's or an admin's route).
    Never,
    /// The agent a complaint is assigned to, and no other.
    Assigned,
    /// Any agent (a route about no one complaint).
    Any,
}

/// One route.
struct Row {
    name: &'static str,
    method: &'static str,
    path: fn(&Case) -> String,
    body: fn(&Case) -> Option<Value>,
    /// Brings the case's complaint to where the route applies (closed for `reopen`, held for `release`).
    prepare: fn(&Case),
    agent: Agent,
    lead: bool,
}

/// What one case works on: its own complaint (assigned to `assigned`), a second one, the people.
struct Case<'a> {
    dir: &'a TempDir,
    server: &'a Server,
    reference: String,
    other: String,
    admin: &'a Session,
    assigned: &'a Session,
}

impl Case<'_> {
    fn revision(&self) -> i64 {
        db(self.dir)
            .query_row(
                "SELECT revision FROM complaints WHERE reference = ?1",
                [&self.reference],
                |r| r.get(0),
            )
            .unwrap()
    }

    fn on(&self, action: &str) -> String {
        format!("/staff/api/v1/complaints/{}/{action}", self.reference)
    }

    fn with_revision(&self, mut body: Value) -> Option<Value> {
        body["revision"] = json!(self.revision());
        Some(body)
    }

    /// As the admin, with the revision as it is now.
    fn admin_does(&self, action: &str, body: Value) {
        let body = self.with_revision(body);
        let reply = staff_request(
            self.server,
            "POST",
            &self.on(action),
            Some(self.admin),
            true,
            body.as_ref(),
        );
        assert_eq!(reply.status, 200, "preparing {action}: {}", reply.text());
    }
}

fn nothing(_: &Case) {}

fn hold(case: &Case) {
    db(case.dir)
        .execute(
            "UPDATE complaints SET quarantine = 'held by the test' WHERE reference = ?1",
            [&case.reference],
        )
        .unwrap();
}

fn closed(case: &Case) {
    case.admin_does("close", json!({}));
}

fn a_template(case: &Case) -> i64 {
    let reply = staff_request(
        case.server,
        "POST",
        "/staff/api/v1/templates",
        Some(case.admin),
        true,
        Some(
            &json!({"name": format!("t {}", case.reference), "kind": "reply", "texts": {"en": "Hello {reference}"}}),
        ),
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["id"].as_i64().unwrap()
}

fn rows() -> Vec<Row> {
    let post = |name, action: &'static str, body: fn(&Case) -> Option<Value>, agent, lead| Row {
        name,
        method: "POST",
        path: match action {
            "acknowledge" => |c: &Case| c.on("acknowledge"),
            "stage" => |c: &Case| c.on("stage"),
            "assign" => |c: &Case| c.on("assign"),
            "notes" => |c: &Case| c.on("notes"),
            "reply" => |c: &Case| c.on("reply"),
            "ask" => |c: &Case| c.on("ask"),
            "extend" => |c: &Case| c.on("extend"),
            "decide" => |c: &Case| c.on("decide"),
            "close" => |c: &Case| c.on("close"),
            "merge" => |c: &Case| c.on("merge"),
            other => panic!("no path for {other}"),
        },
        body,
        prepare: nothing,
        agent,
        lead,
    };
    vec![
        post(
            "acknowledge",
            "acknowledge",
            |c| c.with_revision(json!({})),
            Agent::Assigned,
            true,
        ),
        post(
            "stage",
            "stage",
            |c| c.with_revision(json!({"stage": "assessing"})),
            Agent::Assigned,
            true,
        ),
        // An agent takes only an unassigned complaint of their queue: giving one away is a lead's.
        post(
            "assign",
            "assign",
            |c| c.with_revision(json!({"assignee": c.admin.staff_id})),
            Agent::Never,
            true,
        ),
        post(
            "notes",
            "notes",
            |_| Some(json!({"text": "internal"})),
            Agent::Assigned,
            true,
        ),
        post(
            "reply",
            "reply",
            |c| c.with_revision(json!({"text": "Hello"})),
            Agent::Assigned,
            true,
        ),
        post(
            "ask",
            "ask",
            |c| c.with_revision(json!({"text": "Which order?"})),
            Agent::Assigned,
            true,
        ),
        post(
            "extend",
            "extend",
            |c| {
                c.with_revision(
                    json!({"step": "decide", "until": "2099-01-01", "reason": "Courier"}),
                )
            },
            Agent::Never,
            true,
        ),
        post(
            "decide",
            "decide",
            |c| c.with_revision(json!({"outcome": "not_upheld", "summary": "No fault found."})),
            Agent::Assigned,
            true,
        ),
        post(
            "close",
            "close",
            |c| c.with_revision(json!({})),
            Agent::Assigned,
            true,
        ),
        Row {
            name: "reopen",
            method: "POST",
            path: |c| c.on("reopen"),
            body: |c| c.with_revision(json!({"message": "Again"})),
            prepare: closed,
            agent: Agent::Assigned,
            lead: true,
        },
        post(
            "merge",
            "merge",
            |c| c.with_revision(json!({"into": c.other})),
            Agent::Never,
            true,
        ),
        Row {
            name: "release",
            method: "POST",
            path: |c| c.on("release"),
            body: |_| None,
            prepare: hold,
            agent: Agent::Never,
            lead: true,
        },
        Row {
            name: "delete",
            method: "DELETE",
            path: |c| format!("/staff/api/v1/complaints/{}", c.reference),
            body: |_| None,
            prepare: hold,
            agent: Agent::Never,
            lead: true,
        },
        Row {
            name: "bulk",
            method: "POST",
            path: |_| "/staff/api/v1/bulk".into(),
            body: |c| Some(json!({"action": "acknowledge", "references": [c.reference]})),
            prepare: nothing,
            agent: Agent::Never,
            lead: true,
        },
        Row {
            name: "templates (list)",
            method: "GET",
            path: |_| "/staff/api/v1/templates".into(),
            body: |_| None,
            prepare: nothing,
            agent: Agent::Any,
            lead: true,
        },
        Row {
            name: "templates (add)",
            method: "POST",
            path: |_| "/staff/api/v1/templates".into(),
            body: |_| Some(json!({"name": "New", "kind": "ask", "texts": {"en": "Which order?"}})),
            prepare: nothing,
            agent: Agent::Never,
            lead: false,
        },
        Row {
            name: "templates (change)",
            method: "PUT",
            path: |c| format!("/staff/api/v1/templates/{}", a_template(c)),
            body: |_| Some(json!({"name": "Changed", "kind": "reply", "texts": {"en": "Hello"}})),
            prepare: nothing,
            agent: Agent::Never,
            lead: false,
        },
        Row {
            name: "templates (delete)",
            method: "DELETE",
            path: |c| format!("/staff/api/v1/templates/{}", a_template(c)),
            body: |_| None,
            prepare: nothing,
            agent: Agent::Never,
            lead: false,
        },
        Row {
            name: "templates (preview)",
            method: "POST",
            path: |_| "/staff/api/v1/templates/preview".into(),
            body: |c| Some(json!({"reference": c.reference, "text": "Hello"})),
            prepare: nothing,
            agent: Agent::Assigned,
            lead: true,
        },
    ]
}

/// Who tries.
#[derive(Debug, Clone, Copy)]
enum Who {
    Nobody,
    WithoutCsrf,
    AgentNotAssigned,
    AgentAssigned,
    Lead,
}

#[test]
fn every_action_route_lets_in_exactly_whom_the_table_says() {
    let dir = TempDir::new("staff-permissions");
    let server = Server::start(&dir, &["--rate-limit", "10000"], &[]);
    let admin = staff_session(&dir, "Ada Admin", "admin", &[]);
    let lead = staff_session(&dir, "Lena Lead", "lead", &[]);
    let assigned = staff_session(&dir, "Adam Agent", "agent", &["delivery"]);
    // Same queue, but the complaints are Adam's: not hers to work.
    let other_agent = staff_session(&dir, "Olga Agent", "agent", &["delivery"]);
    let mut filed = 0;
    let mut file = || {
        filed += 1;
        let key = format!("perm-{filed}");
        let reply = server.post(Some(&key), &body_of(&complaint(&key), &[]));
        assert_eq!(reply.status, 201, "{}", reply.text());
        reply.json()["reference"].as_str().unwrap().to_owned()
    };
    let mut failures = Vec::new();
    for row in rows() {
        for who in [
            Who::Nobody,
            Who::WithoutCsrf,
            Who::AgentNotAssigned,
            Who::AgentAssigned,
            Who::Lead,
        ] {
            let case = Case {
                dir: &dir,
                server: &server,
                reference: file(),
                other: file(),
                admin: &admin,
                assigned: &assigned,
            };
            db(&dir)
                .execute(
                    "UPDATE complaints SET assignee = ?1 WHERE reference = ?2",
                    rusqlite::params![case.assigned.staff_id, case.reference],
                )
                .unwrap();
            (row.prepare)(&case);
            let path = (row.path)(&case);
            let body = (row.body)(&case);
            let (session, csrf) = match who {
                Who::Nobody => (None, false),
                Who::WithoutCsrf => (Some(&lead), false),
                Who::AgentNotAssigned => (Some(&other_agent), true),
                Who::AgentAssigned => (Some(&assigned), true),
                Who::Lead => (Some(&lead), true),
            };
            let reply = staff_request(&server, row.method, &path, session, csrf, body.as_ref());
            let allowed = match who {
                Who::Nobody => false,
                Who::WithoutCsrf => row.method == "GET" && row.lead,
                Who::AgentNotAssigned => row.agent == Agent::Any,
                Who::AgentAssigned => row.agent != Agent::Never,
                Who::Lead => row.lead,
            };
            let expected = match (who, allowed) {
                (_, true) => "2xx",
                (Who::Nobody, _) => "401 signed_out",
                (Who::WithoutCsrf, _) => "403 csrf",
                _ => "403 forbidden",
            };
            let got = if (200..300).contains(&reply.status) {
                "2xx".to_owned()
            } else {
                format!("{} {}", reply.status, reply.code())
            };
            if got != expected {
                failures.push(format!(
                    "{} as {who:?}: expected {expected}, got {got}: {}",
                    row.name,
                    reply.text()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
