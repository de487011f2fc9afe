//! PostgreSQL's store tests, on a throwaway cluster (`tests/support/postgres.rs`, shared with the integration
//! tests): the schema at start, from several nodes at once, a newer database refused; and each written
//! trait's checks run against SQLite and PostgreSQL alike.

use complaint_domain::instant::Instant;

use super::PgStore;
use crate::store::{
    ComplaintStore, EvidenceStore, FileSource, MailFile, NewAttachment, OutboxStore, Outgoing,
    Recorded, SecretStore, Store, StoreError, MAX_ATTEMPTS,
};

#[path = "../../../tests/support/postgres.rs"]
mod cluster;

/// A fresh database, or `None` (with a note) where PostgreSQL is not installed outside CI.
pub(super) fn database(name: &str) -> Option<String> {
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

fn mail(to: &str) -> Outgoing {
    Outgoing {
        to: to.into(),
        subject: "Your complaint".into(),
        body: "Received.".into(),
        files: vec![MailFile {
            number: 1,
            source: FileSource::Complaint {
                complaint_id: 0,
                position: 0,
            },
        }],
        body_without_files: Some("Received (files listed).".into()),
    }
}

/// The outbox on one engine: queued, due, failed and due again later, sent and never due again; the file it
/// carried is found as mailed before.
fn mail_sent_once(store: &mut (impl ComplaintStore + OutboxStore)) {
    store
        .record(&crate::store::tests::complaint("k1", "CMP-AAAA-BBBB"))
        .unwrap();
    let id = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap().id;
    let now = Instant::from_unix_seconds(1_795_000_000);
    store.enqueue_mail(id, &mail("a@example.com"), now).unwrap();
    let due = store.due_mail(now, MAX_ATTEMPTS, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].outgoing.files.len(), 1);
    let later = now.plus_seconds(60);
    store.mail_failed(due[0].id, 1, later, "421 busy").unwrap();
    assert!(store.due_mail(now, MAX_ATTEMPTS, 10).unwrap().is_empty());
    let again = store.due_mail(later, MAX_ATTEMPTS, 10).unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 1));
    store.mail_sent(again[0].id, later).unwrap();
    assert!(store
        .due_mail(later.plus_seconds(3600), MAX_ATTEMPTS, 10)
        .unwrap()
        .is_empty());
    assert_eq!(
        store.mailed_before("a@example.com", "00").unwrap(),
        Some(("CMP-AAAA-BBBB".into(), 1))
    );
    assert_eq!(store.mailed_before("b@example.com", "00").unwrap(), None);
}

#[test]
fn mail_sent_once_on_sqlite() {
    mail_sent_once(&mut Store::open(&crate::store::tests::temp_db("pg-mail")).unwrap());
}

#[test]
fn mail_sent_once_on_postgres() {
    let Some(url) = database("mail") else {
        return;
    };
    mail_sent_once(&mut PgStore::open(&url).unwrap());
}

/// Two nodes taking due mail at the same moment share it out: every mail to exactly one of them. One that
/// took a mail and died gives it back when its lease runs out.
#[test]
fn two_nodes_never_take_the_same_mail() {
    let Some(url) = database("mail_race") else {
        return;
    };
    let mut first = PgStore::open(&url).unwrap();
    first
        .record(&crate::store::tests::complaint("k1", "CMP-AAAA-BBBB"))
        .unwrap();
    let id = first.complaint("CMP-AAAA-BBBB").unwrap().unwrap().id;
    let now = Instant::from_unix_seconds(1_795_000_000);
    for n in 0..40 {
        first
            .enqueue_mail(id, &mail(&format!("{n}@example.com")), now)
            .unwrap();
    }
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let nodes: Vec<_> = (0..2)
        .map(|_| {
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || {
                let node = PgStore::open(&url).unwrap();
                start.wait();
                let mut taken = Vec::new();
                loop {
                    let batch = node.due_mail(now, MAX_ATTEMPTS, 3).unwrap();
                    if batch.is_empty() {
                        return taken;
                    }
                    taken.extend(batch.into_iter().map(|m| m.id));
                }
            })
        })
        .collect();
    let mut all: Vec<i64> = nodes.into_iter().flat_map(|n| n.join().unwrap()).collect();
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!((before, all.len()), (40, 40), "each mail taken once");
    // Nobody reported back: within the lease nothing is due, after it everything is.
    assert!(first
        .due_mail(now.plus_seconds(60), MAX_ATTEMPTS, 100)
        .unwrap()
        .is_empty());
    let after_lease = now.plus_seconds(super::outbox::LEASE_SECONDS + 1);
    assert_eq!(
        first
            .due_mail(after_lease, MAX_ATTEMPTS, 100)
            .unwrap()
            .len(),
        40
    );
}

/// Two nodes given one reply's key at the same moment: one reply recorded, the other node told the first's
/// answer (never a second reply, never a conflict). Repeated, so the race is actually run.
#[test]
fn one_reply_key_on_two_nodes_at_once_records_one_reply() {
    use crate::store::{NewReply, Replied, ReplyStore};
    use complaint_domain::status::{CustomerReply, ReplyKind};
    let Some(url) = database("reply_race") else {
        return;
    };
    let mut first = PgStore::open(&url).unwrap();
    first
        .record(&crate::store::tests::complaint("k1", "CMP-AAAA-BBBB"))
        .unwrap();
    let nodes = std::sync::Arc::new(
        [PgStore::open(&url).unwrap(), PgStore::open(&url).unwrap()].map(std::sync::Mutex::new),
    );
    for round in 0..10 {
        let found = first.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
        let at = found.record.updated_at.plus_seconds(60);
        let record = found
            .record
            .replied(CustomerReply::Information, at, 14)
            .unwrap();
        let start = std::sync::Arc::new(std::sync::Barrier::new(2));
        let senders: Vec<_> = (0..2)
            .map(|n| {
                let (nodes, start, record) = (nodes.clone(), start.clone(), record.clone());
                let (id, revision) = (found.id, found.revision);
                std::thread::spawn(move || {
                    let key = format!("reply-{round}");
                    let reply = NewReply {
                        key: &key,
                        fingerprint: "fp",
                        complaint_id: id,
                        seen_revision: revision,
                        record: &record,
                        kind: ReplyKind::Information,
                        at,
                        text: Some("More."),
                        stars: None,
                        files: Vec::new(),
                        answer_status: 201,
                        answer_body: "{\"reply\":1}",
                    };
                    start.wait();
                    let mut node = nodes[n].lock().unwrap();
                    node.reply(&reply).unwrap()
                })
            })
            .collect();
        let answers: Vec<Replied> = senders.into_iter().map(|s| s.join().unwrap()).collect();
        let new = answers
            .iter()
            .filter(|a| matches!(a, Replied::New { .. }))
            .count();
        let told = answers
            .iter()
            .filter(|a| matches!(a, Replied::KeyTaken(answer) if answer.body == "{\"reply\":1}"))
            .count();
        assert_eq!((new, told), (1, 1), "round {round}: {answers:?}");
    }
    assert_eq!(
        first
            .replies(first.complaint("CMP-AAAA-BBBB").unwrap().unwrap().id)
            .unwrap()
            .len(),
        10
    );
}

/// Erasure on one engine: held, refused; released, erased once (a second run finds it erased), with its
/// words, key and file gone, its audit line written, and its email address no longer found.
fn erased_once(store: &mut (impl ComplaintStore + crate::store::RetentionStore)) {
    use crate::store::{AuditEntry, Erased, Erasure, Hold};
    let mut new = crate::store::tests::complaint("e1", "CMP-ERAS-0001");
    new.submission = r#"{"contact":{"email":"Anna@example.pl"}}"#;
    assert!(matches!(store.record(&new).unwrap(), Recorded::New));
    let id = store.complaint("CMP-ERAS-0001").unwrap().unwrap().id;
    let email = store.references_by_email("ANNA@example.pl").unwrap();
    let line = |action: &str| AuditEntry {
        at: Instant::from_unix_seconds(100),
        actor: "cli".into(),
        actor_name: "command line".into(),
        action: action.into(),
        complaint_id: Some(id),
        detail: serde_json::json!({}),
        address: None,
    };
    let hold = Hold {
        since: Instant::from_unix_seconds(50),
        by: "cli".into(),
        reason: "claim".into(),
    };
    assert!(store.set_hold(id, Some(&hold), &line("hold")).unwrap());
    let erasure = Erasure {
        id,
        submission: "{}",
        at: Instant::from_unix_seconds(100),
        audit: &line("erase"),
        answers: None,
    };
    assert_eq!(store.erase(&erasure).unwrap(), Erased::Held(hold));
    assert!(store.set_hold(id, None, &line("release_hold")).unwrap());
    assert_eq!(store.erase(&erasure).unwrap(), Erased::Done);
    assert_eq!(
        store.erase(&erasure).unwrap(),
        Erased::Already(Instant::from_unix_seconds(100))
    );
    let erased = store.complaint("CMP-ERAS-0001").unwrap().unwrap();
    assert_eq!(erased.erased_at, Some(Instant::from_unix_seconds(100)));
    assert!(store.answer_for("e1").unwrap().is_none());
    assert!(store
        .references_by_email("anna@example.pl")
        .unwrap()
        .is_empty());
    assert_eq!(email, ["CMP-ERAS-0001"]);
}

#[test]
fn erased_once_on_sqlite() {
    erased_once(&mut Store::open(&crate::store::tests::temp_db("pg-erased")).unwrap());
}

#[test]
fn erased_once_on_postgres() {
    let Some(url) = database("erased") else {
        return;
    };
    erased_once(&mut PgStore::open(&url).unwrap());
}

/// A customer's data request on one engine: kept once per key (the same key again finds the first), listed,
/// shown in the complaint's status record, and answered once.
fn data_request_once(store: &mut (impl ComplaintStore + crate::store::DataRequestStore)) {
    use crate::store::{NewDataRequest, RequestRecorded};
    use complaint_domain::calendar::Date;
    use complaint_domain::data_requests::{DataRequestKind, DataRequestState};
    store
        .record(&crate::store::tests::complaint("d1", "CMP-DATA-0001"))
        .unwrap();
    let id = store.complaint("CMP-DATA-0001").unwrap().unwrap().id;
    let new = NewDataRequest {
        complaint_id: id,
        kind: DataRequestKind::Erasure,
        key: "erase-1",
        fingerprint: "fp",
        at: Instant::from_unix_seconds(100),
        due_on: Date::new(2027, 1, 7).unwrap(),
    };
    let RequestRecorded::New(first) = store.record_data_request(&new).unwrap() else {
        panic!("the first request is new");
    };
    match store.record_data_request(&new).unwrap() {
        RequestRecorded::Again(again, fingerprint) => {
            assert_eq!((again.id, fingerprint.as_str()), (first.id, "fp"));
        }
        other => panic!("the same key again: {other:?}"),
    }
    assert_eq!(store.data_requests().unwrap().len(), 1);
    let shown = store.complaint("CMP-DATA-0001").unwrap().unwrap();
    assert_eq!(shown.record.data_requests.len(), 1);
    let answer = |store: &mut _| {
        crate::store::DataRequestStore::answer_data_request(
            store,
            first.id,
            DataRequestState::Done,
            None,
            "cli",
            Instant::from_unix_seconds(200),
        )
        .unwrap()
    };
    assert!(answer(store));
    assert!(!answer(store), "answered once");
    let answered = store.data_request(first.id).unwrap().unwrap();
    assert_eq!(answered.entry.state, DataRequestState::Done);
}

#[test]
fn data_request_once_on_sqlite() {
    data_request_once(&mut Store::open(&crate::store::tests::temp_db("pg-data-request")).unwrap());
}

#[test]
fn data_request_once_on_postgres() {
    let Some(url) = database("data_request") else {
        return;
    };
    data_request_once(&mut PgStore::open(&url).unwrap());
}
