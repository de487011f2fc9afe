//! Writing a reply: what the tracker shows of the replies on a complaint, beginning one, each change kept
//! on the device at once (so nothing typed is lost), its files, and "Cancel".

use complaint_domain::evidence::AttachmentMeta;
use complaint_domain::replies::{ReplyAction, ReplyDraft};
use complaint_domain::tracking::normalise_reference;
use leptos::prelude::*;
use web_sys::Blob;

use super::ReplyCourier;
use crate::delivery::log_failure;
use crate::services::device;
use crate::services::drafts::StoredFile;

impl ReplyCourier {
    /// The reply being written (or refused and back with the customer) on this complaint, if any.
    pub fn open_for(self, reference: &str) -> Option<ReplyDraft> {
        let wanted = normalise_reference(reference);
        self.replies.with(|replies| {
            replies
                .iter()
                .find(|r| {
                    normalise_reference(&r.reference) == wanted
                        // An erasure request is asked under "Your data", never written in the reply panel.
                        && r.action != ReplyAction::Erasure
                        && r.outbox
                            .as_ref()
                            .is_none_or(|o| o.attempts.refused.is_some())
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
                        && r.outbox
                            .as_ref()
                            .is_some_and(|o| o.attempts.refused.is_none())
                })
                .cloned()
                .collect()
        })
    }

    /// Starts writing a reply (its key is made now, so every attempt to send it is the same reply); `proof`
    /// is the one a mail link carried, if the complaint was opened from one.
    pub fn begin(
        self,
        reference: &str,
        verifier: &str,
        proof: Option<String>,
        action: ReplyAction,
    ) {
        self.delivered.set(None);
        let mut draft = ReplyDraft::new(
            device::new_uuid(),
            reference.to_owned(),
            verifier.to_owned(),
            action,
            device::now_ms(),
        );
        draft.proof = proof;
        self.replies.update(|replies| replies.push(draft.clone()));
        self.persist(draft);
    }

    /// "Ask us to erase it": an erasure request has nothing to write, so it is made and sent at once, into
    /// the same outbox as a reply (its own Idempotency-Key, kept on the device until delivered).
    pub fn ask_erasure(
        self,
        reference: &str,
        verifier: &str,
        proof: Option<String>,
        endpoint: String,
    ) {
        let id = device::new_uuid();
        let mut draft = ReplyDraft::new(
            id.clone(),
            reference.to_owned(),
            verifier.to_owned(),
            ReplyAction::Erasure,
            device::now_ms(),
        );
        draft.proof = proof;
        self.replies.update(|replies| replies.push(draft));
        self.send(&id, endpoint, None);
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
}
