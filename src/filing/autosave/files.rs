//! Evidence files beside the draft: kept in IndexedDB as Blobs; one the device refuses (out of space) stays
//! attached in memory and is listed for the customer, and is tried again when room is made or the store is
//! emptied and reopened.

use std::rc::Rc;

use leptos::prelude::*;

use super::DraftSaver;
use crate::filing::flow::FilingSession;
use crate::services::drafts::{DraftStore, StoreError, StoredFile};

/// An evidence file kept only in memory: the device refused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsavedFile {
    pub id: String,
    /// Refused for want of space (rather than for another reason).
    pub no_room: bool,
}

impl DraftSaver {
    /// Keeps an evidence file with its draft. One the device refuses stays in memory and is listed in
    /// `unsaved_files`.
    pub async fn save_file(self, id: String, draft_id: String, blob: web_sys::Blob) {
        if let Some(store) = self.store() {
            self.keep_file(&store, StoredFile { id, draft_id, blob })
                .await;
        }
    }

    pub(super) async fn keep_file(self, store: &DraftStore, file: StoredFile) {
        let result = store.put_file(&file).await;
        if let Err(e) = &result {
            web_sys::console::warn_1(&format!("the file could not be saved: {e}").into());
        }
        let listed = self
            .unsaved_files
            .with_untracked(|u| u.iter().any(|f| f.id == file.id));
        if listed || result.is_err() {
            self.unsaved_files.update(|unsaved| {
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

    /// Writes every evidence file held in memory for the session's draft.
    pub(crate) async fn write_files(self, store: Rc<DraftStore>, session: FilingSession) {
        self.files_written_at_reopen.set_value(store.reopened());
        let draft_id = session.draft.with_untracked(|d| d.id.clone());
        for (id, blob) in session.files.get_value() {
            let draft_id = draft_id.clone();
            self.keep_file(&store, StoredFile { id, draft_id, blob })
                .await;
        }
    }

    /// Removes a file; the room it took may be enough for those the device refused before.
    pub fn delete_file(self, id: String, session: FilingSession) {
        self.unsaved_files.update(|u| u.retain(|f| f.id != id));
        let Some(store) = self.store() else { return };
        self.spawn(async move {
            if store.delete_file(&id).await.is_err() {
                return;
            }
            let waiting: Vec<String> = self
                .unsaved_files
                .with_untracked(|u| u.iter().map(|f| f.id.clone()).collect());
            let draft_id = session.draft.with_untracked(|d| d.id.clone());
            for (id, blob) in session.files.get_value() {
                if waiting.contains(&id) {
                    let draft_id = draft_id.clone();
                    self.keep_file(&store, StoredFile { id, draft_id, blob })
                        .await;
                }
            }
        });
    }
}
