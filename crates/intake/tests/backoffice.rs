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
        record.current().unwrap().message,
        Some("Thank you. We have your complaint.".into())
    );

    let out = dir.cli(&[
        "assess",
        reference,
        "--message",
        "Working on it.",
        "--next-step",
        "We will call you.",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record = read_status(&dir.publish(), key);
    assert_eq!(record.current().unwrap().stage, Stage::Assessing);
    assert_eq!(record.next_step, Some("We will call you.".into()));
    // One text per language, as LANG:TEXT: published with the customer's language (English here) first.
    let out = dir.cli(&[
        "investigate",
        reference,
        "--message",
        "ko:택배사에 확인하고 있습니다.",
        "--message",
        "en:We are asking the courier.",
        "--next-step",
        "We will call you.",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let record = read_status(&dir.publish(), key);
    assert_eq!(record.current().unwrap().stage, Stage::Investigating);
    assert_eq!(
        record.current().unwrap().message,
        Some(complaint_domain::localized::OrgText::ByLanguage(vec![
            ("en".into(), "We are asking the courier.".into()),
            ("ko".into(), "택배사에 확인하고 있습니다.".into()),
        ]))
    );

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
    // The organisation's reading names the decision in its words, with the command word where they differ.
    let korean = stdout(&dir.cli(&["show", reference, "--lang", "ko"]));
    assert!(
        korean.contains("처리 결과: 일부 수용 (partly_upheld) (Half refunded.)"),
        "{korean}"
    );
    assert!(korean.contains("처리 결과 안내 (responded)"), "{korean}");
    let english = stdout(&dir.cli(&["show", reference]));
    assert!(
        english.contains("Decision: partly upheld (Half refunded.)"),
        "{english}"
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
    // Each complaint under the name its email or PIN finds, and again under the one its mail link finds.
    let published = dir.published();
    for (_, key) in &filed {
        assert!(published.contains(&format!("{key}.json")), "{published:?}");
    }
    assert_eq!(published.len(), 2 * filed.len(), "{published:?}");

    let shown = dir.cli(&["show", &filed[0].0]);
    assert!(
        stdout(&shown).contains(&filed[0].1),
        "the status file's path"
    );
}

/// Files one complaint with hostile text in it and two files, and returns its reference.
fn file_hostile(dir: &TempDir) -> String {
    let server = Server::start(dir, &[], &[]);
    let mut sent = complaint("show-1");
    sent["contact"]["name"] = json!("Anna\u{1b}[31mKowalska\nStage     closed");
    sent["contact"]["phone"] = json!("+48 600 100 200");
    sent["description"] =
        json!("It never came.\u{1b}]0;pwned\u{7}\nSecond line \u{202e}gpj.exe\u{9b}2J end");
    sent["details"]["order_number"] = json!("=HYPERLINK(\"http://evil.example\")");
    let photo = jpeg(2000);
    let scan = pdf(3000);
    let files = [
        attach(&mut sent, "../../.bashrc", "image/jpeg", &photo),
        attach(&mut sent, "scan.pdf", "application/pdf", &scan),
    ];
    let reply = server.post(Some("show-1"), &body_of(&sent, &files));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

#[test]
fn show_prints_the_whole_complaint_with_terminal_controls_shown_not_obeyed() {
    let dir = TempDir::new("show");
    let reference = file_hostile(&dir);
    let out = dir.cli(&["show", &reference]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        reference.as_str(),
        "A delivery",
        "Order number",
        "It never came.<U+001B>]0;pwned<U+0007>",
        "    Second line <U+202E>gpj.exe<U+009B>2J end",
        "Give me a refund",
        "Anna<U+001B>[31mKowalska<U+000A>Stage     closed",
        "Anna@Example.PL",
        "+48 600 100 200",
        "By email",
        "2025-01-06",
        "Files (2)",
        "../../.bashrc  image/jpeg  2000 bytes",
        "scan.pdf  application/pdf  3000 bytes",
        // The stage in words (a noun), with the command word staff type for it.
        "Registration (received)",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
    for raw in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\r'] {
        assert!(!text.contains(raw), "{raw:?} reached the terminal:\n{text}");
    }
    assert!(
        !text.lines().any(|l| l.starts_with("Stage     closed")),
        "a line feed in a name printed a line of its own:\n{text}"
    );

    let polish = stdout(&dir.cli(&["show", &reference, "--lang", "pl"]));
    assert!(polish.contains("Numer zamówienia"), "{polish}");
    assert!(polish.contains("Dostawa"), "{polish}");
    // The stage in the reader's words, with the command word staff type for it.
    assert!(polish.contains("Przyjęcie (received)"), "{polish}");
    let korean = stdout(&dir.cli(&["show", &reference, "--lang", "ko"]));
    assert!(korean.contains("접수 (received)"), "{korean}");

    // Quarantine state shows, and an unknown reference is an error.
    let unknown = dir.cli(&["show", "CMP-0000-0000"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("no complaint has the reference"));
}

#[test]
fn show_says_when_a_complaint_is_held_in_quarantine() {
    let dir = TempDir::new("show-held");
    let server = Server::start(&dir, &["--min-fill-seconds", "1000"], &[]);
    let reply = server.post(Some("held-1"), &body_of(&complaint("held-1"), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let reference = reply.json()["reference"].as_str().unwrap().to_owned();
    let text = stdout(&dir.cli(&["show", &reference]));
    assert!(text.contains("IN QUARANTINE"), "{text}");
    assert!(text.contains("under 1000 s"), "{text}");
}

#[test]
fn attachments_are_written_out_under_safe_names_and_never_overwritten_without_force() {
    let dir = TempDir::new("attachment");
    let reference = file_hostile(&dir);
    let one = dir.0.join("photo.jpg");
    let out = dir.cli(&[
        "attachment",
        &reference,
        "1",
        "--out",
        one.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&one).unwrap(), jpeg(2000));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&one).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "personal data, for this user only");
    }

    std::fs::write(&one, b"the operator's own notes").unwrap();
    let again = dir.cli(&[
        "attachment",
        &reference,
        "2",
        "--out",
        one.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("exists already"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(&one).unwrap(), b"the operator's own notes");
    let forced = dir.cli(&[
        "attachment",
        &reference,
        "2",
        "--out",
        one.to_str().unwrap(),
        "--force",
    ]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(std::fs::read(&one).unwrap(), pdf(3000));

    let missing = dir.cli(&["attachment", &reference, "3", "--out", "/nonexistent/x"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("has 2 file(s)"),
        "{}",
        stderr(&missing)
    );

    // All of them into a folder: the customer's "../../.bashrc" lands inside it, visible, numbered.
    let folder = dir.0.join("files");
    let all = dir.cli(&[
        "attachment",
        &reference,
        "--all",
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert!(all.status.success(), "{}", stderr(&all));
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["1-_.._.bashrc", "2-scan.pdf"]);
    assert!(!dir.0.join(".bashrc").exists() && !folder.join("..").join(".bashrc").exists());
    assert_eq!(std::fs::read(folder.join("2-scan.pdf")).unwrap(), pdf(3000));

    std::fs::write(folder.join("2-scan.pdf"), b"kept").unwrap();
    std::fs::remove_file(folder.join("1-_.._.bashrc")).unwrap();
    let again = dir.cli(&[
        "attachment",
        &reference,
        "--all",
        "--out",
        folder.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        !folder.join("1-_.._.bashrc").exists(),
        "nothing is written when one name is taken"
    );
    assert_eq!(std::fs::read(folder.join("2-scan.pdf")).unwrap(), b"kept");
    let forced = dir.cli(&[
        "attachment",
        &reference,
        "--all",
        "--out",
        folder.to_str().unwrap(),
        "--force",
    ]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(std::fs::read(folder.join("2-scan.pdf")).unwrap(), pdf(3000));
}

#[test]
fn export_hands_complaints_to_a_crm_as_json_or_csv_without_formulas() {
    let dir = TempDir::new("export");
    let reference = file_hostile(&dir);

    let out = dir.cli(&["export", "--since", "2020-01-01", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{9b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1);
    let one = &all[0];
    assert_eq!(one["reference"], json!(reference));
    assert_eq!(one["stage"], json!("received"));
    assert_eq!(
        one["complaint"]["contact"]["email"],
        json!("Anna@Example.PL")
    );
    assert_eq!(
        one["complaint"]["description"],
        json!("It never came.\u{1b}]0;pwned\u{7}\nSecond line \u{202e}gpj.exe\u{9b}2J end"),
        "JSON keeps the text exactly, escaped"
    );
    assert_eq!(
        one["details_labelled"][0]["question"],
        json!("Order number")
    );
    assert_eq!(one["files"][1]["bytes"], json!(3000));
    assert_eq!(one["files"][1]["kind"], json!("application/pdf"));

    let out = dir.cli(&["export", "--since", "2020-01-01", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = stdout(&out);
    assert!(csv.starts_with("\"reference\",\"received_at\""), "{csv}");
    assert!(
        csv.contains("\"Order number: =HYPERLINK(\"\"http://evil.example\"\")\""),
        "{csv}"
    );
    assert!(
        csv.contains("\"'+48 600 100 200\""),
        "a phone number is not a formula: {csv}"
    );
    assert!(!csv.contains('\u{1b}'), "{csv}");
    assert!(
        csv.contains("\n2. scan.pdf (application/pdf, 3000 bytes)\""),
        "{csv}"
    );
    assert_eq!(
        csv.matches("\r\n").count(),
        2,
        "a header and one row: {csv}"
    );

    let later = stdout(&dir.cli(&["export", "--since", "2999-01-01", "--format", "json"]));
    assert_eq!(later.trim(), "[]");
}

#[test]
fn causes_are_checked_and_the_figures_wait_for_insights_not_each_change() {
    let dir = TempDir::new("insights");
    let filed = file(&dir, &["ins-1", "ins-2", "ins-3", "ins-4", "ins-5"]);

    let typo = dir.cli(&[
        "respond",
        &filed[0].0,
        "--decision",
        "upheld",
        "--cause",
        "courier-dealy",
        "--message",
        "Refunded.",
    ]);
    assert_eq!(typo.status.code(), Some(1), "{}", stdout(&typo));
    assert!(stderr(&typo).contains("courier-dealy"), "{}", stderr(&typo));
    assert_eq!(
        read_status(&dir.publish(), &filed[0].1)
            .current()
            .unwrap()
            .stage,
        Stage::Received,
        "nothing changed"
    );
    assert!(!dir.insights().exists());

    for (n, (reference, _)) in filed.iter().enumerate() {
        let out = dir.cli(&[
            "respond",
            reference,
            "--decision",
            "upheld",
            "--cause",
            "courier-delay,billing-error",
            "--message",
            "Refunded.",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        // Replaces the debounced publish after each change: a change starts no publication at all (the
        // review read one rating from two files a change apart); `serve` publishes on its schedule.
        assert!(!dir.insights().exists(), "change {n} published the figures");
    }
    let shown = dir.cli(&["show", &filed[0].0]);
    assert!(
        stdout(&shown).contains("Causes: billing-error, courier-delay"),
        "{}",
        stdout(&shown)
    );

    // Published at once by hand.
    let out = dir.cli(&["insights"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.insights().exists(), "{}", stdout(&out));
    let published: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.insights()).unwrap()).unwrap();
    let all = published["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w.get("category").is_none())
        .unwrap();
    assert_eq!(all["received"], json!(5.0));
    assert_eq!(all["upheld"], json!(100.0));
    assert_eq!(published["causes"][0]["last_4_weeks"], json!(5.0));
    let text = published.to_string();
    assert!(!text.contains("CMP-") && !text.contains("anna@"), "{text}");

    let report = dir.cli(&[
        "report",
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        "--format",
        "json",
    ]);
    assert!(report.status.success(), "{}", stderr(&report));
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(
        report["lines"].as_array().unwrap().last().unwrap()["opened"],
        json!(5)
    );

    let server = Server::start(&dir, &[], &[]);
    let served = server.get("/api/v1/insights.json");
    assert_eq!(served.status, 200);
    assert_eq!(served.json()["schema_version"], json!(1));
}
