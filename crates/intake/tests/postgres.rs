//! The binary with `--db postgres://…`: an unreachable database is a clear message and a non-zero exit at
//! start; a reachable one gets its schema and the intake runs on it. `--db sqlite:PATH` keeps SQLite.

mod support;

use std::process::Command;

use support::{postgres, TempDir, BIN};

fn run(dir: &TempDir, db: &str, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--config")
        .arg(dir.config())
        .arg("--db")
        .arg(db)
        .arg("--publish")
        .arg(dir.publish())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn an_unreachable_database_stops_the_start_with_a_clear_message() {
    let dir = TempDir::new("pg-unreachable");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://desk:s3cret@127.0.0.1:{port}/intake");
    let out = run(&dir, &url, &["serve", "--listen", "127.0.0.1:0"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!(
            "cannot reach the database postgres://desk:***@127.0.0.1:{port}/intake"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

#[test]
fn a_reachable_database_is_migrated_and_kept_in() {
    let Some(url) = postgres::database("binary") else {
        return;
    };
    let dir = TempDir::new("pg-runs");
    let out = run(&dir, &url, &["list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
    let version: Option<i64> = client
        .query_one("SELECT max(version) FROM schema_version", &[])
        .unwrap()
        .get(0);
    assert!(version.is_some_and(|v| v >= 1));
    // The record is PostgreSQL's: no SQLite file appeared beside the config.
    assert!(!dir.db().exists());
}

#[test]
fn a_sqlite_prefix_keeps_sqlite() {
    let dir = TempDir::new("pg-sqlite-prefix");
    let db = format!("sqlite:{}", dir.db().display());
    let out = run(&dir, &db, &["list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.db().exists());
}
