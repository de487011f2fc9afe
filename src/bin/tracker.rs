//! The tracker's module (`tracker.html`, loaded by the `/track` and `/insights` shells): mounts the app
//! with those pages into the static shell. It is also the widget's module in track mode (embed.js calls its
//! `mountWidget`): there the widget tracks and files, and beside a file-mode widget (whose own module,
//! `src/bin/widget.rs`, has no tracker) it draws the tracker only. On a host's page there is no shell, and
//! `main` mounts nothing.

use wasm_bindgen::prelude::*;

#[path = "shared/widget_export.rs"]
mod widget_export;

fn main() {
    if let Some(shell) = complaint_desk::standalone_shell() {
        complaint_desk::crash::install_panic_screen();
        complaint_desk::mount_standalone(shell, complaint_desk::app::Pages::TRACKER);
    }
}

/// The widget's entry in track mode: mounts it into `container` (in `host`'s shadow root) with `options`
/// (`{ api, lang, category, mode, store, reference, companion, elsewhere }`).
#[wasm_bindgen(js_name = mountWidget)]
pub fn mount_widget(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    options: JsValue,
) -> widget_export::MountedWidget {
    widget_export::mount(
        host,
        container,
        options,
        Some(complaint_desk::widget::track_view),
    )
}
