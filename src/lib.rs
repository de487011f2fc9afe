//! The complaint desk's browser app: pages and components over thin browser services, over the pure
//! `complaint_domain` crate.

pub mod app;
pub mod components;
pub mod crash;
pub mod filing;
pub mod i18n;
pub mod mount_scope;
pub mod pages;
pub mod router;
pub mod services;
pub mod task;
pub mod tracking;

use wasm_bindgen::JsCast;

/// The element in `index.html` that holds the static first paint and then the app.
pub const ROOT_ID: &str = "app";

/// Replaces the static shell in `#app` with the running app (or mounts on `<body>` if the shell is missing).
pub fn mount_standalone() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(ROOT_ID))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            // The shell's markup mirrors the app's first frame, so swapping it causes no layout shift.
            root.set_inner_html("");
            leptos::mount::mount_to(root, app::App).forget();
        }
        None => leptos::mount::mount_to_body(app::App),
    }
}
