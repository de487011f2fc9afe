//! What is checked before the service serves or a command runs: a database written by a newer program is
//! refused with a clear message and a non-zero exit (SQLite and PostgreSQL alike), and a publish folder
//! that is another desk's, or a database that is another desk's given this desk's folder, is refused before
//! anything is written (the desk's id, made at its first start and kept in the database, against the
//! marker `complaint-desk.id` in the folder).

mod support;

use std::process::{Command, Output};

use support::*;

fn run(dir: &TempDir, db: &str, publish: &std::path::Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--config")
        .arg(dir.config())
        .arg("--db")
        .arg(db)
        .arg("--publish")
        .arg(publish)
        .args(args)
        .output()
        .unwrap()
}

/// `serve` as far as it gets: `Ok` if it printed its address (it started; stopped at once), else its
/// stderr, after checking it exited with status 1.
fn serve(dir: &TempDir, db: &str, publish: &std::path::Path) -> Result<(), String> {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(dir.config())
        .arg("--db")
        .arg(db)
        .arg("--publish")
        .arg(publish)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let started = !line.is_empty();
    if started {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    if started {
        return Ok(());
    }
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    Err(stderr(&out))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_sqlite_file_from_a_newer_program_is_refused_with_a_clear_message() {
    let dir = TempDir::new("start-newer-sqlite");
    let db = dir.db().display().to_string();
    let made = run(&dir, &db, &dir.publish(), &["list"]);
    assert!(made.status.success(), "{}", stderr(&made));
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    conn.pragma_update(None, "user_version", version + 1)
        .unwrap();
    drop(conn);

    for args in [&["list"][..], &["serve", "--listen", "127.0.0.1:0"]] {
        let out = run(&dir, &db, &dir.publish(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "the database is at schema version {}, newer than this program knows ({version}); \
                 use a newer complaint-intake",
                version + 1
            )),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_postgresql_database_from_a_newer_program_is_refused_with_a_clear_message() {
    let Some(url) = postgres::database("start_newer") else {
        return;
    };
    let dir = TempDir::new("start-newer-pg");
    // The first run brings the schema in (and then refuses, until PostgreSQL storage is merged).
    let _ = run(&dir, &url, &dir.publish(), &["list"]);
    let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
    let known: i64 = client
        .query_one("SELECT max(version) FROM schema_version", &[])
        .unwrap()
        .get(0);
    client
        .execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&(known + 1)],
        )
        .unwrap();

    let out = run(&dir, &url, &dir.publish(), &["list"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "the database is at schema version {}, newer than this program knows ({known})",
            known + 1
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_publish_folder_that_is_another_desks_is_refused_at_start_both_ways() {
    let first = TempDir::new("start-first-desk");
    let second = TempDir::new("start-second-desk");
    let (first_db, second_db) = (
        first.db().display().to_string(),
        second.db().display().to_string(),
    );
    // Each desk's first start claims its own folder.
    for (dir, db) in [(&first, &first_db), (&second, &second_db)] {
        serve(dir, db, &dir.publish()).unwrap();
        assert!(dir.publish().join("complaint-desk.id").exists());
    }
    let first_id = std::fs::read_to_string(first.publish().join("complaint-desk.id")).unwrap();

    // The second desk's database given the first desk's folder, and the other way round.
    for (dir, db, folder) in [
        (&second, &second_db, first.publish()),
        (&first, &first_db, second.publish()),
    ] {
        let refused = serve(dir, db, &folder).unwrap_err();
        assert!(refused.contains("holds another desk's files"), "{refused}");
    }
    // A fresh database (a new desk, or the wrong file) is refused the first desk's folder too.
    let fresh = TempDir::new("start-fresh-desk");
    let refused = serve(&fresh, &fresh.db().display().to_string(), &first.publish()).unwrap_err();
    assert!(
        refused.contains(&first_id),
        "names the folder's desk: {refused}"
    );
    assert_eq!(
        std::fs::read_to_string(first.publish().join("complaint-desk.id")).unwrap(),
        first_id,
        "the marker is left as it was"
    );
    // Its own folder still takes it.
    serve(&first, &first_db, &first.publish()).unwrap();
}
