//! A draft deleted by the customer or sent, and "Clear everything stored on this device".

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::DraftSaver;
use crate::filing::flow::FilingSession;
use crate::services::snapshot;

impl DraftSaver {
    /// Deletes one offered draft for good.
    pub fn discard(self, id: String) {
        self.unfinished.withdraw(&id);
        self.forget(id);
    }

    /// Removes a draft that has been sent.
    pub fn forget(self, id: String) {
        snapshot::discard(&self.device.scope(), &id);
        let Some(store) = self.store() else {
            return;
        };
        spawn_local(async move {
            if let Err(e) = store.delete(&id).await {
                web_sys::console::warn_1(&format!("a sent draft could not be removed: {e}").into());
            }
        });
    }

    /// "Clear everything stored on this device": drafts, files, the outbox and settings; the form starts afresh.
    pub fn clear_everything(self, session: FilingSession) {
        snapshot::clear_all();
        self.unfinished.clear();
        self.files.unsaved.set(Vec::new());
        self.out_of_space.set(false);
        session.start_afresh();
        let Some(store) = self.store() else {
            return;
        };
        spawn_local(async move {
            if let Err(e) = store.clear_all().await {
                web_sys::console::warn_1(
                    &format!("the device store could not be cleared: {e}").into(),
                );
            }
        });
    }
}
