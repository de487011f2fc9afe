//! Delivers the customer's replies (`docs/replies.md`): each is kept on the device as it is typed, and once
//! sent waits in the device's store until the organisation has it — tried at once, again when the phone is
//! back online, on the next visit to any page, or after a growing pause (or the one the server asked for),
//! always with the reply's own Idempotency-Key, so exactly one reaches the organisation. A Web Lock per reply
//! keeps two tabs from sending it at the same time.
//!
//! Started by the mounted root (the standalone app, or a widget) beside the complaint courier, so a reply
//! queued on the tracker goes while the customer is on any page; released with that root. Writing a reply
//! is `writing.rs`; sending one, `sending.rs`; what a new visit brings back and when the waiting replies are
//! tried, `schedule.rs`.

mod schedule;
mod sending;
mod writing;

use std::rc::Rc;

use complaint_domain::replies::{ReplyAction, ReplyDraft};
use leptos::prelude::*;
use web_sys::Blob;

use crate::device_store::{use_device_store, DeviceStore};
use crate::services::drafts::DraftStore;
use crate::task::spawn_while_mounted;
use crate::wake_up::{use_wake_up, WakeUp};

/// The Web Lock held while a reply is being sent.
fn lock_name(id: &str) -> String {
    format!("complaint-desk.reply.{id}")
}

#[derive(Clone, Copy)]
pub struct ReplyCourier {
    device: Option<DeviceStore>,
    /// Every reply on this device, being written or waiting: what the store holds, kept in memory too, so
    /// a device that refuses storage still lets the customer reply while the page is open.
    pub replies: RwSignal<Vec<ReplyDraft>>,
    /// Reply files' bytes, by file id, as picked in this visit (others are read from the store).
    files: StoredValue<Vec<(String, Blob)>, LocalStorage>,
    /// Ids being sent by this tab right now.
    pub sending: RwSignal<Vec<String>>,
    /// The last reply delivered: the complaint's reference (normalised) and what it was.
    pub delivered: RwSignal<Option<(String, ReplyAction)>>,
    /// Bumped whenever the status on screen should be fetched again (a reply delivered, or refused because
    /// the complaint moved on).
    pub refresh: RwSignal<u32>,
    /// Online again, or the next waiting reply due; released when the root unmounts.
    wake_up: WakeUp,
}

impl ReplyCourier {
    /// Starts the root's reply courier, on the root's device store; it lives as long as the root is mounted.
    pub fn start() -> ReplyCourier {
        let device = use_device_store();
        let courier = ReplyCourier {
            device,
            replies: RwSignal::new(Vec::new()),
            files: StoredValue::new_local(Vec::new()),
            sending: RwSignal::new(Vec::new()),
            delivered: RwSignal::new(None),
            refresh: RwSignal::new(0),
            wake_up: use_wake_up(),
        };
        provide_context(courier);
        if let Some(device) = device {
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
                    courier.flush(false);
                });
                true
            });
        }
        courier.wake_up.when_online(move || courier.flush(true));
        courier
    }

    fn spawn(self, task: impl std::future::Future<Output = ()> + 'static) {
        spawn_while_mounted(self.replies, task);
    }

    fn store(self) -> Option<Rc<DraftStore>> {
        self.device.and_then(DeviceStore::get)
    }
}

fn log_failure(what: &str, error: &dyn std::fmt::Display) {
    web_sys::console::warn_1(&format!("{what}: {error}").into());
}

/// The root's reply courier (none in a root that did not start one).
pub fn use_reply_courier() -> Option<ReplyCourier> {
    use_context::<ReplyCourier>()
}
