use complaint_domain::validation::FieldError;
use leptos::prelude::*;

use super::error_summary::{described_by, FieldErrorMessage};

/// A labelled single-line input with an optional hint and its error, linked for assistive technology.
/// The value lives with the caller (usually the draft): this only shows it and reports edits.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(optional_no_strip)] hint: Option<Signal<String>>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(into)] error: Signal<Option<FieldError>>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] input_mode: Option<&'static str>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let describe = described_by(hint.map(|_| hint_id.clone()), error_id.clone(), error);
    view! {
        <div class="field" class:field--error=move || error.get().is_some()>
            <label class="field__label" for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <FieldErrorMessage id=error_id error=error />
            <input
                class="input"
                id=id.clone()
                name=id
                type=input_type
                inputmode=input_mode
                autocomplete=autocomplete
                aria-describedby=describe
                aria-invalid=move || error.get().is_some().then_some("true")
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
        </div>
    }
}
