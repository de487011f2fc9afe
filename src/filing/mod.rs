//! The filing flow: one question a step. Steps live in component state, so the same flow runs inside a host
//! page as a widget; only the standalone app mirrors the step into its address (`step_address`).

mod active_time;
mod autosave;
mod category_step;
mod check_answers_step;
mod common_answers_step;
mod confirmation;
mod contact_step;
mod courier;
mod evidence_step;
mod flow;
mod outcome_step;
mod refused_notice;
mod residence_step;
mod resume_offer;
mod step_address;
mod step_form;
mod what_happened_step;

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use complaint_domain::steps::Step;
use leptos::prelude::*;

use crate::components::step_progress::StepProgress;
use crate::mount_scope::{use_mount_scope, MountScope};
pub use autosave::DraftSaver;
use category_step::CategoryStep;
use check_answers_step::CheckAnswersStep;
use common_answers_step::CommonAnswersStep;
use confirmation::Confirmation;
use contact_step::ContactStep;
pub use courier::Courier;
use evidence_step::EvidenceStep;
use flow::Flow;
pub use flow::{FilingSession, SuggestedCategory, TrackInPlace};
use outcome_step::OutcomeStep;
pub use refused_notice::RefusedNotice;
use residence_step::ResidenceStep;
use resume_offer::{ResumeOffer, StaleNotice, StorageNotice};
use what_happened_step::WhatHappenedStep;

#[component]
pub fn FilingFlow(config: OrgConfig) -> impl IntoView {
    // The root started these (`crate::root::Root::start`); a root without them is a bug, never a new store.
    let session = expect_context::<FilingSession>();
    let saver = expect_context::<DraftSaver>();
    saver.expire_after(config.drafts.expire_after_days, session);
    active_time::use_active_time(session);
    let flow = Flow::provide(config, session);
    // Each step a history entry, in the standalone app only: a widget's host owns its address and history.
    if let Some(location) = crate::router::use_location_if_standalone() {
        step_address::follow_the_address(location, flow, saver);
    }
    // A sent complaint is no longer a draft.
    Effect::new(move |_| {
        if flow.accepted.with(Option::is_some) {
            saver.forget(flow.draft.with_untracked(|d| d.id.clone()));
        }
    });
    let step = Memo::new(move |_| flow.draft.with(|d| d.step));
    let scope = use_mount_scope();
    let done = Memo::new(move |_| flow.accepted.with(Option::is_some));
    // A new step or the confirmation takes focus to its heading, so screen readers announce it;
    // the first step keeps the page's natural start.
    Effect::new(move |previous: Option<(Step, bool)>| {
        let now = (step.get(), done.get());
        if previous.is_some_and(|p| p != now) {
            focus_step_heading(scope);
        }
        now
    });
    if let Some(title) = use_context::<StepTitle>() {
        title.follow(flow, saver);
    }
    view! {
        <StorageNotice saver=saver />
        {move || {
            if saver.other_tabs.stale.get() {
                return view! { <StaleNotice saver=saver /> }.into_any();
            }
            match flow.accepted.get() {
            Some(accepted) => view! { <Confirmation accepted=accepted /> }.into_any(),
            None => view! {
                <StepProgress step=step category=Signal::derive(move || flow.category()) />
                {move || match step.get() {
                    Step::Category => view! { <ResumeOffer saver=saver /> <CategoryStep /> }.into_any(),
                    Step::CommonAnswers => view! { <CommonAnswersStep /> }.into_any(),
                    Step::WhatHappened => view! { <WhatHappenedStep /> }.into_any(),
                    Step::Outcome => view! { <OutcomeStep /> }.into_any(),
                    Step::Evidence => view! { <EvidenceStep /> }.into_any(),
                    Step::Contact => view! { <ContactStep /> }.into_any(),
                    Step::Residence => view! { <ResidenceStep /> }.into_any(),
                    Step::CheckAnswers => view! { <CheckAnswersStep /> }.into_any(),
                }}
            }
            .into_any(),
            }
        }}
    }
}

/// What the flow asks first (the resume offer's question, else the step's), for a page that names it in the document's title (the standalone app's
/// filing page; a widget leaves its host's title alone): `None` while no step is on show.
#[derive(Clone, Copy)]
pub struct StepTitle(RwSignal<Option<Msg>>);

impl StepTitle {
    pub fn provide() -> StepTitle {
        let title = StepTitle(RwSignal::new(None));
        provide_context(title);
        title
    }

    pub fn get(&self) -> Option<Msg> {
        self.0.get()
    }

    /// Keeps the title on what the flow asks first while the flow is mounted.
    fn follow(self, flow: Flow, saver: DraftSaver) {
        let StepTitle(title) = self;
        // A memo, so a keystroke (a change of the draft, not of what the page asks) does not set the title again.
        let now = Memo::new(move |_| step_form::step_title(flow, saver));
        Effect::new(move |_| title.set(Some(now.get())));
        on_cleanup(move || _ = title.try_set(None));
    }
}

/// Scrolls the root's own heading into view (a widget scrolls the host page only as far as that) and focuses it.
fn focus_step_heading(scope: MountScope) {
    if let Some(el) = scope.element("step-heading") {
        el.scroll_into_view();
        let _ = el.focus();
    }
}
