//! The save after a pause in typing: a keystroke's own frame only notes the time of the change; one timer
//! per burst of typing serialises and writes the draft once the pause is long enough, never on the keystroke.

use std::time::Duration;

use complaint_domain::draft::Draft;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{DraftSaver, StorageStatus};
use crate::filing::flow::FilingSession;
use crate::services::drafts::StoreError;
use crate::services::{device, snapshot};

/// The pause in typing after which the draft is written. Short enough that the draft is committed within
/// 400 ms of the last key even on a slow phone (the write itself takes tens of milliseconds there), long
/// enough that a steady typist (a key every 150–200 ms) does not write on every key.
const DEBOUNCE: Duration = Duration::from_millis(250);

impl DraftSaver {
    /// The draft changed: it is saved once it has not changed for [`DEBOUNCE`]. A timer already waiting is
    /// left alone (it waits out the rest of the pause when it fires), so typing does not clear and set a
    /// browser timer on every key.
    pub(super) fn schedule(self, session: FilingSession) {
        self.changed_at.set_value(device::now_ms());
        if self.timer.with_value(Option::is_none) {
            self.wait(session, DEBOUNCE);
        }
    }

    fn wait(self, session: FilingSession, pause: Duration) {
        let fire = move || {
            let full = DEBOUNCE.as_secs_f64() * 1000.0;
            let quiet = device::now_ms() - self.changed_at.get_value();
            if quiet < full {
                // Changed since the timer was set: wait for the rest (a clock set back waits a full pause).
                let rest = (full - quiet).clamp(1.0, full);
                self.wait(session, Duration::from_millis(rest.ceil() as u64));
            } else {
                self.timer.set_value(None);
                self.save_now(session);
            }
        };
        self.timer
            .set_value(set_timeout_with_handle(fire, pause).ok());
    }

    /// Asks the browser not to evict the drafts under storage pressure. Chromium decides silently; others
    /// may ask the customer, which is why it waits until there is something worth keeping.
    fn ask_to_persist(self) {
        if self.asked_to_persist.get_value() {
            return;
        }
        self.asked_to_persist.set_value(true);
        if let Some(window) = web_sys::window() {
            if let Ok(promise) = window.navigator().storage().persist() {
                spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                });
            }
        }
    }

    /// Writes the current draft at once (an empty draft is not worth keeping).
    pub fn save_now(self, session: FilingSession) {
        let Some(store) = self.store() else {
            return;
        };
        // A complaint in the outbox is final: saving it again would only make another tab think it changed.
        if session.draft.with_untracked(Draft::is_empty)
            || session.accepted.with_untracked(Option::is_some)
            || session.queued.get_untracked()
            || self.other_tabs.stale.get_untracked()
        {
            return;
        }
        let draft = session.draft.get_untracked();
        self.ask_to_persist();
        let other_tabs = self.other_tabs;
        self.spawn(async move {
            match store.put(&draft).await {
                Ok(()) => {
                    other_tabs.announce(&draft.id);
                    if self.out_of_space.get_untracked() {
                        self.out_of_space.set(false);
                        snapshot::discard(&self.device.scope(), &draft.id);
                    }
                    if self.status.get_untracked() != StorageStatus::Ready {
                        self.status.set(StorageStatus::Ready);
                    }
                    if self.files.store_was_emptied(&store) {
                        // The browser emptied the store under us: the files in memory go back in too.
                        self.files.write_all(store, session).await;
                    }
                }
                Err(e) => self.keep_aside(&draft, &e),
            }
        });
    }

    /// IndexedDB refused the draft: keep its text in the `localStorage` copy, and say which safety net is left.
    fn keep_aside(self, draft: &Draft, error: &StoreError) {
        web_sys::console::warn_1(&format!("the draft could not be saved: {error}").into());
        if snapshot::keep(&self.device.scope(), draft) {
            self.out_of_space.set(*error == StoreError::Full);
        } else {
            // Nothing on the device holds it now: the customer must know it lives only in this page.
            self.status.set(StorageStatus::Unavailable);
        }
    }
}
