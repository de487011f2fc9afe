//! Two tabs on one draft: each save is announced on the store's channel, and a tab that hears another save
//! the draft it holds stops saving (rather than overwrite it) until the customer takes the newer copy.

use leptos::prelude::*;

use super::DraftSaver;
use crate::device_store::DeviceStore;
use crate::filing::flow::FilingSession;
use crate::services::device;
use crate::tab_channel::{use_tab_channel, TabChannel};

/// The other-tab watch of one root.
#[derive(Clone, Copy)]
pub struct OtherTabs {
    /// Another tab has saved the draft this tab holds: this tab stops saving rather than overwrite it.
    pub stale: RwSignal<bool>,
    /// The store's channel `….drafts`; a message is `[draft id, tab id]`.
    channel: TabChannel,
    tab_id: StoredValue<String>,
}

impl OtherTabs {
    /// Listens, for as long as the root is mounted, for other tabs saving `session`'s draft.
    pub fn watch(device: DeviceStore, session: FilingSession) -> OtherTabs {
        let stale = RwSignal::new(false);
        let me = device::new_uuid();
        let channel = use_tab_channel(&device.scope().name("drafts"), {
            let me = me.clone();
            move |fields| {
                let [Some(draft_id), Some(tab)] = fields.as_slice() else {
                    return;
                };
                if *tab != me && session.draft.with_untracked(|d| d.id == *draft_id) {
                    stale.set(true);
                }
            }
        });
        OtherTabs {
            stale,
            channel,
            tab_id: StoredValue::new(me),
        }
    }

    /// Tells the other tabs this one has just saved draft `id`.
    pub fn announce(self, id: &str) {
        if let Some(tab) = self.tab_id.try_get_value() {
            self.channel.post(&[Some(id), Some(tab.as_str())]);
        }
    }
}

impl DraftSaver {
    /// Takes the other tab's newer copy of this tab's draft, and resumes saving.
    pub fn load_latest(self, session: FilingSession) {
        let Some(store) = self.store() else {
            return;
        };
        let id = session.draft.with_untracked(|d| d.id.clone());
        self.spawn(async move {
            match store.get(&id).await {
                Ok(Some(latest)) => {
                    self.other_tabs.stale.set(false);
                    self.restore(session, latest).await;
                }
                // Gone (sent or discarded by the other tab): this tab stays stopped, nothing is overwritten.
                Ok(None) => super::log_failure("the newer draft is no longer stored", &id),
                Err(e) => super::log_failure("the newer draft could not be read", &e),
            }
        });
    }
}
