use complaint_domain::i18n::Locale;
use leptos::prelude::*;

use crate::i18n::InLanguage;

/// One choice in a radio group. The group's `<fieldset>` and `<legend>` belong to the caller.
#[component]
pub fn Radio(
    name: &'static str,
    #[prop(into)] id: String,
    #[prop(into)] value: String,
    #[prop(into)] checked: Signal<bool>,
    #[prop(into)] label: Signal<String>,
    #[prop(optional_no_strip)] hint: Option<Signal<String>>,
    /// The label's language when it is not the page's (an untranslated category): marked as such.
    #[prop(optional, into)]
    language: Signal<Option<Locale>>,
    /// The hint's, on its own: an organisation may have translated one and not the other.
    #[prop(optional, into)]
    hint_language: Signal<Option<Locale>>,
    #[prop(into)] on_select: Callback<()>,
    /// The group has an error on show: each radio says so (`aria-invalid`); the group's fieldset names the
    /// message (`aria-describedby`).
    #[prop(optional, into)]
    invalid: Signal<bool>,
    /// Shown under the choice while it is selected (a follow-up question).
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="radio">
            <input
                class="radio__input"
                type="radio"
                name=name
                id=id.clone()
                value=value
                prop:checked=move || checked.get()
                aria-describedby=hint.map(|_| hint_id.clone())
                aria-invalid=move || invalid.get().then_some("true")
                on:change=move |_| on_select.run(())
            />
            <label class="radio__label" for=id><InLanguage text=label other=language /></label>
            {hint.map(|h| view! { <p class="hint radio__hint" id=hint_id><InLanguage text=h other=hint_language /></p> })}
        </div>
        {move || {
            let children = children.clone();
            checked.get().then(move || children.map(|c| view! { <div class="radio__conditional">{c()}</div> }))
        }}
    }
}
