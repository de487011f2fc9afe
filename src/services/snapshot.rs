//! A last-moment copy of the draft in `localStorage`, written when the page is hidden or closed.
//! IndexedDB writes are asynchronous and a closing page may not live to finish them; a `localStorage` write
//! has finished when the call returns. The next visit folds the copy back into IndexedDB.
//!
//! It is also where the text goes when IndexedDB refuses a write (a device out of space): `localStorage` has
//! its own allowance, and a draft's text is small.

use complaint_domain::draft::Draft;

use super::store_scope::{StoreScope, PREFIX};
use super::{device, json};

/// The copy's key in `scope` (`complaint-desk.unsaved-draft` in the standalone app).
fn key(scope: &StoreScope) -> String {
    scope.name("unsaved-draft")
}

/// Keeps a copy now. `false` if it could not be kept (storage full or blocked): the safety net is missing.
pub fn keep(scope: &StoreScope, draft: &Draft) -> bool {
    match (device::local_storage(), json::stringify(draft)) {
        (Some(storage), Some(json)) => storage.set_item(&key(scope), &json).is_ok(),
        _ => false,
    }
}

/// The copy, if any. It stays until [`discard`] once it is safely back in IndexedDB: a device still out of
/// space on the next visit must not lose it.
pub fn peek(scope: &StoreScope) -> Option<Draft> {
    let json = device::local_storage()?
        .get_item(&key(scope))
        .ok()
        .flatten()?;
    json::parse(&json).ok()
}

/// Drops the copy if it is of draft `id` (back in IndexedDB, or sent: it must not come back as a draft).
pub fn discard(scope: &StoreScope, id: &str) {
    let Some(storage) = device::local_storage() else {
        return;
    };
    let key = key(scope);
    let copy = storage
        .get_item(&key)
        .ok()
        .flatten()
        .and_then(|json| json::parse::<Draft>(&json).ok());
    if copy.is_some_and(|d| d.id == id) {
        let _ = storage.remove_item(&key);
    }
}

/// Removes everything this app keeps in `localStorage` (every scope's draft copy, language, "this solved it"
/// counts).
pub fn clear_all() {
    let Some(storage) = device::local_storage() else {
        return;
    };
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .collect();
    for key in keys.iter().filter(|k| k.starts_with(&format!("{PREFIX}."))) {
        let _ = storage.remove_item(key);
    }
}
