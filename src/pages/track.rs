use complaint_domain::i18n::Msg;
use complaint_domain::tracking::{check_lookup, REFERENCE_FIELD, VERIFIER_FIELD};
use complaint_domain::validation::FieldError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::use_page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::text_field::TextField;
use crate::i18n::{msg, tr};

/// `/track`: the lookup form. `?ref=` prefills the reference (links from the confirmation page).
#[component]
pub fn TrackPage() -> impl IntoView {
    use_page_title(Msg::TrackTitle);
    let query = use_query_map();
    let reference = RwSignal::new(query.with_untracked(|q| q.get("ref").unwrap_or_default()));
    let verifier = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let searched = RwSignal::new(false);
    let error_for = move |field: &'static str| {
        Signal::derive(move || errors.with(|all| all.iter().find(|e| e.field == field).cloned()))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = reference.with(|r| verifier.with(|v| check_lookup(r, v)));
        searched.set(found.is_empty());
        errors.set(found);
    };
    view! {
        <h1 class="page-title">{tr(Msg::TrackTitle)}</h1>
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
        <Show when=move || searched.get()>
            <p class="notice" role="status">{tr(Msg::TrackUnavailable)}</p>
        </Show>
    }
}
