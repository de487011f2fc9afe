//! Two tabs on one draft: each save is announced on a BroadcastChannel, and a tab that hears another save
//! the draft it holds stops saving (rather than overwrite it) until the customer takes the newer copy.

use leptos::prelude::*;

use super::DraftSaver;
use crate::filing::flow::FilingSession;
use crate::tab_channel::use_tab_channel;

impl DraftSaver {
    /// Each save is announced on the store's channel `….drafts` as `[draft id, tab id]`.
    pub(super) fn listen_to_other_tabs(self, session: FilingSession) {
        let me = self.tab_id.get_value();
        let channel = use_tab_channel(&self.device.scope().name("drafts"), move |fields| {
            let [Some(draft_id), Some(tab)] = fields.as_slice() else {
                return;
            };
            if *tab != me && session.draft.with_untracked(|d| d.id == *draft_id) {
                self.stale.set(true);
            }
        });
        self.channel.set_value(Some(channel));
    }

    /// Takes the other tab's newer copy of this tab's draft, and resumes saving.
    pub fn load_latest(self, session: FilingSession) {
        let Some(store) = self.store() else {
            return;
        };
        let id = session.draft.with_untracked(|d| d.id.clone());
        self.spawn(async move {
            match store.get(&id).await {
                Ok(Some(latest)) => {
                    self.stale.set(false);
                    self.restore(session, latest).await;
                }
                // Gone (sent or discarded by the other tab): this tab stays stopped, nothing is overwritten.
                Ok(None) => super::log_failure("the newer draft is no longer stored", &id),
                Err(e) => super::log_failure("the newer draft could not be read", &e),
            }
        });
    }
}
