//! The tracker's module (`tracker.html`, loaded by the `/track` and `/insights` shells): mounts the app
//! with those pages into the static shell. The same module is the widget's (embed.js calls its
//! `mountWidget`, which mounts the widget into the host page's element): the widget also tracks, so it
//! needs this module's code; on a host's page there is no shell, and `main` mounts nothing.

use wasm_bindgen::prelude::*;

fn main() {
    if let Some(shell) = complaint_desk::standalone_shell() {
        complaint_desk::crash::install_panic_screen();
        complaint_desk::mount_standalone(shell, complaint_desk::app::Pages::TRACKER);
    }
}

/// The widget's entry: mounts it into `container` (in `host`'s shadow root) with `options`
/// (`{ api, lang, category, mode }`).
#[wasm_bindgen(js_name = mountWidget)]
pub fn mount_widget(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    options: JsValue,
) -> complaint_desk::widget::MountedWidget {
    complaint_desk::widget::mount_widget(host, container, options)
}
