//! Receiving one complaint, whatever carried it: read the body, check it with the app's own rules, record
//! it exactly once, publish its status file, and answer. The HTTP layer only reads bytes and writes
//! answers; everything a complaint goes through is here.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use complaint_domain::evidence::FileKind;
use complaint_domain::i18n::Locale;
use complaint_domain::instant::Instant;
use complaint_domain::service_levels::Due;
use complaint_domain::submission::{
    Accepted, AcceptedAnswer, AcceptedPlan, ReceivedFile, Refusal, Submission, Unreadable,
};
use sha2::{Digest, Sha256};

use crate::error::IntakeError;
use crate::store::{Db, Handle, NewAttachment, NewComplaint, Recorded, Storage};

use crate::ids;
use crate::publish::{self, hex, status_key, PublishError, Publisher};
use crate::settings::Settings;
use crate::zone::{latest_date_anywhere, now};

/// Set only by the crash test: the process aborts right after the commit, before publishing or answering.
pub const CRASH_AFTER_COMMIT_ENV: &str = "COMPLAINT_INTAKE_CRASH_AFTER_COMMIT";

/// The parts of the multipart body, as read off the wire.
pub struct Received {
    pub complaint: Vec<u8>,
    /// Each `attachment` part: its file name and bytes, in order.
    pub files: Vec<(String, Vec<u8>)>,
}

/// What an accepted complaint's device is told: the first answer for its key, kept byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// JSON, sent as is.
    pub body: String,
    /// For the log line only.
    pub note: &'static str,
    pub reference: Option<String>,
}

fn due_text(due: Due) -> String {
    match due {
        Due::At { at, .. } => at.to_string(),
        Due::EndOf(date) => date.to_string(),
    }
}

pub struct Options {
    /// Complaints sent faster than this after the draft was started are treated as automated.
    pub min_fill_seconds: u64,
    pub crash_after_commit: bool,
    /// New complaints are mailed to the organisation's inbox when this names one.
    pub mail: Option<crate::mail::MailSettings>,
    /// The most the database may take, in bytes (`--db-max-mb`): files that would take it further wait
    /// (`503 storage_full`); complaints and replies without new files still go in.
    pub db_max_bytes: u64,
    /// Replies one complaint may have in 24 hours (`--replies-per-day`); more wait (`429`).
    pub replies_per_day: u32,
    /// Makes the Reply-Proof each filing answer gives, and checks the replies' (`crate::replies`).
    pub reply_key: crate::reply_proof::ReplyKey,
}

pub struct Intake {
    settings: Arc<Settings>,
    store: Arc<Db>,
    publisher: Publisher,
    options: Options,
    /// Keys whose request is being received right now; a second request with one gets 409.
    in_flight: Mutex<HashSet<String>>,
}

/// Holds an Idempotency-Key while its request is handled; dropping it (on any path, including a
/// connection that goes away mid-upload) frees the key.
pub struct Claim {
    intake: Arc<Intake>,
    key: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        lock(&self.intake.in_flight).remove(&self.key);
    }
}

/// A poisoned lock only means another request panicked while holding it; the data is still whole
/// (SQLite rolls back an unfinished transaction), so carry on rather than refuse every later request.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Intake {
    pub fn new(
        settings: Arc<Settings>,
        store: Db,
        publisher: Publisher,
        options: Options,
    ) -> Intake {
        Intake {
            settings,
            store: Arc::new(store),
            publisher,
            options,
            in_flight: Mutex::new(HashSet::new()),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The record, for the replies' handling (`crate::replies`), which follows the same rules.
    pub(crate) fn store(&self) -> Handle<'_> {
        self.store.handle()
    }

    /// The same record, for the outboxes `serve` runs beside the intake (`crate::mail`, `crate::webhooks`).
    pub(crate) fn shared_store(&self) -> Arc<Db> {
        Arc::clone(&self.store)
    }

    pub(crate) fn reply_key(&self) -> &crate::reply_proof::ReplyKey {
        &self.options.reply_key
    }

    pub(crate) fn replies_per_day(&self) -> u32 {
        self.options.replies_per_day
    }

    pub(crate) fn publisher(&self) -> &Publisher {
        &self.publisher
    }

    /// Queues the whole complaint, as `show` prints it, with `files`, for the organisation's inbox (when
    /// one is configured): many teams work from a mailbox.
    pub(crate) fn mail_organisation(
        &self,
        store: &dyn Storage,
        complaint: &crate::store::Complaint,
        subject: complaint_domain::i18n::IntakeMsg,
        files: crate::mail::FilesOf,
    ) {
        let Some(mail) = self.options.mail.as_ref() else {
            return;
        };
        let reference = &complaint.record.reference;
        if let Err(e) = crate::mail::queue_for_organisation(
            store,
            &self.settings,
            mail,
            &self.publisher,
            reference,
            subject,
            files,
        ) {
            crate::log!("{reference}: not mailed to the organisation: {e}");
        }
    }

    /// Refuses files the database has no room for under its ceiling. Bytes it holds already (the same file
    /// named again) take no room.
    pub(crate) fn room_for(
        &self,
        store: &dyn Storage,
        files: &[NewAttachment<'_>],
    ) -> Result<(), IntakeError> {
        let new = store.unstored_bytes(files)?;
        if new > 0 && store.bytes_used()?.saturating_add(new) > self.options.db_max_bytes {
            crate::log!(
                "files refused: the database is at its ceiling of {} MiB (--db-max-mb)",
                self.options.db_max_bytes / (1024 * 1024)
            );
            return Err(IntakeError::StorageFull);
        }
        Ok(())
    }

    /// `None` while another request with this key is still being received.
    pub fn claim(self: &Arc<Self>, key: &str) -> Option<Claim> {
        lock(&self.in_flight).insert(key.to_owned()).then(|| Claim {
            intake: Arc::clone(self),
            key: key.to_owned(),
        })
    }

    /// Publishes what a crash left unpublished; run at start.
    pub fn catch_up(&self) -> Result<usize, PublishError> {
        publish::republish(&*self.store.handle(), &self.publisher, false)
    }

    /// Everything after the body is read. Blocking (SQLite, fsync): run it off the async threads. The
    /// claim is held until the answer is recorded, so no retry can slip in between.
    pub fn receive(&self, claim: Claim, received: Received) -> Result<Answer, IntakeError> {
        let key = claim.key.clone();
        let answer = self.receive_claimed(&key, received);
        drop(claim);
        answer
    }

    fn receive_claimed(&self, key: &str, received: Received) -> Result<Answer, IntakeError> {
        let submission = match Submission::from_received_json(&received.complaint) {
            Ok(submission) => submission,
            Err(Unreadable::TooLarge) => return Err(IntakeError::ComplaintTooLarge),
            Err(Unreadable::NotJson(detail)) => return Err(IntakeError::NotJson(detail)),
            Err(unknown @ Unreadable::UnknownFields { .. }) => {
                // A retry of a complaint stored before unknown fields were refused is still the same
                // complaint (the fingerprint never counted them): it gets its first answer, not a 400.
                if let Some(answer) = self.replay_ignoring_unknown_fields(key, &received)? {
                    return Ok(answer);
                }
                return Err(IntakeError::WrongShape(unknown.to_string()));
            }
            Err(shape) => return Err(IntakeError::WrongShape(shape.to_string())),
        };
        if submission.draft_id != key {
            return Err(IntakeError::KeyMismatch);
        }
        let fingerprint = fingerprint(&submission, &received.files);
        let mut store = self.store.handle();
        if let Some(first) = store.answer_for(key)? {
            let answer = replay(first, &fingerprint)?;
            // A retry of a stored complaint is the moment to publish a status file that failed before.
            if let Err(e) = publish::republish(&*store, &self.publisher, false) {
                crate::log!("status files still unpublished: {e}");
            }
            return Ok(answer);
        }
        let at = now();
        let files: Vec<ReceivedFile<'_>> = received
            .files
            .iter()
            .map(|(name, bytes)| ReceivedFile { name, bytes })
            .collect();
        let kinds = submission
            .check_received(&files, &self.settings.config, latest_date_anywhere(at))
            .map_err(|refusals| refused(submission.locale, &refusals))?;
        // Flagged complaints are kept, not dropped: a browser's autofill can fill the hidden field and a
        // phone's clock can jump, and a real customer must never be silently lost. They are answered exactly
        // like the others (so a bot learns nothing) but held without a status file until released.
        let flag = submission
            .spam_signals
            .flag(self.options.min_fill_seconds)
            .map(|f| f.to_string());
        self.record(
            &mut *store,
            key,
            &fingerprint,
            &submission,
            &received,
            &kinds,
            at,
            flag.as_deref(),
        )
    }

    fn replay_ignoring_unknown_fields(
        &self,
        key: &str,
        received: &Received,
    ) -> Result<Option<Answer>, IntakeError> {
        let Ok(lenient) = serde_json::from_slice::<Submission>(&received.complaint) else {
            return Ok(None);
        };
        if lenient.draft_id != key {
            return Ok(None);
        }
        let fingerprint = fingerprint(&lenient, &received.files);
        match self.store.handle().answer_for(key)? {
            Some(first) if first.fingerprint == fingerprint => {
                replay(first, &fingerprint).map(Some)
            }
            _ => Ok(None),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        store: &mut dyn Storage,
        key: &str,
        fingerprint: &str,
        submission: &Submission,
        received: &Received,
        kinds: &[FileKind],
        at: Instant,
        quarantine: Option<&str>,
    ) -> Result<Answer, IntakeError> {
        let hashes: Vec<String> = received
            .files
            .iter()
            .map(|(_, bytes)| hex(&Sha256::digest(bytes)))
            .collect();
        let attachments: Vec<NewAttachment<'_>> = submission
            .attachments
            .iter()
            .zip(&received.files)
            .zip(kinds.iter().zip(&hashes))
            .map(|((meta, (_, bytes)), (kind, sha256))| NewAttachment {
                name: &meta.name,
                kind: kind.mime(),
                sha256,
                content: bytes,
            })
            .collect();
        self.room_for(store, &attachments)?;
        // The answers as parsed, not the bytes as sent: only the contract's fields are ever stored.
        let text = submission.to_canonical_json();
        // A clash of two random 40-bit references is rare; a few fresh draws settle it.
        for _ in 0..5 {
            let (reference, pin, body) = self.accepted_body(submission, at)?;
            let verifier = verifier_of(submission, pin.as_deref());
            let new = NewComplaint {
                key,
                fingerprint,
                reference: &reference,
                category: &submission.category,
                locale: submission.locale,
                received_at: at,
                submission: &text,
                consumer_country: submission.consumer_country.as_deref(),
                pin: pin.as_deref(),
                status_key: &status_key(&reference, verifier),
                attachments: attachments.clone(),
                answer_status: 201,
                answer_body: &body,
                quarantine,
            };
            match store.record(&new)? {
                Recorded::New => {}
                Recorded::KeyTaken(first) => return replay(first, fingerprint),
                Recorded::ReferenceTaken => continue,
            }
            if self.options.crash_after_commit {
                crate::log!("{reference} committed; aborting as {CRASH_AFTER_COMMIT_ENV} asks");
                std::process::abort();
            }
            if quarantine.is_some() {
                return Ok(Answer {
                    status: 201,
                    body,
                    note: "quarantined",
                    reference: Some(reference),
                });
            }
            self.after_recording(store, &reference);
            return Ok(Answer {
                status: 201,
                body,
                note: "accepted",
                reference: Some(reference),
            });
        }
        Err(IntakeError::NoFreeReference)
    }

    /// What follows a new complaint once it is committed: its status file, the organisation's mail, the
    /// figures. The complaint is safe from here on: a failed publish is retried on the phone's next retry of
    /// this key, at the next start, or by `republish`.
    fn after_recording(&self, store: &mut dyn Storage, reference: &str) {
        match store.complaint(reference) {
            Ok(Some(complaint)) => {
                if let Err(e) = publish::publish_complaint(store, &self.publisher, &complaint) {
                    crate::log!("{reference} stored but its status file was not written: {e}");
                }
                self.mail_organisation(
                    store,
                    &complaint,
                    complaint_domain::i18n::IntakeMsg::MailOrgNewComplaint,
                    crate::mail::FilesOf::Complaint,
                );
            }
            Ok(None) => crate::log!("{reference} stored but not found to publish"),
            Err(e) => crate::log!("{reference} stored but not read back to publish: {e}"),
        }
    }

    /// A fresh reference, a PIN when there is no email address, and the answer's JSON.
    fn accepted_body(
        &self,
        submission: &Submission,
        at: Instant,
    ) -> Result<(String, Option<String>, String), IntakeError> {
        let reference = ids::new_reference()?;
        let has_email = submission
            .contact
            .email
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty());
        let pin = if has_email {
            None
        } else {
            Some(ids::new_pin()?)
        };
        let plan = self
            .settings
            .config
            .category(&submission.category)
            .map(|c| {
                c.service_levels.plan(
                    at,
                    &self.settings.zone,
                    &self.settings.holidays,
                    submission.consumer_country.as_deref(),
                )
            })
            .unwrap_or_default();
        let reply_proof = self.options.reply_key.proof(&status_key(
            &reference,
            verifier_of(submission, pin.as_deref()),
        ));
        let accepted = AcceptedAnswer {
            accepted: Accepted {
                reference: reference.clone(),
                received_at: Some(at.to_string()),
                pin: pin.clone(),
                reply_proof,
            },
            plan: AcceptedPlan {
                acknowledge_by: plan.acknowledge.map(|s| due_text(s.due)),
                decide_by: plan.decide.map(|s| due_text(s.due)),
            },
        };
        // Strings and options of strings always serialise.
        let body = serde_json::to_string(&accepted).unwrap_or_default();
        Ok((reference, pin, body))
    }
}

/// What the customer tracks the complaint with besides its reference: the email address given, else the PIN.
fn verifier_of<'a>(submission: &'a Submission, pin: Option<&'a str>) -> &'a str {
    submission
        .contact
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .or(pin)
        .unwrap_or_default()
}

/// What makes two sends "the same complaint": the parsed answers and each file's name and content. The
/// multipart boundary and JSON spacing do not count, nor `fill_seconds`, which a resend may recompute.
fn fingerprint(submission: &Submission, files: &[(String, Vec<u8>)]) -> String {
    let mut canonical = submission.clone();
    canonical.spam_signals.fill_seconds = 0;
    let mut hash = Sha256::new();
    hash.update(serde_json::to_vec(&canonical).unwrap_or_default());
    for (name, bytes) in files {
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update(Sha256::digest(bytes));
    }
    hex(&hash.finalize())
}

fn replay(first: crate::store::StoredAnswer, fingerprint: &str) -> Result<Answer, IntakeError> {
    if first.fingerprint != fingerprint {
        return Err(IntakeError::KeyReused);
    }
    let reference = serde_json::from_str::<Accepted>(&first.body)
        .ok()
        .map(|a| a.reference);
    Ok(Answer {
        status: first.status,
        body: first.body,
        note: "replayed",
        reference,
    })
}

fn refused(locale: Locale, refusals: &[Refusal]) -> IntakeError {
    let sentences: Vec<String> = refusals
        .iter()
        .map(|r| {
            let words = r.message(locale);
            if words.ends_with(['.', '!', '?', '。']) {
                words
            } else {
                format!("{words}.")
            }
        })
        .collect();
    IntakeError::Invalid(sentences.join(" "))
}
