//! Evidence files' bytes in the files place (`--files`: a folder, or a bucket on moto, `support/s3.rs`)
//! instead of the database, end to end on the real binary. Two complaints share one photo: its bytes are in
//! the place once and not in the database; the staff desk's download and the customer's export give them
//! back as sent; a damaged or missing object is a clear error in the log, never other bytes or a crash; the
//! purge of one complaint keeps the object the other still names, and the erasure of the last removes it.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use support::s3::Moto;
use support::staff::{staff_request, staff_session};
use support::*;

const API: &str = "/staff/api/v1";
const BUCKET: &str = "desk";
/// Past the demo's default rule for a complaint closed now.
const LATER: &str = "2099-01-02T00:00:00Z";

/// Where a test keeps its files: a folder of its own, or a prefix of moto's bucket.
enum Place<'a> {
    Folder(PathBuf),
    Bucket(&'a Moto),
}

impl Place<'_> {
    fn flag(&self) -> String {
        match self {
            Place::Folder(dir) => dir.display().to_string(),
            Place::Bucket(_) => format!("s3://{BUCKET}/files"),
        }
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            Place::Folder(_) => Vec::new(),
            Place::Bucket(moto) => moto.env(),
        }
    }

    /// The object a file's bytes are kept in, if there is one.
    fn object(&self, sha256: &str) -> Option<Vec<u8>> {
        match self {
            Place::Folder(dir) => std::fs::read(dir.join("evidence").join(sha256)).ok(),
            Place::Bucket(moto) => moto
                .get(BUCKET, &format!("files/evidence/{sha256}"))
                .map(|r| r.body),
        }
    }

    fn replace(&self, sha256: &str, bytes: &[u8]) {
        match self {
            Place::Folder(dir) => std::fs::write(dir.join("evidence").join(sha256), bytes).unwrap(),
            Place::Bucket(moto) => moto.put(BUCKET, &format!("files/evidence/{sha256}"), bytes),
        }
    }

    fn remove(&self, sha256: &str) {
        match self {
            Place::Folder(dir) => std::fs::remove_file(dir.join("evidence").join(sha256)).unwrap(),
            Place::Bucket(moto) => {
                let path = format!("/{BUCKET}/files/evidence/{sha256}");
                assert_eq!(moto.request("DELETE", &path, &[]).status, 204);
            }
        }
    }

    fn start(&self, dir: &TempDir) -> Server {
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Server::start(dir, &["--files", &self.flag()], &env)
    }

    /// A back-office command on `dir`'s database, given this place.
    fn cli(&self, dir: &TempDir, args: &[&str]) -> String {
        let out: Output = Command::new(BIN)
            .args(args)
            .args(dir.paths())
            .args(["--files", &self.flag()])
            .envs(self.env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Files one complaint with `photo` and returns its reference.
fn file_photo(server: &Server, key: &str, photo: &[u8]) -> String {
    let mut complaint = complaint(key);
    let part = attach(&mut complaint, "parcel.jpg", "image/jpeg", photo);
    let filed = server.post(Some(key), &body_of(&complaint, &[part]));
    assert_eq!(filed.status, 201, "{}", filed.text());
    filed.json()["reference"].as_str().unwrap().to_owned()
}

fn in_database(dir: &TempDir) -> i64 {
    rusqlite::Connection::open(dir.db())
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM blobs WHERE content IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// The files in the customer's export zip, as (name, bytes).
fn exported(dir: &TempDir, place: &Place) -> Vec<(String, Vec<u8>)> {
    let out = dir.0.join("anna.zip");
    let email = "anna@example.pl";
    place.cli(
        dir,
        &["export", "--email", email, "--out", out.to_str().unwrap()],
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let mut files = Vec::new();
    for name in names.into_iter().filter(|n| n.contains("/files/")) {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(&name).unwrap(), &mut bytes).unwrap();
        files.push((name, bytes));
    }
    files
}

fn one_file_for_two_complaints(dir: &TempDir, place: &Place) {
    let server = place.start(dir);
    let photo = jpeg(3000);
    let sha256 = sha256_hex(&photo);
    let first = file_photo(&server, "files-1", &photo);
    let second = file_photo(&server, "files-2", &photo);
    assert_eq!(place.object(&sha256), Some(photo.clone()), "in the place");
    assert_eq!(dir.count("blobs"), 1, "one row for the shared file");
    assert_eq!(in_database(dir), 0, "no bytes in the database");

    // The staff desk's download, through the same seam as every reader.
    let agent = staff_session(dir, "Ana Agent", "agent", &["delivery"]);
    let download = |reference: &str| {
        let path = format!("{API}/complaints/{reference}/files/1");
        staff_request(&server, "GET", &path, Some(&agent), false, None)
    };
    let got = download(&first);
    assert_eq!((got.status, &got.body), (200, &photo));

    // Damaged, then gone: an error the log names, never other bytes, and the server goes on.
    place.replace(&sha256, b"not the photo");
    assert_eq!(download(&first).status, 500);
    server.wait_for_log(Duration::from_secs(10), |log| {
        log.contains("does not match its SHA-256") && log.contains(&sha256)
    });
    place.remove(&sha256);
    assert_eq!(download(&first).status, 500);
    server.wait_for_log(Duration::from_secs(10), |log| {
        log.contains("is missing from the files place")
    });
    place.replace(&sha256, &photo);
    assert_eq!(download(&second).body, photo, "the server is still serving");
    drop(server);

    // The customer's export zip: both complaints' copies, as sent.
    let files = exported(dir, place);
    assert_eq!(
        files.len(),
        2,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(files.iter().all(|(_, bytes)| *bytes == photo));

    // The purge takes the first complaint; the second still names the file, so it stays.
    place.cli(dir, &["acknowledge", &first]);
    place.cli(
        dir,
        &[
            "respond",
            &first,
            "--decision",
            "upheld",
            "--cause",
            "courier-delay",
        ],
    );
    place.cli(dir, &["close", &first]);
    let purged = place.cli(dir, &["purge", "--now", LATER]);
    assert!(purged.starts_with("1 complaint(s) erased"), "{purged}");
    assert_eq!(
        place.object(&sha256),
        Some(photo.clone()),
        "the second names it"
    );
    assert_eq!(dir.count("blobs"), 1);

    // Erasing the second, the last that names it, removes the object.
    place.cli(
        dir,
        &[
            "erase",
            "--reference",
            &second,
            "--reason",
            "asked by phone",
        ],
    );
    assert_eq!(place.object(&sha256), None, "gone with the last complaint");
    assert_eq!(dir.count("blobs"), 0);
}

#[test]
fn in_a_folder_one_file_two_complaints_read_back_and_removed_with_the_last() {
    let dir = TempDir::new("evidence-folder");
    let place = Place::Folder(dir.0.join("files"));
    one_file_for_two_complaints(&dir, &place);
}

#[test]
fn in_a_bucket_one_file_two_complaints_read_back_and_removed_with_the_last() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket(BUCKET);
    let dir = TempDir::new("evidence-bucket");
    one_file_for_two_complaints(&dir, &Place::Bucket(&moto));
}
