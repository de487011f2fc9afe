//! Retention that runs by itself (issue #25, docs/retention.md), end to end on the real binary: a complaint
//! filed with a file, a reply and mail, closed, then purged with `--now` past its keep-until day. Its status
//! file becomes the tombstone, no table of the database and no file in the service's folders holds the
//! person's name, email, phone or words any more, and the figures do not change; a legal hold stops it; a
//! purge killed half-way finishes on the next run without ever publishing half an erasure. The purge, the
//! hold and the crash run the same body on SQLite and on PostgreSQL (`support::engine`).

mod support;

use std::path::Path;

use serde_json::{json, Value};
use support::engine::{contains, Engine, OnEngine};
use support::*;

const EMAIL: &str = "anna@example.pl";
/// Past the demo's default rule for a complaint closed now: 1 year after closing, to the end of that year.
const LATER: &str = "2099-01-02T00:00:00Z";

/// What must not survive an erasure, as found in the database's text or a file (compared in lower case).
const NEEDLES: &[&str] = &[
    "kowalska",
    "anna@example.pl",
    "601 234 567",
    "zyxwvutsrq",
    "secret-reply-words",
    "secret-note-words",
    "nw-1001",
    "receipt-photo.jpg",
];

/// Runs `$body` on SQLite and on PostgreSQL (a fresh database on the test cluster), as two tests.
macro_rules! on_both {
    ($body:ident, $sqlite:ident, $postgres:ident) => {
        #[test]
        fn $sqlite() {
            $body(&OnEngine::sqlite(stringify!($sqlite)));
        }

        #[test]
        fn $postgres() {
            if let Some(place) = OnEngine::postgres(stringify!($postgres)) {
                $body(&place);
            }
        }
    };
}

fn ok(place: &OnEngine, args: &[&str]) -> String {
    let out = place.cli(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The Reply-Proof the filing answer gave (`support::issued_proof`), from either engine's key.
fn issued_proof(place: &OnEngine, reference: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(&place.secret("reply-proof")).unwrap();
    mac.update(status_key(reference, EMAIL).as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Files Anna's complaint (with a photo, her phone and a unique word), adds her reply and an internal note
/// quoting her, and closes it with a decision and a cause. Returns the reference.
fn file_and_close(place: &OnEngine, server: &Server, key: &str) -> String {
    let mut complaint = complaint(key);
    complaint["description"] = json!("My parcel never arrived. Zyxwvutsrq.");
    complaint["contact"]["phone"] = json!("+48 601 234 567");
    let photo = jpeg(2000 + key.len());
    let part = attach(&mut complaint, "receipt-photo.jpg", "image/jpeg", &photo);
    let filed = server.post(Some(key), &body_of(&complaint, &[part]));
    assert_eq!(filed.status, 201, "{}", filed.text());
    let reference = filed.json()["reference"].as_str().unwrap().to_owned();
    let body = json!({ "text": "Secret-Reply-Words: the driver left a card." });
    let proof = issued_proof(place, &reference);
    let path = format!("/api/v1/complaints/{reference}/information");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {key}-r\r\nReply-Proof: {proof}\r\n\r\n{body}",
        body.to_string().len(),
        a = server.addr
    );
    let replied = send(&server.addr, request.as_bytes());
    assert_eq!(replied.status, 201, "{}", replied.text());
    place.execute(
        "INSERT INTO notes (complaint_id, at, text)
         SELECT id, 0, 'Customer said: Secret-Note-Words' FROM complaints WHERE reference = $1",
        &reference,
    );
    ok(place, &["acknowledge", &reference]);
    ok(
        place,
        &[
            "respond",
            &reference,
            "--decision",
            "upheld",
            "--cause",
            "courier-delay",
        ],
    );
    ok(place, &["close", &reference]);
    reference
}

/// Every needle found in a file under `folder` (the status files, uploads, spool), as (file, needle).
fn found_in_files(folder: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return found;
    };
    for entry in entries.map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(found_in_files(&path));
            continue;
        }
        let name = path.display().to_string();
        if name.contains("intake.sqlite3")
            || name.ends_with(".log")
            || name.ends_with("config.json")
        {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap().to_ascii_lowercase();
        for needle in NEEDLES {
            if contains(&bytes, needle) {
                found.push((name.clone(), needle.to_string()));
            }
        }
    }
    found
}

fn status_text(place: &OnEngine, reference: &str) -> String {
    std::fs::read_to_string(
        place
            .dir
            .publish()
            .join(format!("{}.json", status_key(reference, EMAIL))),
    )
    .unwrap()
}

/// What the figures count of every complaint, as stored, one line per complaint.
fn facts(place: &OnEngine) -> Vec<Option<String>> {
    const COLUMNS: &str =
        "reference, category, received_at, received_week, ack_due_at, acknowledged_at,
        decide_due_at, decided_at, decision, decision_seconds, closed_at, closed_in_3_days,
        closed_in_8_weeks, reopened, rating";
    place.texts(&match place.engine {
        Engine::Sqlite => format!(
            "SELECT json_array({COLUMNS}, (SELECT group_concat(cause) FROM complaint_causes
                                           WHERE complaint_id = id))
             FROM complaints ORDER BY id"
        ),
        Engine::Postgres(_) => format!(
            "SELECT json_build_array({COLUMNS}, (SELECT string_agg(cause, ',') FROM complaint_causes
                                                 WHERE complaint_id = id))::text
             FROM complaints ORDER BY id"
        ),
    })
}

/// The published figures without the time they were made.
fn figures(place: &OnEngine) -> Value {
    ok(place, &["insights"]);
    let mut figures: Value =
        serde_json::from_str(&std::fs::read_to_string(place.dir.insights()).unwrap()).unwrap();
    figures.as_object_mut().unwrap().remove("generated_at");
    figures
}

on_both!(
    the_purge_erases_the_person_keeps_the_figures_and_leaves_a_tombstone,
    purge_on_sqlite,
    purge_on_postgres
);

fn the_purge_erases_the_person_keeps_the_figures_and_leaves_a_tombstone(place: &OnEngine) {
    let server = place.server(&[
        "--smtp-relay",
        "127.0.0.1:9",
        "--mail-from",
        "desk@northwind.example",
        "--org-inbox",
        "complaints@northwind.example",
    ]);
    let reference = file_and_close(place, &server, "purge-1");
    drop(server);
    assert!(
        place.count("mail_outbox") > 0,
        "the organisation's mail is queued"
    );
    // The scan sees what it must: every needle is there before the purge.
    let before = place.found(NEEDLES);
    for needle in NEEDLES {
        assert!(
            before.iter().any(|(_, n)| n == needle),
            "{needle} not found before the purge: {before:?}"
        );
    }
    // The figures first: they fill the facts the server had not counted yet.
    let figures_before = figures(place);
    let facts_before = facts(place);

    // Not yet due: nothing is erased today.
    assert!(ok(place, &["purge"]).starts_with("0 complaint(s) erased"));
    let purged = ok(place, &["purge", "--now", LATER]);
    assert!(purged.starts_with("1 complaint(s) erased"), "{purged}");

    let tombstone: Value = serde_json::from_str(&status_text(place, &reference)).unwrap();
    assert_eq!(tombstone["erased"], json!(true), "{tombstone}");
    assert_eq!(tombstone.as_object().unwrap().len(), 2, "{tombstone}");
    assert_eq!(place.found(NEEDLES), vec![]);
    assert_eq!(found_in_files(&place.dir.0), vec![]);
    assert_eq!(place.count("blobs"), 0);
    assert_eq!(place.count("mail_outbox"), 0);
    assert_eq!(facts(place), facts_before);
    assert_eq!(figures(place), figures_before);

    // In the audit log as the schedule's, without the erased words; a second run has nothing to do.
    let lines = place.texts("SELECT actor || ' ' || detail FROM audit_log WHERE action = 'purge'");
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = lines[0].clone().unwrap();
    assert!(line.starts_with("schedule "), "{line}");
    assert!(line.contains("retention period"), "{line}");
    assert!(ok(place, &["purge", "--now", LATER]).starts_with("0 complaint(s) erased"));
    // The back office still reads what is left, and is refused a change to it.
    let shown = ok(place, &["show", &reference]);
    assert!(!shown.to_ascii_lowercase().contains("kowalska"), "{shown}");
    assert!(!place.cli(&["reopen", &reference]).status.success());
}

on_both!(
    a_legal_hold_stops_the_purge_and_an_erasure_until_released,
    hold_on_sqlite,
    hold_on_postgres
);

fn a_legal_hold_stops_the_purge_and_an_erasure_until_released(place: &OnEngine) {
    let server = place.server(&[]);
    let held = file_and_close(place, &server, "hold-1");
    let free = file_and_close(place, &server, "hold-2");
    drop(server);
    ok(
        place,
        &["hold", &held, "--reason", "County court claim 7/2026"],
    );

    assert!(ok(place, &["purge", "--now", LATER]).starts_with("1 complaint(s) erased"));
    assert!(status_text(place, &free).contains("\"erased\""));
    let record = status_text(place, &held);
    assert!(record.contains("\"history\""), "{record}");
    let kept = place.texts(&format!(
        "SELECT submission FROM complaints WHERE reference = '{held}'"
    ));
    assert!(kept[0].as_deref().unwrap().contains("Kowalska"));

    let refused = place.cli(&["erase", "--reference", &held, "--reason", "asked by email"]);
    assert!(!refused.status.success());
    let words = String::from_utf8_lossy(&refused.stderr);
    assert!(
        words.contains("on legal hold since") && words.contains("County court claim 7/2026"),
        "{words}"
    );
    ok(place, &["hold", &held, "--release"]);
    let erased = ok(
        place,
        &[
            "erase",
            "--email",
            "ANNA@example.pl",
            "--reason",
            "asked by email",
        ],
    );
    // The one purged before holds no email address any more, so it is not found again.
    assert_eq!(
        erased.trim(),
        format!("{held}: erased; its status file now says so")
    );
    assert_eq!(place.count("complaints WHERE erased_at IS NOT NULL"), 2);
    assert_eq!(place.found(NEEDLES), vec![]);
    let actions = place.texts(
        "SELECT action FROM audit_log WHERE action IN ('hold', 'release_hold', 'purge', 'erase') ORDER BY id",
    );
    let expected = ["hold", "purge", "release_hold", "erase"].map(|a| Some(a.to_owned()));
    assert_eq!(actions, expected);
}

on_both!(
    a_purge_killed_half_way_publishes_nothing_half_erased_and_the_next_run_finishes_it,
    crash_on_sqlite,
    crash_on_postgres
);

fn a_purge_killed_half_way_publishes_nothing_half_erased_and_the_next_run_finishes_it(
    place: &OnEngine,
) {
    let server = place.server(&[]);
    let references: Vec<String> = (1..=3)
        .map(|n| file_and_close(place, &server, &format!("crash-{n}")))
        .collect();
    drop(server);
    let records_before: Vec<String> = references.iter().map(|r| status_text(place, r)).collect();

    // Stops dead right after the second erasure's commit, before its tombstone is written.
    let crashed = std::process::Command::new(BIN)
        .args(["purge", "--now", LATER])
        .args(place.paths())
        .env("COMPLAINT_INTAKE_TEST_CRASH_AFTER_ERASURES", "2")
        .output()
        .unwrap();
    assert!(!crashed.status.success());
    assert!(status_text(place, &references[0]).contains("\"erased\""));
    // Erased in the database, but its published file is still the whole record, never half of one.
    assert_eq!(status_text(place, &references[1]), records_before[1]);
    assert_eq!(status_text(place, &references[2]), records_before[2]);

    let finished = ok(place, &["purge", "--now", LATER]);
    assert!(finished.starts_with("1 complaint(s) erased"), "{finished}");
    assert!(
        finished.contains("1 status file(s) written again"),
        "{finished}"
    );
    for reference in &references {
        assert!(status_text(place, reference).contains("\"erased\""));
    }
    assert_eq!(place.found(NEEDLES), vec![]);
    assert_eq!(found_in_files(&place.dir.0), vec![]);
}

#[test]
fn staff_export_a_persons_data_as_a_zip_of_json_and_files() {
    let place = OnEngine::sqlite("retention-export");
    let server = place.server(&[]);
    let reference = file_and_close(&place, &server, "export-1");
    drop(server);
    let out = place.dir.0.join("anna.zip");
    ok(
        &place,
        &["export", "--email", EMAIL, "--out", out.to_str().unwrap()],
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    assert!(
        names.contains(&format!("{reference}/complaint.json")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with(&format!("{reference}/files/"))
                && n.ends_with("receipt-photo.jpg")),
        "{names:?}"
    );
    let json: Value =
        serde_json::from_reader(zip.by_name(&format!("{reference}/complaint.json")).unwrap())
            .unwrap();
    assert_eq!(json["complaint"]["contact"]["name"], json!("Anna Kowalska"));
    assert_eq!(
        json["replies"][0]["text"],
        json!("Secret-Reply-Words: the driver left a card.")
    );
    assert!(json["kept"]["keep_until"]
        .as_str()
        .unwrap()
        .ends_with("-12-31"));
}

#[test]
fn over_the_staff_api_a_lead_holds_and_only_an_admin_exports_or_erases() {
    use support::staff::{staff_request, staff_session};
    let place = OnEngine::sqlite("retention-api");
    let dir = &place.dir;
    let server = place.server(&[]);
    let reference = file_and_close(&place, &server, "api-1");
    let agent = staff_session(dir, "Ana Agent", "agent", &["delivery"]);
    let lead = staff_session(dir, "Leo Lead", "lead", &[]);
    let admin = staff_session(dir, "Ada Admin", "admin", &[]);
    let hold_path = format!("/staff/api/v1/complaints/{reference}/hold");
    let reason = json!({ "reason": "Regulator's inquiry 12" });

    let refused = staff_request(
        &server,
        "POST",
        &hold_path,
        Some(&agent),
        true,
        Some(&reason),
    );
    assert_eq!(refused.status, 403, "{}", refused.text());
    let held = staff_request(
        &server,
        "POST",
        &hold_path,
        Some(&lead),
        true,
        Some(&reason),
    );
    assert_eq!(held.status, 200, "{}", held.text());
    assert_eq!(held.json()["reason"], json!("Regulator's inquiry 12"));
    let view = staff_request(
        &server,
        "GET",
        &format!("/staff/api/v1/complaints/{reference}"),
        Some(&lead),
        false,
        None,
    );
    assert_eq!(
        view.json()["retention"]["hold"]["reason"],
        json!("Regulator's inquiry 12"),
        "{}",
        view.text()
    );

    let erase = json!({ "reference": reference, "reason": "asked by phone" });
    let by_lead = staff_request(
        &server,
        "POST",
        "/staff/api/v1/privacy/erase",
        Some(&lead),
        true,
        Some(&erase),
    );
    assert_eq!(by_lead.status, 403, "{}", by_lead.text());
    let on_hold = staff_request(
        &server,
        "POST",
        "/staff/api/v1/privacy/erase",
        Some(&admin),
        true,
        Some(&erase),
    );
    assert_eq!(
        (on_hold.status, on_hold.code()),
        (409, "on_hold".to_owned()),
        "{}",
        on_hold.text()
    );
    assert!(
        on_hold.message().contains("Regulator's inquiry 12"),
        "{}",
        on_hold.text()
    );

    let zip = staff_request(
        &server,
        "POST",
        "/staff/api/v1/privacy/export",
        Some(&admin),
        true,
        Some(&json!({ "email": EMAIL })),
    );
    assert_eq!(zip.status, 200);
    assert_eq!(zip.header("content-type"), Some("application/zip"));
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body.clone())).unwrap();
    assert!(archive
        .file_names()
        .any(|n| n == format!("{reference}/complaint.json")));

    let released = staff_request(&server, "DELETE", &hold_path, Some(&lead), true, None);
    assert_eq!(released.status, 204, "{}", released.text());
    let erased = staff_request(
        &server,
        "POST",
        "/staff/api/v1/privacy/erase",
        Some(&admin),
        true,
        Some(&erase),
    );
    assert_eq!(erased.status, 200, "{}", erased.text());
    assert_eq!(erased.json()[0]["result"], json!("erased"));
    assert!(status_text(&place, &reference).contains("\"erased\""));
}
