//! Delivers complaints: sends now when it can, and otherwise keeps the complaint in the device's outbox and
//! tries again when the phone is back online, on the next visit, after a growing pause, or on "Try now".
//! The Idempotency-Key makes every attempt the same complaint, so exactly one reaches the organisation; a
//! Web Lock per complaint keeps two tabs from sending it at the same time, and the tab that delivers it tells
//! the others. Sending one complaint is `sending.rs`; when the outbox is tried and what a new visit brings
//! back, `schedule.rs`; the other tabs, `other_tabs.rs`.

mod other_tabs;
mod schedule;
mod sending;

use complaint_domain::outbox::OutboxEntry;
use leptos::prelude::*;

use super::autosave::{DraftSaver, StorageStatus};
use super::flow::FilingSession;
use crate::tab_channel::TabChannel;
use crate::wake_up::{use_wake_up, WakeUp};

/// The Web Lock held while a complaint is being sent.
fn lock_name(id: &str) -> String {
    format!("complaint-desk.send.{id}")
}

#[derive(Clone, Copy)]
pub struct Courier {
    saver: DraftSaver,
    session: FilingSession,
    /// Complaints being sent by this tab right now: an attempt never overlaps another for the same complaint,
    /// and a "Try now" or a return online that comes during one is kept for when it ends, not dropped.
    in_flight: StoredValue<Vec<InFlight>, LocalStorage>,
    /// Online again, or the next due attempt; released when the root unmounts.
    wake_up: WakeUp,
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
    pub fn start(saver: DraftSaver, session: FilingSession) -> Courier {
        let courier = Courier {
            saver,
            session,
            in_flight: StoredValue::new_local(Vec::new()),
            wake_up: use_wake_up(),
            channel: StoredValue::new(None),
            pending: StoredValue::new_local(None),
            form_here: crate::router::Location::form_here(),
        };
        provide_context(courier);
        courier.listen_to_other_tabs();
        // Once the store is open: bring back a complaint left waiting on an earlier visit, and try it now.
        Effect::new(move |started: Option<bool>| {
            let ready = saver.status.get() == StorageStatus::Ready;
            if ready && started != Some(true) {
                saver.spawn(courier.resume_waiting());
            }
            ready || started == Some(true)
        });
        courier.wake_up.when_online(move || courier.flush(true));
        courier
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

    /// Takes complaint `id` for an attempt; false if this tab is sending it already. Then a forced request
    /// (the customer's "Try now", the phone back online) is remembered, and made once that attempt ends.
    fn claim(self, id: &str, force: bool) -> bool {
        let mut claimed = false;
        self.in_flight
            .update_value(|sending| match sending.iter_mut().find(|s| s.id == id) {
                Some(running) => running.asked_again |= force,
                None => {
                    sending.push(InFlight {
                        id: id.to_owned(),
                        asked_again: false,
                    });
                    claimed = true;
                }
            });
        claimed
    }

    /// The attempt for `id` has ended; true if it was asked for again meanwhile.
    fn release(self, id: &str) -> bool {
        let mut asked_again = false;
        self.in_flight.update_value(|sending| {
            sending.retain(|s| {
                if s.id == id {
                    asked_again = s.asked_again;
                }
                s.id != id
            })
        });
        asked_again
    }
}

/// A complaint this tab is sending.
struct InFlight {
    id: String,
    /// "Try now" was pressed, or the phone came back online, while it was on its way.
    asked_again: bool,
}

pub fn use_courier() -> Option<Courier> {
    use_context::<Courier>()
}
