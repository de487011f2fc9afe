//! The service worker that lets the app open offline (public/sw.js): registered here, and told when a
//! complaint is sent, the moment tracking becomes useful offline, so it fetches the tracker then and not on
//! the first visit. Only the standalone app does either: an embedded form must not install workers on its
//! host's origin, nor talk to the host's own.

use std::sync::atomic::{AtomicBool, Ordering};

use wasm_bindgen::JsValue;

/// Whether this page registered the app's worker (only the standalone app does).
static REGISTERED: AtomicBool = AtomicBool::new(false);

pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // Browsers without service workers (or outside a secure context) simply work online only.
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let _ = navigator.service_worker().register("/sw.js");
    REGISTERED.store(true, Ordering::Relaxed);
}

/// Tells the app's worker that a complaint was sent (queued or delivered): it may fetch the tracker now,
/// unless the customer's browser asks to save data (`navigator.connection.saveData`, which goes along; the
/// worker also heeds the `Save-Data` header). No worker in control yet: nothing to tell.
pub fn complaint_sent() {
    if !REGISTERED.load(Ordering::Relaxed) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let Some(worker) = navigator.service_worker().controller() else {
        return;
    };
    let save_data = js_sys::Reflect::get(&navigator, &"connection".into())
        .and_then(|connection| js_sys::Reflect::get(&connection, &"saveData".into()))
        .ok()
        .and_then(|value| value.as_bool())
        .unwrap_or(false);
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &"sent".into());
    let _ = js_sys::Reflect::set(&message, &"saveData".into(), &JsValue::from_bool(save_data));
    let _ = worker.post_message(&message);
}
