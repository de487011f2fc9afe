//! The store opened once per root: a last-moment copy left in `localStorage` (the page closed before its
//! save, or the device was full) folded in, the stored drafts read once for both the expiry and the offer,
//! and whatever was typed while it opened saved.

use std::rc::Rc;

use complaint_domain::draft::Draft;

use leptos::prelude::*;

use super::expiry::{drop_expired, not_waiting};
use super::FIRST_DRAFTS;
use super::{log_failure, DraftSaver, StorageStatus};
use crate::filing::flow::FilingSession;
use crate::services::drafts::{DraftStore, StoreError, StoredDraft};
use crate::services::snapshot;
use crate::task::after_paint;

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
        // removed (not_waiting logs it). Pages that show no form (the tracker's) read none: they offer
        // nothing, and the filing page expires them.
        let stored = if self.offers_drafts {
            not_waiting(&store).await.unwrap_or_default()
        } else {
            Vec::new()
        };
        // The newest few first, read whole and offered at once with how many more there are; the rest are
        // read after the frame that shows them (reading 200 whole drafts held the offer ~50 ms at CPU ×4).
        let current = session.draft.with_untracked(|d| d.id.clone());
        let aside = kept_aside.as_ref().map(|copy| copy.id.clone());
        let candidate = |s: &&StoredDraft| {
            Some(&s.id) != aside.as_ref() && self.may_offer(&current, &s.id, s.updated_at_ms)
        };
        let mut first = Vec::new();
        // Those read now, offered or not: the rest must not bring back one deleted from the offer meanwhile.
        let mut examined: Vec<String> = aside.iter().cloned().collect();
        for s in stored.iter().filter(candidate) {
            if first.len() == FIRST_DRAFTS {
                break;
            }
            examined.push(s.id.clone());
            first.extend(s.read().filter(|d| !d.is_empty()));
        }
        let more = stored
            .iter()
            .filter(candidate)
            .filter(|s| !examined.contains(&s.id))
            .count();
        if let Some(copy) = kept_aside.as_ref().filter(|copy| !copy.is_empty()) {
            newest_first(&mut first, copy.clone());
        }
        if let Some(first) = self.offerable(session, first) {
            self.unfinished.offer_first(first, more);
        }
        after_paint().await;
        let mut unfinished: Vec<Draft> = stored.iter().filter_map(StoredDraft::read).collect();
        if let Some(days) = self.expire_after_days.get_value() {
            let current = session.draft.with_untracked(|d| d.id.clone());
            drop_expired(&store, &mut unfinished, days, &current).await;
        }
        unfinished.retain(|d| !d.is_empty() && !examined.contains(&d.id));
        self.status.set(StorageStatus::Ready);
        // Started on something else meanwhile: nothing more to offer.
        self.unfinished
            .offer_rest(self.offerable(session, unfinished).unwrap_or_default());
        // Anything typed or attached while the store was opening is saved now.
        self.save_now(session);
        self.files.write_all(store, session).await;
    }
}

/// Puts `draft` among `drafts` (newest first) where its time says, in place of any copy of it.
fn newest_first(drafts: &mut Vec<Draft>, draft: Draft) {
    drafts.retain(|d| d.id != draft.id);
    let at = drafts
        .iter()
        .position(|d| d.updated_at_ms < draft.updated_at_ms)
        .unwrap_or(drafts.len());
    drafts.insert(at, draft);
}
