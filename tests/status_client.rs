//! The tracker's client in headless Chromium: the file name by Web Crypto, and how fetch failures are typed.
#![cfg(target_arch = "wasm32")]

use complaint_desk::services::status::{
    fetch_status, saved, status_key, StatusError, SAVED_PREFIX,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_browser_derives_the_documented_file_name() {
    // The example in docs/status.md (the domain's native tests check it with another SHA-256).
    assert_eq!(
        status_key("CMP-7K4Q-2M9X", " Anna@Example.pl").await,
        Ok("57e2107e66afb667113a5de06a7183f0c453249d7fc4569b5a0d2cf99c81bb77".to_owned())
    );
    assert_eq!(
        status_key("cmp 7k4q 2m9x", "anna@example.pl").await,
        status_key("CMP-7K4Q-2M9X", "ANNA@EXAMPLE.PL").await
    );
    assert_ne!(
        status_key("CMP-7K4Q-2M9X", "anna@example.pl").await,
        status_key("CMP-7K4Q-2M9X", "4821").await
    );
}

#[wasm_bindgen_test]
async fn a_missing_file_is_not_found_and_a_dead_host_is_unreachable() {
    let key = status_key("CMP-NONE-0000", "nobody@example.com")
        .await
        .unwrap_or_default();
    // The test runner's own server has no status files.
    assert_eq!(
        fetch_status("/api/v1/status/", &key, None).await,
        Err(StatusError::NotFound)
    );
    assert!(matches!(
        fetch_status("http://127.0.0.1:9/status/", &key, None).await,
        Err(StatusError::Unreachable(_))
    ));
    assert_eq!(saved(&key), None, "failures leave nothing saved");
}

#[wasm_bindgen_test]
fn a_damaged_saved_copy_is_ignored_not_shown() {
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage");
    let key = "damaged-copy";
    storage
        .set_item(
            &format!("{SAVED_PREFIX}{key}"),
            "{\"fetched_at_ms\": 1, \"text\": \"{}\"}",
        )
        .expect("write");
    assert_eq!(saved(key), None);
    storage
        .set_item(&format!("{SAVED_PREFIX}{key}"), "not json")
        .expect("write");
    assert_eq!(saved(key), None);
    let _ = storage.remove_item(&format!("{SAVED_PREFIX}{key}"));
}
