//! "Continue your complaint?": the resume offer on the first step, drawn from the unfinished drafts the
//! autosave found (`autosave::UnfinishedDrafts`).

use complaint_domain::draft::Draft;
use complaint_domain::i18n::{Counted, Msg};
use leptos::prelude::*;

use super::autosave::{offer_on_screen, DraftSaver, StorageStatus, FIRST_DRAFTS};
use super::flow::use_flow;
use super::step_form::top_level;
use crate::components::show_all::{rows_to_draw, ShowAll};
use crate::i18n::{tr, use_i18n};
use crate::mount_scope::{use_mount_scope, MountScope};
use crate::services::clock;

/// How many of a draft's first words the offer quotes to say which one it is.
const FIRST_WORDS: usize = 12;

/// "Continue your complaint?": the unfinished drafts from earlier visits, newest first, each with what it is
/// about, its first words and when it was last changed; continue or delete each, or start afresh. Past
/// [`FIRST_DRAFTS`], the rest wait behind "Show all N unfinished complaints".
///
/// It is what the page asks first, so its question is the flow's top heading (the page's `h1`, a widget's
/// `h2`) and the step's question follows one level below (`StepHeading`); the document's title names it. A
/// screen reader meets the headings in the order the page shows them, and none before the `h1`. When a
/// button of the offer goes with what it removed, the focus moves on to what is left of the offer, or to the
/// step's question, never back to the page's start.
#[component]
pub fn ResumeOffer(saver: DraftSaver) -> impl IntoView {
    let flow = use_flow();
    let i18n = use_i18n();
    let scope = use_mount_scope();
    let all_shown = RwSignal::new(false);
    let list = NodeRef::<leptos::html::Ul>::new();
    // Each row is drawn in one language, and drawn again when the language changes (the key holds it): one
    // reactive list rather than a few reactive texts in each of what may be hundreds of rows.
    let rows = move || {
        let locale = i18n.locale();
        saver
            .unfinished
            .newest(rows_to_draw(all_shown, FIRST_DRAFTS))
            .into_iter()
            .map(|draft| (locale, draft))
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || offer_on_screen(saver, flow)>
            <section class="notice resume" aria-labelledby="resume-title">
                <OfferTitle />
                <ul class="resume__list" node_ref=list>
                    <For
                        each=rows
                        key=|(locale, draft)| (*locale, draft.id.clone())
                        children=move |(_, draft)| view! { <UnfinishedDraft saver=saver draft=draft /> }
                    />
                </ul>
                <ShowAll
                    list=list
                    first=FIRST_DRAFTS
                    total=Signal::derive(move || saver.unfinished.count())
                    all_shown=all_shown
                    msg=Counted::ResumeShowAll
                />
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=move |_| {
                        saver.unfinished.clear();
                        focus_after_offer_change(scope);
                    }
                >
                    {tr(Msg::ResumeStartNew)}
                </button>
            </section>
        </Show>
    }
}

/// "Continue your complaint?" at the flow's top level; focusable, so the focus can rest on it when a
/// deleted draft's buttons go.
#[component]
fn OfferTitle() -> impl IntoView {
    if top_level() == 1 {
        view! { <h1 class="resume__title" id="resume-title" tabindex="-1">{tr(Msg::ResumeTitle)}</h1> }.into_any()
    } else {
        view! { <h2 class="resume__title" id="resume-title" tabindex="-1">{tr(Msg::ResumeTitle)}</h2> }.into_any()
    }
}

/// Once the offer has been drawn again: the focus on its question if it is still there, else on the step's
/// question (which is then the top heading).
fn focus_after_offer_change(scope: MountScope) {
    request_animation_frame(move || {
        if let Some(el) = scope
            .element("resume-title")
            .or_else(|| scope.element("step-heading"))
        {
            let _ = el.focus();
        }
    });
}

#[component]
fn UnfinishedDraft(saver: DraftSaver, draft: Draft) -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let scope = use_mount_scope();
    let category = draft.category.as_deref().and_then(|id| {
        flow.config
            .with_value(|c| c.category(id).map(|c| c.label.clone()))
    });
    // In the language of the list (which draws the row again when it changes).
    let summary = {
        let date = clock::local_date_of(draft.updated_at_ms)
            .map(|d| clock::format_date(d, i18n.locale()))
            .unwrap_or_default();
        let about = category.as_ref().map(|c| i18n.pick(c)).unwrap_or_default();
        i18n.format(Msg::ResumeBody, &[("category", &about), ("date", &date)])
    };
    let words: Vec<&str> = draft.description.split_whitespace().collect();
    let first_words = words[..words.len().min(FIRST_WORDS)].join(" ");
    // Quoted as the language quotes („…” in Polish), with "…" only where the text goes on.
    let quoted = (!first_words.is_empty()).then(|| {
        let quote = if words.len() > FIRST_WORDS {
            Msg::FirstWordsCut
        } else {
            Msg::FirstWords
        };
        i18n.format(quote, &[("words", &first_words)])
    });
    let (id, label) = (draft.id.clone(), first_words.clone());
    let resume = move |_| {
        // Another widget of the page, on the same store, has just taken it up: it stays there.
        if saver.device().held_elsewhere(&draft.id) {
            saver.unfinished.withdraw(&draft.id);
            return;
        }
        saver.unfinished.clear();
        saver.spawn(saver.restore(flow.session, draft.clone()));
    };
    view! {
        <li class="resume__item">
            <p>{summary}</p>
            {quoted.map(|quoted| view! { <p class="resume__words">{quoted}</p> })}
            <div class="button-row">
                <button type="button" class="button" on:click=resume>
                    {i18n.t(Msg::ResumeContinue)}
                    <span class="visually-hidden">" " {label.clone()}</span>
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=move |_| {
                        saver.discard(id.clone());
                        focus_after_offer_change(scope);
                    }
                >
                    {i18n.t(Msg::DeleteDraft)}
                    <span class="visually-hidden">" " {label}</span>
                </button>
            </div>
        </li>
    }
}

/// Says plainly when answers live only in memory, or when the device is out of space.
#[component]
pub fn StorageNotice(saver: DraftSaver) -> impl IntoView {
    let unavailable = move || saver.status.get() == StorageStatus::Unavailable;
    view! {
        <Show when=unavailable>
            <p class="notice notice--warning" role="status">{tr(Msg::StorageUnavailable)}</p>
        </Show>
        <Show when=move || saver.out_of_space.get() && !unavailable()>
            <p class="notice notice--warning" role="status">{tr(Msg::DeviceFull)}</p>
        </Show>
    }
}

/// Another tab saved this complaint: say so, and offer its newer version instead of overwriting it.
#[component]
pub fn StaleNotice(saver: DraftSaver) -> impl IntoView {
    let flow = use_flow();
    // It stands in for the whole flow, step heading and all: the page's h1 in the standalone app.
    let title = if crate::router::use_location_if_standalone().is_some() {
        view! { <h1 class="resume__title" id="stale-title">{tr(Msg::StaleTitle)}</h1> }.into_any()
    } else {
        view! { <h2 class="resume__title" id="stale-title">{tr(Msg::StaleTitle)}</h2> }.into_any()
    };
    view! {
        <section class="notice notice--warning" role="alert" aria-labelledby="stale-title">
            {title}
            <p>{tr(Msg::StaleBody)}</p>
            <button type="button" class="button" on:click=move |_| saver.load_latest(flow.session)>
                {tr(Msg::StaleReload)}
            </button>
        </section>
    }
}
