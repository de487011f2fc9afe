//! PostgreSQL's store tests, on a throwaway cluster (`tests/support/postgres.rs`, shared with the integration
//! tests): the schema at start, from several nodes at once, a newer database refused; and each written
//! trait's checks run against SQLite and PostgreSQL alike.

use complaint_domain::instant::Instant;

use super::PgStore;
use crate::store::{
    ComplaintStore, EvidenceStore, FileSource, NewAttachment, Recorded, SecretStore, Store,
    StoreError,
};

#[path = "../../../tests/support/postgres.rs"]
mod cluster;

/// A fresh database, or `None` (with a note) where PostgreSQL is not installed outside CI.
fn database(name: &str) -> Option<String> {
    cluster::database(name)
}

#[test]
fn nodes_starting_together_migrate_once() {
    let Some(url) = database("migrate") else {
        return;
    };
    let nodes: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || PgStore::open(&url).map(|s| s.schema_version()))
        })
        .collect();
    for node in nodes {
        let version = node.join().unwrap().unwrap().unwrap();
        assert_eq!(version, super::migrations::known());
    }
    // And once more, as a restarted node: nothing to do, nothing refused.
    let again = PgStore::open(&url).unwrap();
    assert_eq!(again.schema_version().unwrap(), super::migrations::known());
}

#[test]
fn a_database_from_a_newer_program_is_refused() {
    let Some(url) = database("newer") else {
        return;
    };
    let store = PgStore::open(&url).unwrap();
    let newer = super::migrations::known() + 1;
    store
        .connection()
        .unwrap()
        .execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&newer],
        )
        .unwrap();
    match PgStore::open(&url) {
        Err(StoreError::NewerSchema { found, known }) => {
            assert_eq!((found, known), (newer, newer - 1));
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://desk:s3cret@127.0.0.1:{port}/intake");
    match PgStore::open(&url) {
        Err(e @ StoreError::Unreachable { .. }) => {
            let message = e.to_string();
            assert!(message.contains("cannot reach the database"), "{message}");
            assert!(!message.contains("s3cret"), "{message}");
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("nothing listens there"),
    }
}

/// Two nodes start at once with different fresh secrets: both keep the first one made.
fn first_secret_wins(first: &mut impl SecretStore, second: &mut impl SecretStore) {
    let at = Instant::from_unix_seconds(1_795_000_000);
    let (one, made) = first.secret("reply-proof", b"first", at).unwrap();
    let later = Instant::from_unix_seconds(1_795_000_100);
    let (two, made_two) = second.secret("reply-proof", b"second", later).unwrap();
    assert_eq!((one.as_slice(), made), (&b"first"[..], at));
    assert_eq!((two.as_slice(), made_two), (&b"first"[..], at));
    let (other, _) = second.secret("another", b"other", later).unwrap();
    assert_eq!(other, b"other");
    // No complaint by that reference: nothing to check a proof against.
    assert_eq!(first.proof_inputs("CMP-AAAA-BBBB", later).unwrap(), None);
}

#[test]
fn first_secret_wins_on_sqlite() {
    let path = crate::store::tests::temp_db("pg-secrets");
    first_secret_wins(
        &mut Store::open(&path).unwrap(),
        &mut Store::open(&path).unwrap(),
    );
}

#[test]
fn first_secret_wins_on_postgres() {
    let Some(url) = database("secrets") else {
        return;
    };
    first_secret_wins(
        &mut PgStore::open(&url).unwrap(),
        &mut PgStore::open(&url).unwrap(),
    );
}

#[test]
fn a_password_never_reaches_a_message() {
    use super::without_password;
    assert_eq!(
        without_password("postgres://desk:s3cret@db:5432/intake"),
        "postgres://desk:***@db:5432/intake"
    );
    assert_eq!(
        without_password("postgres://desk@db/intake"),
        "postgres://desk@db/intake"
    );
}

/// Filing on one engine: recorded once, read back by its reference as typed, a second filing under the same
/// key gets the first answer, a taken reference is said so, publishing catches up.
fn filed_once(store: &mut impl ComplaintStore) {
    use crate::store::tests::complaint;
    assert!(matches!(
        store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap(),
        Recorded::New
    ));
    match store.record(&complaint("k1", "CMP-CCCC-DDDD")).unwrap() {
        Recorded::KeyTaken(answer) => assert_eq!(answer.body, "{\"reference\":\"CMP-AAAA-BBBB\"}"),
        other => panic!("a second filing under one key: {other:?}"),
    }
    assert!(matches!(
        store.record(&complaint("k2", "CMP-AAAA-BBBB")).unwrap(),
        Recorded::ReferenceTaken
    ));
    let found = store.complaint("cmp-aaaa bbbb").unwrap().unwrap();
    assert_eq!(found.record.reference, "CMP-AAAA-BBBB");
    assert_eq!(found.record.history.len(), 1);
    assert_eq!(store.all().unwrap().len(), 1);
    assert_eq!(store.unpublished().unwrap().len(), 1);
    store.mark_published(found.id, found.revision).unwrap();
    assert!(store.unpublished().unwrap().is_empty());
    assert!(store.answer_for("k2").unwrap().is_none());
}

#[test]
fn filed_once_on_sqlite() {
    filed_once(&mut Store::open(&crate::store::tests::temp_db("pg-filed")).unwrap());
}

#[test]
fn filed_once_on_postgres() {
    let Some(url) = database("filed") else {
        return;
    };
    filed_once(&mut PgStore::open(&url).unwrap());
}

/// Two nodes given the same key at the same moment, each with its own reference: one complaint, and both
/// are told the first one's answer. Repeated, so the race is actually run, not just one order.
#[test]
fn one_key_on_two_nodes_at_once_files_one_complaint() {
    let Some(url) = database("race") else {
        return;
    };
    let nodes = [PgStore::open(&url).unwrap(), PgStore::open(&url).unwrap()];
    let nodes = std::sync::Arc::new(nodes.map(std::sync::Mutex::new));
    for round in 0..20 {
        let key = format!("race-{round}");
        let start = std::sync::Arc::new(std::sync::Barrier::new(2));
        let senders: Vec<_> = (0..2)
            .map(|n| {
                let (nodes, start, key) = (nodes.clone(), start.clone(), key.clone());
                std::thread::spawn(move || {
                    let reference = format!("CMP-{round:04}-000{n}");
                    let answer = format!("{{\"reference\":\"{reference}\"}}");
                    let mut new = crate::store::tests::complaint(&key, &reference);
                    new.answer_body = &answer;
                    start.wait();
                    let mut node = nodes[n].lock().unwrap();
                    match node.record(&new).unwrap() {
                        Recorded::New => answer.clone(),
                        Recorded::KeyTaken(first) => first.body,
                        Recorded::ReferenceTaken => panic!("references differ"),
                    }
                })
            })
            .collect();
        let answers: Vec<String> = senders.into_iter().map(|s| s.join().unwrap()).collect();
        assert_eq!(answers[0], answers[1], "round {round}");
    }
    let node = nodes[0].lock().unwrap();
    assert_eq!(node.all().unwrap().len(), 20);
}

#[test]
fn held_until_released_on_postgres() {
    let Some(url) = database("quarantine") else {
        return;
    };
    crate::store::tests::held_until_released(&mut PgStore::open(&url).unwrap());
}

/// Evidence on one engine: the file's description and bytes back, and a file kept once costs nothing again.
fn evidence_kept_once(store: &mut (impl ComplaintStore + EvidenceStore)) {
    let new = crate::store::tests::complaint("k1", "CMP-AAAA-BBBB");
    let attached = new.attachments.clone();
    store.record(&new).unwrap();
    let id = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap().id;
    let filed = store.filed(id).unwrap();
    assert_eq!(filed.files.len(), 1);
    assert_eq!(filed.files[0].number, 1);
    assert_eq!(filed.files[0].bytes, attached[0].content.len() as i64);
    let stored = store.stored_file(filed.files[0].source).unwrap().unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.content.as_slice()),
        ("a.pdf", attached[0].content)
    );
    assert_eq!(
        store.file_bytes(filed.files[0].source).unwrap().unwrap(),
        attached[0].content
    );
    let missing = FileSource::Complaint {
        complaint_id: id,
        position: 9,
    };
    assert!(store.stored_file(missing).unwrap().is_none());
    assert_eq!(store.unstored_bytes(&attached).unwrap(), 0);
    let fresh = NewAttachment {
        sha256: "11",
        content: b"new bytes",
        ..attached[0]
    };
    assert_eq!(store.unstored_bytes(&[fresh, fresh]).unwrap(), 9);
    assert!(store.bytes_used().unwrap() > 0);
}

#[test]
fn evidence_kept_once_on_sqlite() {
    evidence_kept_once(&mut Store::open(&crate::store::tests::temp_db("pg-evidence")).unwrap());
}

#[test]
fn evidence_kept_once_on_postgres() {
    let Some(url) = database("evidence") else {
        return;
    };
    evidence_kept_once(&mut PgStore::open(&url).unwrap());
}
