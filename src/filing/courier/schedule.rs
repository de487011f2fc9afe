//! What a new visit brings back from the complaints' outbox (a waiting complaint, one refused while it
//! waited), "Open it" for a refused one, and putting an entry back if the browser emptied the store. When
//! the waiting complaints are tried is the outbox's (`crate::delivery`).

use std::rc::Rc;

use complaint_domain::outbox::OutboxEntry;
use leptos::prelude::*;

use super::Courier;
use crate::delivery::log_failure;
use crate::services::drafts::DraftStore;

impl Courier {
    /// On a new visit: a complaint still waiting is shown again (if nothing else is being written) and tried;
    /// one the organisation refused while it waited is brought back with the reason, wherever the customer
    /// is, so it is never dropped unseen.
    pub(super) async fn resume_waiting(self) {
        let Some(store) = self.device.get() else {
            return;
        };
        let waiting = match store.outbox().await {
            Ok(waiting) => waiting,
            Err(e) => {
                log_failure("the outbox could not be read", &e);
                return;
            }
        };
        let (refused, waiting): (Vec<OutboxEntry>, Vec<OutboxEntry>) = waiting
            .into_iter()
            .partition(|e| e.attempts.refused.is_some());
        if let Some(entry) = refused.into_iter().next() {
            if self.session.draft.with_untracked(|d| d.is_empty()) {
                self.open_refused(entry).await;
            } else {
                self.session.tell_refused_elsewhere(true);
            }
        } else if let Some(entry) = waiting.iter().find(|e| !self.device.held_elsewhere(&e.id)) {
            if self.session.draft.with_untracked(|d| d.is_empty()) {
                match store.get(&entry.id).await {
                    Ok(Some(draft)) => {
                        self.drafts.bring_back(self.session, draft).await;
                        self.session.waiting();
                    }
                    Ok(None) => log_failure("a waiting complaint has no draft", &entry.id),
                    Err(e) => log_failure("a waiting complaint could not be read", &e),
                }
            }
        }
        if !waiting.is_empty() {
            self.flush(true);
        }
    }

    /// "Open it": the refused complaint on screen at Check your answers, with the organisation's reason. The
    /// draft being written meanwhile stays saved on the device and is offered again later.
    pub fn show_refused(self) {
        self.outbox.spawn(async move {
            let Some(store) = self.device.get() else {
                return;
            };
            let refused = match store.outbox().await {
                Ok(waiting) => waiting.into_iter().find(|e| e.attempts.refused.is_some()),
                Err(e) => {
                    log_failure("the outbox could not be read", &e);
                    return;
                }
            };
            match refused {
                Some(entry) => self.open_refused(entry).await,
                None => self.session.tell_refused_elsewhere(false),
            }
        });
    }

    pub(super) async fn open_refused(self, entry: OutboxEntry) {
        let Some(store) = self.device.get() else {
            return;
        };
        let Some(refused) = entry.attempts.refused.clone() else {
            return;
        };
        match store.get(&entry.id).await {
            Ok(Some(draft)) => {
                self.drafts.bring_back(self.session, draft).await;
                self.session.refused(refused);
                if let Err(e) = store.unqueue(&entry.id).await {
                    log_failure("the refused complaint could not leave the outbox", &e);
                }
                self.session.tell_refused_elsewhere(false);
            }
            Ok(None) => log_failure("a refused complaint has no draft", &entry.id),
            Err(e) => log_failure("the refused complaint could not be read", &e),
        }
    }

    /// The browser emptied the store (site data cleared, storage evicted) while this tab still shows its
    /// complaint waiting: the entry, its draft and its files go back in from memory before the outbox is read.
    pub(super) async fn restore_if_lost(self, store: &Rc<DraftStore>) {
        let Some(entry) = self.pending.get_value() else {
            return;
        };
        if !self.session.queued.get_untracked() || !self.is_current(&entry.id) {
            return;
        }
        match store.waiting(&entry.id).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                let draft = self.session.draft.get_untracked();
                let put_back = match store.put(&draft).await {
                    Ok(()) => store.queue(&entry).await,
                    Err(e) => Err(e),
                };
                match put_back {
                    Ok(()) => {
                        self.drafts
                            .put_files_back(store.clone(), self.session)
                            .await
                    }
                    Err(e) => log_failure("the waiting complaint could not be put back", &e),
                }
            }
            Err(e) => log_failure("the outbox could not be read", &e),
        }
    }
}
