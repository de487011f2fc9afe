//! The resume offer's state: the unfinished drafts from earlier visits that the autosave found, and whether
//! the offer is on screen. The offer itself (`filing/resume_offer.rs`) draws it.

use complaint_domain::draft::Draft;
use complaint_domain::steps::Step;
use leptos::prelude::*;

use super::DraftSaver;
use crate::filing::flow::Flow;

/// The resume offer's state: unfinished drafts from earlier visits (newest first), until the customer
/// continues one, deletes it or starts afresh. The autosave fills it once the store is open: the newest
/// few at once, with how many more there are, and the rest a frame later ([`UnfinishedDrafts::offer_rest`]);
/// the courier withdraws a draft it brings back itself (a complaint waiting to be sent, or refused).
#[derive(Clone, Copy)]
pub struct UnfinishedDrafts {
    drafts: RwSignal<Vec<Draft>>,
    /// Drafts counted but not read yet: "Show all N" counts them before they are in the list.
    more: RwSignal<usize>,
}

impl UnfinishedDrafts {
    pub fn new() -> UnfinishedDrafts {
        UnfinishedDrafts {
            drafts: RwSignal::new(Vec::new()),
            more: RwSignal::new(0),
        }
    }

    /// Offers `drafts`, in place of anything offered before.
    pub fn offer(self, drafts: Vec<Draft>) {
        self.offer_first(drafts, 0);
    }

    /// Offers the newest `drafts` now, and counts `more` to come with [`UnfinishedDrafts::offer_rest`].
    pub fn offer_first(self, drafts: Vec<Draft>, more: usize) {
        self.drafts.set(drafts);
        self.more.set(more);
    }

    /// The drafts counted by [`UnfinishedDrafts::offer_first`], read now, after those offered; nothing if
    /// the offer was closed meanwhile (continued, started afresh, cleared).
    pub fn offer_rest(self, rest: Vec<Draft>) {
        if self.more.get_untracked() == 0 {
            return;
        }
        self.more.set(0);
        self.drafts.update(|drafts| {
            let fresh: Vec<Draft> = rest
                .into_iter()
                .filter(|d| !drafts.iter().any(|o| o.id == d.id))
                .collect();
            drafts.extend(fresh);
        });
    }

    /// Draft `id` is no longer offered.
    pub fn withdraw(self, id: &str) {
        self.drafts.update(|drafts| drafts.retain(|d| d.id != id));
    }

    /// Only the drafts `keep` says are offered still.
    pub fn retain(self, keep: impl Fn(&Draft) -> bool) {
        self.drafts.update(|drafts| drafts.retain(|d| keep(d)));
    }

    /// Nothing is offered any more.
    pub fn clear(self) {
        self.more.set(0);
        self.drafts.set(Vec::new());
    }

    /// The offered draft `id`, if it is offered.
    pub fn find(self, id: &str) -> Option<Draft> {
        self.drafts
            .with_untracked(|drafts| drafts.iter().find(|d| d.id == id).cloned())
    }

    /// Whether anything is offered (reactive).
    pub fn any(self) -> bool {
        self.drafts.with(|d| !d.is_empty())
    }

    /// The offered drafts (reactive).
    pub fn list(self) -> Vec<Draft> {
        self.drafts.get()
    }

    /// The newest `limit` offered drafts (reactive).
    pub fn newest(self, limit: usize) -> Vec<Draft> {
        self.drafts
            .with(|d| d.iter().take(limit).cloned().collect())
    }

    /// How many drafts are offered, those still to be read included (reactive).
    pub fn count(self) -> usize {
        self.drafts.with(Vec::len) + self.more.get()
    }
}

impl Default for UnfinishedDrafts {
    fn default() -> Self {
        UnfinishedDrafts::new()
    }
}

/// How many drafts the offer shows before "Show all": the newest, about a phone's screenful and a little more.
/// A customer with many drafts almost always wants one of the last few; the rest are one tap away.
pub const FIRST_DRAFTS: usize = 5;

/// Whether the resume offer is on screen (reactive): on the first step, before the customer has chosen or
/// typed anything, while drafts from earlier visits are offered.
pub fn offer_on_screen(saver: DraftSaver, flow: Flow) -> bool {
    saver.unfinished.any()
        && flow.accepted.with(Option::is_none)
        && flow
            .draft
            .with(|d| d.step == Step::Category && d.is_empty())
}
