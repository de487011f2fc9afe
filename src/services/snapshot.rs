//! A last-moment copy of the draft in `localStorage`, written when the page is hidden or closed.
//! IndexedDB writes are asynchronous and a closing page may not live to finish them; a `localStorage` write
//! has finished when the call returns. The next visit folds the copy back into IndexedDB.

use complaint_domain::draft::Draft;

use super::json;

const KEY: &str = "complaint-desk.unsaved-draft";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Keeps a copy now; a full or blocked storage just means this safety net is missing.
pub fn keep(draft: &Draft) {
    if let (Some(storage), Some(json)) = (storage(), json::stringify(draft)) {
        let _ = storage.set_item(KEY, &json);
    }
}

/// Takes the copy, if any (it is removed: it has done its job once it is back in IndexedDB).
pub fn take() -> Option<Draft> {
    let storage = storage()?;
    let json = storage.get_item(KEY).ok().flatten()?;
    let _ = storage.remove_item(KEY);
    json::parse(&json).ok()
}

/// Drops the copy if it is of draft `id` (a sent complaint must not come back as a draft).
pub fn discard(id: &str) {
    let Some(storage) = storage() else { return };
    let copy = storage
        .get_item(KEY)
        .ok()
        .flatten()
        .and_then(|json| json::parse::<Draft>(&json).ok());
    if copy.is_some_and(|d| d.id == id) {
        let _ = storage.remove_item(KEY);
    }
}

/// Removes everything this app keeps in `localStorage` (the draft copy, language, "this solved it" counts).
pub fn clear_all() {
    let Some(storage) = storage() else { return };
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .collect();
    for key in keys.iter().filter(|k| k.starts_with("complaint-desk.")) {
        let _ = storage.remove_item(key);
    }
}
