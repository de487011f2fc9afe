//! `use_wake_up`: what wakes the delivery outbox without the customer asking — the phone back online, and
//! the moment its next waiting item falls due. One per kind of the outbox (`crate::delivery`). Both the
//! `online` listener and the timer belong to the current root and are released when it is cleaned up, so a
//! widget removed from its host page leaves neither behind.

use std::time::Duration;

use leptos::prelude::*;

use crate::services::device;

/// The root's planned wake-up, at most one at a time.
#[derive(Clone, Copy)]
pub struct WakeUp {
    timer: StoredValue<Option<TimeoutHandle>>,
}

/// A wake-up for the current root: nothing is planned yet; whatever is planned later is cleared on cleanup.
pub fn use_wake_up() -> WakeUp {
    let wake_up = WakeUp {
        timer: StoredValue::new(None),
    };
    on_cleanup(move || wake_up.cancel());
    wake_up
}

impl WakeUp {
    /// Calls `wake` each time the browser is back online, until the root is cleaned up.
    pub fn when_online(self, wake: impl Fn() + 'static) {
        let listener = window_event_listener(leptos::ev::online, move |_| wake());
        on_cleanup(move || listener.remove());
    }

    /// Calls `wake` once at `at_ms` on the device's clock (at once if that has passed), instead of the
    /// wake-up planned before.
    pub fn at(self, at_ms: f64, wake: impl FnOnce() + 'static) {
        self.cancel();
        let wait = (at_ms - device::now_ms()).clamp(0.0, f64::from(i32::MAX));
        let timer = self.timer;
        let fire = move || {
            timer.try_set_value(None);
            wake();
        };
        self.timer
            .try_set_value(set_timeout_with_handle(fire, Duration::from_millis(wait as u64)).ok());
    }

    /// No wake-up planned any more.
    pub fn cancel(self) {
        if let Some(Some(planned)) = self.timer.try_update_value(Option::take) {
            planned.clear();
        }
    }
}
