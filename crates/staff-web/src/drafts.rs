//! What a person is typing (a reply, a note, a reason), kept in the tab's `sessionStorage` as they type, so
//! a session that ends mid-sentence, a `409 changed` reload or a slip of the back button loses nothing.
//! The tab's own storage: it goes when the tab closes, and no other tab or person sees it.

use leptos::prelude::*;

const PREFIX: &str = "staff-desk.draft.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn load(key: &str) -> String {
    storage()
        .and_then(|s| s.get_item(&format!("{PREFIX}{key}")).ok().flatten())
        .unwrap_or_default()
}

pub fn save(key: &str, text: &str) {
    if let Some(storage) = storage() {
        let name = format!("{PREFIX}{key}");
        let _ = if text.is_empty() {
            storage.remove_item(&name)
        } else {
            storage.set_item(&name, text)
        };
    }
}

/// A text signal that starts from the kept draft and keeps every change; `clear` once it has been sent.
#[derive(Clone, Copy)]
pub struct Draft {
    key: StoredValue<String>,
    text: RwSignal<String>,
}

impl Draft {
    pub fn new(key: String) -> Draft {
        let text = RwSignal::new(load(&key));
        Draft {
            key: StoredValue::new(key),
            text,
        }
    }

    pub fn get(&self) -> String {
        self.text.get()
    }

    /// Also after its screen has gone (a reply sent just as the person moved on): then only the storage.
    pub fn set(&self, text: String) {
        if let Some(key) = self.key.try_get_value() {
            save(&key, &text);
        }
        self.text.set(text);
    }

    pub fn clear(&self) {
        self.set(String::new());
    }
}
