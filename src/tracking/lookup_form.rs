use complaint_domain::i18n::Msg;
use complaint_domain::tracking::{check_lookup, REFERENCE_FIELD, VERIFIER_FIELD};
use complaint_domain::validation::FieldError;
use leptos::prelude::*;

use crate::components::error_summary::ErrorSummary;
use crate::components::text_field::TextField;
use crate::i18n::{msg, tr};

/// Reference and email-or-PIN; `on_look_up` runs only when both are given.
#[component]
pub fn LookupForm(
    reference: RwSignal<String>,
    verifier: RwSignal<String>,
    #[prop(into)] on_look_up: Callback<()>,
) -> impl IntoView {
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let error_for = move |field: &'static str| {
        Signal::derive(move || errors.with(|all| all.iter().find(|e| e.field == field).cloned()))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = reference.with(|r| verifier.with(|v| check_lookup(r, v)));
        let ok = found.is_empty();
        errors.set(found);
        if ok {
            on_look_up.run(());
        }
    };
    view! {
        <form class="step" novalidate on:submit=submit>
            <ErrorSummary errors=errors />
            <p>{tr(Msg::TrackIntro)}</p>
            <TextField
                id=REFERENCE_FIELD
                label=msg(Msg::ReferenceLabel)
                hint=Some(msg(Msg::ReferenceHint))
                value=reference
                on_input=move |v| reference.set(v)
                error=error_for(REFERENCE_FIELD)
            />
            <TextField
                id=VERIFIER_FIELD
                label=msg(Msg::VerifierLabel)
                hint=Some(msg(Msg::VerifierHint))
                value=verifier
                on_input=move |v| verifier.set(v)
                error=error_for(VERIFIER_FIELD)
                autocomplete="email"
            />
            <button type="submit" class="button">{tr(Msg::FindComplaint)}</button>
        </form>
    }
}
