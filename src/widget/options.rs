//! What embed.js hands the widget when it mounts: the element's attributes, checked, and the loader's own
//! settings (the store, and where to send the customer when this module cannot draw what they asked for).

use complaint_domain::i18n::Locale;
use wasm_bindgen::{JsCast, JsValue};

use crate::services::api::ApiBase;
use crate::services::locale;
use crate::services::store_scope::StoreScope;

/// What the widget shows: the form, or the tracker (with a reference to look up, from the confirmation).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shown {
    File,
    Track(String),
}

impl Shown {
    /// The loader's name for it (`mode`).
    pub(super) fn mode(&self) -> &'static str {
        match self {
            Shown::File => "file",
            Shown::Track(_) => "track",
        }
    }
}

/// The attributes embed.js read from the element, checked, and the loader's settings.
pub(super) struct Options {
    pub(super) api: ApiBase,
    pub(super) locale: Locale,
    /// `lang` named a language we do not offer: the widget falls back and says so.
    pub(super) lang_not_offered: bool,
    pub(super) category: Option<String>,
    pub(super) shown: Shown,
    pub(super) store: StoreScope,
    /// The tracker opened beside a file-mode widget (embed.js, `companion`): it draws only the tracker, and
    /// the host has already heard `complaint:ready` from the form.
    pub(super) companion: bool,
    /// embed.js's `elsewhere(mode, reference)`: shows what this module does not draw (the other module's
    /// widget, in a box beside this one).
    pub(super) elsewhere: Option<js_sys::Function>,
}

/// An attribute's value as given: trimmed, and `None` when missing or blank.
pub(super) fn text_of(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `lang` as a language we offer; an unknown one falls back to the browser's, with a console note.
pub(super) fn locale_of(tag: Option<String>) -> Locale {
    match text_of(tag) {
        Some(tag) => Locale::from_tag(&tag).unwrap_or_else(|| {
            warn(&format!(
                "complaint-desk: lang=\"{tag}\" is not offered (en, ko, pl); using the browser's"
            ));
            locale::from_browser()
        }),
        None => locale::from_browser(),
    }
}

/// `mode` as what to show; an unknown one shows the form, with a console note.
pub(super) fn shown_of(mode: Option<String>) -> Shown {
    match text_of(mode).as_deref() {
        None | Some("file") => Shown::File,
        Some("track") => Shown::Track(String::new()),
        Some(other) => {
            warn(&format!(
                "complaint-desk: mode=\"{other}\" is not file or track; showing the form"
            ));
            Shown::File
        }
    }
}

impl Options {
    /// Reads `{ api, lang, category, mode, store, reference, companion, elsewhere }`; anything missing or
    /// unknown falls back, with a console note for the host's developer (the customer is told only what
    /// concerns them: an unknown category).
    pub(super) fn read(options: &JsValue) -> Options {
        let field = |key: &str| js_sys::Reflect::get(options, &key.into()).ok();
        let text = |key: &str| text_of(field(key).and_then(|v| v.as_string()));
        let api = text("api").and_then(|url| {
            let base = ApiBase::parse(&url);
            if base.is_none() {
                warn(&format!(
                    "complaint-desk: api=\"{url}\" is not a URL; using this site's /api/v1/"
                ));
            }
            base
        });
        let asked = text("lang");
        // The customer is told inside the box too, not only the host's developer on the console.
        let lang_not_offered = asked
            .as_deref()
            .is_some_and(|tag| Locale::from_tag(tag).is_none());
        let shown = match shown_of(text("mode")) {
            // The confirmation's "Track your complaint", handed to the tracker's module.
            Shown::Track(_) => Shown::Track(text("reference").unwrap_or_default()),
            file => file,
        };
        Options {
            api: api.unwrap_or_default(),
            locale: locale_of(asked),
            lang_not_offered,
            category: text("category"),
            shown,
            // embed.js names the store when the element first connects (docs/embed.md).
            store: StoreScope::widget(&text("store").unwrap_or_else(|| "file".to_owned())),
            companion: field("companion").and_then(|v| v.as_bool()) == Some(true),
            elsewhere: field("elsewhere").and_then(|v| v.dyn_into::<js_sys::Function>().ok()),
        }
    }
}

pub(super) fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}
