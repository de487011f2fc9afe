//! Sending one complaint: now, or into the outbox when there is no answer; one attempt at a waiting one;
//! delivered, it leaves the outbox and the other tabs are told; refused, it goes back to the customer.

use complaint_domain::my_complaints::SentComplaint;
use complaint_domain::outbox::OutboxEntry;
use complaint_domain::submission::{Accepted, Submission};
use leptos::prelude::*;

use super::other_tabs::delivered_message;
use super::Courier;
use crate::delivery::{log_failure, Deliverable};
use crate::services::device;
use crate::services::submit::{self, Destination, Progress, SendError, Upload};

impl Courier {
    /// Sends the session's complaint; without an answer it goes to the outbox instead of failing.
    pub async fn send(
        self,
        endpoint: String,
        uploads_base: Option<String>,
        body: Submission,
        uploads: Vec<Upload>,
    ) {
        self.session.sending();
        let id = body.draft_id.clone();
        let to = Destination {
            endpoint: &endpoint,
            uploads: uploads_base.as_deref(),
        };
        let sending = submit::send(to, &body, &uploads, self.progress_for(&id));
        let Some((result, asked_again)) = self.outbox.alone(Self::LOCK, &id, false, sending).await
        else {
            return;
        };
        self.session.show_progress(None);
        match result {
            Ok(accepted) => self.delivered(&body, accepted).await,
            Err(SendError::Unavailable {
                status,
                pause_ms,
                progressed,
                ..
            }) if self.device.get().is_some() => {
                let now = device::now_ms();
                let mut entry = OutboxEntry::new(endpoint, body, now);
                entry.uploads = uploads_base;
                entry.attempts.failed(status, pause_ms, progressed, now);
                self.keep(entry).await;
                if asked_again {
                    self.flush(true);
                }
            }
            Err(error) => self.session.send_failed(error),
        }
    }

    /// Where a send's progress goes: the progress bar, while this complaint is the one on screen. The
    /// browser calls it straight from the upload's progress events, so it may come after the root is gone
    /// (a widget removed mid-send): then it does nothing.
    pub(super) fn progress_for(self, id: &str) -> std::rc::Rc<dyn Fn(Progress)> {
        let id = id.to_owned();
        std::rc::Rc::new(move |progress| {
            if self.is_current(&id) {
                self.session.show_progress(Some(progress));
            }
        })
    }

    /// One attempt at a waiting complaint, while no other tab is sending it; `force` when the customer asked
    /// ("Try now") or the phone came back online.
    pub(super) async fn attempt_waiting(self, seen: OutboxEntry, force: bool) {
        let Some(store) = self.device.get() else {
            return;
        };
        // While this tab waited for the lock, another may have delivered the complaint, or just tried it and
        // planned the next attempt: then a planned attempt leaves it to that plan. A forced one goes all the
        // same, as the other tab's attempt may have started before the signal came back.
        let mut entry = match store.waiting(&seen.id).await {
            Ok(Some(now))
                if now.attempts.refused.is_none()
                    && (force
                        || now.attempts.count == seen.attempts.count
                        || now.attempts.is_due(device::now_ms())) =>
            {
                now
            }
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
            self.session.show_progress(None);
        }
        match result {
            Ok(accepted) => self.delivered(&entry.submission, accepted).await,
            Err(SendError::Unavailable {
                status,
                pause_ms,
                progressed,
                ..
            }) => {
                entry
                    .attempts
                    .failed(status, pause_ms, progressed, device::now_ms());
                if let Err(e) = store.queue(&entry).await {
                    log_failure("the waiting complaint could not be updated", &e);
                }
            }
            Err(SendError::Refused(refused)) => {
                // Refused as it stands: back to the customer, who can change it and send again. If it is
                // not on screen, it stays in the outbox marked refused until they have seen why.
                self.forget_pending(&entry.id);
                if self.is_current(&entry.id) && self.form_here {
                    if let Err(e) = store.unqueue(&entry.id).await {
                        log_failure("the refused complaint could not leave the outbox", &e);
                    }
                    self.session.refused(refused);
                } else {
                    entry.attempts.refused = Some(refused);
                    if let Err(e) = store.queue(&entry).await {
                        log_failure("the refused complaint could not be marked", &e);
                    }
                    self.session.tell_refused_elsewhere(true);
                }
            }
        }
    }

    pub(super) async fn keep(self, entry: OutboxEntry) {
        let Some(store) = self.device.get() else {
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
                self.session.waiting();
                // Sent as far as the customer is concerned: the tracker lists it, so it may be needed offline.
                crate::services::offline::complaint_sent();
                crate::delivery::schedule(self).await;
            }
            Err(e) => self
                .session
                .send_failed(SendError::unavailable(e.to_string())),
        }
    }

    pub(super) async fn delivered(self, body: &Submission, accepted: Accepted) {
        let id = body.draft_id.as_str();
        self.forget_pending(id);
        if let Some(store) = self.device.get() {
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
        self.drafts.delivered(id.to_owned());
        // Again now it is delivered: the worker may not have been in control, or online, when it was queued.
        crate::services::offline::complaint_sent();
        if let Some(channel) = self.channel.get_value() {
            channel.post(&delivered_message(id, &accepted));
        }
        self.show_delivered(id, accepted);
    }

    pub(super) fn show_delivered(self, id: &str, accepted: Accepted) {
        if self.is_current(id) {
            self.drafts.receipt_shown();
            self.session.delivered(accepted);
        }
    }

    pub(super) async fn uploads_for(self, entry: &OutboxEntry) -> Vec<Upload> {
        let mut uploads = Vec::new();
        for meta in &entry.submission.attachments {
            let in_memory = self.session.files.with_value(|f| {
                f.iter()
                    .find(|(id, _)| *id == meta.id)
                    .map(|(_, b)| b.clone())
            });
            let blob = match in_memory {
                Some(blob) => Some(blob),
                None => match self.device.get() {
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
}
