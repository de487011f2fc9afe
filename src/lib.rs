//! The complaint desk's browser app: pages and components over thin browser services, over the pure
//! `complaint_domain` crate.

pub mod app;
pub mod components;
pub mod crash;
pub mod delivery;
pub mod device_store;
pub mod filing;
pub mod i18n;
pub mod insights;
pub mod mount_scope;
pub mod org_config;
pub mod pages;
pub mod root;
pub mod root_context;
pub mod router;
pub mod services;
pub mod site_footer;
pub mod static_shell;
pub mod tab_channel;
pub mod task;
pub mod tracking;
pub mod wake_up;
pub mod widget;

use wasm_bindgen::JsCast;

/// The element in `index.html` that holds the static first paint and then the app.
pub const ROOT_ID: &str = "app";

/// The attribute that marks `#app` as our own page's shell (a host page may well have an `#app` of its own).
pub const SHELL_MARKER: &str = "data-complaint-desk-shell";

/// The standalone app's shell, if this page is ours. The tracker's module also boots the widget inside
/// other sites' pages (embed.js calls its `mountWidget`); there `main` finds no shell and mounts nothing.
pub fn standalone_shell() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(ROOT_ID)
        .filter(|el| el.has_attribute(SHELL_MARKER))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
}

/// Builds the app with this module's `pages` off screen and lets it replace the static shell in `#app`
/// once its first page is drawn ([`static_shell`]), for the life of the page. The shell's markup is the
/// app's first frame, so the swap shifts nothing.
pub fn mount_standalone(shell: web_sys::HtmlElement, pages: app::Pages) {
    let Some(root) = static_shell::detached_root(&shell) else {
        shell.set_inner_html("");
        leptos::mount::mount_to(shell, move || app::App(app::AppProps { pages })).forget();
        return;
    };
    let handed = root.clone();
    leptos::mount::mount_to(root, move || {
        static_shell::provide(shell, handed);
        app::App(app::AppProps { pages })
    })
    .forget();
}
