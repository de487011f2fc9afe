//! The store opened once per root: a last-moment copy left in `localStorage` (the page closed before its
//! save, or the device was full) folded in, the stored drafts read once for both the expiry and the offer,
//! and whatever was typed while it opened saved.

use std::rc::Rc;

use leptos::prelude::*;

use super::expiry::{drop_expired, not_waiting};
use super::{log_failure, DraftSaver, StorageStatus};
use crate::filing::flow::FilingSession;
use crate::services::drafts::{DraftStore, StoreError};
use crate::services::snapshot;

/// Past this the form is usable without storage (an `open()` that never settles must not block the customer).
const OPEN_TIMEOUT_MS: i32 = 1_500;

impl DraftSaver {
    pub(super) async fn open(self, session: FilingSession) {
        let scope = self.device.scope();
        let last_moment = snapshot::peek(&scope);
        let store = match DraftStore::open_within(&scope.database(), OPEN_TIMEOUT_MS).await {
            Ok(store) => store,
            Err(e) => {
                web_sys::console::warn_1(&format!("drafts are kept in memory only: {e}").into());
                self.status.set(StorageStatus::Unavailable);
                self.offer(
                    session,
                    last_moment.into_iter().filter(|d| !d.is_empty()).collect(),
                );
                return;
            }
        };
        let mut kept_aside = None;
        if let Some(copy) = last_moment {
            // Unreadable: the copy is written over it (it is the customer's latest).
            let stored = store.get(&copy.id).await.unwrap_or_else(|e| {
                log_failure("the stored draft could not be read", &e);
                None
            });
            let newer = stored.is_none_or(|s| s.revision < copy.revision);
            let folded = if newer {
                store.put(&copy).await
            } else {
                Ok(())
            };
            match folded {
                Ok(()) => snapshot::discard(&scope, &copy.id),
                // Still no room: the copy stays in `localStorage` and is offered from there.
                Err(e) => {
                    self.out_of_space.set(e == StoreError::Full);
                    kept_aside = Some(copy);
                }
            }
        }
        // The store is shared first, so an expiry set meanwhile by the form is never missed.
        let store = Rc::new(store);
        self.device.opened(store.clone());
        // Read once, for the expiry and the offer alike. Unreadable now: no offer this visit, and nothing is
        // removed (not_waiting logs it).
        let mut unfinished = not_waiting(&store).await.unwrap_or_default();
        if let Some(days) = self.expire_after_days.get_value() {
            let current = session.draft.with_untracked(|d| d.id.clone());
            drop_expired(&store, &mut unfinished, days, &current).await;
        }
        if let Some(copy) = kept_aside {
            unfinished.retain(|d| d.id != copy.id);
            // Newest first, like the rest of the list.
            let at = unfinished
                .iter()
                .position(|d| d.updated_at_ms < copy.updated_at_ms)
                .unwrap_or(unfinished.len());
            unfinished.insert(at, copy);
        }
        unfinished.retain(|d| !d.is_empty());
        self.status.set(StorageStatus::Ready);
        self.offer(session, unfinished);
        // Anything typed or attached while the store was opening is saved now.
        self.save_now(session);
        self.files.write_all(store, session).await;
    }
}
