use complaint_domain::i18n::Msg;
use complaint_domain::validation::FieldError;
use leptos::prelude::*;

use super::error_summary::FieldErrorMessage;
use crate::i18n::tr;

/// A labelled text input with an optional hint and its error message, linked for assistive technology.
#[component]
pub fn TextField(
    id: &'static str,
    label: Msg,
    #[prop(optional)] hint: Option<Msg>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<FieldError>>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = "text")] input_type: &'static str,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field--error=move || error.get().is_some()>
            <label class="field__label" for=id>{tr(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{tr(h)}</p> })}
            <FieldErrorMessage id=error_id error=error />
            <input
                class="input"
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                aria-describedby=described_by
                aria-invalid=move || error.get().is_some().then_some("true")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}
