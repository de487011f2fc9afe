//! Evidence files' bytes in the files place (`--files`, here a folder), on both engines: one body run against
//! SQLite and PostgreSQL. The bytes go to the place and not the database, read back through the store as
//! they were sent; a file two complaints share stays until both are erased; a missing or damaged object is
//! an error that names it; a row whose bytes are in a files place, read without one, says to give it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use complaint_domain::instant::Instant;
use sha2::{Digest, Sha256};

use super::tests::database;
use super::PgStore;
use crate::objects::evidence::{Evidence, EvidenceError};
use crate::objects::Folder;
use crate::store::tests::{complaint, temp_db};
use crate::store::{
    AuditEntry, ComplaintStore, Erased, Erasure, EvidenceStore, NewAttachment, RetentionStore,
    Store, StoreError,
};

const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 a photo of the parcel";

fn folder(name: &str) -> PathBuf {
    temp_db(name).with_file_name("files")
}

fn in_folder(dir: &Path) -> Evidence {
    Evidence::in_place(Arc::new(Folder::new(dir.to_owned())))
}

/// Files complaint `reference` with the photo, and returns its id.
fn file_photo(store: &mut impl ComplaintStore, key: &str, reference: &str, sha256: &str) -> i64 {
    let mut new = complaint(key, reference);
    new.attachments = vec![NewAttachment {
        name: "parcel.jpg",
        kind: "image/jpeg",
        sha256,
        content: PHOTO,
    }];
    store.record(&new).unwrap();
    store.complaint(reference).unwrap().unwrap().id
}

fn erase(store: &mut impl RetentionStore, id: i64) {
    let audit = AuditEntry {
        at: Instant::from_unix_seconds(100),
        actor: "cli".into(),
        actor_name: "command line".into(),
        action: "erase".into(),
        complaint_id: Some(id),
        detail: serde_json::json!({}),
        address: None,
    };
    let erasure = Erasure {
        id,
        submission: "{}",
        at: Instant::from_unix_seconds(100),
        audit: &audit,
        answers: None,
    };
    assert_eq!(store.erase(&erasure).unwrap(), Erased::Done);
}

fn photo_of(store: &impl EvidenceStore, id: i64) -> Result<Vec<u8>, StoreError> {
    let filed = store.filed(id)?;
    assert_eq!(filed.files[0].bytes, PHOTO.len() as i64);
    Ok(store.stored_file(filed.files[0].source)?.unwrap().content)
}

/// `store` keeps evidence in `dir`; `without` is the same database opened without a files place.
fn kept_in_the_files_place<S>(store: &mut S, without: &S, dir: &Path)
where
    S: ComplaintStore + EvidenceStore + RetentionStore,
{
    let sha256 = format!("{:x}", Sha256::digest(PHOTO));
    let object = dir.join("evidence").join(&sha256);
    let first = file_photo(store, "f1", "CMP-FILE-0001", &sha256);
    let second = file_photo(store, "f2", "CMP-FILE-0002", &sha256);
    assert_eq!(
        std::fs::read(&object).unwrap(),
        PHOTO,
        "the bytes are in the place"
    );
    assert_eq!(photo_of(store, first).unwrap(), PHOTO);
    assert_eq!(photo_of(store, second).unwrap(), PHOTO);
    let fresh = NewAttachment {
        name: "new.pdf",
        kind: "application/pdf",
        sha256: "11",
        content: b"new bytes",
    };
    assert_eq!(
        store.unstored_bytes(&[fresh]).unwrap(),
        0,
        "none for the database"
    );

    // Read without the place: the message says to give it.
    match photo_of(without, first) {
        Err(StoreError::Evidence(EvidenceError::NoPlace { .. })) => {}
        other => panic!("not refused for the missing place: {other:?}"),
    }

    // Damaged or gone in the place: an error that names the object, never other bytes.
    std::fs::write(&object, b"something else").unwrap();
    let damaged = photo_of(store, first).unwrap_err().to_string();
    assert!(
        damaged.contains("does not match") && damaged.contains(&sha256),
        "{damaged}"
    );
    std::fs::remove_file(&object).unwrap();
    let missing = photo_of(store, first).unwrap_err().to_string();
    assert!(
        missing.contains("missing") && missing.contains(&sha256),
        "{missing}"
    );
    std::fs::write(&object, PHOTO).unwrap();

    // Shared: kept while one complaint still names it, removed with the last.
    erase(store, first);
    assert!(object.exists(), "the second complaint still names the file");
    assert_eq!(photo_of(store, second).unwrap(), PHOTO);
    erase(store, second);
    assert!(!object.exists(), "the last erasure removes the object");
}

#[test]
fn kept_in_the_files_place_on_sqlite() {
    let path = temp_db("evidence-files");
    let dir = folder("evidence-files");
    let mut store = Store::open(&path).unwrap().with_evidence(in_folder(&dir));
    let without = Store::open(&path).unwrap();
    kept_in_the_files_place(&mut store, &without, &dir);
    let nothing_in_the_database: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM blobs WHERE content IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(nothing_in_the_database, 0);
}

#[test]
fn kept_in_the_files_place_on_postgres() {
    let Some(url) = database("evidence_files") else {
        return;
    };
    let dir = folder("evidence-files-pg");
    let mut store = PgStore::open(&url).unwrap().with_evidence(in_folder(&dir));
    let without = PgStore::open(&url).unwrap();
    kept_in_the_files_place(&mut store, &without, &dir);
}
