use complaint_domain::i18n::Msg;
use complaint_domain::steps::Step;
use leptos::prelude::*;

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

/// The step's question (or the confirmation's title): the page's one `h1` in the standalone app, an `h2`
/// inside a widget, whose host page has its own `h1`. Focused when the step appears, so screen readers
/// announce it, with the progress ("Step 3 of 7") as its description; the confirmation has no progress line.
/// Its words are [`step_title`]'s, which the document's title uses too.
#[component]
pub fn StepHeading() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    // A memo: the heading's words change with the step, not with each keystroke in it.
    let title = Memo::new(move |_| step_title(flow));
    let text = move || i18n.t(title.get());
    let progress = flow
        .accepted
        .with_untracked(Option::is_none)
        .then_some(STEP_PROGRESS_ID);
    if crate::router::use_location_if_standalone().is_some() {
        view! { <h1 class="question__text" id="step-heading" tabindex="-1" aria-describedby=progress>{text}</h1> }
            .into_any()
    } else {
        view! { <h2 class="question__text" id="step-heading" tabindex="-1" aria-describedby=progress>{text}</h2> }
            .into_any()
    }
}

/// What the flow shows now, in a few words: the step's question, or "Complaint received" once it is sent.
pub fn step_title(flow: Flow) -> Msg {
    if flow.accepted.with(Option::is_some) {
        Msg::ConfirmationTitle
    } else {
        flow.draft.with(|d| d.step).title()
    }
}
