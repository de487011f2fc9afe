use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::autosave::{DraftSaver, StorageStatus};
use super::flow::use_flow;
use crate::i18n::{tr, use_i18n};
use crate::services::clock;

/// "Continue your complaint?" for an unfinished draft from an earlier visit.
#[component]
pub fn ResumeOffer(saver: DraftSaver) -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let body = move || {
        saver.resumable.with(|d| {
            d.as_ref().map(|draft| {
                let category = draft
                    .category
                    .as_deref()
                    .and_then(|id| {
                        flow.config
                            .with_value(|c| c.category(id).map(|c| i18n.pick(&c.label)))
                    })
                    .unwrap_or_default();
                let date = clock::local_date_of(draft.updated_at_ms)
                    .map(|date| clock::format_date(date, i18n.locale()))
                    .unwrap_or_default();
                i18n.format(Msg::ResumeBody, &[("category", &category), ("date", &date)])
            })
        })
    };
    let resume = move |_| {
        if let Some(draft) = saver.resumable.get_untracked() {
            leptos::task::spawn_local(saver.restore(flow.session, draft));
        }
        saver.resumable.set(None);
    };
    view! {
        <Show when=move || saver.resumable.with(Option::is_some) && flow.draft.with(|d| d.is_empty())>
            <section class="notice resume" aria-labelledby="resume-title">
                <h2 class="resume__title" id="resume-title">{tr(Msg::ResumeTitle)}</h2>
                <p>{body}</p>
                <div class="button-row">
                    <button type="button" class="button" on:click=resume>{tr(Msg::ResumeContinue)}</button>
                    <button type="button" class="button button--secondary" on:click=move |_| saver.resumable.set(None)>
                        {tr(Msg::ResumeStartNew)}
                    </button>
                </div>
            </section>
        </Show>
    }
}

/// Says plainly when answers live only in memory, and reassures when they are being kept.
#[component]
pub fn StorageNotice(saver: DraftSaver) -> impl IntoView {
    view! {
        <Show when=move || saver.status.get() == StorageStatus::Unavailable>
            <p class="notice notice--warning" role="status">{tr(Msg::StorageUnavailable)}</p>
        </Show>
    }
}

/// Another tab saved this complaint: say so, and offer its newer version instead of overwriting it.
#[component]
pub fn StaleNotice(saver: DraftSaver) -> impl IntoView {
    let flow = use_flow();
    view! {
        <section class="notice notice--warning" role="alert" aria-labelledby="stale-title">
            <h2 class="resume__title" id="stale-title">{tr(Msg::StaleTitle)}</h2>
            <p>{tr(Msg::StaleBody)}</p>
            <button type="button" class="button" on:click=move |_| saver.load_latest(flow.session)>
                {tr(Msg::StaleReload)}
            </button>
        </section>
    }
}
