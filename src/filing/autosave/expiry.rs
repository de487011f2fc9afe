//! Drafts left untouched for longer than the organisation keeps them (`drafts.expire_after_days`) are
//! deleted, except the one being written and any waiting in the outbox.

use complaint_domain::draft::Draft;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::DraftSaver;
use crate::filing::flow::FilingSession;
use crate::services::device;
use crate::services::drafts::{DraftStore, StoredDraft};

impl DraftSaver {
    /// Deletes drafts left untouched for longer than `days` (now, or as soon as the store is open).
    pub fn expire_after(self, days: u32, session: FilingSession) {
        self.expire_after_days.set_value(Some(days));
        // Expired drafts leave the offer at once; the store is pruned in the background.
        self.unfinished
            .retain(|d| !d.is_expired(device::now_ms(), days));
        let Some(store) = self.store() else {
            return;
        };
        let current = session.draft.with_untracked(|d| d.id.clone());
        spawn_local(async move {
            // Without the outbox, a waiting complaint cannot be told from an old draft: nothing is removed then.
            if let Some(stored) = not_waiting(&store).await {
                let mut drafts = stored.iter().filter_map(StoredDraft::read).collect();
                drop_expired(&store, &mut drafts, days, &current).await;
            }
        });
    }
}

/// Deletes the expired ones of `drafts` (read by [`not_waiting`]) from the store, and from `drafts`.
pub(super) async fn drop_expired(
    store: &DraftStore,
    drafts: &mut Vec<Draft>,
    days: u32,
    current: &str,
) {
    let now = device::now_ms();
    let mut kept = Vec::with_capacity(drafts.len());
    for draft in drafts.drain(..) {
        if !draft.is_expired(now, days) || draft.id == current {
            kept.push(draft);
        } else if let Err(e) = store.delete(&draft.id).await {
            web_sys::console::warn_1(&format!("an expired draft could not be removed: {e}").into());
        }
    }
    *drafts = kept;
}

/// Stored drafts, newest first and not yet read whole, except those waiting in the outbox (they are
/// complaints being sent, not drafts); `None` when the store cannot say (the failure is logged).
pub(super) async fn not_waiting(store: &DraftStore) -> Option<Vec<StoredDraft>> {
    let read = async {
        Ok::<_, crate::services::drafts::StoreError>((
            store.outbox().await?,
            store.all_stored().await?,
        ))
    };
    match read.await {
        Ok((waiting, mut drafts)) => {
            drafts.retain(|d| !waiting.iter().any(|e| e.id == d.id));
            Some(drafts)
        }
        Err(e) => {
            web_sys::console::warn_1(&format!("the saved drafts could not be read: {e}").into());
            None
        }
    }
}
