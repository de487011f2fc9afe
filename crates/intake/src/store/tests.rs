//! The store's own tests: migrations from every shipped version, and each concern's round trip.

use super::migrations::MIGRATIONS;
use super::*;
use complaint_domain::calendar::Date;
use complaint_domain::i18n::Locale;
use complaint_domain::instant::Instant;
use complaint_domain::status::{
    DecidedOutcome, Decision, ReplyKind, SetDeadline, Stage, StageEntry,
};

pub(super) fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "intake-store-{name}-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    dir.join("intake.sqlite3")
}

pub(super) fn complaint<'a>(key: &'a str, reference: &'a str) -> NewComplaint<'a> {
    NewComplaint {
        key,
        fingerprint: "fp",
        reference,
        category: "delivery",
        locale: Locale::Pl,
        received_at: Instant::from_unix_seconds(1_795_000_000),
        submission: "{}",
        consumer_country: None,
        pin: None,
        status_key: "ab",
        attachments: vec![NewAttachment {
            name: "a.pdf",
            kind: "application/pdf",
            sha256: "00",
            content: b"%PDF-1.4",
        }],
        answer_status: 201,
        answer_body: "{\"reference\":\"CMP-AAAA-BBBB\"}",
        quarantine: None,
    }
}

#[test]
fn migrates_a_new_file_and_reopens_it_unchanged() {
    let path = temp_db("migrate");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len() as i64);
}

#[test]
fn a_newer_database_is_refused_rather_than_misread() {
    let path = temp_db("newer");
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(&path).err().unwrap();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err}"
    );
}

#[test]
fn a_complaint_is_recorded_once_per_key_and_reads_back_as_received() {
    let mut store = Store::open(&temp_db("record")).unwrap();
    assert!(matches!(
        store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap(),
        Recorded::New
    ));
    let Recorded::KeyTaken(answer) = store.record(&complaint("k1", "CMP-CCCC-DDDD")).unwrap()
    else {
        panic!("the key was free");
    };
    assert_eq!(answer.body, "{\"reference\":\"CMP-AAAA-BBBB\"}");
    assert!(matches!(
        store.record(&complaint("k2", "CMP-AAAA-BBBB")).unwrap(),
        Recorded::ReferenceTaken
    ));
    let found = store.complaint("cmp aaaa-bbbb").unwrap().unwrap();
    assert_eq!(found.record.history.len(), 1);
    assert_eq!(found.record.history[0].stage, Stage::Received);
    assert_eq!(found.locale, Locale::Pl);
    assert_eq!(found.record.check(), Ok(()));
    assert_eq!(store.all().unwrap().len(), 1);
    assert_eq!(store.unpublished().unwrap().len(), 1);
    store.mark_published(found.id, found.revision).unwrap();
    assert!(store.unpublished().unwrap().is_empty());
}

#[test]
fn saving_a_status_round_trips_and_a_stale_edit_is_refused() {
    let mut store = Store::open(&temp_db("save")).unwrap();
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    let mut record = found.record.clone();
    record.history.push(StageEntry {
        stage: Stage::Responded,
        at: record.updated_at.plus_seconds(60),
        message: Some("Zwrot wysłany.".into()),
    });
    record.updated_at = record.updated_at.plus_seconds(60);
    record.outcome = Some(DecidedOutcome {
        decision: Decision::PartlyUpheld,
        summary: None,
    });
    record.deadlines.push(SetDeadline {
        step: DeadlineStep::Decide,
        due: Date::parse_iso("2027-01-08").unwrap(),
        rule: Some("Extended".into()),
    });
    let revision = store
        .save_work(found.id, found.revision, &record, Waiting::Keep)
        .unwrap();
    let back = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    assert_eq!(back.record, record);
    assert_eq!(back.revision, revision);
    assert!(matches!(
        store.save_work(found.id, found.revision, &record, Waiting::Keep),
        Err(StoreError::Conflict)
    ));
}

#[test]
fn a_held_complaint_is_kept_but_never_listed_or_published_until_released() {
    held_until_released(&mut Store::open(&temp_db("quarantine")).unwrap());
}

/// Quarantine on any engine (PostgreSQL's runs it too, in `pg::tests`).
pub(super) fn held_until_released(store: &mut (impl ComplaintStore + QuarantineStore)) {
    let mut held = complaint("k1", "CMP-AAAA-BBBB");
    held.quarantine = Some("the hidden field was filled in");
    store.record(&held).unwrap();
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    assert_eq!(
        found.quarantine.as_deref(),
        Some("the hidden field was filled in")
    );
    assert!(store.all().unwrap().is_empty());
    assert!(store.unpublished().unwrap().is_empty());
    assert_eq!(store.quarantined().unwrap().len(), 1);
    assert!(store.answer_for("k1").unwrap().is_some(), "its key is kept");

    assert!(store.release(found.id).unwrap());
    assert!(!store.release(found.id).unwrap(), "released once");
    assert_eq!(store.unpublished().unwrap().len(), 1);
    assert!(
        !store.delete_quarantined(found.id).unwrap(),
        "a released complaint is not deleted here"
    );

    let mut bot = complaint("k2", "CMP-CCCC-DDDD");
    bot.quarantine = Some("sent 0 s after starting");
    store.record(&bot).unwrap();
    let id = store.complaint("CMP-CCCC-DDDD").unwrap().unwrap().id;
    assert!(store.delete_quarantined(id).unwrap());
    assert!(store.complaint("CMP-CCCC-DDDD").unwrap().is_none());
    assert!(
        store.answer_for("k2").unwrap().is_none(),
        "its key goes with it"
    );
}

#[test]
fn a_reply_is_recorded_once_per_key_and_refused_on_a_stale_revision() {
    let mut store = Store::open(&temp_db("reply")).unwrap();
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    let at = found.record.updated_at.plus_seconds(60);
    let record = found
        .record
        .replied(complaint_domain::status::CustomerReply::Information, at, 14)
        .unwrap();
    let reply = |key: &'static str, seen: i64| NewReply {
        key,
        fingerprint: "fp",
        complaint_id: found.id,
        seen_revision: seen,
        record: &record,
        kind: ReplyKind::Information,
        at,
        text: Some("More."),
        stars: None,
        files: vec![NewAttachment {
            name: "b.pdf",
            kind: "application/pdf",
            sha256: "01",
            content: b"%PDF-1.7",
        }],
        answer_status: 201,
        answer_body: "{}",
    };
    let Replied::New { reply_id } = store.reply(&reply("r1", found.revision)).unwrap() else {
        panic!("the first reply with its key is new");
    };
    assert!(matches!(
        store.reply(&reply("r1", found.revision)).unwrap(),
        Replied::KeyTaken(_)
    ));
    assert!(matches!(
        store.reply(&reply("r2", found.revision)),
        Err(StoreError::Conflict)
    ));
    let back = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    assert_eq!(back.record.replies, record.replies);
    assert_eq!(store.unread_replies().unwrap().get(&found.id), Some(&1));
    let filed = store.filed(found.id).unwrap();
    assert_eq!(
        filed.files.len(),
        2,
        "the complaint's file, then the reply's"
    );
    assert_eq!(filed.files[1].number, 2);
    assert_eq!(
        store.file_bytes(filed.files[1].source).unwrap().as_deref(),
        Some(&b"%PDF-1.7"[..])
    );
    assert_eq!(
        filed.files[1].source,
        FileSource::Reply {
            reply_id,
            position: 0
        }
    );

    // A mail names both files; the outbox gives the names back, and the bytes are read from where they are.
    let files: Vec<crate::mail::MailFile> = filed
        .files
        .iter()
        .map(|f| crate::mail::MailFile {
            number: f.number,
            source: f.source,
        })
        .collect();
    let mail = crate::mail::Outgoing {
        to: "in@example.com".into(),
        subject: "New complaint: CMP-AAAA-BBBB".into(),
        body: "…".into(),
        files: files.clone(),
        body_without_files: Some("… (files listed)".into()),
    };
    store.enqueue_mail(found.id, &mail, at).unwrap();
    // The inbox has both files' bytes now, the complaint's and the reply's; another address has neither.
    for (sha256, number) in [("00", 1), ("01", 2)] {
        assert_eq!(
            store.mailed_before("in@example.com", sha256).unwrap(),
            Some(("CMP-AAAA-BBBB".to_owned(), number))
        );
        assert_eq!(
            store.mailed_before("other@example.com", sha256).unwrap(),
            None
        );
    }
    let due = store.due_mail(at, 20, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].outgoing, mail);
    let stored = store.stored_file(files[1].source).unwrap().unwrap();
    assert_eq!(
        (
            stored.name.as_str(),
            stored.kind.as_str(),
            &stored.content[..]
        ),
        ("b.pdf", "application/pdf", &b"%PDF-1.7"[..])
    );
    let missing = FileSource::Reply {
        reply_id,
        position: 7,
    };
    assert!(store.stored_file(missing).unwrap().is_none());
    // Refused with its files: the same mail, due now, without them and with the body that lists them.
    store
        .mail_without_files(due[0].id, at, "552 too large")
        .unwrap();
    let again = store.due_mail(at, 20, 10).unwrap();
    assert_eq!(again[0].outgoing.body, "… (files listed)");
    assert!(again[0].outgoing.files.is_empty());
    assert_eq!(again[0].outgoing.body_without_files, None);
    store.mark_replies_read(found.id, at).unwrap();
    assert!(store.unread_replies().unwrap().is_empty());
    assert!(!store.replies(found.id).unwrap()[0].unread);
}

/// A database left at `version` by an older intake, holding one received complaint.
fn old_database(name: &str, version: usize) -> std::path::PathBuf {
    let path = temp_db(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let conn = Connection::open(&path).unwrap();
    for migration in &MIGRATIONS[..version] {
        conn.execute_batch(migration).unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    conn.execute(
        "INSERT INTO complaints (reference, lookup, category, locale, received_at, submission, status_key,
                                 updated_at)
         VALUES ('CMP-AAAA-BBBB', 'CMPAAAABBBB', 'delivery', 'en', 0, '{}', 'ab', 0)",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO stages (complaint_id, seq, stage, at) VALUES (1, 0, 'received', 0)",
        [],
    )
    .unwrap();
    path
}

#[test]
fn a_version_6_database_keeps_its_files_bytes_once_in_blobs() {
    let path = old_database("v6", 6);
    let conn = Connection::open(&path).unwrap();
    for position in 0..2 {
        conn.execute(
            "INSERT INTO attachments (complaint_id, position, name, kind, sha256, content)
             VALUES (1, ?1, 'a.pdf', 'application/pdf', 'ab12', x'25504446')",
            [position],
        )
        .unwrap();
    }
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    let id = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap().id;
    let filed = store.filed(id).unwrap();
    assert_eq!(filed.files.len(), 2);
    assert_eq!(filed.files[1].bytes, 4);
    assert_eq!(
        store.file_bytes(filed.files[1].source).unwrap().as_deref(),
        Some(&b"%PDF"[..])
    );
    let blobs: i64 = store
        .conn
        .query_row("SELECT COUNT(*) FROM blobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blobs, 1, "named twice, kept once");
    store
        .conn
        .execute("UPDATE complaints SET quarantine = 'x'", [])
        .unwrap();
    assert!(store.delete_quarantined(id).unwrap());
    let blobs: i64 = store
        .conn
        .query_row("SELECT COUNT(*) FROM blobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blobs, 0, "bytes no one names go with the last that did");
}

#[test]
fn a_version_2_database_moves_to_version_3_with_no_replies() {
    let store = Store::open(&old_database("v2", 2)).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    assert!(found.record.replies.is_empty());
    assert!(store.replies(found.id).unwrap().is_empty());
}

#[test]
fn a_version_1_database_moves_to_version_2_and_its_complaints_are_not_held() {
    let store = Store::open(&old_database("v1", 1)).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    assert_eq!(found.quarantine, None);
    assert_eq!(store.all().unwrap().len(), 1);
}

#[test]
fn search_covers_complaints_and_replies_from_before_the_index_and_after_it() {
    let search_version = MIGRATIONS
        .iter()
        .position(|m| m.contains("CREATE VIRTUAL TABLE search_text"))
        .unwrap();
    let path = old_database("search", search_version);
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE complaints SET submission = '{\"description\":\"Zażalenie na kuriera\"}'",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO replies (complaint_id, kind, at, text) VALUES (1, 'information', 0, 'depot seven')",
        [],
    )
    .unwrap();
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    let found = |store: &Store, words: &str| -> Vec<String> {
        let filter = RowFilter {
            words: Some(words.to_owned()),
            ..RowFilter::default()
        };
        store
            .desk_rows(&filter)
            .unwrap()
            .into_iter()
            .map(|row| row.complaint.record.reference)
            .collect()
    };
    assert_eq!(found(&store, "zazalenie"), ["CMP-AAAA-BBBB"], "backfilled");
    assert_eq!(
        found(&store, "dep"),
        ["CMP-AAAA-BBBB"],
        "replies backfilled"
    );
    let rows = store.desk_rows(&RowFilter::default()).unwrap();
    assert_eq!(rows[0].first_text, "Zażalenie na kuriera");

    let mut new = complaint("k-2", "CMP-CCCC-DDDD");
    new.submission = "{\"description\":\"Parcel never came\"}";
    new.quarantine = Some("honeypot");
    assert!(matches!(store.record(&new).unwrap(), Recorded::New));
    let held = RowFilter {
        held: true,
        words: Some("parcel".into()),
        ..RowFilter::default()
    };
    assert_eq!(
        store.desk_rows(&held).unwrap().len(),
        1,
        "kept by the trigger"
    );
    assert!(found(&store, "parcel").is_empty(), "held ones apart");
    let id = store.complaint("CMP-CCCC-DDDD").unwrap().unwrap().id;
    assert!(store.delete_quarantined(id).unwrap());
    let left: i64 = store
        .conn
        .query_row(
            "SELECT COUNT(*) FROM search_text WHERE complaint_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "gone with the complaint");
}
