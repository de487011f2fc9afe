//! Delivers complaints: sends now when it can, and otherwise keeps the complaint in the device's outbox and
//! tries again when the phone is back online, on the next visit, after a growing pause, or on "Try now".
//! The Idempotency-Key makes every attempt the same complaint, so exactly one reaches the organisation; a
//! Web Lock per complaint keeps two tabs from sending it at the same time, and the tab that delivers it tells
//! the others.

use std::rc::Rc;
use std::time::Duration;

use complaint_domain::my_complaints::SentComplaint;
use complaint_domain::outbox::{OutboxEntry, Refused};
use complaint_domain::submission::{Accepted, Submission};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::autosave::{log_failure, DraftSaver, StorageStatus};
use super::flow::FilingSession;
use crate::services::drafts::DraftStore;
use crate::services::submit::{self, Destination, Progress, SendError, Upload};
use crate::services::{device, locks};

/// Tells the app's other tabs (on the store's channel `….outbox`) that a complaint was delivered, so one
/// showing it as waiting shows the receipt. A message is `[id, reference, received_at, pin]`: a plain array
/// needs no serialiser in the Wasm.
const CHANNEL: &str = "outbox";

fn delivered_message(id: &str, accepted: &Accepted) -> js_sys::Array {
    let optional = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    js_sys::Array::of4(
        &id.into(),
        &accepted.reference.as_str().into(),
        &optional(&accepted.received_at),
        &optional(&accepted.pin),
    )
}

fn read_delivered(message: &JsValue) -> Option<(String, Accepted)> {
    let fields: &js_sys::Array = message.dyn_ref()?;
    let accepted = Accepted {
        reference: fields.get(1).as_string()?,
        received_at: fields.get(2).as_string(),
        pin: fields.get(3).as_string(),
    };
    Some((fields.get(0).as_string()?, accepted))
}

/// The Web Lock held while a complaint is being sent.
fn lock_name(id: &str) -> String {
    format!("complaint-desk.send.{id}")
}

#[derive(Clone, Copy)]
pub struct Courier {
    saver: DraftSaver,
    session: FilingSession,
    /// Ids being sent by this tab right now: an attempt never overlaps another for the same complaint.
    in_flight: StoredValue<Vec<String>, LocalStorage>,
    /// The wake-up for the next due attempt; cleared when the root unmounts.
    timer: StoredValue<Option<TimeoutHandle>>,
    channel: StoredValue<Option<web_sys::BroadcastChannel>, LocalStorage>,
    /// The complaint this tab put in the outbox, kept in memory too: if the browser empties the store while it
    /// waits, it is put back rather than lost.
    pending: StoredValue<Option<OutboxEntry>, LocalStorage>,
}

impl Courier {
    pub fn start(saver: DraftSaver, session: FilingSession) -> Courier {
        let courier = Courier {
            saver,
            session,
            in_flight: StoredValue::new_local(Vec::new()),
            timer: StoredValue::new(None),
            channel: StoredValue::new_local(None),
            pending: StoredValue::new_local(None),
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
        let on_online = window_event_listener(leptos::ev::online, move |_| courier.flush(true));
        // Unmounted: no more wake-ups, and the page's `online` no longer reaches this root.
        on_cleanup(move || {
            on_online.remove();
            if let Some(Some(timer)) = courier.timer.try_update_value(Option::take) {
                timer.clear();
            }
        });
        courier
    }

    /// Sends the session's complaint; without an answer it goes to the outbox instead of failing.
    pub async fn send(
        self,
        endpoint: String,
        uploads_base: Option<String>,
        body: Submission,
        uploads: Vec<Upload>,
    ) {
        self.session.problem.set(None);
        let id = body.draft_id.clone();
        if !self.claim(&id) {
            return;
        }
        let to = Destination {
            endpoint: &endpoint,
            uploads: uploads_base.as_deref(),
        };
        let result = locks::exclusive(
            &lock_name(&id),
            submit::send(to, &body, &uploads, self.progress_for(&id)),
        )
        .await;
        self.release(&id);
        self.session.progress.set(None);
        match result {
            Ok(accepted) => self.delivered(&body, accepted).await,
            Err(SendError::Unavailable {
                detail,
                pause_ms,
                progressed,
            }) if self.saver.store().is_some() => {
                let now = device::now_ms();
                let mut entry = OutboxEntry::new(endpoint, body, now);
                entry.uploads = uploads_base;
                entry.failed_asked(detail, now, pause_ms);
                if progressed {
                    entry.made_progress();
                    entry.next_attempt_ms = entry.next_attempt_ms.min(now + 1_000.0);
                }
                self.keep(entry).await;
            }
            Err(error) => self.session.problem.set(Some(error)),
        }
    }

    /// Where a send's progress goes: the progress bar, while this complaint is the one on screen. The
    /// browser calls it straight from the upload's progress events, so it may come after the root is gone
    /// (a widget removed mid-send): then it does nothing.
    fn progress_for(self, id: &str) -> std::rc::Rc<dyn Fn(Progress)> {
        let id = id.to_owned();
        std::rc::Rc::new(move |progress| {
            if self.is_current(&id) {
                self.session.progress.try_set(Some(progress));
            }
        })
    }

    /// Tries every waiting complaint that is due (all of them when `force`).
    pub fn flush(self, force: bool) {
        self.saver.spawn(async move {
            let Some(store) = self.saver.store() else {
                return;
            };
            self.restore_if_lost(&store).await;
            let now = device::now_ms();
            let waiting = match store.outbox().await {
                Ok(waiting) => waiting,
                // Nothing is lost: the entries stay on the device and the next wake-up reads them again.
                Err(e) => {
                    log_failure("the outbox could not be read", &e);
                    Vec::new()
                }
            };
            for entry in waiting {
                if force || entry.is_due(now) {
                    self.attempt(entry).await;
                }
            }
            self.schedule().await;
        });
    }

    async fn attempt(self, entry: OutboxEntry) {
        let id = entry.id.clone();
        if !self.claim(&id) {
            return;
        }
        locks::exclusive(&lock_name(&id), self.attempt_alone(entry)).await;
        self.release(&id);
    }

    /// One attempt, while no other tab is sending this complaint.
    async fn attempt_alone(self, seen: OutboxEntry) {
        let Some(store) = self.saver.store() else {
            return;
        };
        // While this tab waited for the lock, another may have delivered the complaint or just tried it.
        let mut entry = match store.waiting(&seen.id).await {
            Ok(Some(now)) if now.attempts == seen.attempts || now.is_due(device::now_ms()) => now,
            Ok(_) => return,
            // Cannot tell: sending again is harmless, the Idempotency-Key makes it the same complaint.
            Err(e) => {
                log_failure("the waiting complaint could not be read again", &e);
                seen
            }
        };
        let uploads = self.uploads_for(&entry).await;
        let to = Destination {
            endpoint: &entry.endpoint,
            uploads: entry.uploads.as_deref(),
        };
        let result = submit::send(
            to,
            &entry.submission,
            &uploads,
            self.progress_for(&entry.id),
        )
        .await;
        if self.is_current(&entry.id) {
            self.session.progress.set(None);
        }
        match result {
            Ok(accepted) => self.delivered(&entry.submission, accepted).await,
            Err(SendError::Unavailable {
                detail,
                pause_ms,
                progressed,
            }) => {
                let now = device::now_ms();
                entry.failed_asked(detail, now, pause_ms);
                if progressed {
                    // Bytes got through: try again soon rather than after a growing pause.
                    entry.made_progress();
                    entry.next_attempt_ms = entry.next_attempt_ms.min(now + 1_000.0);
                }
                if let Err(e) = store.queue(&entry).await {
                    log_failure("the waiting complaint could not be updated", &e);
                }
            }
            Err(SendError::Rejected {
                status,
                message,
                code,
            }) => {
                // Refused as it stands: back to the customer, who can change it and send again. If it is
                // not on screen, it stays in the outbox marked refused until they have seen why.
                self.forget_pending(&entry.id);
                let rejected = SendError::Rejected {
                    status,
                    message: message.clone(),
                    code: code.clone(),
                };
                if self.is_current(&entry.id) {
                    if let Err(e) = store.unqueue(&entry.id).await {
                        log_failure("the refused complaint could not leave the outbox", &e);
                    }
                    self.session.queued.set(false);
                    self.session.problem.set(Some(rejected));
                } else {
                    entry.refused = Some(Refused {
                        status,
                        message,
                        code,
                    });
                    if let Err(e) = store.queue(&entry).await {
                        log_failure("the refused complaint could not be marked", &e);
                    }
                    self.session.refused_elsewhere.set(true);
                }
            }
        }
    }

    async fn keep(self, entry: OutboxEntry) {
        let Some(store) = self.saver.store() else {
            return;
        };
        self.pending.set_value(Some(entry.clone()));
        // The draft goes to disk with its outbox entry, so a waiting complaint can always be shown again.
        let draft = self.session.draft.get_untracked();
        let saved = match store.put(&draft).await {
            Ok(()) => store.queue(&entry).await,
            Err(e) => Err(e),
        };
        match saved {
            Ok(()) => {
                self.session.queued.set(true);
                self.schedule().await;
            }
            Err(e) => self.session.problem.set(Some(SendError::Unavailable {
                detail: e.to_string(),
                pause_ms: None,
                progressed: false,
            })),
        }
    }

    async fn delivered(self, body: &Submission, accepted: Accepted) {
        let id = body.draft_id.as_str();
        self.forget_pending(id);
        if let Some(store) = self.saver.store() {
            // Delivered whatever this says: a left-over entry is sent again with the same key and answered
            // with the same reference.
            if let Err(e) = store.unqueue(id).await {
                log_failure("the delivered complaint could not leave the outbox", &e);
            }
            let sent = SentComplaint::new(body, &accepted, device::now_ms());
            if let Err(e) = store.remember_sent(&sent).await {
                web_sys::console::warn_1(
                    &format!("the sent complaint could not be listed: {e}").into(),
                );
            }
        }
        self.saver.forget(id.to_owned());
        if let Some(channel) = self.channel.get_value() {
            let _ = channel.post_message(&delivered_message(id, &accepted));
        }
        self.show_delivered(id, accepted);
    }

    fn show_delivered(self, id: &str, accepted: Accepted) {
        if self.is_current(id) {
            self.session.queued.set(false);
            self.saver.stale.set(false);
            self.session.accepted.set(Some(accepted));
        }
    }

    /// Another tab delivered a complaint: if this tab shows it waiting, it shows the receipt instead.
    fn listen_to_other_tabs(self) {
        let Ok(channel) = web_sys::BroadcastChannel::new(&self.saver.scope().name(CHANNEL)) else {
            return;
        };
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                if let Some((id, accepted)) = read_delivered(&event.data()) {
                    if self.session.accepted.with_untracked(Option::is_none) {
                        self.show_delivered(&id, accepted);
                    }
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_message = StoredValue::new_local(Some(on_message));
        self.channel.set_value(Some(channel));
        // Unmounted: the channel closes and its handler goes with it.
        on_cleanup(move || {
            if let Some(Some(channel)) = self.channel.try_update_value(Option::take) {
                channel.set_onmessage(None);
                channel.close();
            }
            on_message.try_update_value(Option::take);
        });
    }

    /// On a new visit: a complaint still waiting is shown again (if nothing else is being written) and tried;
    /// one the organisation refused while it waited is brought back with the reason, wherever the customer
    /// is, so it is never dropped unseen.
    async fn resume_waiting(self) {
        let Some(store) = self.saver.store() else {
            return;
        };
        let waiting = match store.outbox().await {
            Ok(waiting) => waiting,
            Err(e) => {
                log_failure("the outbox could not be read", &e);
                return;
            }
        };
        let (refused, waiting): (Vec<OutboxEntry>, Vec<OutboxEntry>) =
            waiting.into_iter().partition(|e| e.refused.is_some());
        if let Some(entry) = refused.into_iter().next() {
            if self.session.draft.with_untracked(|d| d.is_empty()) {
                self.open_refused(entry).await;
            } else {
                self.session.refused_elsewhere.set(true);
            }
        } else if let Some(entry) = waiting
            .iter()
            .find(|e| !self.saver.device().held_elsewhere(&e.id))
        {
            if self.session.draft.with_untracked(|d| d.is_empty()) {
                match store.get(&entry.id).await {
                    Ok(Some(draft)) => {
                        self.saver
                            .resumable
                            .update(|drafts| drafts.retain(|d| d.id != entry.id));
                        self.saver.restore(self.session, draft).await;
                        self.session.queued.set(true);
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
        self.saver.spawn(async move {
            let Some(store) = self.saver.store() else {
                return;
            };
            let refused = match store.outbox().await {
                Ok(waiting) => waiting.into_iter().find(|e| e.refused.is_some()),
                Err(e) => {
                    log_failure("the outbox could not be read", &e);
                    return;
                }
            };
            match refused {
                Some(entry) => self.open_refused(entry).await,
                None => self.session.refused_elsewhere.set(false),
            }
        });
    }

    async fn open_refused(self, entry: OutboxEntry) {
        let Some(store) = self.saver.store() else {
            return;
        };
        let Some(refused) = entry.refused.clone() else {
            return;
        };
        match store.get(&entry.id).await {
            Ok(Some(draft)) => {
                self.saver
                    .resumable
                    .update(|drafts| drafts.retain(|d| d.id != entry.id));
                self.saver.restore(self.session, draft).await;
                self.session.queued.set(false);
                self.session.problem.set(Some(SendError::Rejected {
                    status: refused.status,
                    message: refused.message,
                    code: refused.code,
                }));
                if let Err(e) = store.unqueue(&entry.id).await {
                    log_failure("the refused complaint could not leave the outbox", &e);
                }
                self.session.refused_elsewhere.set(false);
            }
            Ok(None) => log_failure("a refused complaint has no draft", &entry.id),
            Err(e) => log_failure("the refused complaint could not be read", &e),
        }
    }

    /// Wakes up for the next due attempt.
    async fn schedule(self) {
        let Some(store) = self.saver.store() else {
            return;
        };
        let waiting = match store.outbox().await {
            Ok(waiting) => waiting,
            Err(e) => return log_failure("the outbox could not be read to plan a retry", &e),
        };
        let Some(next) = waiting.iter().map(|e| e.next_attempt_ms).reduce(f64::min) else {
            return;
        };
        if let Some(Some(previous)) = self.timer.try_update_value(Option::take) {
            previous.clear();
        }
        let wait = (next - device::now_ms()).clamp(0.0, f64::from(i32::MAX));
        let wake = move || {
            self.timer.set_value(None);
            self.flush(false);
        };
        self.timer
            .set_value(set_timeout_with_handle(wake, Duration::from_millis(wait as u64)).ok());
    }

    async fn uploads_for(self, entry: &OutboxEntry) -> Vec<Upload> {
        let mut uploads = Vec::new();
        for meta in &entry.submission.attachments {
            let in_memory = self.session.files.with_value(|f| {
                f.iter()
                    .find(|(id, _)| *id == meta.id)
                    .map(|(_, b)| b.clone())
            });
            let blob = match in_memory {
                Some(blob) => Some(blob),
                None => match self.saver.store() {
                    Some(store) => store.get_file(&meta.id).await.unwrap_or_else(|e| {
                        log_failure("an evidence file could not be read to send", &e);
                        None
                    }),
                    None => None,
                },
            };
            if let Some(blob) = blob {
                uploads.push(Upload {
                    name: meta.name.clone(),
                    blob,
                });
            }
        }
        uploads
    }

    /// The browser emptied the store (site data cleared, storage evicted) while this tab still shows its
    /// complaint waiting: the entry, its draft and its files go back in from memory before the outbox is read.
    async fn restore_if_lost(self, store: &Rc<DraftStore>) {
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
                    Ok(()) => self.saver.write_files(store.clone(), self.session).await,
                    Err(e) => log_failure("the waiting complaint could not be put back", &e),
                }
            }
            Err(e) => log_failure("the outbox could not be read", &e),
        }
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

    fn claim(self, id: &str) -> bool {
        let taken = self.in_flight.with_value(|ids| ids.iter().any(|i| i == id));
        if !taken {
            self.in_flight.update_value(|ids| ids.push(id.to_owned()));
        }
        !taken
    }

    fn release(self, id: &str) {
        self.in_flight.update_value(|ids| ids.retain(|i| i != id));
    }
}

pub fn use_courier() -> Option<Courier> {
    use_context::<Courier>()
}
