//! One delivery outbox for whatever the customer sends: complaints (`filing/courier/`) and replies
//! (`tracking/reply_courier/`) are its two kinds. Each item waits on the root's device store with its
//! Idempotency-Key and its [`Attempts`] until the organisation has it, and is tried at once, again when the
//! phone is back online, when its next attempt falls due, or when the customer asks ("Try now").
//!
//! What both kinds share lives here, written once: this tab never makes two attempts at one item at the same
//! time, and a forced request ("Try now", back online) that comes while one is on its way is remembered and
//! made when it ends (if it did not deliver); a Web Lock per item keeps two tabs from sending it at once; one
//! wake-up per kind for the next due attempt, released with the root; a refused item is never retried by a
//! flush. What an attempt is, and what delivered or refused means for the screen, is the kind's
//! ([`Deliverable`]). The generic functions are thin (a loop and a lock each), so each kind's copy is small.

use std::future::Future;

use complaint_domain::outbox::Attempts;
use leptos::prelude::*;

use crate::services::{device, locks};
use crate::task::spawn_while_mounted;
use crate::wake_up::{use_wake_up, WakeUp};

/// A kind of item the outbox delivers: a `Copy` handle of the root (its signals), so the outbox's tasks can
/// hold it.
pub trait Deliverable: Copy + 'static {
    /// The Web Locks' prefix: item `id` is sent under `{LOCK}.{id}`, in every tab of the app.
    const LOCK: &'static str;

    /// A waiting item as read for a flush (the kind's stored record, or just its id and attempts).
    type Item: 'static;

    /// This kind's outbox in the root.
    fn outbox(self) -> Outbox;

    /// Every item of this kind waiting on the device, refused ones too. A failure to read is logged and
    /// reads as none: nothing is lost, the next wake-up reads again.
    fn waiting(self) -> impl Future<Output = Vec<Self::Item>>;

    fn id(item: &Self::Item) -> &str;

    fn attempts(item: &Self::Item) -> &Attempts;

    /// One attempt at `seen` (the item as it was read before this tab took its lock), made while this tab
    /// holds the lock; `force` when the customer asked or the phone came back online.
    fn attempt_alone(self, seen: Self::Item, force: bool) -> impl Future<Output = ()>;

    /// Done before the waiting items are read for a flush (a kind may put back what the browser lost).
    fn before_flush(self) -> impl Future<Output = ()> {
        async {}
    }
}

/// The part of the outbox that is the same for every kind: which items this tab is sending now, and the
/// kind's wake-up. Lives as long as the root that started it.
#[derive(Clone, Copy)]
pub struct Outbox {
    /// Items being sent by this tab right now.
    in_flight: RwSignal<Vec<InFlight>>,
    /// Online again, or the next due attempt; released when the root unmounts.
    wake_up: WakeUp,
}

/// An item this tab is sending.
#[derive(Clone, PartialEq)]
struct InFlight {
    id: String,
    /// "Try now" was pressed, or the phone came back online, while it was on its way.
    asked_again: bool,
}

impl Outbox {
    /// A kind's outbox for the current root; `kind` is flushed (all of it) each time the phone is back online.
    pub fn start<T: Deliverable>(kind: impl FnOnce(Outbox) -> T) -> T {
        let outbox = Outbox {
            in_flight: RwSignal::new(Vec::new()),
            wake_up: use_wake_up(),
        };
        let kind = kind(outbox);
        outbox.wake_up.when_online(move || flush(kind, true));
        kind
    }

    /// Runs `task` while the root is mounted (see [`spawn_while_mounted`]).
    pub fn spawn(self, task: impl Future<Output = ()> + 'static) {
        spawn_while_mounted(self.in_flight, task);
    }

    /// Whether this tab is sending item `id` right now (reactive).
    pub fn is_sending(self, id: &str) -> bool {
        self.in_flight
            .try_with(|sending| sending.iter().any(|s| s.id == id))
            .unwrap_or(false)
    }

    /// Runs `work` as this tab's one attempt at item `id`, holding the item's Web Lock `{lock}.{id}`. `None`
    /// if this tab is sending it already: then a forced request is remembered for when that attempt ends.
    /// Otherwise what `work` gave, and whether the item was asked for again while it ran.
    pub async fn alone<R>(
        self,
        lock: &str,
        id: &str,
        force: bool,
        work: impl Future<Output = R>,
    ) -> Option<(R, bool)> {
        if !self.claim(id, force) {
            return None;
        }
        let done = locks::exclusive(&format!("{lock}.{id}"), work).await;
        Some((done, self.release(id)))
    }

    /// Takes item `id` for an attempt; false if this tab is sending it already (a forced request is then
    /// remembered).
    fn claim(self, id: &str, force: bool) -> bool {
        let mut claimed = false;
        self.in_flight
            .try_update(|sending| match sending.iter_mut().find(|s| s.id == id) {
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

    /// The attempt at `id` has ended; true if it was asked for again meanwhile.
    fn release(self, id: &str) -> bool {
        let mut asked_again = false;
        self.in_flight.try_update(|sending| {
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

/// Tries every waiting item of `kind` that is due (all of them when `force`), then plans the next wake-up.
pub fn flush<T: Deliverable>(kind: T, force: bool) {
    kind.outbox().spawn(async move {
        kind.before_flush().await;
        let now = device::now_ms();
        for item in kind.waiting().await {
            let attempts = T::attempts(&item);
            // A refused item waits for the customer to change it, whatever the reason to try.
            if attempts.refused.is_none() && (force || attempts.is_due(now)) {
                attempt(kind, item, force).await;
            }
        }
        schedule(kind).await;
    });
}

/// One attempt at a waiting item; `force` when the customer asked ("Try now") or the phone came back
/// online. Asked while this tab's attempt is on its way, it is made when that one ends (if that one did not
/// deliver), so neither the tap nor the signal's return is lost.
pub async fn attempt<T: Deliverable>(kind: T, item: T::Item, force: bool) {
    let id = T::id(&item).to_owned();
    let work = kind.attempt_alone(item, force);
    if let Some(((), true)) = kind.outbox().alone(T::LOCK, &id, force, work).await {
        flush(kind, true);
    }
}

/// Wakes up when the next waiting item of `kind` is due (nothing planned when none is).
pub async fn schedule<T: Deliverable>(kind: T) {
    let next = kind
        .waiting()
        .await
        .iter()
        .map(T::attempts)
        .filter(|attempts| attempts.refused.is_none())
        .map(|attempts| attempts.next_attempt_ms)
        .min_by(f64::total_cmp);
    let wake_up = kind.outbox().wake_up;
    match next {
        Some(next) => wake_up.at(next, move || flush(kind, false)),
        None => wake_up.cancel(),
    }
}

/// A delivery's failure to read or write the device store, for whoever reads the console.
pub fn log_failure(what: &str, error: &dyn std::fmt::Display) {
    web_sys::console::warn_1(&format!("{what}: {error}").into());
}
