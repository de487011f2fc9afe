//! Where a mounted root finds its own elements by id: the document for the standalone app, the shadow root
//! for a widget (ids there are the widget's own, and `document.getElementById` cannot see them).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The root's shadow root, if it has one; provided by the widget, absent in the standalone app.
#[derive(Clone, Copy)]
pub struct MountScope(StoredValue<Option<web_sys::ShadowRoot>, LocalStorage>);

impl MountScope {
    pub fn provide(shadow: Option<web_sys::ShadowRoot>) -> MountScope {
        let scope = MountScope(StoredValue::new_local(shadow));
        provide_context(scope);
        scope
    }

    /// Whether this root is a widget on someone else's page.
    pub fn is_embedded(self) -> bool {
        self.0.try_with_value(Option::is_some).unwrap_or(false)
    }

    /// The element with `id` inside this root.
    pub fn element(self, id: &str) -> Option<web_sys::HtmlElement> {
        let found = match self.0.try_get_value().flatten() {
            Some(shadow) => shadow.get_element_by_id(id),
            None => document().get_element_by_id(id),
        };
        found.and_then(|el| el.dyn_into().ok())
    }
}

/// The scope of the root being built; the document when none was provided.
pub fn use_mount_scope() -> MountScope {
    use_context::<MountScope>().unwrap_or_else(|| MountScope(StoredValue::new_local(None)))
}
