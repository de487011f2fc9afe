//! Delivers the customer's replies (`docs/replies.md`): each is kept on the device as it is typed, and once
//! sent waits in the device's store until the organisation has it — tried at once, again when the phone is
//! back online, on the tracker's next visit, or after a growing pause (or the one the server asked for),
//! always with the reply's own Idempotency-Key, so exactly one reaches the organisation. A Web Lock per reply
//! keeps two tabs from sending it at the same time.

use std::rc::Rc;
use std::time::Duration;

use complaint_domain::evidence::AttachmentMeta;
use complaint_domain::outbox::{Refused, ReplyOutbox};
use complaint_domain::replies::{ReplyAction, ReplyDraft};
use complaint_domain::tracking::normalise_reference;
use leptos::prelude::*;
use web_sys::Blob;

use crate::filing::DraftSaver;
use crate::services::drafts::{DraftStore, StoredFile};
use crate::services::submit::{SendError, Upload};
use crate::services::{device, locks, replies};
use crate::task::spawn_while_mounted;

/// The Web Lock held while a reply is being sent.
fn lock_name(id: &str) -> String {
    format!("complaint-desk.reply.{id}")
}

#[derive(Clone, Copy)]
pub struct ReplyCourier {
    saver: Option<DraftSaver>,
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
    timer: StoredValue<Option<TimeoutHandle>>,
}

impl ReplyCourier {
    /// Starts the courier for the tracker; it lives as long as the tracker is mounted.
    pub fn start(saver: Option<DraftSaver>) -> ReplyCourier {
        let courier = ReplyCourier {
            saver,
            replies: RwSignal::new(Vec::new()),
            files: StoredValue::new_local(Vec::new()),
            sending: RwSignal::new(Vec::new()),
            delivered: RwSignal::new(None),
            refresh: RwSignal::new(0),
            timer: StoredValue::new(None),
        };
        provide_context(courier);
        if let Some(saver) = saver {
            // Once the store is open: what was written or left waiting on an earlier visit, then try it.
            Effect::new(move |loaded: Option<bool>| {
                if loaded == Some(true) {
                    return true;
                }
                if !saver.is_ready() {
                    return false;
                }
                courier.spawn(async move {
                    courier.load().await;
                    courier.flush(false);
                });
                true
            });
        }
        let on_online = window_event_listener(leptos::ev::online, move |_| courier.flush(true));
        on_cleanup(move || {
            on_online.remove();
            if let Some(Some(timer)) = courier.timer.try_update_value(Option::take) {
                timer.clear();
            }
        });
        courier
    }

    fn spawn(self, task: impl std::future::Future<Output = ()> + 'static) {
        spawn_while_mounted(self.replies, task);
    }

    fn store(self) -> Option<Rc<DraftStore>> {
        self.saver.and_then(|s| s.store())
    }

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

    /// The reply being written (or refused and back with the customer) on this complaint, if any.
    pub fn open_for(self, reference: &str) -> Option<ReplyDraft> {
        let wanted = normalise_reference(reference);
        self.replies.with(|replies| {
            replies
                .iter()
                .find(|r| {
                    normalise_reference(&r.reference) == wanted
                        && r.outbox.as_ref().is_none_or(|o| o.refused.is_some())
                })
                .cloned()
        })
    }

    /// Replies on this complaint that are waiting to be sent.
    pub fn waiting_for(self, reference: &str) -> Vec<ReplyDraft> {
        let wanted = normalise_reference(reference);
        self.replies.with(|replies| {
            replies
                .iter()
                .filter(|r| {
                    normalise_reference(&r.reference) == wanted
                        && r.outbox.as_ref().is_some_and(|o| o.refused.is_none())
                })
                .cloned()
                .collect()
        })
    }

    /// Starts writing a reply (its key is made now, so every attempt to send it is the same reply).
    pub fn begin(self, reference: &str, verifier: &str, action: ReplyAction) {
        self.delivered.set(None);
        let draft = ReplyDraft::new(
            device::new_uuid(),
            reference.to_owned(),
            verifier.to_owned(),
            action,
            device::now_ms(),
        );
        self.replies.update(|replies| replies.push(draft.clone()));
        self.persist(draft);
    }

    /// Changes a reply being written, and keeps the change on the device at once.
    pub fn edit(self, id: &str, change: impl FnOnce(&mut ReplyDraft)) {
        let mut changed = None;
        self.replies.update(|replies| {
            if let Some(reply) = replies.iter_mut().find(|r| r.id == id) {
                change(reply);
                reply.updated_at_ms = device::now_ms();
                changed = Some(reply.clone());
            }
        });
        if let Some(reply) = changed {
            self.persist(reply);
        }
    }

    fn persist(self, reply: ReplyDraft) {
        let Some(store) = self.store() else { return };
        self.spawn(async move {
            if let Err(e) = store.put_reply(&reply).await {
                log_failure("the reply could not be kept on this device", &e);
            }
        });
    }

    /// Adds a file (already checked and shrunk) to a reply: its bytes beside it in the store.
    pub async fn add_file(self, id: &str, meta: AttachmentMeta, blob: Blob) {
        self.files
            .update_value(|files| files.push((meta.id.clone(), blob.clone())));
        if let Some(store) = self.store() {
            let file = StoredFile {
                id: meta.id.clone(),
                draft_id: id.to_owned(),
                blob,
            };
            // A file the device will not keep is still sent from memory while this page is open.
            if let Err(e) = store.put_file(&file).await {
                log_failure("the reply's file could not be kept on this device", &e);
            }
        }
        self.edit(id, |reply| reply.attachments.push(meta));
    }

    pub fn remove_file(self, id: &str, file_id: &str) {
        self.files
            .update_value(|files| files.retain(|(f, _)| f != file_id));
        self.edit(id, |reply| reply.attachments.retain(|a| a.id != file_id));
        if let Some(store) = self.store() {
            let file_id = file_id.to_owned();
            self.spawn(async move {
                if let Err(e) = store.delete_file(&file_id).await {
                    log_failure("the reply's file could not be removed", &e);
                }
            });
        }
    }

    /// "Cancel": the reply and its files are gone from memory and the device.
    pub fn discard(self, id: &str) {
        let mut gone = None;
        self.replies.update(|replies| {
            if let Some(at) = replies.iter().position(|r| r.id == id) {
                gone = Some(replies.remove(at));
            }
        });
        if let (Some(reply), Some(store)) = (gone, self.store()) {
            self.spawn(async move {
                if let Err(e) = store.delete_reply(&reply).await {
                    log_failure("the reply could not be removed", &e);
                }
            });
        }
    }

    /// The customer sends the reply: it goes into the outbox (on the device first), then is tried now.
    pub fn send(self, id: &str, endpoint: String, uploads: Option<String>) {
        let now = device::now_ms();
        let mut queued = None;
        self.replies.update(|replies| {
            if let Some(reply) = replies.iter_mut().find(|r| r.id == id) {
                reply.outbox = Some(ReplyOutbox::new(endpoint, uploads, now));
                queued = Some(reply.clone());
            }
        });
        let Some(reply) = queued else { return };
        let store = self.store();
        self.spawn(async move {
            // On the device before the first attempt: a page closed mid-send still has it waiting.
            if let Some(store) = store {
                if let Err(e) = store.put_reply(&reply).await {
                    log_failure("the reply could not be kept on this device", &e);
                }
            }
            self.attempt(reply.id.clone()).await;
            self.schedule();
        });
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

    async fn attempt(self, id: String) {
        if self.sending.with_untracked(|s| s.contains(&id)) {
            return;
        }
        self.sending.update(|s| s.push(id.clone()));
        locks::exclusive(&lock_name(&id), self.attempt_alone(&id)).await;
        self.sending.update(|s| s.retain(|i| *i != id));
    }

    /// One attempt, while no other tab is sending this reply. (Another tab that delivered it meanwhile makes
    /// this a repeat, which the key makes harmless: the same answer, nothing stored twice.)
    async fn attempt_alone(self, id: &str) {
        let Some(mut reply) = self
            .replies
            .with_untracked(|r| r.iter().find(|r| r.id == id).cloned())
        else {
            return;
        };
        let Some(mut outbox) = reply.outbox.clone() else {
            return;
        };
        let (kept, uploads) = self.uploads_for(&reply).await;
        // A file the device lost is left out rather than holding the reply back for ever.
        reply.attachments = kept;
        let result = replies::send(&reply, &outbox, &uploads, Rc::new(|_| {})).await;
        match result {
            Ok(accepted) => {
                self.replies.update(|r| r.retain(|r| r.id != id));
                if let Some(store) = self.store() {
                    // Delivered whatever this says: a left-over copy is sent again with the same key and
                    // answered as the first time.
                    if let Err(e) = store.delete_reply(&reply).await {
                        log_failure("the delivered reply could not be removed", &e);
                    }
                }
                self.delivered.set(Some((
                    normalise_reference(&accepted.reference),
                    reply.action,
                )));
                self.refresh.update(|n| *n += 1);
            }
            Err(SendError::Unavailable {
                detail, pause_ms, ..
            }) => {
                let status = detail
                    .strip_prefix("HTTP ")
                    .and_then(|s| s.trim().parse::<u16>().ok());
                outbox.failed(status, device::now_ms(), pause_ms);
                self.set_outbox(id, Some(outbox)).await;
            }
            Err(SendError::Rejected {
                status,
                message,
                code,
            }) => {
                // Back with the customer, with the reason; kept on the device so it is seen even later.
                outbox.refused = Some(Refused {
                    status,
                    message,
                    code,
                });
                self.set_outbox(id, Some(outbox)).await;
                self.refresh.update(|n| *n += 1);
            }
        }
    }

    async fn set_outbox(self, id: &str, outbox: Option<ReplyOutbox>) {
        let mut changed = None;
        self.replies.update(|replies| {
            if let Some(reply) = replies.iter_mut().find(|r| r.id == id) {
                reply.outbox = outbox;
                changed = Some(reply.clone());
            }
        });
        if let (Some(reply), Some(store)) = (changed, self.store()) {
            if let Err(e) = store.put_reply(&reply).await {
                log_failure("the waiting reply could not be updated", &e);
            }
        }
    }

    /// The reply's files the device still has (from this visit's memory, or the store), with their bytes.
    async fn uploads_for(self, reply: &ReplyDraft) -> (Vec<AttachmentMeta>, Vec<Upload>) {
        let mut kept = Vec::new();
        let mut uploads = Vec::new();
        for meta in &reply.attachments {
            let in_memory = self.files.with_value(|files| {
                files
                    .iter()
                    .find(|(id, _)| *id == meta.id)
                    .map(|(_, b)| b.clone())
            });
            let blob = match in_memory {
                Some(blob) => Some(blob),
                None => match self.store() {
                    Some(store) => store.get_file(&meta.id).await.ok().flatten(),
                    None => None,
                },
            };
            if let Some(blob) = blob {
                kept.push(meta.clone());
                uploads.push(Upload {
                    name: meta.name.clone(),
                    blob,
                });
            }
        }
        (kept, uploads)
    }

    /// Wakes up when the next waiting reply is due.
    fn schedule(self) {
        if let Some(Some(previous)) = self.timer.try_update_value(Option::take) {
            previous.clear();
        }
        let next = self.replies.with_untracked(|replies| {
            replies
                .iter()
                .filter_map(|r| r.outbox.as_ref().filter(|o| o.refused.is_none()))
                .map(|o| o.next_attempt_ms)
                .min_by(f64::total_cmp)
        });
        let Some(next) = next else { return };
        let wait = (next - device::now_ms()).clamp(0.0, f64::from(i32::MAX));
        let wake = move || {
            self.timer.set_value(None);
            self.flush(false);
        };
        self.timer
            .set_value(set_timeout_with_handle(wake, Duration::from_millis(wait as u64)).ok());
    }
}

fn log_failure(what: &str, error: &dyn std::fmt::Display) {
    web_sys::console::warn_1(&format!("{what}: {error}").into());
}

pub fn use_reply_courier() -> Option<ReplyCourier> {
    use_context::<ReplyCourier>()
}
