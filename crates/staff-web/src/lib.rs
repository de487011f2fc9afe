//! The organisation's desk in the browser (issue #23): staff sign in with a passkey, work the queues and
//! the complaints, and admins keep staff, templates, tokens and webhooks, all through the staff API
//! (docs/staff-api.md, every permission checked there). Its own Wasm module under `/staff/`, so the
//! customer's modules carry none of it.

pub mod api;
mod app;
pub mod base64url;
pub mod clock;
mod desk;
mod drafts;
pub mod i18n;
pub mod keys;
pub mod mentions;
pub mod passkey;
pub mod route;
mod screens;
mod widgets;

/// Mounts the desk into the page's `#desk`, replacing its "Loading…".
pub fn mount() {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("desk"))
    else {
        return;
    };
    root.set_inner_html("");
    let root: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(root);
    leptos::mount::mount_to(root, app::App).forget();
}
