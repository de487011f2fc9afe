//! The reply outbox's schedule: what a new visit brings back from the device, which waiting replies are
//! tried and when (online again, the next due attempt).

use leptos::prelude::*;

use super::{log_failure, ReplyCourier};
use crate::services::device;

impl ReplyCourier {
    /// The replies written or left waiting on an earlier visit, beside those already in memory.
    pub(super) async fn load(self) {
        let Some(store) = self.store() else { return };
        match store.replies().await {
            Ok(stored) => self.replies.update(|replies| {
                for reply in stored {
                    if !replies.iter().any(|r| r.id == reply.id) {
                        replies.push(reply);
                    }
                }
            }),
            Err(e) => log_failure("the replies could not be read", &e),
        }
    }

    /// Tries every waiting reply that is due (all of them when `force`).
    pub fn flush(self, force: bool) {
        self.spawn(async move {
            let now = device::now_ms();
            let due: Vec<String> = self.replies.with_untracked(|replies| {
                replies
                    .iter()
                    .filter(|r| {
                        r.outbox
                            .as_ref()
                            .is_some_and(|o| o.refused.is_none() && (force || o.is_due(now)))
                    })
                    .map(|r| r.id.clone())
                    .collect()
            });
            for id in due {
                self.attempt(id).await;
            }
            self.schedule();
        });
    }

    /// Wakes up when the next waiting reply is due (nothing planned when none is waiting).
    pub(super) fn schedule(self) {
        let next = self.replies.with_untracked(|replies| {
            replies
                .iter()
                .filter_map(|r| r.outbox.as_ref().filter(|o| o.refused.is_none()))
                .map(|o| o.next_attempt_ms)
                .min_by(f64::total_cmp)
        });
        match next {
            Some(next) => self.wake_up.at(next, move || self.flush(false)),
            None => self.wake_up.cancel(),
        }
    }
}
