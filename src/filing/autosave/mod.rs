//! Keeps the filing session's draft in IndexedDB as the customer types (a moment after typing pauses, and at
//! once when the page is hidden or closed), and offers the last unfinished draft back on the next visit.
//! If storage is missing, blocked or never opens, the form works from memory and says so. If the device runs
//! out of space, the text goes to a `localStorage` copy and photos that do not fit stay in memory, listed in
//! `unsaved_files` so the customer is told. If the browser empties the store mid-draft, the store reopens and
//! what is in memory is written again.
//!
//! The pieces: `opening` (the store opened once, the last-moment copy folded in, the offer made), `saving`
//! (the save after a pause in typing, off the keystroke's frame), `leaving` (the page hidden, closed or
//! unmounted), `expiry` (drafts older than the organisation keeps them), `forgetting` (a draft deleted or
//! sent, everything cleared), `files` (the evidence files), `other_tabs` (two tabs on one draft),
//! `unfinished` (the drafts the resume offer offers) and `for_delivery` (the little the courier needs of
//! the drafts).

use std::future::Future;
use std::rc::Rc;

use complaint_domain::draft::Draft;
use leptos::prelude::*;

use super::flow::FilingSession;
use crate::device_store::DeviceStore;
pub use crate::device_store::StorageStatus;
use crate::services::device;
use crate::services::drafts::DraftStore;

mod expiry;
mod files;
mod for_delivery;
mod forgetting;
mod leaving;
mod opening;
mod other_tabs;
mod saving;
mod unfinished;

pub use files::EvidenceFiles;
pub use for_delivery::DraftsForDelivery;
pub use other_tabs::OtherTabs;
pub use unfinished::{offer_on_screen, UnfinishedDrafts, FIRST_DRAFTS};

#[derive(Clone, Copy)]
pub struct DraftSaver {
    /// The root's device store (this saver opens it).
    device: DeviceStore,
    /// The save waiting for typing to pause; cleared when the root unmounts.
    timer: StoredValue<Option<TimeoutHandle>>,
    /// When the draft last changed (ms since the epoch): the waiting save's timer reads it when it fires.
    changed_at: StoredValue<f64>,
    pub status: RwSignal<StorageStatus>,
    /// The organisation's draft lifetime, once its config has said (`drafts.expire_after_days`).
    expire_after_days: StoredValue<Option<u32>, LocalStorage>,
    /// Whether persistent storage has been asked for (once, when the first draft gets content).
    asked_to_persist: StoredValue<bool, LocalStorage>,
    /// An unfinished draft from an earlier visit, until the customer continues it or starts afresh.
    pub unfinished: UnfinishedDrafts,
    /// The device is out of space: the draft's text is kept in the `localStorage` copy instead.
    pub out_of_space: RwSignal<bool>,
    /// The other-tab watch: whether another tab has saved this draft since.
    pub other_tabs: OtherTabs,
    /// The draft's evidence files on the device.
    pub files: EvidenceFiles,
    /// Whether this root can show the form and so the offer (the widget, the filing page); the tracker's
    /// pages, another Wasm module, cannot, and do not read the stored drafts.
    offers_drafts: bool,
}

impl DraftSaver {
    /// Opens the store, looks for an unfinished draft, and starts saving `session`'s draft on every change.
    pub fn start(device: DeviceStore, session: FilingSession) -> DraftSaver {
        let saver = DraftSaver {
            device,
            timer: StoredValue::new(None),
            changed_at: StoredValue::new(0.0),
            asked_to_persist: StoredValue::new_local(false),
            expire_after_days: StoredValue::new_local(None),
            status: device.status,
            unfinished: UnfinishedDrafts::new(),
            out_of_space: RwSignal::new(false),
            other_tabs: OtherTabs::watch(device, session),
            files: EvidenceFiles::new(device),
            offers_drafts: crate::router::Location::form_here(),
        };
        provide_context(saver);
        saver.flush_when_unmounted(session);
        saver.spawn(saver.open(session));
        Effect::new(move |_| {
            session.draft.track();
            saver.schedule(session);
        });
        // The draft on screen is this root's: another widget of the page sharing the store does not offer it.
        // Only a new draft changes what is held, not each keystroke.
        let held = Memo::new(move |_| session.draft.with(|d| d.id.clone()));
        Effect::new(move |_| held.with(|id| device.hold(id)));
        saver.save_when_hidden(session);
        saver
    }

    /// Offers unfinished drafts back (newest first) unless the customer has already started on something else.
    fn offer(self, session: FilingSession, drafts: Vec<Draft>) {
        if let Some(drafts) = self.offerable(session, drafts) {
            self.unfinished.offer(drafts);
        }
    }

    /// `drafts` less those not to offer (the one on screen, one another root shows, one expired), or `None`
    /// when the customer has already started on something else.
    fn offerable(self, session: FilingSession, mut drafts: Vec<Draft>) -> Option<Vec<Draft>> {
        let (empty, current_id) = session
            .draft
            .with_untracked(|d| (d.is_empty(), d.id.clone()));
        drafts.retain(|d| self.may_offer(&current_id, &d.id, d.updated_at_ms));
        empty.then_some(drafts)
    }

    /// Whether the draft `id`, last changed at `updated_at_ms`, may be offered beside `current` (the one on
    /// screen): not that one, not one another root shows, not expired. Read whole or not
    /// ([`crate::services::drafts::StoredDraft`]), a draft is judged by this one rule.
    fn may_offer(self, current: &str, id: &str, updated_at_ms: f64) -> bool {
        // The lifetime read now: the form may have set it while the store was being read.
        let days = self.expire_after_days.get_value();
        id != current
            && !self.device.held_elsewhere(id)
            && days.is_none_or(|days| {
                !complaint_domain::draft::expired(updated_at_ms, device::now_ms(), days)
            })
    }

    /// Runs `task` while this saver's root is mounted (see [`crate::task::spawn_while_mounted`]).
    pub fn spawn(self, task: impl Future<Output = ()> + 'static) {
        crate::task::spawn_while_mounted(self.status, task);
    }

    /// Whether the store is open (reactive).
    pub fn is_ready(self) -> bool {
        self.device.is_ready()
    }

    /// The open store, once it is open.
    pub fn store(self) -> Option<Rc<DraftStore>> {
        self.device.get()
    }

    /// The root's device store.
    pub fn device(self) -> DeviceStore {
        self.device
    }

    /// The scope of the root's store (its channels' names).
    pub fn scope(self) -> crate::services::store_scope::StoreScope {
        self.device.scope()
    }

    /// Makes `draft` the session's draft, with whichever of its files the device still has.
    pub async fn restore(self, session: FilingSession, mut draft: Draft) {
        let mut files = Vec::new();
        if let Some(store) = self.store() {
            for meta in &draft.attachments {
                match store.get_file(&meta.id).await {
                    Ok(Some(blob)) => files.push((meta.id.clone(), blob)),
                    Ok(None) => {}
                    // The file leaves the draft (the customer sees it is not attached, and can add it again).
                    Err(e) => log_failure("an evidence file could not be read", &e),
                }
            }
        }
        draft
            .attachments
            .retain(|a| files.iter().any(|(id, _)| *id == a.id));
        session.show_draft(draft, files);
    }
}

/// A store failure, for whoever reads the console: what could not be done, and why.
pub(crate) fn log_failure(what: &str, error: &dyn std::fmt::Display) {
    web_sys::console::warn_1(&format!("{what}: {error}").into());
}

pub fn use_saver() -> Option<DraftSaver> {
    crate::root_context::from_root::<DraftSaver>()
}
