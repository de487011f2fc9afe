//! Registers the service worker that lets the app shell open offline (public/sw.js). Only the standalone
//! app does this: an embedded form must not install workers on its host's origin.

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
}
