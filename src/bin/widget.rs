//! The widget's module in file mode (`widget.html`, built by scripts/post-build; embed.js loads it for a
//! `<complaint-desk>` that is not in track mode): the form only, so a host's visitor who files downloads no
//! tracking code. Tracking opens in the tracker's module, beside it (`src/widget`). It has no page of its
//! own: `main` does nothing.

use wasm_bindgen::prelude::*;

#[path = "shared/widget_export.rs"]
mod widget_export;

fn main() {}

/// The widget's entry in file mode: mounts it into `container` (in `host`'s shadow root) with `options`
/// (`{ api, lang, category, mode, store, elsewhere }`).
#[wasm_bindgen(js_name = mountWidget)]
pub fn mount_widget(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    options: JsValue,
) -> widget_export::MountedWidget {
    widget_export::mount(host, container, options, None)
}
