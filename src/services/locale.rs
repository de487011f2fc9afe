//! Which language to start in, and remembering the customer's choice.

use complaint_domain::i18n::Locale;

use super::device::local_storage;

const STORAGE_KEY: &str = "complaint-desk.locale";

/// The language to start in, and whether the address asked for one we do not offer (the page says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    pub locale: Locale,
    pub asked_unknown: bool,
}

/// The customer's own earlier choice (the picker), else a `?lang=` in the address (links from emails), else
/// the browser's preferred languages, else English.
pub fn initial() -> Start {
    let asked = query_lang();
    let from_query = asked.as_deref().and_then(Locale::from_tag);
    match remembered() {
        Some(locale) => Start {
            locale,
            asked_unknown: false,
        },
        None => Start {
            locale: from_query.unwrap_or_else(from_browser),
            asked_unknown: asked.is_some() && from_query.is_none(),
        },
    }
}

/// The first of the browser's preferred languages that we ship, else English (a widget without `lang`).
pub fn from_browser() -> Locale {
    let preferred = preferred_languages();
    Locale::negotiate(preferred.iter().map(String::as_str))
}

/// Remembers the choice for the next visit. Blocked storage (private modes) just means we forget.
/// Only the standalone app calls this (its language picker): a widget has its own language and must set
/// nothing on its host's site.
pub fn remember(locale: Locale) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(STORAGE_KEY, locale.tag());
    }
    remember_for_the_server(locale);
}

/// The same choice as a cookie, so the server can send the next visit's static shell in this language
/// before any script runs (the intake reads it; docs/hosting.md). A preference, nothing else: no id.
fn remember_for_the_server(locale: Locale) {
    use wasm_bindgen::JsCast;
    if let Some(document) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    {
        let cookie = format!(
            "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            locale.tag()
        );
        let _ = document.set_cookie(&cookie);
    }
}

/// The cookie's name; the intake reads the same one (`crates/intake/src/http/shells.rs`).
pub const COOKIE: &str = "complaint-desk.locale";

/// Keeps `<html lang>` true to the page, so screen readers pronounce it right (WCAG 3.1.1).
pub fn apply_to_document(locale: Locale) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", locale.tag());
    }
}

/// The raw `?lang=` value, if the address has one.
fn query_lang() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .map(str::to_owned)
}

fn remembered() -> Option<Locale> {
    local_storage()?
        .get_item(STORAGE_KEY)
        .ok()
        .flatten()
        .as_deref()
        .and_then(Locale::from_tag)
}

fn preferred_languages() -> Vec<String> {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let mut tags: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if let Some(primary) = navigator.language() {
        tags.push(primary);
    }
    tags
}
