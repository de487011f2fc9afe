//! Delivers complaints, the complaints' kind of the app's one outbox (`crate::delivery`): sends now when it
//! can, and otherwise keeps the complaint in the device's outbox, where the outbox tries it again when the
//! phone is back online, on the next visit, after a growing pause, or on "Try now". The Idempotency-Key
//! makes every attempt the same complaint, so exactly one reaches the organisation; the tab that delivers it
//! tells the others. Sending one complaint and what delivered or refused means for the screen is
//! `sending.rs`; what a new visit brings back, `schedule.rs`; the other tabs, `other_tabs.rs`.

mod other_tabs;
mod schedule;
mod sending;

use complaint_domain::outbox::{Attempts, OutboxEntry};
use leptos::prelude::*;

use super::autosave::DraftsForDelivery;
use super::flow::FilingSession;
use crate::delivery::{self, log_failure, Deliverable, Outbox};
use crate::device_store::DeviceStore;
use crate::tab_channel::TabChannel;

#[derive(Clone, Copy)]
pub struct Courier {
    /// The root's device store, where the outbox and the drafts are.
    device: DeviceStore,
    /// The little the courier needs of the drafts (never the autosave itself).
    drafts: DraftsForDelivery,
    session: FilingSession,
    /// The complaints' outbox: this tab's attempts, the Web Locks, the wake-ups (`crate::delivery`).
    outbox: Outbox,
    /// Tells the other tabs what this one delivered.
    channel: StoredValue<Option<TabChannel>>,
    /// The complaint this tab put in the outbox, kept in memory too: if the browser empties the store while it
    /// waits, it is put back rather than lost.
    pending: StoredValue<Option<OutboxEntry>, LocalStorage>,
    /// Whether this page can show the form (the widget, the filing page), or only sends (the tracker's
    /// pages, another Wasm module): there a refusal is kept in the outbox for the form's page to bring back.
    form_here: bool,
}

impl Courier {
    pub fn start(
        device: DeviceStore,
        drafts: DraftsForDelivery,
        session: FilingSession,
    ) -> Courier {
        let courier = Outbox::start(|outbox| Courier {
            device,
            drafts,
            session,
            outbox,
            channel: StoredValue::new(None),
            pending: StoredValue::new_local(None),
            form_here: crate::router::Location::form_here(),
        });
        provide_context(courier);
        courier.listen_to_other_tabs();
        // Once the store is open: bring back a complaint left waiting on an earlier visit, and try it now.
        Effect::new(move |started: Option<bool>| {
            let ready = device.is_ready();
            if ready && started != Some(true) {
                courier.outbox.spawn(courier.resume_waiting());
            }
            ready || started == Some(true)
        });
        courier
    }

    /// Tries every waiting complaint that is due (all of them when `force`: "Try now").
    pub fn flush(self, force: bool) {
        delivery::flush(self, force);
    }

    fn forget_pending(self, id: &str) {
        if self
            .pending
            .with_value(|p| p.as_ref().is_some_and(|e| e.id == id))
        {
            self.pending.set_value(None);
        }
    }

    /// Whether complaint `id` is the one on screen (never, once the root is gone).
    fn is_current(self, id: &str) -> bool {
        self.session
            .draft
            .try_with_untracked(|d| d.id == id)
            .unwrap_or(false)
    }
}

impl Deliverable for Courier {
    const LOCK: &'static str = "complaint-desk.send";
    type Item = OutboxEntry;

    fn outbox(self) -> Outbox {
        self.outbox
    }

    async fn waiting(self) -> Vec<OutboxEntry> {
        let Some(store) = self.device.get() else {
            return Vec::new();
        };
        store.outbox().await.unwrap_or_else(|e| {
            log_failure("the outbox could not be read", &e);
            Vec::new()
        })
    }

    fn id(entry: &OutboxEntry) -> &str {
        &entry.id
    }

    fn attempts(entry: &OutboxEntry) -> &Attempts {
        &entry.attempts
    }

    async fn attempt_alone(self, seen: OutboxEntry, force: bool) {
        self.attempt_waiting(seen, force).await
    }

    async fn before_flush(self) {
        if let Some(store) = self.device.get() {
            self.restore_if_lost(&store).await;
        }
    }
}

/// The root's courier (`crate::root::Root::start` starts it).
pub fn use_courier() -> Option<Courier> {
    crate::root_context::from_root::<Courier>()
}
