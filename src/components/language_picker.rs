use complaint_domain::i18n::{Locale, Msg};
use leptos::prelude::*;

use crate::i18n::{tr, use_i18n};
use crate::services;

/// A labelled select listing each language in its own name, so anyone can find theirs.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(locale) = Locale::from_tag(&event_target_value(&ev)) {
            i18n.set_locale(locale);
            services::locale::remember(locale);
        }
    };
    view! {
        <div class="language-picker">
            <label class="language-picker__label" for="language">{tr(Msg::Language)}</label>
            <select id="language" class="language-picker__select" on:change=on_change>
                {Locale::ALL
                    .into_iter()
                    .map(|locale| {
                        view! {
                            <option value=locale.tag() lang=locale.tag() selected=move || i18n.locale() == locale>
                                {locale.endonym()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// Said when a link asked for a language we do not offer, in the language the page fell back to.
#[component]
pub fn LanguageNotOffered() -> impl IntoView {
    view! { <p class="notice" role="status">{tr(Msg::LanguageNotOffered)}</p> }
}
