//! The organisation's words about one complaint (a stage's message, the next step, the decision's summary, a
//! date's reason), in the page's language when the status file has it, else in the one it has, said so.

use complaint_domain::i18n::{shown_in, Locale};
use complaint_domain::localized::OrgText;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// The text as a `<span>` with its own `lang` (so a screen reader reads it in that language) and, when it is
/// not the page's language, a note saying which it is; drawn again when the language changes.
#[component]
pub fn OrgWords(text: OrgText) -> impl IntoView {
    let i18n = use_i18n();
    move || org_words_in(&text, i18n.locale())
}

/// The same, drawn once for `locale`: for a list that draws each of its rows again when the language
/// changes (the timeline), so a row holds no reactive text of its own.
pub fn org_words_in(text: &OrgText, locale: Locale) -> impl IntoView {
    let shown = text.show(locale);
    let note = shown.other_language.map(|language| {
        view! { " " <span class="org-words__language">{shown_in(language).text(locale)}</span> }
    });
    view! {
        <span lang=shown.lang.map(str::to_owned)>{shown.text.to_owned()}</span>
        {note}
    }
}
