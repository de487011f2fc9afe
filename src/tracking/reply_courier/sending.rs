//! Sending one reply: into the outbox on the device first, then tried while no other tab sends it;
//! delivered, it leaves the device; refused, it goes back to the customer with the reason.

use std::rc::Rc;

use complaint_domain::evidence::AttachmentMeta;
use complaint_domain::outbox::ReplyOutbox;
use complaint_domain::replies::ReplyDraft;
use complaint_domain::tracking::normalise_reference;
use leptos::prelude::*;

use super::ReplyCourier;
use crate::delivery::{self, log_failure};
use crate::services::submit::{SendError, Upload};
use crate::services::{device, replies};

impl ReplyCourier {
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
        let Some((reply, outbox)) = queued.and_then(|r| r.outbox.clone().map(|o| (r, o))) else {
            return;
        };
        let store = self.store();
        self.spawn(async move {
            // On the device before the first attempt: a page closed mid-send still has it waiting.
            if let Some(store) = store {
                if let Err(e) = store.put_reply(&reply).await {
                    log_failure("the reply could not be kept on this device", &e);
                }
            }
            delivery::attempt(self, (reply.id, outbox.attempts), false).await;
            delivery::schedule(self).await;
        });
    }

    /// One attempt, while no other tab is sending this reply. (Another tab that delivered it meanwhile makes
    /// this a repeat, which the key makes harmless: the same answer, nothing stored twice.)
    pub(super) async fn attempt_waiting(self, id: &str) {
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
        // The proof the filing answer gave this device, else the one the mail link carried.
        let issued = match self.issued_proof(&reply.reference).await {
            Some(issued) => Some(issued),
            None => reply.proof.clone(),
        };
        let result = replies::send(
            &reply,
            &outbox,
            issued.as_deref(),
            &uploads,
            Rc::new(|_| {}),
        )
        .await;
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
                status,
                pause_ms,
                progressed,
                ..
            }) => {
                outbox
                    .attempts
                    .failed(status, pause_ms, progressed, device::now_ms());
                self.set_outbox(id, Some(outbox)).await;
            }
            Err(SendError::Refused(refused)) => {
                // Back with the customer, with the reason; kept on the device so it is seen even later.
                outbox.attempts.refused = Some(refused);
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

    /// The proof to show for `reference`: the one the server gave this device when it filed it, else the one
    /// the organisation's mail link carried (`carried`), else the older proof made from the reference and
    /// verifier. For what goes outside the outbox (the copy of the customer's data).
    pub async fn proof_for(
        self,
        reference: &str,
        verifier: &str,
        carried: Option<String>,
    ) -> Option<String> {
        match self.issued_proof(reference).await.or(carried) {
            Some(proof) => Some(proof),
            None => replies_proof(reference, verifier).await,
        }
    }

    /// The proof the server gave when this device filed the complaint (kept with it in the sent list), if it
    /// did: complaints filed elsewhere, or before servers gave one, get the older proof instead.
    async fn issued_proof(self, reference: &str) -> Option<String> {
        let store = self.store()?;
        let sent = store.sent().await.ok()?;
        let wanted = normalise_reference(reference);
        sent.into_iter()
            .find(|s| normalise_reference(&s.reference) == wanted)
            .and_then(|s| s.reply_proof)
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
}

async fn replies_proof(reference: &str, verifier: &str) -> Option<String> {
    crate::services::status::reply_proof(reference, verifier)
        .await
        .ok()
}
