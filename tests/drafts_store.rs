//! The drafts store against real IndexedDB in headless Chromium (`wasm-bindgen-test`).
//! Each test opens its own uniquely named database and deletes it afterwards.
#![cfg(target_arch = "wasm32")]

use complaint_desk::services::device;
use complaint_desk::services::drafts::{self, DraftStore, StoreError, StoredFile};
use complaint_domain::draft::Draft;
use complaint_domain::evidence::{AttachmentMeta, FileKind};
use complaint_domain::outbox::OutboxEntry;
use complaint_domain::steps::Step;
use complaint_domain::submission::Submission;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_db_name() -> String {
    format!("drafts-test-{}", device::new_uuid())
}

#[wasm_bindgen_test]
async fn a_saved_draft_reads_back_exactly() {
    let name = fresh_db_name();
    let store = DraftStore::open(&name).await.expect("open");
    let mut draft = Draft::new(device::new_uuid(), device::now_ms());
    draft.step = Step::WhatHappened;
    draft.category = Some("defective-product".into());
    draft.description = "화면이 깨졌어요 💔 Ekran pękł.\n\"quoted\" <b>not html</b>".into();
    draft.details.insert("batch".into(), "LOT 42".into());
    draft.touch(device::now_ms());

    store.put(&draft).await.expect("put");
    let back = store.get(&draft.id).await.expect("get");
    assert_eq!(back, Some(draft.clone()));

    // The data must be on disk, not only in this connection: read it through a second connection.
    store.close();
    let reopened = DraftStore::open(&name).await.expect("reopen");
    assert_eq!(
        reopened.get(&draft.id).await.expect("get again"),
        Some(draft)
    );
    reopened.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

#[wasm_bindgen_test]
async fn saving_again_replaces_and_listing_is_newest_first() {
    let name = fresh_db_name();
    let store = DraftStore::open(&name).await.expect("open");
    let mut older = Draft::new("older", 1_000.0);
    let newer = Draft::new("newer", 2_000.0);
    store.put(&older).await.expect("put older");
    store.put(&newer).await.expect("put newer");
    older.description = "edited".into();
    store.put(&older).await.expect("put older again");

    let all = store.all().await.expect("all");
    let ids: Vec<&str> = all.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["newer", "older"]);
    assert_eq!(all[1].description, "edited");

    store.delete("older").await.expect("delete");
    assert_eq!(store.get("older").await.expect("get deleted"), None);
    store.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

#[wasm_bindgen_test]
async fn a_missing_draft_is_none_not_an_error() {
    let name = fresh_db_name();
    let store = DraftStore::open(&name).await.expect("open");
    assert_eq!(store.get("never-saved").await.expect("get"), None);
    store.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

fn blob(bytes: &[u8], mime: &str) -> web_sys::Blob {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).expect("blob")
}

async fn bytes_of(blob: &web_sys::Blob) -> Vec<u8> {
    let buffer: wasm_bindgen::JsValue = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .expect("read blob");
    js_sys::Uint8Array::new(&buffer).to_vec()
}

#[wasm_bindgen_test]
async fn evidence_files_are_kept_as_blobs_and_go_with_their_draft() {
    let name = fresh_db_name();
    let store = DraftStore::open(&name).await.expect("open");
    let photo = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0, 255];
    let mut draft = Draft::new("with-photo", 1.0);
    draft.attachments.push(AttachmentMeta {
        id: "f1".into(),
        name: "a.jpg".into(),
        kind: FileKind::Jpeg,
        bytes: 9,
        sha256: None,
    });
    store.put(&draft).await.expect("put draft");
    store
        .put_file(&StoredFile {
            id: "f1".into(),
            draft_id: draft.id.clone(),
            blob: blob(&photo, "image/jpeg"),
        })
        .await
        .expect("put file");

    let back = store
        .get_file("f1")
        .await
        .expect("get file")
        .expect("file present");
    assert_eq!(back.type_(), "image/jpeg");
    assert_eq!(bytes_of(&back).await, photo);

    store.delete(&draft.id).await.expect("delete draft");
    assert!(
        store
            .get_file("f1")
            .await
            .expect("get deleted file")
            .is_none(),
        "files go with their draft"
    );
    store.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

/// Where WebKit refuses a Blob (its private and ephemeral sessions), a file is kept as bytes and its type;
/// Chromium never refuses one, so such a record is written here as WebKit's fallback writes it.
#[wasm_bindgen_test]
async fn a_file_kept_as_bytes_where_a_blob_was_refused_reads_back_as_its_blob() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;

    let name = fresh_db_name();
    DraftStore::open(&name).await.expect("open").close();
    let photo = [0x89, 0x50, 0x4E, 0x47, 0, 1, 255];
    let record = js_sys::Object::new();
    let bytes = js_sys::Uint8Array::from(&photo[..]).buffer();
    for (key, value) in [
        ("id", "f2".into()),
        ("draft_id", "d".into()),
        ("bytes", bytes.into()),
        ("type", "image/png".into()),
    ] {
        js_sys::Reflect::set(&record, &key.into(), &value).expect("set");
    }
    let db = Database::open(name.as_str()).await.expect("open raw");
    let tx = db
        .transaction("files")
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    tx.object_store("files")
        .expect("store")
        .put(wasm_bindgen::JsValue::from(record))
        .await
        .expect("put");
    tx.commit().await.expect("commit");
    db.close();

    let store = DraftStore::open(&name).await.expect("open again");
    let back = store
        .get_file("f2")
        .await
        .expect("get file")
        .expect("file present");
    assert_eq!(back.type_(), "image/png");
    assert_eq!(bytes_of(&back).await, photo);
    store.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

#[wasm_bindgen_test]
async fn the_outbox_keeps_entries_oldest_first_until_unqueued() {
    let name = fresh_db_name();
    let store = DraftStore::open(&name).await.expect("open");
    let body = |id: &str| -> Submission {
        serde_json::from_value(serde_json::json!({
            "schema_version": 1, "draft_id": id, "locale": "ko", "category": "delivery", "description": "늦었어요",
            "happened_on": "2026-11-20", "details": {"order_number": "NW-1"}, "outcome": "refund",
            "contact": {"name": "Kim", "email": "kim@example.kr", "preferred": "email", "consent": true},
            "attachments": [], "spam_signals": {"honeypot_filled": false, "fill_seconds": 30}
        }))
        .expect("body")
    };
    let later = OutboxEntry::new("/api/v1/complaints".into(), body("later"), 2_000.0);
    let mut first = OutboxEntry::new("/api/v1/complaints".into(), body("first"), 1_000.0);
    store.queue(&later).await.expect("queue later");
    store.queue(&first).await.expect("queue first");
    first.attempts.failed(Some(503), None, false, 3_000.0);
    store.queue(&first).await.expect("requeue first");

    let waiting = store.outbox().await.expect("outbox");
    assert_eq!(
        waiting.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["first", "later"]
    );
    assert_eq!(
        waiting[0].attempts.count, 1,
        "updated in place, not duplicated"
    );
    let one = store.waiting("first").await.expect("waiting");
    assert_eq!(one.map(|e| e.attempts.count), Some(1));
    store.unqueue("first").await.expect("unqueue");
    assert_eq!(store.outbox().await.expect("outbox").len(), 1);
    assert!(store.waiting("first").await.expect("waiting").is_none());
    store.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

#[wasm_bindgen_test]
async fn a_database_from_the_first_schema_upgrades_with_its_drafts_intact() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;

    let name = fresh_db_name();
    // Written exactly as schema 1 did: one "drafts" store keyed by id, a draft that lists an attachment.
    let mut old = Draft::new("from-v1", 5.0);
    old.description = "Written before the upgrade".into();
    old.attachments.push(AttachmentMeta {
        id: "f9".into(),
        name: "receipt.pdf".into(),
        kind: FileKind::Pdf,
        bytes: 120,
        sha256: None,
    });
    let v1 = Database::open(name.as_str())
        .with_version(1u32)
        .with_on_upgrade_needed(|_, db| {
            db.create_object_store("drafts")
                .with_key_path(indexed_db_futures::KeyPath::One("id"))
                .build()?;
            Ok(())
        })
        .await
        .expect("open v1");
    let tx = v1
        .transaction("drafts")
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    tx.object_store("drafts")
        .expect("store")
        .put(&old)
        .serde()
        .expect("serde")
        .await
        .expect("put");
    tx.commit().await.expect("commit");
    v1.close();

    let store = DraftStore::open(&name)
        .await
        .expect("open upgrades to the current schema");
    assert_eq!(store.get("from-v1").await.expect("get"), Some(old));
    // The stores the new schema added work.
    store
        .put_file(&StoredFile {
            id: "f9".into(),
            draft_id: "from-v1".into(),
            blob: blob(b"%PDF-1.4", "application/pdf"),
        })
        .await
        .expect("files store exists");
    assert!(store
        .outbox()
        .await
        .expect("outbox store exists")
        .is_empty());
    assert!(store.sent().await.expect("sent store exists").is_empty());
    assert!(store
        .replies()
        .await
        .expect("replies store exists")
        .is_empty());
    store.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

/// A database at the current version that lacks stores the app expects (written by something else, or
/// damaged): the store opens, and a write to a missing store is a typed error, not a panic.
#[wasm_bindgen_test]
async fn a_write_the_browser_refuses_is_a_typed_error_not_a_panic() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;

    let name = fresh_db_name();
    let foreign = Database::open(name.as_str())
        .with_version(drafts::DB_VERSION)
        .with_on_upgrade_needed(|_, db| {
            db.create_object_store("drafts")
                .with_key_path(indexed_db_futures::KeyPath::One("id"))
                .build()?;
            Ok(())
        })
        .await
        .expect("open a database with the drafts store only");
    foreign.close();

    let store = DraftStore::open(&name).await.expect("open");
    let refused = store
        .put_file(&StoredFile {
            id: "f1".into(),
            draft_id: "d1".into(),
            blob: blob(b"%PDF-1.4", "application/pdf"),
        })
        .await;
    assert!(
        matches!(refused, Err(StoreError::Write(ref detail)) if detail.contains("NotFoundError")),
        "{refused:?}"
    );
    assert!(matches!(store.outbox().await, Err(StoreError::Read(_))));
    // What the database does hold still works.
    let draft = Draft::new("d1", 1.0);
    store
        .put(&draft)
        .await
        .expect("the drafts store still takes writes");
    assert_eq!(store.get("d1").await.expect("get"), Some(draft));
    store.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

#[wasm_bindgen_test]
async fn waiting_on_a_future_that_never_settles_ends_in_a_timeout_within_the_limit() {
    let started = device::now_ms();
    let result = drafts::within(futures::future::pending::<Result<(), StoreError>>(), 200).await;
    let waited = device::now_ms() - started;
    assert_eq!(result, Err(StoreError::TimedOut));
    assert!(
        (190.0..1_000.0).contains(&waited),
        "gave up after {waited} ms"
    );
}

/// An `open()` blocked for good: another connection holds the database at an older version and never lets
/// go, so the upgrade can neither start nor fail.
#[wasm_bindgen_test]
async fn an_open_that_never_settles_gives_up_within_the_limit() {
    use indexed_db_futures::database::Database;

    let name = fresh_db_name();
    let stubborn = Database::open(name.as_str())
        .with_version(1u32)
        .with_on_upgrade_needed(|_, _| Ok(()))
        .await
        .expect("open v1");
    let started = device::now_ms();
    let result = DraftStore::open_within(&name, 300).await;
    let waited = device::now_ms() - started;
    assert!(
        matches!(result, Err(StoreError::TimedOut)),
        "{:?}",
        result.err()
    );
    assert!(
        (290.0..1_500.0).contains(&waited),
        "gave up after {waited} ms"
    );
    stubborn.close();
    // Not deleted: the abandoned open goes on in the browser and holds the (uniquely named) database.
}

/// The customer clears the site's data, or another tab deletes the database, while this page has it open.
#[wasm_bindgen_test]
async fn the_store_reopens_after_its_database_is_deleted_underneath() {
    let name = fresh_db_name();
    let store = DraftStore::open(&name).await.expect("open");
    let mut draft = Draft::new(device::new_uuid(), 1.0);
    draft.description = "typed before the clear".into();
    store.put(&draft).await.expect("put");

    // A deletion waits until every connection closes: the store must let go when asked.
    drafts::within(DraftStore::delete_database(&name), 2_000)
        .await
        .expect("the open store does not block the deletion");

    assert_eq!(store.reopened(), 0);
    assert_eq!(store.all().await.expect("read after the deletion"), vec![]);
    assert_eq!(store.reopened(), 1, "opened afresh for the first read");
    draft.description.push_str(", and after it");
    store
        .put(&draft)
        .await
        .expect("the in-memory copy is saved again");
    store
        .put_file(&StoredFile {
            id: "f1".into(),
            draft_id: draft.id.clone(),
            blob: blob(b"%PDF-1.4", "application/pdf"),
        })
        .await
        .expect("files too");

    let other = DraftStore::open(&name).await.expect("a second connection");
    assert_eq!(other.get(&draft.id).await.expect("get"), Some(draft));
    assert!(other.get_file("f1").await.expect("get file").is_some());
    other.close();
    store.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

#[wasm_bindgen_test]
fn a_failed_write_counts_as_a_full_device_only_when_the_quota_has_no_room_for_it() {
    const MB: f64 = 1024.0 * 1024.0;
    assert!(
        drafts::lacks_room(9.9 * MB, 10.0 * MB, 2.0 * MB),
        "a photo that does not fit"
    );
    assert!(
        drafts::lacks_room(10.5 * MB, 10.0 * MB, 0.0),
        "already over quota"
    );
    assert!(
        drafts::lacks_room(10.0 * MB - 1_000.0, 10.0 * MB, 0.0),
        "a draft with no margin left"
    );
    assert!(
        !drafts::lacks_room(1.0 * MB, 10.0 * MB, 2.0 * MB),
        "room to spare: some other failure"
    );
}

#[wasm_bindgen_test]
async fn a_reply_and_its_file_are_kept_updated_and_removed_together() {
    use complaint_domain::outbox::ReplyOutbox;
    use complaint_domain::replies::{ReplyAction, ReplyDraft};

    let name = fresh_db_name();
    let store = DraftStore::open(&name).await.expect("open");
    let mut reply = ReplyDraft::new(
        "reply-1".into(),
        "CMP-7K4Q-2M9X".into(),
        "anna@example.pl".into(),
        ReplyAction::Information,
        1.0,
    );
    reply.text = "The courier left a card.".into();
    reply.attachments.push(AttachmentMeta {
        id: "reply-file-1".into(),
        name: "card.png".into(),
        kind: FileKind::Png,
        bytes: 8,
        sha256: None,
    });
    store
        .put_file(&StoredFile {
            id: "reply-file-1".into(),
            draft_id: "reply-1".into(),
            blob: blob(b"\x89PNG\r\n\x1a\n", "image/png"),
        })
        .await
        .expect("the reply's file");
    store.put_reply(&reply).await.expect("put reply");
    reply.outbox = Some(ReplyOutbox::new("/api/v1/complaints".into(), None, 2.0));
    store.put_reply(&reply).await.expect("queue reply");
    assert_eq!(store.replies().await.expect("replies"), vec![reply.clone()]);
    // Replies live beside complaints' drafts, never among them.
    assert!(store.all().await.expect("drafts").is_empty());

    store.delete_reply(&reply).await.expect("delete reply");
    assert!(store.replies().await.expect("replies").is_empty());
    assert!(store
        .get_file("reply-file-1")
        .await
        .expect("read file")
        .is_none());
    store.close();
    DraftStore::delete_database(&name).await.expect("delete db");
}

/// What is on customers' devices, pinned: records as indexed_db_futures' serde path writes them
/// (`Serializer::new().serialize_maps_as_objects(true)`: a `None` an `undefined` property, maps as plain
/// objects, numbers as numbers), put straight into every store, read back through the store; and what the
/// store writes is that same kind of object (not a JSON string), readable by that serialiser's
/// deserialiser. A change of serde backend for the store (tried for issue #12, docs/performance.md)
/// must keep both.
#[wasm_bindgen_test]
async fn stored_records_are_plain_objects_that_read_back_whichever_way_they_were_written() {
    use complaint_domain::my_complaints::SentComplaint;
    use complaint_domain::outbox::ReplyOutbox;
    use complaint_domain::replies::{ReplyAction, ReplyDraft};
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    use js_sys::Reflect;
    use serde::Serialize;
    use wasm_bindgen::JsValue;

    fn as_written(value: &impl Serialize) -> JsValue {
        value
            .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
            .expect("the serialiser")
    }
    fn field(record: &JsValue, key: &str) -> JsValue {
        Reflect::get(record, &key.into()).expect("a property")
    }

    let name = fresh_db_name();
    DraftStore::open(&name).await.expect("create").close();

    let mut draft = Draft::new("draft-1", 1_764_633_600_123.0);
    draft.step = Step::WhatHappened;
    draft.description = "Paczka „przyszła” zgnieciona. 상자가 찌그러졌어요.".into();
    draft
        .details
        .insert("order_number".into(), "NW-1001".into());
    draft.attachments.push(AttachmentMeta {
        id: "f1".into(),
        name: "box.jpg".into(),
        kind: FileKind::Jpeg,
        bytes: 2_345_678,
        sha256: None,
    });
    let submission: Submission = serde_json::from_value(serde_json::json!({
        "schema_version": 1, "draft_id": "entry-1", "locale": "pl", "category": "delivery",
        "description": "d", "happened_on": "2026-11-20", "details": {"order_number": "NW-1001"},
        "outcome": "refund", "contact": {"name": "Anna", "email": "anna@example.pl", "preferred": "email",
        "consent": true}, "attachments": [], "spam_signals": {"honeypot_filled": false, "fill_seconds": 30}
    }))
    .expect("submission");
    let mut entry = OutboxEntry::new("/api/v1/complaints".into(), submission, 2_000.5);
    entry.attempts.failed(Some(503), None, false, 3_000.0);
    let sent = SentComplaint {
        reference: "CMP-7K4Q-2M9X".into(),
        category: "delivery".into(),
        sent_at_ms: 1_764_633_600_000,
        verifier: None,
        reply_proof: Some("9a574d44".into()),
    };
    let mut reply = ReplyDraft::new(
        "reply-1".into(),
        "CMP-7K4Q-2M9X".into(),
        "1234".into(),
        ReplyAction::Rating,
        4.0,
    );
    reply.stars = Some(4);
    reply.outbox = Some(ReplyOutbox::new("/api/v1/complaints".into(), None, 5.0));

    let written_draft = as_written(&draft);
    assert!(
        field(&written_draft, "category").is_undefined(),
        "that path writes a None as undefined"
    );
    let db = Database::open(name.as_str())
        .with_version(drafts::DB_VERSION)
        .await
        .expect("open as it is");
    let tx = db
        .transaction(["drafts", "outbox", "sent", "replies"])
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    for (store, record) in [
        ("drafts", written_draft),
        ("outbox", as_written(&entry)),
        ("sent", as_written(&sent)),
        ("replies", as_written(&reply)),
    ] {
        tx.object_store(store)
            .expect("store")
            .put(record)
            .await
            .expect("put as that path writes it");
    }
    tx.commit().await.expect("commit");
    db.close();

    let store = DraftStore::open(&name).await.expect("open");
    assert_eq!(
        store.get("draft-1").await.expect("get"),
        Some(draft.clone())
    );
    assert_eq!(store.all().await.expect("all"), vec![draft.clone()]);
    assert_eq!(store.outbox().await.expect("outbox"), vec![entry.clone()]);
    assert_eq!(store.sent().await.expect("sent"), vec![sent.clone()]);
    assert_eq!(store.replies().await.expect("replies"), vec![reply.clone()]);

    // Written again by the store itself.
    store.put(&draft).await.expect("put");
    store.queue(&entry).await.expect("queue");
    store.remember_sent(&sent).await.expect("remember");
    store.put_reply(&reply).await.expect("put reply");
    store.close();

    let db = Database::open(name.as_str())
        .with_version(drafts::DB_VERSION)
        .await
        .expect("open as it is");
    let (new_draft, new_entry, new_sent, new_reply) = {
        let tx = db
            .transaction(["drafts", "outbox", "sent", "replies"])
            .build()
            .expect("tx");
        let raw = |store: &'static str, key: &'static str| {
            let store = tx.object_store(store).expect("store");
            async move {
                let record: Option<JsValue> = store
                    .get(key)
                    .primitive()
                    .expect("get")
                    .await
                    .expect("read");
                record.expect("stored")
            }
        };
        (
            raw("drafts", "draft-1").await,
            raw("outbox", "entry-1").await,
            raw("sent", "CMP-7K4Q-2M9X").await,
            raw("replies", "reply-1").await,
        )
    };
    db.close();

    assert!(new_draft.is_object(), "an object, not a JSON string");
    assert_eq!(
        field(&field(&new_draft, "details"), "order_number").as_string(),
        Some("NW-1001".into()),
        "a map is an object"
    );
    assert_eq!(
        field(&new_draft, "updated_at_ms").as_f64(),
        Some(1_764_633_600_123.0)
    );
    assert_eq!(
        field(&new_draft, "step").as_string(),
        Some("what_happened".into())
    );
    assert!(field(&field(&new_draft, "attachments"), "0").is_object());
    assert_eq!(
        field(&new_sent, "sent_at_ms").as_f64(),
        Some(1_764_633_600_000.0),
        "a u64 is a number"
    );
    assert_eq!(
        field(&field(&new_entry, "submission"), "locale").as_string(),
        Some("pl".into())
    );
    assert_eq!(field(&new_reply, "stars").as_f64(), Some(4.0));

    // …and read by serde-wasm-bindgen straight from the object (as an earlier release in another tab would).
    use serde_wasm_bindgen::from_value;
    assert_eq!(from_value::<Draft>(new_draft).ok(), Some(draft));
    assert_eq!(from_value::<OutboxEntry>(new_entry).ok(), Some(entry));
    assert_eq!(from_value::<SentComplaint>(new_sent).ok(), Some(sent));
    assert_eq!(from_value::<ReplyDraft>(new_reply).ok(), Some(reply));
    DraftStore::delete_database(&name).await.expect("delete db");
}
