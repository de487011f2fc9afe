//! Evidence files beside the draft: kept in IndexedDB as Blobs; one the device refuses (out of space) stays
//! attached in memory and is listed for the customer, and is tried again when room is made or the store is
//! emptied and reopened.

use std::rc::Rc;

use leptos::prelude::*;

use super::log_failure;
use crate::device_store::DeviceStore;
use crate::filing::flow::FilingSession;
use crate::services::drafts::{DraftStore, StoreError, StoredFile};

/// An evidence file kept only in memory: the device refused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsavedFile {
    pub id: String,
    /// Refused for want of space (rather than for another reason).
    pub no_room: bool,
}

/// The draft's evidence files on the root's device store.
#[derive(Clone, Copy)]
pub struct EvidenceFiles {
    device: DeviceStore,
    /// Evidence files the device would not keep; they are still attached, in memory.
    pub unsaved: RwSignal<Vec<UnsavedFile>>,
    /// The store's reopen count when files were last written: a change means the browser emptied it.
    written_at_reopen: StoredValue<u32>,
}

impl EvidenceFiles {
    pub fn new(device: DeviceStore) -> EvidenceFiles {
        EvidenceFiles {
            device,
            unsaved: RwSignal::new(Vec::new()),
            written_at_reopen: StoredValue::new(0),
        }
    }

    /// Keeps an evidence file with its draft. One the device refuses stays in memory and is listed in
    /// `unsaved`.
    pub async fn save_file(self, id: String, draft_id: String, blob: web_sys::Blob) {
        if let Some(store) = self.device.get() {
            self.keep(&store, StoredFile { id, draft_id, blob }).await;
        }
    }

    async fn keep(self, store: &DraftStore, file: StoredFile) {
        let result = store.put_file(&file).await;
        if let Err(e) = &result {
            log_failure("the file could not be saved", e);
        }
        let listed = self
            .unsaved
            .try_with_untracked(|u| u.iter().any(|f| f.id == file.id))
            .unwrap_or(false);
        if listed || result.is_err() {
            self.unsaved.try_update(|unsaved| {
                unsaved.retain(|f| f.id != file.id);
                if let Err(e) = &result {
                    unsaved.push(UnsavedFile {
                        id: file.id.clone(),
                        no_room: *e == StoreError::Full,
                    });
                }
            });
        }
    }

    /// Whether the browser has emptied and reopened the store since the files were last written.
    pub fn store_was_emptied(self, store: &DraftStore) -> bool {
        store.reopened() != self.written_at_reopen.get_value()
    }

    /// Writes every evidence file held in memory for the session's draft.
    pub(crate) async fn write_all(self, store: Rc<DraftStore>, session: FilingSession) {
        self.written_at_reopen.set_value(store.reopened());
        let draft_id = session.draft.with_untracked(|d| d.id.clone());
        for (id, blob) in session.files.get_value() {
            let draft_id = draft_id.clone();
            self.keep(&store, StoredFile { id, draft_id, blob }).await;
        }
    }

    /// Removes a file; the room it took may be enough for those the device refused before.
    pub fn delete_file(self, id: String, session: FilingSession) {
        self.unsaved.update(|u| u.retain(|f| f.id != id));
        let Some(store) = self.device.get() else {
            return;
        };
        crate::task::spawn_while_mounted(self.unsaved, async move {
            if let Err(e) = store.delete_file(&id).await {
                // It stays on the device until the draft goes; no room was made for the others.
                log_failure("a removed file could not be deleted", &e);
                return;
            }
            let waiting: Vec<String> = self
                .unsaved
                .with_untracked(|u| u.iter().map(|f| f.id.clone()).collect());
            let draft_id = session.draft.with_untracked(|d| d.id.clone());
            for (id, blob) in session.files.get_value() {
                if waiting.contains(&id) {
                    let draft_id = draft_id.clone();
                    self.keep(&store, StoredFile { id, draft_id, blob }).await;
                }
            }
        });
    }
}
