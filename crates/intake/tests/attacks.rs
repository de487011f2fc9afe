//! What an adversarial review of the intake found, each attack replayed over real HTTP on loopback: bounded
//! in count and time, and stopping by itself. Other customers are other loopback addresses (127.0.0.3)
//! than the attacker's (127.0.0.2).

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use support::*;

/// Undoes percent-escapes again and again, as a reader of the log could.
fn decoded(text: &str) -> String {
    let mut current = text.to_owned();
    loop {
        let bytes = current.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let escape = (bytes[i] == b'%')
                .then(|| current.get(i + 1..i + 3))
                .flatten()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            match escape {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
        }
        let next = String::from_utf8_lossy(&out).into_owned();
        if next == current {
            return current;
        }
        current = next;
    }
}

#[test]
fn status_keys_stay_out_of_the_log_however_the_path_is_written() {
    let dir = TempDir::new("log-keys");
    let server = Server::start(&dir, &[], &[]);
    let reply = server.post(Some("log-1"), &body_of(&complaint("log-1"), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let key = status_key(
        reply.json()["reference"].as_str().unwrap(),
        "anna@example.pl",
    );
    let encoded: String = key.bytes().map(|b| format!("%{b:02x}")).collect();
    let upper: String = key.bytes().map(|b| format!("%{b:02X}")).collect();
    let paths = [
        format!("/api/v1/status/{key}.json"),
        format!("/api/v1/status/{key}.json/"),
        format!("/api/v1/status/{key}.json?x=1"),
        format!("/api/v1/status/{}.json", key.to_uppercase()),
        format!("/api/v1/status/{encoded}.json"),
        format!("/api/v1/status/{upper}.json"),
        format!("/api/v1/status%2F{key}.json"),
        format!("/api/v1/status/%25{}.json", &upper[1..]),
        format!("//api/v1//status/{key}.json"),
        format!("/API/V1/STATUS/{key}.json"),
        format!("/somewhere/else/{key}.json"),
        format!("/?key={key}"),
    ];
    for path in &paths {
        server.get(path);
    }
    // Every request above has its line before its answer was sent.
    let log = server.log();
    assert!(log.lines().count() > paths.len(), "{log}");
    let plain = decoded(&log).to_ascii_lowercase();
    assert!(
        !plain.contains(&key[..20]),
        "a form of the status key is in the log: {log}"
    );
}

#[test]
fn the_database_and_the_folder_made_for_it_are_private() {
    let dir = TempDir::new("modes");
    let data = dir.0.join("data");
    let db = data.join("intake.sqlite3");
    let server = Server::start(&dir, &["--db", db.to_str().unwrap()], &[]);
    let reply = server.post(Some("modes-1"), &body_of(&complaint("modes-1"), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data folder");
    // While the service runs in WAL mode, all three files exist.
    for suffix in ["", "-wal", "-shm"] {
        let file = data.join(format!("intake.sqlite3{suffix}"));
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    drop(server);
}
