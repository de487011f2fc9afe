//! The standalone app's pages, one per route.

pub mod file_complaint;
pub mod not_found;
pub mod track;

use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Keeps `<title>` naming the page in the current language (WCAG 2.4.2).
pub fn use_page_title(page: Msg) {
    let i18n = use_i18n();
    Effect::new(move |_| {
        document().set_title(&format!("{} – {}", i18n.t(page), i18n.t(Msg::SiteName)));
    });
}
