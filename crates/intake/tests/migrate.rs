//! `complaint-intake migrate --from FILE --to postgres://…`: a SQLite desk (complaints with their files, a
//! stage change, a staff invitation, the desk's secrets) copied into an empty PostgreSQL database, table
//! for table, with the check printed; a database that is not empty is refused and left as it was; and,
//! once PostgreSQL storage is merged, the copied desk answers on PostgreSQL as it did on SQLite.

mod support;

use std::process::{Command, Output};

use support::*;

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn migrate(dir: &TempDir, to: &str) -> Output {
    Command::new(BIN)
        .arg("migrate")
        .arg("--from")
        .arg(dir.db())
        .arg("--to")
        .arg(to)
        .output()
        .unwrap()
}

/// A desk with something in most tables: two complaints (one with a file), a stage change, an invitation.
fn a_desk_with_history(dir: &TempDir) -> String {
    let server = Server::start(dir, &[], &[]);
    let mut first = complaint("5a0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d");
    let photo = jpeg(2048);
    let part = attach(&mut first, "parcel.jpg", "image/jpeg", &photo);
    let filed = server.post(
        Some("5a0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d"),
        &body_of(&first, &[part]),
    );
    assert_eq!(filed.status, 201, "{}", filed.text());
    let second = complaint("6b1d2e3f-4051-4b6c-9d7e-8f9a0b1c2d3e");
    let filed_too = server.post(
        Some("6b1d2e3f-4051-4b6c-9d7e-8f9a0b1c2d3e"),
        &body_of(&second, &[]),
    );
    assert_eq!(filed_too.status, 201, "{}", filed_too.text());
    drop(server);
    let reference = filed.json()["reference"].as_str().unwrap().to_owned();
    let acknowledged = dir.cli(&["acknowledge", &reference, "--message", "en:We have it."]);
    assert!(acknowledged.status.success(), "{:?}", text(&acknowledged));
    let invited = dir.cli(&[
        "staff",
        "invite",
        "--role",
        "agent",
        "--name",
        "Ola",
        "--email",
        "ola@example.pl",
    ]);
    assert!(invited.status.success(), "{:?}", text(&invited));
    reference
}

fn count(url: &str, table: &str) -> i64 {
    let mut client = ::postgres::Client::connect(url, ::postgres::NoTls).unwrap();
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .unwrap()
        .get(0)
}

#[test]
fn a_sqlite_desk_is_copied_whole_and_checked_and_a_second_copy_is_refused() {
    let Some(url) = postgres::database("migrate") else {
        return;
    };
    let dir = TempDir::new("migrate");
    a_desk_with_history(&dir);

    let out = migrate(&dir, &url);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("nothing differs"), "{stdout}");
    for table in [
        "complaints",
        "attachments",
        "blobs",
        "stages",
        "idempotency_keys",
        "secrets",
        "staff_invitations",
        "audit_log",
    ] {
        let rows = dir.count(table);
        assert!(rows > 0, "the desk has {table}");
        assert_eq!(count(&url, table), rows, "{table}");
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(table))
            .unwrap_or_else(|| panic!("{table} is not in the check: {stdout}"));
        assert!(line.contains(&format!(" {rows} ")), "{line}");
    }
    // Full-text search is rebuilt by PostgreSQL's own triggers: each description is findable.
    assert_eq!(count(&url, "search_text"), 2);
    // The next id is past the copied ones.
    let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
    let next: i64 = client
        .query_one(
            "SELECT nextval(pg_get_serial_sequence('complaints', 'id'))",
            &[],
        )
        .unwrap()
        .get(0);
    let largest: i64 = client
        .query_one("SELECT max(id) FROM complaints", &[])
        .unwrap()
        .get(0);
    assert!(next > largest, "{next} after {largest}");

    let again = migrate(&dir, &url);
    let (_, stderr) = text(&again);
    assert_eq!(again.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert_eq!(count(&url, "complaints"), 2, "left as it was");
}

#[test]
fn a_missing_file_or_a_target_that_is_not_postgresql_is_refused_before_anything_is_written() {
    let dir = TempDir::new("migrate-refused");
    let out = migrate(&dir, "postgres://nobody@127.0.0.1:1/none");
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!dir.db().exists(), "no SQLite file was made");
    let out = Command::new(BIN)
        .args(["migrate", "--from"])
        .arg(dir.db())
        .args(["--to", "/tmp/elsewhere.sqlite3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("postgres://"), "{:?}", text(&out));
}

/// The copied desk lists and shows on PostgreSQL what it did on SQLite.
#[test]
fn the_copied_desk_answers_on_postgresql_as_it_did_on_sqlite() {
    let Some(url) = postgres::database("migrate_answers") else {
        return;
    };
    let dir = TempDir::new("migrate-answers");
    let reference = a_desk_with_history(&dir);
    let copied = migrate(&dir, &url);
    assert!(copied.status.success(), "{:?}", text(&copied));
    for command in [&["list", "--all"][..], &["show", &reference]] {
        let on_sqlite = dir.cli(command);
        let on_postgres = Command::new(BIN)
            .args(command)
            .arg("--config")
            .arg(dir.config())
            .args(["--db", &url, "--publish"])
            .arg(dir.publish())
            .output()
            .unwrap();
        assert!(on_postgres.status.success(), "{:?}", text(&on_postgres));
        assert_eq!(text(&on_postgres).0, text(&on_sqlite).0, "{command:?}");
    }
}
