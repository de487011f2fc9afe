//! The complaint desk's browser app: pages and components over thin browser services, over the pure
//! `complaint_domain` crate.

pub mod app;
pub mod components;
pub mod crash;
pub mod device_store;
pub mod filing;
pub mod i18n;
pub mod insights;
pub mod mount_scope;
pub mod pages;
pub mod router;
pub mod services;
pub mod tab_channel;
pub mod task;
pub mod tracking;
pub mod widget;

use wasm_bindgen::JsCast;

/// The element in `index.html` that holds the static first paint and then the app.
pub const ROOT_ID: &str = "app";

/// The attribute that marks `#app` as our own page's shell (a host page may well have an `#app` of its own).
pub const SHELL_MARKER: &str = "data-complaint-desk-shell";

/// The standalone app's shell, if this page is ours. The same Wasm module boots the widget inside other
/// sites' pages (embed.js calls [`widget::mount_widget`]); there `main` finds no shell and mounts nothing.
pub fn standalone_shell() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(ROOT_ID)
        .filter(|el| el.has_attribute(SHELL_MARKER))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
}

/// Replaces the static shell in `#app` with the running app, for the life of the page.
pub fn mount_standalone(root: web_sys::HtmlElement) {
    // The shell's markup mirrors the app's first frame, so swapping it causes no layout shift.
    root.set_inner_html("");
    leptos::mount::mount_to(root, app::App).forget();
}
