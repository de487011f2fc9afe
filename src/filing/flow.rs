//! The state one filing shares across its steps: the draft, the organisation's config, the errors on
//! show, whether the customer came from "Check your answers" (so Continue takes them back there), and whether
//! the last change of step was the customer's own.

use complaint_domain::checks::check_step;
use complaint_domain::config::{Category, OrgConfig};
use complaint_domain::draft::Draft;
use complaint_domain::outbox::Refused;
use complaint_domain::steps::Step;
use complaint_domain::submission::Accepted;
use complaint_domain::validation::FieldError;
use leptos::prelude::*;
use web_sys::Blob;

use crate::services::submit::{Progress, SendError};
use crate::services::{clock, device};

/// What a filing keeps while the customer moves around the app (to the tracker and back, say): the draft, its
/// files and the server's acceptance. Provided above the routes, so leaving the form page loses nothing.
/// Everyone reads its signals; only its operations below change them (as leptos' todomvc `Todos` owns its
/// list). (Read-only halves would say so in the types, but each costs the filing Wasm its own copies of the
/// signal code: measured +5 KB.)
#[derive(Clone, Copy)]
pub struct FilingSession {
    pub draft: RwSignal<Draft>,
    /// The evidence files' bytes, by attachment id (browser objects, so kept off the draft).
    pub files: StoredValue<Vec<(String, Blob)>, LocalStorage>,
    pub accepted: RwSignal<Option<Accepted>>,
    /// The draft is in the outbox, waiting for a connection.
    pub queued: RwSignal<bool>,
    /// Why the last send did not go through, while the customer can act on it.
    pub problem: RwSignal<Option<SendError>>,
    /// How far the send under way has got; `None` when nothing is being sent.
    pub progress: RwSignal<Option<Progress>>,
    /// A complaint sent earlier was refused while the customer was busy with another: they are told, and
    /// can open it.
    pub refused_elsewhere: RwSignal<bool>,
}

impl FilingSession {
    fn new() -> FilingSession {
        FilingSession {
            draft: RwSignal::new(Draft::new(device::new_uuid(), device::now_ms())),
            files: StoredValue::new_local(Vec::new()),
            accepted: RwSignal::new(None),
            queued: RwSignal::new(false),
            problem: RwSignal::new(None),
            progress: RwSignal::new(None),
            refused_elsewhere: RwSignal::new(false),
        }
    }

    /// Forgets everything in memory: a new, empty draft.
    pub fn start_afresh(self) {
        self.files.set_value(Vec::new());
        self.queued.set(false);
        self.problem.set(None);
        self.progress.set(None);
        self.accepted.set(None);
        self.draft
            .set(Draft::new(device::new_uuid(), device::now_ms()));
    }

    /// Applies an edit to the draft and stamps it.
    pub fn edit(self, change: impl FnOnce(&mut Draft)) {
        self.draft.update(|d| {
            change(d);
            d.touch(device::now_ms());
        });
    }

    /// Counts time the form was in front of the customer, without a new revision: time passing is not an
    /// edit another tab should hear of.
    pub fn add_active_ms(self, ms: f64) {
        self.draft.update_untracked(|d| d.add_active_ms(ms));
    }

    /// Makes `draft` the one on screen, with `files` (its evidence the device still has).
    pub fn show_draft(self, draft: Draft, files: Vec<(String, Blob)>) {
        self.files.set_value(files);
        self.draft.set(draft);
    }

    /// A send begins: the last one's problem is no longer shown.
    pub fn sending(self) {
        self.problem.set(None);
    }

    /// How far the send under way has got (`None`: nothing moving). Called from the browser's progress
    /// events, which may come after the root is gone: then nothing happens.
    pub fn show_progress(self, progress: Option<Progress>) {
        self.progress.try_set(progress);
    }

    /// The send did not go through, and the complaint is not waiting in the outbox either.
    pub fn send_failed(self, error: SendError) {
        self.problem.set(Some(error));
    }

    /// The complaint waits in the outbox for a connection.
    pub fn waiting(self) {
        self.queued.set(true);
    }

    /// The organisation refused the complaint on screen: back to the customer, with why.
    pub fn refused(self, refused: Refused) {
        self.queued.set(false);
        self.problem.set(Some(SendError::Refused(refused)));
    }

    /// Whether a complaint sent earlier and refused while the customer was busy with another is to be told.
    pub fn tell_refused_elsewhere(self, told: bool) {
        self.refused_elsewhere.set(told);
    }

    /// The organisation has the complaint on screen.
    pub fn delivered(self, accepted: Accepted) {
        self.queued.set(false);
        self.accepted.set(Some(accepted));
    }

    /// A new session for the root being built (`Root::start`).
    pub(crate) fn provide() -> FilingSession {
        let session = FilingSession::new();
        provide_context(session);
        session
    }
}

/// A category the embedding page asked for (the widget's `category`, which the host may change while the
/// widget is on screen): shown chosen on the first step until the customer picks one, without making the
/// empty draft a draft.
#[derive(Clone, Copy)]
pub struct SuggestedCategory(pub RwSignal<Option<String>>);

/// Provided by a widget: "Track your complaint" opens its tracker in place, with the reference, instead of
/// following a link (the host page's address is not the widget's to change), and printing is left to the
/// receipt download (printing would print the host's page).
#[derive(Clone, Copy)]
pub struct TrackInPlace(pub Callback<String>);

#[derive(Clone, Copy)]
pub struct Flow {
    pub session: FilingSession,
    pub draft: RwSignal<Draft>,
    pub config: StoredValue<OrgConfig>,
    pub errors: RwSignal<Vec<FieldError>>,
    returning: RwSignal<bool>,
    /// The last change of step came from the customer's own controls (Continue, Back, Change), not from the
    /// app (a restored draft, the address): in the standalone app only the customer's moves add history entries.
    moved_by_customer: StoredValue<bool>,
    /// The evidence files' bytes, by attachment id (browser objects, so kept off the draft).
    pub files: StoredValue<Vec<(String, Blob)>, LocalStorage>,
    /// Set once the organisation has accepted the complaint.
    pub accepted: RwSignal<Option<Accepted>>,
    /// The suggested category, if the organisation offers it.
    pub suggested: Memo<Option<String>>,
    /// A category was suggested that the organisation does not offer: the customer is told, and chooses.
    pub suggestion_not_offered: Memo<bool>,
}

impl Flow {
    pub fn provide(config: OrgConfig, session: FilingSession) -> Flow {
        let wanted = use_context::<SuggestedCategory>().map(|s| s.0);
        let config = StoredValue::new(config);
        let offered = move |id: &str| config.with_value(|c| c.category(id).is_some());
        let flow = Flow {
            suggested: Memo::new(move |_| wanted.and_then(|w| w.get()).filter(|id| offered(id))),
            suggestion_not_offered: Memo::new(move |_| {
                wanted.and_then(|w| w.get()).is_some_and(|id| !offered(&id))
            }),
            session,
            draft: session.draft,
            config,
            errors: RwSignal::new(Vec::new()),
            returning: RwSignal::new(false),
            moved_by_customer: StoredValue::new(false),
            files: session.files,
            accepted: session.accepted,
        };
        provide_context(flow);
        flow
    }

    pub fn step(self) -> Step {
        self.draft.with(|d| d.step)
    }

    /// Applies an edit to the draft and stamps it.
    pub fn edit(self, change: impl FnOnce(&mut Draft)) {
        self.session.edit(change);
    }

    /// The customer moves to `step` with the flow's own controls.
    pub fn go(self, step: Step) {
        if step != self.draft.with_untracked(|d| d.step) {
            self.moved_by_customer.set_value(true);
        }
        self.show(step);
    }

    /// Shows `step` without it counting as the customer's move (the address asked for it).
    pub fn show(self, step: Step) {
        self.errors.set(Vec::new());
        if step == Step::CheckAnswers {
            self.returning.set(false);
        }
        self.edit(|d| d.step = step);
    }

    /// Whether the step change just made was the customer's own (and forgets it).
    pub fn take_customer_move(self) -> bool {
        self.moved_by_customer
            .try_update_value(std::mem::take)
            .unwrap_or(false)
    }

    /// Checks the current step; on success moves on (or back to "Check your answers" after a Change).
    pub fn submit_step(self) {
        let step = self.step();
        if step == Step::Category && self.draft.with_untracked(|d| d.category.is_none()) {
            if let Some(id) = self.suggested.get_untracked() {
                self.edit(|d| d.category = Some(id));
            }
        }
        let errors = self
            .config
            .with_value(|c| self.draft.with(|d| check_step(step, d, c, clock::today())));
        if !errors.is_empty() {
            self.errors.set(errors);
            return;
        }
        let next = if self.returning.get_untracked() {
            Some(Step::CheckAnswers)
        } else {
            step.next_for(self.category_untracked().as_ref())
        };
        if let Some(next) = next {
            self.go(next);
        }
    }

    pub fn back(self) {
        if self.returning.get_untracked() {
            self.go(Step::CheckAnswers);
        } else if let Some(previous) = self.step().previous_for(self.category_untracked().as_ref())
        {
            self.go(previous);
        }
    }

    /// A Change link: answer again, then come back to "Check your answers".
    pub fn change(self, step: Step) {
        self.returning.set(true);
        self.go(step);
    }

    /// Sends the customer to the step that still needs answers, with its errors on show.
    pub fn show_incomplete(self, step: Step, errors: Vec<FieldError>) {
        self.change(step);
        self.errors.set(errors);
    }

    /// After a confirmation: a fresh, empty complaint.
    pub fn start_again(self) {
        self.errors.set(Vec::new());
        self.returning.set(false);
        self.moved_by_customer.set_value(false);
        self.session.start_afresh();
    }

    pub fn error_for(self, field: impl Into<String>) -> Signal<Option<FieldError>> {
        let field = field.into();
        let errors = self.errors;
        Signal::derive(move || errors.with(|all| all.iter().find(|e| e.field == field).cloned()))
    }

    pub fn category(self) -> Option<Category> {
        let id = self.draft.with(|d| d.category.clone())?;
        self.config.with_value(|c| c.category(&id).cloned())
    }

    fn category_untracked(self) -> Option<Category> {
        let id = self.draft.with_untracked(|d| d.category.clone())?;
        self.config.with_value(|c| c.category(&id).cloned())
    }
}

pub fn use_flow() -> Flow {
    expect_context::<Flow>()
}
