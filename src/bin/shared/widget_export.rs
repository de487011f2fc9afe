//! The widget's handle as JavaScript sees it (`mountWidget`'s result), exported by the two modules that
//! mount a widget (`src/bin/widget.rs`, `src/bin/tracker.rs`), each including this file. Exported from the
//! library instead, it would ship in every module linking it, the filing page's too (about 2.7 KB raw).

use wasm_bindgen::prelude::*;

/// A mounted widget; `unmount()` (embed.js calls it when the element leaves the page) removes its view and
/// runs every cleanup its root registered.
#[wasm_bindgen]
pub struct MountedWidget(complaint_desk::widget::Mounted);

#[wasm_bindgen]
impl MountedWidget {
    pub fn unmount(&mut self) {
        self.0.unmount();
    }

    /// The host changed `lang`, `mode` or `category`: applied in place; `false` for an attribute the widget
    /// cannot change in place (`api`: embed.js starts it again).
    pub fn change(&mut self, name: &str, value: Option<String>) -> bool {
        self.0.change(name, value)
    }

    /// Shows the tracker looking up `reference` (a file-mode widget beside this one opened tracking).
    pub fn track(&mut self, reference: String) {
        self.0.track(reference);
    }
}

/// Mounts the widget into `container` (in `host`'s shadow root) with `options` (`{ api, lang, category,
/// mode, store, … }`); `track` is this module's tracker, if it has one.
pub fn mount(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    options: JsValue,
    track: Option<complaint_desk::widget::TrackView>,
) -> MountedWidget {
    MountedWidget(complaint_desk::widget::mount_widget(
        host, container, options, track,
    ))
}
