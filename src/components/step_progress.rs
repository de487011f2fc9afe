use complaint_domain::config::Category;
use complaint_domain::i18n::Msg;
use complaint_domain::steps::Step;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// The id of the "Step 3 of 7" line, which each step's heading names as its description.
pub const STEP_PROGRESS_ID: &str = "step-progress";

/// "Step 3 of 7", above each question. Each step's heading names it as its description (`aria-describedby`),
/// so the progress is read out when focus moves to a new step's heading.
#[component]
pub fn StepProgress(
    #[prop(into)] step: Signal<Step>,
    /// The chosen category, which decides whether the residence question is among the steps.
    #[prop(into)]
    category: Signal<Option<Category>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        category.with(|category| {
            let current = step.get().number_for(category.as_ref()).to_string();
            let total = Step::total_for(category.as_ref()).to_string();
            i18n.format(
                Msg::StepProgress,
                &[("current", &current), ("total", &total)],
            )
        })
    };
    view! { <p class="step-progress" id=STEP_PROGRESS_ID>{text}</p> }
}
