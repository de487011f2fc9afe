use complaint_domain::i18n::Msg;
use complaint_domain::steps::Step;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// "Step 3 of 7", above each question.
#[component]
pub fn StepProgress(#[prop(into)] step: Signal<Step>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let current = step.get().number().to_string();
        i18n.format(
            Msg::StepProgress,
            &[("current", &current), ("total", &Step::total().to_string())],
        )
    };
    view! { <p class="step-progress">{text}</p> }
}
