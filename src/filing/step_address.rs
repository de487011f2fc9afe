//! The standalone app's address for the filing flow: each step is a history entry (`/?step=what_happened`;
//! the first step is the form's own address, `/`), so the phone's Back and Forward move between steps as in
//! GOV.UK services, and a reload keeps the step. An embedded form never gets here: the host's address and
//! history are not ours, and only the standalone shell provides a [`Location`].
//!
//! The step stays in component state; the address follows it. A step the customer reaches with the flow's own
//! controls (Continue, Back, Change) is pushed as a new entry; a step the app moves to by itself (a restored or
//! resumed draft, the confirmation, a step the address asked for but the draft does not allow yet) replaces
//! the current entry. Each entry keeps the draft's id beside it (`history.state`), so a reload in this tab
//! reopens the same draft; a link from elsewhere has no such id and only ever reaches the first unanswered step.

use complaint_domain::checks::first_incomplete;
use complaint_domain::steps::Step;
use leptos::prelude::*;

use super::autosave::{DraftSaver, StorageStatus};
use super::flow::Flow;
use crate::router::{Entry, Location};
use crate::services::clock;

const PARAM: &str = "step";

/// The draft on screen in this tab's form (its id, in the tab's session storage), for coming back to it
/// from the tracker's page by the site's own link: that page is another Wasm module, so a page load.
const ON_SCREEN_KEY: &str = "complaint-desk.form-draft";

/// Keeps `location`'s `?step=` and the flow's step in step with each other while the form is shown.
pub fn follow_the_address(location: Location, flow: Flow, saver: DraftSaver) {
    // Nothing is written to the address until what it asked for on arrival has been read.
    let settled = RwSignal::new(false);
    arrive(location, flow, saver, settled);
    // Leaving the form (Back to the tracker, say) is the router's business, not a step change.
    let form_path = StoredValue::new(location.path_untracked());
    let on_form = move || form_path.with_value(|path| *path == location.path_untracked());

    // The flow moved: the address follows.
    let shown = Memo::new(move |_| {
        let (step, id) = flow.draft.with(|d| (d.step, d.id.clone()));
        (step, id, flow.accepted.with(Option::is_some))
    });
    Effect::new(move |_| {
        // Read, not only tracked: a memo nobody reads never computes, so never changes.
        shown.with(|_| ());
        let by_customer = flow.take_customer_move();
        if !settled.get() || !on_form() {
            return;
        }
        let sent = flow.accepted.with_untracked(Option::is_some);
        write_address(
            location,
            flow,
            if by_customer && !sent {
                Entry::Push
            } else {
                Entry::Replace
            },
        );
    });

    // The customer went Back or Forward: the flow follows, as far as the draft allows.
    Effect::new(move |previous: Option<u64>| {
        let moves = location.history_moves();
        if previous.is_none() || !settled.get_untracked() || !on_form() {
            return moves;
        }
        if flow.accepted.with_untracked(Option::is_some) {
            // Back from the confirmation starts a new complaint: the sent one's form, with its Send button,
            // is never shown again (it is on the tracker's list of complaints sent from this device).
            flow.start_again();
            return moves;
        }
        let step_now = flow.draft.with_untracked(|d| d.step);
        let session = flow.session;
        if session.queued.get_untracked() || session.progress.with_untracked(Option::is_some) {
            // Being sent, or waiting in the outbox to be sent as it is: it can no longer be changed (the
            // flow's own Back is hidden too), so the check page stays and the address says so again.
            write_address(location, flow, Entry::Replace);
            return moves;
        }
        let asked = location
            .query_untracked(PARAM)
            .and_then(|id| Step::from_id(&id))
            .unwrap_or(Step::Category);
        let step = allowed(flow, asked);
        if step != step_now {
            flow.show(step);
        }
        // Further than the draft allows (or not a step): the address is corrected in place.
        write_address(location, flow, Entry::Replace);
        moves
    });
}

/// Writes the step on show into the address, unless the current entry already names it.
fn write_address(location: Location, flow: Flow, entry: Entry) {
    let (step, id) = flow.draft.with_untracked(|d| (d.step, d.id.clone()));
    let sent = flow.accepted.with_untracked(Option::is_some);
    // The confirmation and the first step share the form's own address: a reload of the confirmation
    // opens a new complaint, never the sent one's answers.
    let wanted = (!sent && step != Step::Category).then(|| step.id());
    let same_entry = location.query_untracked(PARAM).as_deref() == wanted
        && location.entry_state_untracked().as_deref() == Some(id.as_str());
    if !same_entry {
        location.set_query(PARAM, wanted, entry, &id);
    }
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.session_storage()) {
        let _ = match sent {
            false => storage.set_item(ON_SCREEN_KEY, &id),
            true => storage.remove_item(ON_SCREEN_KEY),
        };
    }
}

/// The draft this tab's form last had on screen.
fn on_screen_draft() -> Option<String> {
    web_sys::window()?
        .session_storage()
        .ok()??
        .get_item(ON_SCREEN_KEY)
        .ok()?
}

/// On arrival: the step the address names, once its draft is back (a reload in this tab), and no further than
/// the draft allows.
fn arrive(location: Location, flow: Flow, saver: DraftSaver, settled: RwSignal<bool>) {
    let Some(asked) = location
        .query_untracked(PARAM)
        .and_then(|id| Step::from_id(&id))
        .filter(|s| *s != Step::Category)
    else {
        // The form's own address (or one naming no step): the draft's step as it is; or, coming back by
        // our link from the tracker's page in this tab, the draft the form had on screen, at its step.
        let back = location
            .arrived_by_our_link()
            .then(on_screen_draft)
            .flatten()
            .filter(|id| flow.draft.with_untracked(|d| d.is_empty() && d.id != *id));
        match back {
            Some(id) => reopen(flow, saver, settled, id, None),
            None => settled.set(true),
        }
        return;
    };
    let reopen_id = location
        .entry_state_untracked()
        .filter(|id| flow.draft.with_untracked(|d| d.is_empty() && d.id != *id));
    let Some(id) = reopen_id else {
        settle(flow, asked, settled);
        return;
    };
    reopen(flow, saver, settled, id, Some(asked));
}

/// A reload, or a way back to the form: the draft `id` comes back from the store once it is open, at
/// `asked` (else its own step), as far as it allows.
fn reopen(flow: Flow, saver: DraftSaver, settled: RwSignal<bool>, id: String, asked: Option<Step>) {
    Effect::new(move |_| {
        if settled.get_untracked() || saver.status.get() == StorageStatus::Opening {
            return;
        }
        let found = saver.unfinished.find(&id);
        let Some(draft) = found else {
            settle(flow, asked.unwrap_or(Step::Category), settled);
            return;
        };
        saver.unfinished.clear();
        saver.spawn(async move {
            let step = draft.step;
            saver.restore(flow.session, draft).await;
            settle(flow, asked.unwrap_or(step), settled);
        });
    });
}

fn settle(flow: Flow, asked: Step, settled: RwSignal<bool>) {
    let step = allowed(flow, asked);
    if step != flow.draft.with_untracked(|d| d.step) {
        flow.show(step);
    }
    settled.set(true);
}

/// `asked`, or the first step still missing an answer if that comes before it; a step this complaint is not
/// asked (the residence question, for a category whose deadlines are the same everywhere) gives the next one.
fn allowed(flow: Flow, asked: Step) -> Step {
    let category = flow.draft.with_untracked(|d| d.category.clone());
    let category = category.and_then(|id| flow.config.with_value(|c| c.category(&id).cloned()));
    let asked = if asked.asked_for(category.as_ref()) {
        asked
    } else {
        asked
            .next_for(category.as_ref())
            .unwrap_or(Step::CheckAnswers)
    };
    let missing = flow.config.with_value(|config| {
        flow.draft
            .with_untracked(|d| first_incomplete(d, config, clock::today()))
    });
    match missing {
        Some((first, _)) if first.number() < asked.number() => first,
        _ => asked,
    }
}
