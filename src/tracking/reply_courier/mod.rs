//! Delivers the customer's replies (`docs/replies.md`), the replies' kind of the app's one outbox
//! (`crate::delivery`): each is kept on the device as it is typed, and once sent waits in the device's store
//! until the organisation has it — tried at once, again when the phone is back online, on the next visit to
//! any page, or after a growing pause (or the one the server asked for), always with the reply's own
//! Idempotency-Key, so exactly one reaches the organisation.
//!
//! Started by the mounted root (the standalone app, or a widget) beside the complaint courier, so a reply
//! queued on the tracker goes while the customer is on any page; released with that root. Writing a reply
//! is `writing.rs`; sending one, `sending.rs`.

mod sending;
mod writing;

use std::rc::Rc;

use complaint_domain::outbox::Attempts;
use complaint_domain::replies::{ReplyAction, ReplyDraft};
use leptos::prelude::*;
use web_sys::Blob;

use crate::delivery::{self, log_failure, Deliverable, Outbox};
use crate::device_store::DeviceStore;
use crate::services::drafts::DraftStore;

#[derive(Clone, Copy)]
pub struct ReplyCourier {
    device: DeviceStore,
    /// Every reply on this device, being written or waiting: what the store holds, kept in memory too, so
    /// a device that refuses storage still lets the customer reply while the page is open.
    pub replies: RwSignal<Vec<ReplyDraft>>,
    /// Reply files' bytes, by file id, as picked in this visit (others are read from the store).
    files: StoredValue<Vec<(String, Blob)>, LocalStorage>,
    /// The replies' outbox: this tab's attempts, the Web Locks, the wake-ups (`crate::delivery`).
    outbox: Outbox,
    /// The last reply delivered: the complaint's reference (normalised) and what it was.
    pub delivered: RwSignal<Option<(String, ReplyAction)>>,
    /// Bumped whenever the status on screen should be fetched again (a reply delivered, or refused because
    /// the complaint moved on).
    pub refresh: RwSignal<u32>,
}

impl ReplyCourier {
    /// Starts the root's reply courier, on the root's device store; it lives as long as the root is mounted.
    pub fn start(device: DeviceStore) -> ReplyCourier {
        let courier = Outbox::start(|outbox| ReplyCourier {
            device,
            replies: RwSignal::new(Vec::new()),
            files: StoredValue::new_local(Vec::new()),
            outbox,
            delivered: RwSignal::new(None),
            refresh: RwSignal::new(0),
        });
        provide_context(courier);
        // Once the store is open: what was written or left waiting on an earlier visit, then try it.
        Effect::new(move |loaded: Option<bool>| {
            if loaded == Some(true) {
                return true;
            }
            if !device.is_ready() {
                return false;
            }
            courier.spawn(async move {
                courier.load().await;
                delivery::flush(courier, false);
            });
            true
        });
        courier
    }

    fn spawn(self, task: impl std::future::Future<Output = ()> + 'static) {
        self.outbox.spawn(task);
    }

    /// The replies written or left waiting on an earlier visit, beside those already in memory.
    async fn load(self) {
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

    /// Whether this tab is sending reply `id` right now (reactive).
    pub fn is_sending(self, id: &str) -> bool {
        self.outbox.is_sending(id)
    }

    fn store(self) -> Option<Rc<DraftStore>> {
        self.device.get()
    }
}

impl Deliverable for ReplyCourier {
    const LOCK: &'static str = "complaint-desk.reply";
    /// A waiting reply's id and attempts: the reply itself is read again from memory under the lock.
    type Item = (String, Attempts);

    fn outbox(self) -> Outbox {
        self.outbox
    }

    async fn waiting(self) -> Vec<(String, Attempts)> {
        self.replies.with_untracked(|replies| {
            replies
                .iter()
                .filter_map(|r| Some((r.id.clone(), r.outbox.as_ref()?.attempts.clone())))
                .collect()
        })
    }

    fn id(item: &(String, Attempts)) -> &str {
        &item.0
    }

    fn attempts(item: &(String, Attempts)) -> &Attempts {
        &item.1
    }

    async fn attempt_alone(self, (id, _): (String, Attempts), _force: bool) {
        self.attempt_waiting(&id).await
    }
}

/// The root's reply courier (`crate::root::Root::start` starts it).
pub fn use_reply_courier() -> Option<ReplyCourier> {
    crate::root_context::from_root::<ReplyCourier>()
}
