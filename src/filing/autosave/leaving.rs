//! The page may be about to go (hidden, closed, or the widget unmounted by its host): a synchronous copy in
//! `localStorage` as well as the usual save, so nothing typed is lost even if the write never commits.
//!
//! When the page is hidden or goes, the usual save waits for a task of its own. WebKit freezes a page
//! entering its back-forward cache in the task that fires `visibilitychange` and `pagehide`; an IndexedDB
//! transaction begun there never commits, and keeps the store locked for every later page of the site
//! until the frozen one is evicted: the next visit could neither read nor save a draft. A task of its own
//! runs where the page stays (at once when it was only hidden, or when it comes back from the cache), never
//! in a page that has gone, whose copy in `localStorage` the next visit folds in.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::DraftSaver;
use crate::filing::flow::FilingSession;
use crate::services::snapshot;

impl DraftSaver {
    /// Unmounted (a widget removed by its host): a save still waiting for typing to pause is written to the
    /// synchronous copy now, and the next mount folds it into the store.
    pub(super) fn flush_when_unmounted(self, session: FilingSession) {
        on_cleanup(move || {
            if let Some(Some(pending)) = self.timer.try_update_value(Option::take) {
                pending.clear();
                self.save_before_leaving(session);
            }
        });
    }

    /// The widget is being unmounted: a synchronous copy as well as the usual save.
    fn save_before_leaving(self, session: FilingSession) {
        self.keep_copy(session);
        self.save_now(session);
    }

    /// The page is hidden or goes: a synchronous copy now, the usual save in a task of its own (see above).
    fn save_on_hiding(self, session: FilingSession) {
        self.keep_copy(session);
        set_timeout(
            move || {
                if !self.status.is_disposed() {
                    self.save_now(session);
                }
            },
            Duration::ZERO,
        );
    }

    /// The synchronous copy in `localStorage` of a draft worth keeping.
    fn keep_copy(self, session: FilingSession) {
        let worth_keeping = session.draft.with_untracked(|d| !d.is_empty())
            && session.accepted.with_untracked(Option::is_none);
        if worth_keeping {
            let scope = self.device.scope();
            session.draft.with_untracked(|d| snapshot::keep(&scope, d));
        }
    }

    /// Saves when the page is hidden or goes; both listeners are removed when the root unmounts.
    pub(super) fn save_when_hidden(self, session: FilingSession) {
        let on_pagehide =
            window_event_listener(leptos::ev::pagehide, move |_| self.save_on_hiding(session));
        let on_hide = Closure::<dyn Fn()>::new(move || {
            if document().visibility_state() == web_sys::VisibilityState::Hidden {
                self.save_on_hiding(session);
            }
        });
        let _ = document()
            .add_event_listener_with_callback("visibilitychange", on_hide.as_ref().unchecked_ref());
        let on_hide = StoredValue::new_local(Some(on_hide));
        on_cleanup(move || {
            on_pagehide.remove();
            if let Some(Some(listener)) = on_hide.try_update_value(Option::take) {
                let _ = document().remove_event_listener_with_callback(
                    "visibilitychange",
                    listener.as_ref().unchecked_ref(),
                );
            }
        });
    }
}
