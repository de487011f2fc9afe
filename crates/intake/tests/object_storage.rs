//! The intake with its status files, figures and resumable uploads in S3-compatible object storage
//! (`--publish s3://…`, `--insights s3://…`, `--files s3://…`), against a real server: moto in server mode
//! (`support/s3.rs`). Status files arrive whole with the headers the tracker needs, an upload begun through
//! one node goes on through another, a bucket that holds another desk's files (or is given to a second
//! desk's database) is refused at start, and a bucket that is down never costs a complaint: it is accepted,
//! and its file follows when the bucket is back.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::s3::Moto;
use support::*;

const BUCKET: &str = "desk";
const PREFIX: &str = "api/v1/status";

/// `--config`, `--db` of the folder, with status files and figures in the bucket.
fn bucket_paths(dir: &TempDir) -> Vec<String> {
    vec![
        "--config".into(),
        dir.config().display().to_string(),
        "--db".into(),
        dir.db().display().to_string(),
        "--publish".into(),
        format!("s3://{BUCKET}/{PREFIX}"),
        "--insights".into(),
        format!("s3://{BUCKET}/api/v1/insights.json"),
    ]
}

fn start(dir: &TempDir, moto: &Moto, extra: &[&str]) -> Server {
    let env = moto.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Server::start_with(dir, bucket_paths(dir), extra, &env)
}

/// Files one complaint and returns its status file's name in the bucket.
fn file_one(server: &Server, key: &str) -> String {
    let reply = server.post(Some(key), &body_of(&complaint(key), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let reference = reply.json()["reference"].as_str().unwrap().to_owned();
    format!(
        "{PREFIX}/{}.json",
        status_key(&reference, "anna@example.pl")
    )
}

#[test]
fn status_files_are_published_to_the_bucket_whole_with_the_trackers_headers() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket(BUCKET);
    let dir = TempDir::new("s3-publish");
    let server = start(&dir, &moto, &[]);

    let name = file_one(&server, "6f1d3c2a-1b4e-4f5a-9c8d-7e6f5a4b3c21");

    let object = moto
        .get(BUCKET, &name)
        .expect("the status file is in the bucket");
    let record = complaint_domain::status::StatusRecord::from_json(&object.text())
        .expect("the status file is whole");
    assert_eq!(object.header("cache-control"), Some("no-cache"));
    assert_eq!(
        object.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(!record.reference.is_empty());
    // Nothing was written to a folder instead.
    assert!(dir.published().is_empty(), "{:?}", dir.published());
    let marker = moto
        .get(BUCKET, &format!("{PREFIX}/complaint-desk.id"))
        .expect("the desk claimed the bucket at its first start");
    assert_eq!(marker.body.len(), 64, "{}", marker.text());

    // The figures go into the bucket too (`serve` publishes them on its schedule; `insights` at once).
    assert!(moto.get(BUCKET, "api/v1/insights.json").is_none());
    let published = Command::new(BIN)
        .arg("insights")
        .args(bucket_paths(&dir))
        .envs(moto.env())
        .output()
        .unwrap();
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );
    let figures = moto
        .get(BUCKET, "api/v1/insights.json")
        .expect("insights wrote the figures into the bucket");
    let figures: serde_json::Value = serde_json::from_slice(&figures.body).unwrap();
    assert!(figures.is_object(), "{figures}");
}

/// Runs `serve` expecting it to stop at start; its stderr.
fn refused_start(dir: &TempDir, env: &[(&'static str, String)]) -> String {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(bucket_paths(dir))
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("serve started");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success(), "{stderr}");
    stderr
}

#[test]
fn a_bucket_holding_another_desks_files_is_refused_at_start() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket(BUCKET);
    moto.put(
        BUCKET,
        &format!("{PREFIX}/complaint-desk.id"),
        b"another-desk",
    );
    let dir = TempDir::new("s3-other-desk");
    let stderr = refused_start(&dir, &moto.env());
    assert!(stderr.contains("another desk"), "{stderr}");
    assert_eq!(
        moto.get(BUCKET, &format!("{PREFIX}/complaint-desk.id"))
            .unwrap()
            .text(),
        "another-desk",
        "the other desk's marker is left as it was"
    );
}

#[test]
fn a_second_desk_given_the_first_desks_bucket_is_refused_and_the_first_starts_again() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket(BUCKET);
    let first = TempDir::new("s3-first-desk");
    drop(start(&first, &moto, &[]));
    let marker = moto
        .get(BUCKET, &format!("{PREFIX}/complaint-desk.id"))
        .expect("the first desk claimed the bucket")
        .text();

    // Another database (another desk's, or a fresh one by mistake) pointed at the same bucket.
    let second = TempDir::new("s3-second-desk");
    let stderr = refused_start(&second, &moto.env());
    assert!(stderr.contains("another desk"), "{stderr}");
    assert!(
        stderr.contains(&marker),
        "names the desk the bucket is for: {stderr}"
    );
    assert_eq!(second.count("complaints"), 0);

    let again = start(&first, &moto, &[]);
    file_one(&again, "0b7c4f1e-2d3a-4c5b-8e9f-1a2b3c4d5e6f");
}

#[test]
fn a_bucket_down_at_start_or_over_plain_http_unasked_stops_serve_with_a_message() {
    let Some(mut moto) = Moto::start() else {
        return;
    };
    moto.create_bucket(BUCKET);
    let dir = TempDir::new("s3-refused");
    let mut env = moto.env();
    env.retain(|(k, _)| *k != "AWS_ALLOW_HTTP");
    let stderr = refused_start(&dir, &env);
    assert!(stderr.contains("cannot reach s3://desk/"), "{stderr}");
    assert!(moto
        .get(BUCKET, &format!("{PREFIX}/complaint-desk.id"))
        .is_none());

    moto.stop();
    let stderr = refused_start(&dir, &moto.env());
    assert!(stderr.contains("cannot reach s3://desk/"), "{stderr}");
}

#[test]
fn a_complaint_is_accepted_while_the_bucket_is_down_and_published_when_it_is_back() {
    let Some(mut moto) = Moto::start() else {
        return;
    };
    moto.create_bucket(BUCKET);
    let dir = TempDir::new("s3-down");
    let server = start(
        &dir,
        &moto,
        &["--republish-every", "1", "--files", "s3://desk/evidence"],
    );

    moto.stop();
    let name = file_one(&server, "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a");
    assert_eq!(dir.count("complaints"), 1);
    assert!(dir.published().is_empty());
    // An upload meanwhile is refused for now, never a 500: the app keeps the file and sends it again.
    let file = pdf(5_000);
    let mut upload = patch_head(&server.addr, &sha256_hex(&file), 0, 5_000, file.len());
    upload.extend_from_slice(&file);
    let refused = send(&server.addr, &upload);
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert!(refused.header("retry-after").is_some());

    // Back, empty (moto keeps its buckets in memory), as a restored bucket would be.
    moto.resume();
    moto.create_bucket(BUCKET);
    let object = moto.wait_for(BUCKET, &name, Duration::from_secs(60));
    complaint_domain::status::StatusRecord::from_json(&object.text())
        .expect("the late status file is whole");
    server.wait_for_log(Duration::from_secs(10), |log| {
        log.contains("status file(s) that had waited")
    });
    assert_eq!(dir.count("complaints"), 1, "stored once");
}

/// The complaint's file list, naming an upload by its hash (`docs/submission.md`, "Uploads").
fn naming(key: &str, name: &str, bytes: &[u8]) -> serde_json::Value {
    let mut body = complaint(key);
    body["attachments"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": "id-1", "name": name, "kind": "application/pdf", "bytes": bytes.len(),
            "sha256": sha256_hex(bytes)
        }));
    body
}

fn await_offset(addr: &str, hash: &str, total: u64, want: u64) {
    let started = Instant::now();
    while upload_offset(addr, hash, total) != want {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{addr} never held {want} bytes"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_upload_begun_through_one_node_goes_on_through_another_and_files_whole() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket(BUCKET);
    let dir = TempDir::new("s3-two-nodes");
    let files = ["--files", "s3://desk/evidence"];
    let a = start(&dir, &moto, &files);
    let b = start(&dir, &moto, &files);
    let file = pdf(60_000);
    let (hash, total) = (sha256_hex(&file), file.len() as u64);

    // Node A receives 25,000 bytes, then the phone's signal drops.
    let mut first = connect(&a.addr);
    std::io::Write::write_all(
        &mut first,
        &patch_head(&a.addr, &hash, 0, total, file.len()),
    )
    .unwrap();
    std::io::Write::write_all(&mut first, &file[..25_000]).unwrap();
    drop(first);
    // Node B, which never saw them, knows where the upload stands: the bucket says.
    await_offset(&b.addr, &hash, total, 25_000);

    let mut rest = patch_head(&b.addr, &hash, 25_000, total, file.len() - 25_000);
    rest.extend_from_slice(&file[25_000..]);
    let reply = send(&b.addr, &rest);
    assert_eq!(reply.status, 204, "{}", reply.text());
    assert_eq!(reply.header("upload-offset"), Some("60000"));
    let whole = moto
        .get(BUCKET, &format!("evidence/uploads/{hash}"))
        .expect("the whole file is in the bucket");
    assert_eq!(sha256_hex(&whole.body), hash);
    assert_eq!(
        upload_offset(&a.addr, &hash, total),
        total,
        "node A sees it whole too"
    );

    // Filed through node A, which received only the first part: the complaint has the file, whole, kept
    // in the bucket (not the database) where every node reads it.
    let key = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";
    let reply = a.post(Some(key), &body_of(&naming(key, "receipt.pdf", &file), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let kept = moto
        .get(BUCKET, &format!("evidence/evidence/{hash}"))
        .expect("the complaint's file is in the bucket");
    assert_eq!(sha256_hex(&kept.body), hash, "the file is whole");
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let (length, in_database): (i64, bool) = conn
        .query_row(
            "SELECT b.length, b.content IS NOT NULL FROM attachments a JOIN blobs b ON b.sha256 = a.sha256",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((length, in_database), (total as i64, false));
    assert_eq!(dir.count("complaints"), 1);
}
