use complaint_domain::i18n::Msg;
use complaint_domain::tracking::{check_lookup, REFERENCE_FIELD, VERIFIER_FIELD};
use complaint_domain::validation::FieldError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::use_page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::text_field::TextField;
use crate::filing::DraftSaver;
use crate::i18n::{msg, tr, use_i18n};
use crate::services::{api, clock};
use complaint_domain::my_complaints::SentComplaint;
use leptos::task::spawn_local;

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
    let look_up = move || {
        let found = reference.with(|r| verifier.with(|v| check_lookup(r, v)));
        searched.set(found.is_empty());
        errors.set(found);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        look_up();
    };
    let track_sent = move |sent: SentComplaint| {
        reference.set(sent.reference);
        verifier.set(sent.verifier.unwrap_or_default());
        look_up();
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
        <SentFromThisDevice on_track=track_sent />
    }
}

/// "Complaints sent from this device": one tap fills in the reference and verifier.
#[component]
fn SentFromThisDevice(#[prop(into)] on_track: Callback<SentComplaint>) -> impl IntoView {
    let i18n = use_i18n();
    let sent = RwSignal::new(Vec::<SentComplaint>::new());
    let config = LocalResource::new(api::load_config);
    if let Some(saver) = use_context::<DraftSaver>() {
        Effect::new(move |_| {
            if let (true, Some(store)) = (saver.is_ready(), saver.store()) {
                spawn_local(async move {
                    if let Ok(list) = store.sent().await {
                        sent.set(list);
                    }
                });
            }
        });
    }
    let category_label = move |id: &str| match config.get() {
        Some(Ok(config)) => config
            .category(id)
            .map(|c| i18n.pick(&c.label))
            .unwrap_or_else(|| id.to_owned()),
        _ => id.to_owned(),
    };
    view! {
        <Show when=move || sent.with(|s| !s.is_empty())>
            <section class="my-complaints" aria-labelledby="my-complaints-title">
                <h2 class="my-complaints__title" id="my-complaints-title">{tr(Msg::MyComplaintsTitle)}</h2>
                <ul class="my-complaints__list">
                    {move || {
                        sent.get()
                            .into_iter()
                            .map(|item| {
                                let date = clock::local_date_of(item.sent_at_ms as f64)
                                    .map(|d| clock::format_date(d, i18n.locale()))
                                    .unwrap_or_default();
                                let reference = item.reference.clone();
                                let label = category_label(&item.category);
                                view! {
                                    <li class="my-complaints__item">
                                        <strong>{item.reference.clone()}</strong>
                                        <span>{label}</span>
                                        <span>{i18n.format(Msg::SentOn, &[("date", &date)])}</span>
                                        <button type="button" class="link-button" on:click=move |_| on_track.run(item.clone())>
                                            {i18n.t(Msg::TrackThis)}
                                            <span class="visually-hidden">" " {reference}</span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
        </Show>
    }
}
