//! The filing flow: one question a step. Steps live in component state, never in the URL, so the same
//! flow can later run inside a host page as a widget.

mod category_step;
mod pending_step;

use complaint_domain::config::OrgConfig;
use complaint_domain::draft::Draft;
use complaint_domain::steps::Step;
use leptos::prelude::*;

use crate::components::step_progress::StepProgress;
use crate::services::device;
use category_step::CategoryStep;
use pending_step::PendingStep;

#[component]
pub fn FilingFlow(config: OrgConfig) -> impl IntoView {
    let config = StoredValue::new(config);
    let draft = RwSignal::new(Draft::new(device::new_uuid(), device::now_ms()));
    let step = Memo::new(move |_| draft.with(|d| d.step));
    let go_to = move |next: Option<Step>| {
        if let Some(next) = next {
            draft.update(|d| {
                d.step = next;
                d.touch(device::now_ms());
            });
        }
    };
    view! {
        <StepProgress step=step />
        {move || match step.get() {
            Step::Category => {
                view! { <CategoryStep config=config draft=draft on_continue=move || go_to(Step::Category.next()) /> }
                    .into_any()
            }
            current => {
                view! { <PendingStep config=config draft=draft on_back=move || go_to(current.previous()) /> }
                    .into_any()
            }
        }}
    }
}
