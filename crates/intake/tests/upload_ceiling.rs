//! The uploads folder under abuse (issue 21, item 5): one address cannot fill its ceiling for everyone,
//! whole files no complaint names do not hold it for days (a restart included), requests that write
//! nothing leave nothing on disk, and asking where a file stands is counted like sending it. Real HTTP on
//! loopback; the attacker is 127.0.0.2, the customer 127.0.0.3.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use support::*;

fn uploads_dir(dir: &TempDir) -> PathBuf {
    let mut name = dir.db().into_os_string();
    name.push("-uploads");
    PathBuf::from(name)
}

fn files_in(folder: &Path) -> usize {
    std::fs::read_dir(folder).map_or(0, |entries| entries.count())
}

/// `PATCH` of the whole `file` from `source`.
fn upload_from(source: &str, addr: &str, file: &[u8]) -> Reply {
    let hash = sha256_hex(file);
    let mut request = patch_head(addr, &hash, 0, file.len() as u64, file.len());
    request.extend_from_slice(file);
    let mut stream = connect_from(source, addr, None);
    let _ = stream.write_all(&request);
    read_reply(&mut stream)
}

fn head_from(source: &str, addr: &str, hash: &str, total: u64) -> Reply {
    let mut stream = connect_from(source, addr, None);
    let _ = stream.write_all(
        format!(
            "HEAD /api/v1/uploads/{hash} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nUpload-Length: {total}\r\n\r\n"
        )
        .as_bytes(),
    );
    read_reply(&mut stream)
}

/// A distinct 60 KB file for each `i`.
fn file(i: usize) -> Vec<u8> {
    let mut bytes = pdf(60_000);
    bytes[20..28].copy_from_slice(&(i as u64).to_le_bytes());
    bytes
}

#[test]
fn one_address_cannot_fill_the_upload_ceiling_for_everyone() {
    let dir = TempDir::new("upload-share");
    // A ceiling of 2 MiB: 34 files of 60 KB fill it.
    let server = Server::start(&dir, &["--uploads-max-mb", "2"], &[]);
    let mut stored = 0;
    let mut refused = None;
    for i in 0..40 {
        let reply = upload_from("127.0.0.2", &server.addr, &file(i));
        if reply.status == 204 {
            stored += 1;
        } else {
            refused = Some(reply);
            break;
        }
    }
    eprintln!("one address stored {stored} files of 60 KB before it was refused");
    let refused = refused.expect("one address filled the whole folder");
    assert_eq!(refused.status, 429, "{}", refused.text());
    assert!(refused.header("retry-after").is_some());
    assert!(stored <= 3, "one address stored {stored} files");

    let customer = upload_from("127.0.0.3", &server.addr, &file(1000));
    assert_eq!(customer.status, 204, "{}", customer.text());
    assert_eq!(customer.header("upload-offset"), Some("60000"));
}

#[test]
fn an_ipv6_customer_shares_the_share_of_their_slash_64() {
    let dir = TempDir::new("upload-share-v6");
    let server = Server::start(
        &dir,
        &["--uploads-max-mb", "2", "--trusted-proxy", "127.0.0.1"],
        &[],
    );
    let via = |forwarded_for: &str, i: usize| {
        let file = file(i);
        let mut request = patch_head(
            &server.addr,
            &sha256_hex(&file),
            0,
            file.len() as u64,
            file.len(),
        );
        // The proxy's header goes in with the others.
        let at = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        request.splice(
            at..at,
            format!("\r\nX-Forwarded-For: {forwarded_for}").into_bytes(),
        );
        request.extend_from_slice(&file);
        send(&server.addr, &request).status
    };
    // Two files of 60 KB fill a share of 128 KiB, whichever addresses of the /64 sent them.
    assert_eq!(via("2001:db8:1:2::1", 1), 204);
    assert_eq!(via("2001:db8:1:2::2", 2), 204);
    assert_eq!(via("2001:db8:1:2:ffff::3", 3), 429);
    assert_eq!(via("2001:db8:1:3::1", 4), 204, "another /64");
}

#[test]
fn whole_uploads_no_complaint_names_are_gone_within_hours_a_restart_included() {
    let dir = TempDir::new("upload-expiry");
    let server = Server::start(&dir, &[], &[]);
    let file = file(1);
    let hash = sha256_hex(&file);
    assert_eq!(upload_from("127.0.0.2", &server.addr, &file).status, 204);
    drop(server);
    // Seven hours pass (the file's age is its last write).
    let whole = uploads_dir(&dir).join(&hash);
    std::fs::File::options()
        .write(true)
        .open(&whole)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(7 * 3600))
        .unwrap();
    let server = Server::start(&dir, &[], &[]);
    assert_eq!(upload_offset(&server.addr, &hash, file.len() as u64), 0);
    assert!(!whole.exists());
}

#[test]
fn empty_and_refused_uploads_leave_nothing_on_disk() {
    let dir = TempDir::new("upload-empty");
    let server = Server::start(&dir, &[], &[]);
    let folder = uploads_dir(&dir);
    for i in 0..30 {
        // Nothing sent.
        let hash = sha256_hex(&file(i));
        let reply = send(&server.addr, &patch_head(&server.addr, &hash, 0, 60_000, 0));
        assert_eq!(reply.status, 204, "{}", reply.text());
        assert_eq!(reply.header("upload-offset"), Some("0"));
        // An offset past what is stored: refused before a byte is written.
        let hash = sha256_hex(&file(100 + i));
        let mut ahead = patch_head(&server.addr, &hash, 5_000, 60_000, 100);
        ahead.extend_from_slice(&[0; 100]);
        assert_eq!(send(&server.addr, &ahead).status, 409);
    }
    let left = files_in(&folder);
    eprintln!("60 requests that wrote nothing left {left} files");
    assert_eq!(left, 0);
}

#[test]
fn asking_where_an_upload_stands_is_counted_like_sending_it() {
    let dir = TempDir::new("upload-head");
    let server = Server::start(&dir, &[], &[]);
    let hash = sha256_hex(&file(1));
    let mut limited = None;
    for i in 0..130 {
        let reply = head_from("127.0.0.2", &server.addr, &hash, 60_000);
        if reply.status == 429 {
            limited = Some(i);
            break;
        }
        assert_eq!(reply.status, 200);
    }
    eprintln!("HEAD was limited after {limited:?} requests");
    assert_eq!(limited, Some(120));
    // Another address is not.
    assert_eq!(
        head_from("127.0.0.3", &server.addr, &hash, 60_000).status,
        200
    );
}
