use complaint_domain::i18n::Msg;
use complaint_domain::steps::Step;
use leptos::prelude::*;

use super::autosave::{offer_on_screen, use_saver, DraftSaver};
use super::flow::{use_flow, Flow};
use crate::components::error_summary::ErrorSummary;
use crate::components::step_progress::STEP_PROGRESS_ID;
use crate::i18n::{tr, use_i18n};

/// The frame every question step shares: Back, the error summary, the step's fields, Continue.
#[component]
pub fn StepForm(children: Children) -> impl IntoView {
    let flow = use_flow();
    let first = flow.step() == Step::Category;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        flow.submit_step();
    };
    view! {
        {(!first).then(|| view! { <BackLink /> })}
        <form class="step" novalidate on:submit=submit>
            <ErrorSummary errors=flow.errors />
            {children()}
            <button type="submit" class="button">{tr(Msg::Continue)}</button>
        </form>
    }
}

#[component]
pub fn BackLink() -> impl IntoView {
    let flow = use_flow();
    view! {
        <button type="button" class="back-link" on:click=move |_| flow.back()>{tr(Msg::Back)}</button>
    }
}

/// The level of the flow's top heading: the page's `h1` in the standalone app, an `h2` inside a widget, whose
/// host page has its own `h1`.
pub fn top_level() -> u8 {
    if crate::router::use_location_if_standalone().is_some() {
        1
    } else {
        2
    }
}

/// The step's question (or the confirmation's title): the flow's top heading ([`top_level`]), one level
/// below the resume offer's question while that is on screen (the page asks it first, above this one).
/// Focused when the step appears, so screen readers announce it, with the progress ("Step 3 of 7") as its
/// description; the confirmation has no progress line. Its words are [`question`]'s.
#[component]
pub fn StepHeading() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let saver = use_saver();
    // A memo: the heading's words change with the step, not with each keystroke in it.
    let words = Memo::new(move |_| question(flow));
    let text = move || i18n.t(words.get());
    let progress = flow
        .accepted
        .with_untracked(Option::is_none)
        .then_some(STEP_PROGRESS_ID);
    let top = top_level();
    // A memo, so that only a change of level (not every edit of the draft) draws the heading again.
    let level = Memo::new(move |_| top + u8::from(saver.is_some_and(|s| offer_on_screen(s, flow))));
    move || {
        match level.get() {
        1 => view! { <h1 class="question__text" id="step-heading" tabindex="-1" aria-describedby=progress>{text}</h1> }
            .into_any(),
        2 => view! { <h2 class="question__text" id="step-heading" tabindex="-1" aria-describedby=progress>{text}</h2> }
            .into_any(),
        _ => view! { <h3 class="question__text" id="step-heading" tabindex="-1" aria-describedby=progress>{text}</h3> }
            .into_any(),
    }
    }
}

/// A heading inside a step, one level below the step's question (an `h2` in the standalone app, an `h3` in a
/// widget), so that heading levels never skip.
#[component]
pub fn StepSubheading(#[prop(optional)] class: &'static str, children: Children) -> impl IntoView {
    let class = if class.is_empty() {
        "subheading".to_owned()
    } else {
        format!("subheading {class}")
    };
    if top_level() == 1 {
        view! { <h2 class=class>{children()}</h2> }.into_any()
    } else {
        view! { <h3 class=class>{children()}</h3> }.into_any()
    }
}

/// The step's question, or "Complaint received" once it is sent: the words of [`StepHeading`].
pub fn question(flow: Flow) -> Msg {
    if flow.accepted.with(Option::is_some) {
        Msg::ConfirmationTitle
    } else {
        flow.draft.with(|d| d.step).title()
    }
}

/// What the page asks first, in a few words, for the document's title: the stale notice's title while it
/// stands in for the flow, the resume offer's question while it is on screen, else the step's [`question`].
pub fn step_title(flow: Flow, saver: DraftSaver) -> Msg {
    if saver.other_tabs.stale.get() {
        Msg::StaleTitle
    } else if offer_on_screen(saver, flow) {
        Msg::ResumeTitle
    } else {
        question(flow)
    }
}
