//! What delivering a complaint needs of the drafts, and nothing more: the courier holds a
//! [`DraftsForDelivery`], never the saver, so how drafts are saved can change without reading delivery.

use std::rc::Rc;

use complaint_domain::draft::Draft;
use leptos::prelude::Set;

use super::DraftSaver;
use crate::filing::flow::FilingSession;
use crate::services::drafts::DraftStore;

#[derive(Clone, Copy)]
pub struct DraftsForDelivery(DraftSaver);

impl DraftSaver {
    /// The drafts as the courier sees them.
    pub fn for_delivery(self) -> DraftsForDelivery {
        DraftsForDelivery(self)
    }
}

impl DraftsForDelivery {
    /// Complaint `id` was delivered: it is no longer a draft, on this device or in the offer.
    pub fn delivered(self, id: String) {
        self.0.forget(id);
    }

    /// The delivered complaint's receipt is on screen: the draft is not "changed in another tab" any more.
    pub fn receipt_shown(self) {
        self.0.other_tabs.stale.set(false);
    }

    /// Puts a complaint from the outbox back on screen (no longer offered as an unfinished draft), with
    /// whichever of its files the device still has.
    pub async fn bring_back(self, session: FilingSession, draft: Draft) {
        self.0.unfinished.withdraw(&draft.id);
        self.0.restore(session, draft).await;
    }

    /// The browser emptied the store while a complaint waited: its files go back in from memory.
    pub async fn put_files_back(self, store: Rc<DraftStore>, session: FilingSession) {
        self.0.files.write_all(store, session).await;
    }
}
