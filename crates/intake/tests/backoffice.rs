//! The back-office commands on a database the service filled: stages with public messages, dates set by
//! hand, refusals of impossible steps, the open-complaints list, and republishing.

mod support;

use std::process::Output;

use complaint_domain::status::{Decision, Stage};
use serde_json::json;
use support::*;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Files complaints through the real service and returns their references with their status keys.
fn file(dir: &TempDir, keys: &[&str]) -> Vec<(String, String)> {
    let server = Server::start(dir, &[], &[]);
    keys.iter()
        .map(|key| {
            let reply = server.post(Some(key), &body_of(&complaint(key), &[]));
            assert_eq!(reply.status, 201, "{}", reply.text());
            let reference = reply.json()["reference"].as_str().unwrap().to_owned();
            let status = status_key(&reference, "anna@example.pl");
            (reference, status)
        })
        .collect()
}

#[test]
fn a_complaint_moves_through_its_stages_and_each_change_is_published() {
    let dir = TempDir::new("stages");
    let filed = file(&dir, &["stage-1"]);
    let (reference, key) = &filed[0];

    let ack = dir.cli(&[
        "acknowledge",
        &reference.to_lowercase(),
        "--message",
        "Thank you. We have your complaint.",
    ]);
    assert!(ack.status.success(), "{}", stderr(&ack));
    assert!(stdout(&ack).contains("acknowledged"));
    let record = read_status(&dir.publish(), key);
    assert_eq!(record.current().unwrap().stage, Stage::Acknowledged);
    assert_eq!(
        record.current().unwrap().message.as_deref(),
        Some("Thank you. We have your complaint.")
    );

    for (command, stage) in [
        ("assess", Stage::Assessing),
        ("investigate", Stage::Investigating),
    ] {
        let out = dir.cli(&[
            command,
            reference,
            "--message",
            "Working on it.",
            "--next-step",
            "We will call you.",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let record = read_status(&dir.publish(), key);
        assert_eq!(record.current().unwrap().stage, stage);
        assert_eq!(record.next_step.as_deref(), Some("We will call you."));
    }

    let out = dir.cli(&[
        "extend",
        reference,
        "--step",
        "decide",
        "--due",
        "2027-01-08",
        "--rule",
        "Waiting for the courier's report",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record = read_status(&dir.publish(), key);
    assert_eq!(record.deadlines[0].due.to_string(), "2027-01-08");

    let out = dir.cli(&[
        "respond",
        reference,
        "--decision",
        "partly_upheld",
        "--summary",
        "Half refunded.",
        "--message",
        "Our decision is attached.",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record = read_status(&dir.publish(), key);
    assert_eq!(
        record.outcome.as_ref().unwrap().decision,
        Decision::PartlyUpheld
    );
    assert_eq!(
        record.next_step, None,
        "a stage change clears the old next step"
    );

    assert!(dir
        .cli(&["close", reference, "--message", "Closed."])
        .status
        .success());
    let before = std::fs::read_to_string(dir.publish().join(format!("{key}.json"))).unwrap();

    // An impossible step is refused by the domain's rules and nothing changes.
    let refused = dir.cli(&["investigate", reference, "--message", "More."]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("is \"closed\" and cannot move to \"investigating\""),
        "{}",
        stderr(&refused)
    );
    let after = std::fs::read_to_string(dir.publish().join(format!("{key}.json"))).unwrap();
    assert_eq!(before, after);

    let out = dir.cli(&["reopen", reference, "--message", "New facts came up."]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record = read_status(&dir.publish(), key);
    assert_eq!(
        record.history.iter().map(|e| e.stage).collect::<Vec<_>>(),
        [
            Stage::Received,
            Stage::Acknowledged,
            Stage::Assessing,
            Stage::Investigating,
            Stage::Responded,
            Stage::Closed,
            Stage::Reopened
        ]
    );
    assert_eq!(record.outcome, None);
    assert_eq!(dir.count("stages"), 7);

    let unknown = dir.cli(&["acknowledge", "CMP-0000-0000", "--message", "x"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("no complaint has the reference"));
    let typo = dir.cli(&["acknowledge", reference, "--mesage", "x"]);
    assert_eq!(typo.status.code(), Some(2));
}

#[test]
fn list_shows_open_complaints_overdue_first_then_by_date() {
    let dir = TempDir::new("list");
    let filed = file(&dir, &["list-1", "list-2", "list-3", "list-4"]);
    let reference = |i: usize| filed[i].0.as_str();
    // 2: its acknowledgement date has passed. 3: acknowledged, decision due in 2099. 4: closed.
    assert!(dir
        .cli(&[
            "extend",
            reference(1),
            "--step",
            "acknowledge",
            "--due",
            "2020-01-01"
        ])
        .status
        .success());
    assert!(dir
        .cli(&["acknowledge", reference(2), "--message", "Got it."])
        .status
        .success());
    assert!(dir
        .cli(&[
            "extend",
            reference(2),
            "--step",
            "decide",
            "--due",
            "2099-12-31",
            "--rule",
            "Agreed with you"
        ])
        .status
        .success());
    assert!(dir.cli(&["close", reference(3)]).status.success());

    let out = dir.cli(&["list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("CMP-"))
        .collect();
    assert_eq!(rows.len(), 3, "closed complaints are left out:\n{text}");
    assert!(
        rows[0].starts_with(reference(1)) && rows[0].contains("OVERDUE"),
        "{text}"
    );
    assert!(
        rows[1].starts_with(reference(0)) && rows[1].contains("acknowledged"),
        "{text}"
    );
    assert!(
        rows[2].starts_with(reference(2)) && rows[2].contains("2099-12-31*"),
        "{text}"
    );
    assert!(text.contains("Europe/London"));

    let all = stdout(&dir.cli(&["list", "--all"]));
    assert!(all.contains(reference(3)));

    // Seen from a later day, the acknowledgement promised within 24 hours is overdue too.
    let later = stdout(&dir.cli(&["list", "--at", "2099-01-01T00:00:00Z"]));
    let rows: Vec<&str> = later.lines().filter(|l| l.starts_with("CMP-")).collect();
    assert!(
        rows[0].contains("OVERDUE") && rows[1].contains("OVERDUE"),
        "{later}"
    );
    assert!(!rows[2].contains("OVERDUE"), "{later}");
}

#[test]
fn republish_rewrites_every_status_file_from_the_database() {
    let dir = TempDir::new("republish");
    let filed = file(&dir, &["re-1", "re-2"]);
    std::fs::remove_dir_all(dir.publish()).unwrap();
    let out = dir.cli(&["republish", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("2 status file(s)"));
    let mut expected: Vec<String> = filed.iter().map(|(_, key)| format!("{key}.json")).collect();
    expected.sort();
    assert_eq!(dir.published(), expected);

    let shown = dir.cli(&["show", &filed[0].0]);
    assert!(stdout(&shown).contains(&filed[0].1));
    let record: serde_json::Value =
        serde_json::from_str(stdout(&shown).split("\nstatus file:").next().unwrap()).unwrap();
    assert_eq!(record["history"][0]["stage"], json!("received"));
}
