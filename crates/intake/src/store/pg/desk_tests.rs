//! The desk's traits on both engines: each check is one body run against SQLite and against PostgreSQL (a
//! throwaway cluster, `tests/support/postgres.rs`), so the engines cannot drift apart unnoticed. Replies,
//! work on a complaint, templates, the desk's lists and search, and the figures built from the facts.

use complaint_domain::instant::Instant;
use complaint_domain::status::{
    CustomerReply, DecidedOutcome, Decision, ReplyKind, Stage, StatusChange,
};

use super::tests::database;
use super::PgStore;
use crate::store::tests::{complaint, temp_db};
use crate::store::{
    ComplaintStore, EvidenceStore, FactStore, FileSource, NewAttachment, NewNote, NewReply,
    NewTemplate, QuarantineStore, Replied, ReplyStore, RowFilter, SearchStore, Store, StoreError,
    TemplateKind, TemplateStore, Waiting, WorkStore,
};

fn sqlite(name: &str) -> Store {
    Store::open(&temp_db(name)).unwrap()
}

fn postgres(name: &str) -> Option<PgStore> {
    Some(PgStore::open(&database(name)?).unwrap())
}

/// Runs `$body` against a fresh SQLite file and a fresh PostgreSQL database, as two tests.
macro_rules! on_both {
    ($body:ident, $sqlite:ident, $postgres:ident) => {
        #[test]
        fn $sqlite() {
            $body(&mut sqlite(stringify!($body)));
        }

        #[test]
        fn $postgres() {
            if let Some(mut store) = postgres(stringify!($body)) {
                $body(&mut store);
            }
        }
    };
}

/// Moves complaint `reference` to `stage` at `at` by the domain's rules; returns its new revision.
fn move_to(
    store: &mut (impl ComplaintStore + WorkStore),
    reference: &str,
    stage: Stage,
    at: Instant,
) -> i64 {
    let found = store.complaint(reference).unwrap().unwrap();
    let decision = (stage == Stage::Responded).then_some(DecidedOutcome {
        decision: Decision::PartlyUpheld,
        summary: Some("Zwrot wysłany.".into()),
    });
    let change = StatusChange::Stage {
        stage,
        message: Some("Sprawdzamy.".into()),
        next_step: None,
        decision,
    };
    let record = found.record.changed(change, at).unwrap();
    store
        .save_work(found.id, found.revision, &record, Waiting::Keep)
        .unwrap()
}

/// A reply once per key, refused on a stale revision, its file numbered after the complaint's, read and
/// counted.
fn reply_once(store: &mut (impl ComplaintStore + ReplyStore + EvidenceStore)) {
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    let at = found.record.updated_at.plus_seconds(60);
    let record = found
        .record
        .replied(CustomerReply::Information, at, 14)
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
        answer_body: "{\"reply\":1}",
    };
    let Replied::New { reply_id } = store.reply(&reply("r1", found.revision)).unwrap() else {
        panic!("the first reply with its key is new");
    };
    match store.reply(&reply("r1", found.revision)).unwrap() {
        Replied::KeyTaken(answer) => assert_eq!(answer.body, "{\"reply\":1}"),
        other => panic!("a key used twice: {other:?}"),
    }
    assert!(matches!(
        store.reply(&reply("r2", found.revision)),
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.reply_answer_for("r1").unwrap().unwrap().status, 201);
    assert!(store.reply_answer_for("r2").unwrap().is_none());
    let back = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    assert_eq!(back.record.replies, record.replies);
    assert_eq!(back.revision, found.revision + 1);
    assert_eq!(store.unread_replies().unwrap().get(&found.id), Some(&1));
    let filed = store.filed(found.id).unwrap();
    assert_eq!(
        filed.files.len(),
        2,
        "the complaint's file, then the reply's"
    );
    assert_eq!(
        filed.files[1].source,
        FileSource::Reply {
            reply_id,
            position: 0
        }
    );
    assert_eq!(
        store.file_bytes(filed.files[1].source).unwrap().as_deref(),
        Some(&b"%PDF-1.7"[..])
    );
    assert_eq!(store.replies_since(found.id, at).unwrap(), (1, Some(at)));
    assert_eq!(
        store.replies_since(found.id, at.plus_seconds(1)).unwrap(),
        (0, None)
    );
    let replies = store.replies(found.id).unwrap();
    assert_eq!(
        (replies.len(), replies[0].text.as_deref(), replies[0].unread),
        (1, Some("More."), true)
    );
    store.mark_replies_read(found.id, at).unwrap();
    assert!(store.unread_replies().unwrap().is_empty());
    assert!(!store.replies(found.id).unwrap()[0].unread);
}

on_both!(reply_once, reply_once_on_sqlite, reply_once_on_postgres);

/// Saving a status round-trips and moves the revision; a stale save or assignment is refused; assigning
/// keeps a published complaint published; the wait for the customer is set and ended; notes are kept.
fn work_saved_under_its_revision(
    store: &mut (impl ComplaintStore + WorkStore + SearchStore + ReplyStore),
) {
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    let at = found.record.updated_at.plus_seconds(60);
    let record = found
        .record
        .changed(
            StatusChange::Deadline {
                step: complaint_domain::status::DeadlineStep::Decide,
                due: complaint_domain::calendar::Date::parse_iso("2027-01-08").unwrap(),
                rule: Some("Extended".into()),
            },
            at,
        )
        .unwrap();
    let revision = store
        .save_work(found.id, found.revision, &record, Waiting::Since(at))
        .unwrap();
    let back = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    assert_eq!((back.record, back.revision), (record.clone(), revision));
    assert_eq!(store.work_state(found.id).unwrap().waiting_since, Some(at));
    assert!(matches!(
        store.save_work(found.id, found.revision, &record, Waiting::Keep),
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        store.assign(found.id, found.revision, None),
        Err(StoreError::Conflict)
    ));
    store.mark_published(found.id, revision).unwrap();
    let assigned = store.assign(found.id, revision, None).unwrap();
    assert_eq!(assigned, revision + 1);
    assert!(store.unpublished().unwrap().is_empty(), "still published");
    let responded = move_to(
        store,
        "CMP-AAAA-BBBB",
        Stage::Responded,
        at.plus_seconds(60),
    );
    let first = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    assert_eq!(first.revision, responded);
    assert_eq!(
        first.record.current().map(|e| e.stage),
        Some(Stage::Responded)
    );
    let over = store
        .save_work(first.id, first.revision, &first.record, Waiting::Over)
        .unwrap();
    assert_eq!(store.work_state(found.id).unwrap().waiting_since, None);
    assert_eq!(over, first.revision + 1);
    assert_eq!(store.unpublished().unwrap().len(), 1);

    let note = NewNote {
        complaint_id: found.id,
        author: None,
        at,
        text: "Called the depot.",
        mentions: &[3, 4],
    };
    let id = store.add_note(&note).unwrap();
    let notes = store.notes(found.id).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        (notes[0].id, notes[0].author.clone(), notes[0].text.as_str()),
        (id, None, "Called the depot.")
    );
    assert_eq!((notes[0].at, notes[0].mentions.clone()), (at, vec![3, 4]));
    assert_eq!(store.desk_facts(found.id).unwrap().assignee, None);
    assert_eq!(
        store.reference_of(found.id).unwrap().as_deref(),
        Some("CMP-AAAA-BBBB")
    );
    assert_eq!(store.reference_of(found.id + 100).unwrap(), None);
}

on_both!(
    work_saved_under_its_revision,
    work_saved_under_its_revision_on_sqlite,
    work_saved_under_its_revision_on_postgres
);

/// The three seeded templates, then one added, changed and deleted; listed by name.
fn templates_kept(store: &mut impl TemplateStore) {
    let seeded = store.templates().unwrap();
    assert_eq!(seeded.len(), 3);
    assert!(seeded
        .windows(2)
        .all(|w| w[0].template.name <= w[1].template.name));
    assert!(seeded[0].template.texts["ko"].contains("접수 번호"));
    let at = Instant::from_unix_seconds(1_795_000_000);
    let mut new = NewTemplate {
        name: "A first answer".into(),
        category: Some("delivery".into()),
        kind: TemplateKind::Ask,
        texts: [("en".to_owned(), "Which parcel?".to_owned())].into(),
    };
    let id = store.add_template(&new, None, at).unwrap();
    assert_eq!(store.templates().unwrap()[0].id, id, "first by name");
    new.kind = TemplateKind::Decide;
    new.texts.insert("pl".into(), "Która paczka?".into());
    let later = at.plus_seconds(60);
    assert!(store.update_template(id, &new, None, later).unwrap());
    let back = store.template(id).unwrap().unwrap();
    assert_eq!((back.template, back.updated_at), (new.clone(), later));
    assert!(!store.update_template(id + 100, &new, None, later).unwrap());
    assert!(store.delete_template(id).unwrap());
    assert!(!store.delete_template(id).unwrap());
    assert!(store.template(id).unwrap().is_none());
}

on_both!(
    templates_kept,
    templates_kept_on_sqlite,
    templates_kept_on_postgres
);

/// The desk's rows: search by word prefixes over the description and each reply (diacritics and case
/// ignored, any input searched, never a syntax error), narrowed by category, cause, held and live; oldest
/// first, with the description's start and the unread replies.
fn desk_rows_searched(
    store: &mut (impl ComplaintStore
              + ReplyStore
              + WorkStore
              + SearchStore
              + FactStore
              + QuarantineStore),
) {
    let texts = [
        (
            "k1",
            "CMP-AAAA-0001",
            "delivery",
            "Zażalenie na kuriera, paczka zgubiona",
        ),
        (
            "k2",
            "CMP-AAAA-0002",
            "billing",
            "배송이 늦어요 REFUND please",
        ),
        ("k3", "CMP-AAAA-0003", "delivery", "The parcel never came"),
    ];
    let mut ids = Vec::new();
    for (n, (key, reference, category, description)) in texts.into_iter().enumerate() {
        let submission = serde_json::json!({ "description": description }).to_string();
        let mut new = complaint(key, reference);
        new.category = category;
        new.submission = &submission;
        new.received_at = new.received_at.plus_seconds(60 * (3 - n as i64));
        store.record(&new).unwrap();
        ids.push(store.complaint(reference).unwrap().unwrap().id);
    }
    fn found(store: &impl SearchStore, filter: RowFilter) -> Vec<String> {
        store
            .desk_rows(&filter)
            .unwrap()
            .into_iter()
            .map(|row| row.complaint.record.reference)
            .collect()
    }
    let search = |words: &str| RowFilter {
        words: Some(words.to_owned()),
        ..RowFilter::default()
    };
    assert_eq!(
        found(store, RowFilter::default()),
        ["CMP-AAAA-0003", "CMP-AAAA-0002", "CMP-AAAA-0001"],
        "oldest first"
    );
    assert_eq!(found(store, search("zazalenie")), ["CMP-AAAA-0001"]);
    assert_eq!(found(store, search("KURIER paczk")), ["CMP-AAAA-0001"]);
    assert_eq!(found(store, search("배송")), ["CMP-AAAA-0002"]);
    assert_eq!(found(store, search("refund")), ["CMP-AAAA-0002"]);
    assert!(
        found(store, search("parcel kurier")).is_empty(),
        "every word in one text"
    );
    assert!(
        found(store, search("arcel")).is_empty(),
        "words are prefixes, not parts"
    );
    for odd in [
        "\"NEAR(a b)* -x OR",
        "'&|!:* <-> (",
        "parcel' & !",
        "\\ ' \"",
    ] {
        store.desk_rows(&search(odd)).unwrap();
    }
    assert!(
        found(store, search("' & | !")).is_empty(),
        "nothing searchable"
    );

    let at = Instant::from_unix_seconds(1_795_000_600);
    let parcel = store.complaint("CMP-AAAA-0003").unwrap().unwrap();
    let record = parcel
        .record
        .replied(CustomerReply::Information, at, 14)
        .unwrap();
    store
        .reply(&NewReply {
            key: "r1",
            fingerprint: "fp",
            complaint_id: parcel.id,
            seen_revision: parcel.revision,
            record: &record,
            kind: ReplyKind::Information,
            at,
            text: Some("Depot number seven"),
            stars: None,
            files: Vec::new(),
            answer_status: 201,
            answer_body: "{}",
        })
        .unwrap();
    assert_eq!(
        found(store, search("depot")),
        ["CMP-AAAA-0003"],
        "replies searched"
    );
    let rows = store.desk_rows(&search("dep")).unwrap();
    assert_eq!(
        (rows[0].unread, rows[0].first_text.as_str()),
        (1, "The parcel never came")
    );

    let delivery = RowFilter {
        category: Some("delivery".into()),
        ..RowFilter::default()
    };
    assert_eq!(found(store, delivery), ["CMP-AAAA-0003", "CMP-AAAA-0001"]);
    store
        .set_causes(ids[0], &["courier".to_owned()], at)
        .unwrap();
    let courier = RowFilter {
        cause: Some("courier".into()),
        ..RowFilter::default()
    };
    assert_eq!(found(store, courier), ["CMP-AAAA-0001"]);
    assert_eq!(store.causes(ids[0]).unwrap(), ["courier"]);

    // Closed with nothing unread: in no queue, so not live; the others are.
    move_to(store, "CMP-AAAA-0001", Stage::Closed, at);
    let live = RowFilter {
        live: true,
        ..RowFilter::default()
    };
    assert_eq!(found(store, live), ["CMP-AAAA-0003", "CMP-AAAA-0002"]);

    let mut held = complaint("k4", "CMP-AAAA-0004");
    held.submission = "{\"description\":\"Parcel spam\"}";
    held.quarantine = Some("honeypot");
    store.record(&held).unwrap();
    let held_only = RowFilter {
        held: true,
        words: Some("parcel".into()),
        ..RowFilter::default()
    };
    assert_eq!(found(store, held_only), ["CMP-AAAA-0004"]);
    assert_eq!(
        found(store, search("parcel")),
        ["CMP-AAAA-0003"],
        "held ones apart"
    );
    let id = store.complaint("CMP-AAAA-0004").unwrap().unwrap().id;
    assert!(store.delete_quarantined(id).unwrap());
    let held_any = RowFilter {
        held: true,
        ..RowFilter::default()
    };
    assert!(found(store, held_any).is_empty());
}

on_both!(
    desk_rows_searched,
    desk_rows_searched_on_sqlite,
    desk_rows_searched_on_postgres
);

/// On PostgreSQL, a stage change and a reply queue their webhook events in their own transactions, with the
/// data SQLite's carry (the stage before, the reply's kind and never its words).
#[test]
fn a_stage_change_and_a_reply_queue_their_events_on_postgres() {
    let Some(mut store) = postgres("events") else {
        return;
    };
    store
        .connection()
        .unwrap()
        .execute(
            "INSERT INTO webhook_endpoints (url, events, secret, created_by, created_at)
             VALUES ('https://hooks.example/desk', '[\"reply.received\",\"stage.changed\"]', 's', 'cli', 0)",
            &[],
        )
        .unwrap();
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    let at = Instant::from_unix_seconds(1_795_000_600);
    move_to(&mut store, "CMP-AAAA-BBBB", Stage::Acknowledged, at);
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    let record = found
        .record
        .replied(CustomerReply::Information, at, 14)
        .unwrap();
    store
        .reply(&NewReply {
            key: "r1",
            fingerprint: "fp",
            complaint_id: found.id,
            seen_revision: found.revision,
            record: &record,
            kind: ReplyKind::Information,
            at,
            text: Some("My words"),
            stars: None,
            files: Vec::new(),
            answer_status: 201,
            answer_body: "{}",
        })
        .unwrap();
    let events: Vec<(String, String)> = store
        .connection()
        .unwrap()
        .query("SELECT type, payload FROM webhook_outbox ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["stage.changed", "reply.received"]);
    assert!(
        events[0].1.contains("\"previous_stage\":\"received\""),
        "{}",
        events[0].1
    );
    assert!(
        events[1].1.contains("\"reply_kind\":\"information\""),
        "{}",
        events[1].1
    );
    assert!(!events[1].1.contains("My words"), "{}", events[1].1);
}
