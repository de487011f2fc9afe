use complaint_domain::validation::FieldError;
use leptos::prelude::*;

use super::error_summary::{described_by, LabelledField};

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
    let describe = described_by(&id, hint.is_some(), error);
    // Written to the box only when this field's own value changes, not on every change to the draft.
    let value = Memo::new(move |_| value.get());
    view! {
        <LabelledField id=id.clone() label=label hint=hint error=error>
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
        </LabelledField>
    }
}
