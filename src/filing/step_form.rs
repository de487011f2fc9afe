use complaint_domain::i18n::Msg;
use complaint_domain::steps::Step;
use leptos::prelude::*;

use super::flow::use_flow;
use crate::components::error_summary::ErrorSummary;
use crate::components::step_progress::STEP_PROGRESS_ID;
use crate::i18n::tr;

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

/// The step's question or title; focused when the step appears, so screen readers announce it, with the
/// progress ("Step 3 of 7") as its description. The confirmation has no progress line to point at.
#[component]
pub fn StepHeading(
    #[prop(into)] text: Signal<String>,
    #[prop(default = true)] with_progress: bool,
) -> impl IntoView {
    let progress = with_progress.then_some(STEP_PROGRESS_ID);
    view! { <h2 class="question__text" id="step-heading" tabindex="-1" aria-describedby=progress>{text}</h2> }
}
