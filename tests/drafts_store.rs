//! The drafts store against real IndexedDB in headless Chromium (`wasm-bindgen-test`).
//! Each test opens its own uniquely named database and deletes it afterwards.
#![cfg(target_arch = "wasm32")]

use complaint_desk::services::device;
use complaint_desk::services::drafts::DraftStore;
use complaint_domain::draft::Draft;
use complaint_domain::steps::Step;
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
