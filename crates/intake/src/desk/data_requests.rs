//! A customer's requests about their own data (issue #25, docs/api.md "Your data"): the copy of everything
//! the organisation holds about one complaint that the customer may see (one zip: `complaint.json` and the
//! files), the request to erase it, and the staff's queue of those requests with their due days and answers.
//!
//! The customer's proof (the Reply-Proof, `crate::reply_proof`) is checked by the caller before anything
//! here runs, with the same work whether the complaint exists or not; these methods assume it held. An
//! erasure request answered "done" is erased by the same erasure as `Desk::erase` (`super::erasure`), a
//! legal hold respected: then the request is refused, with the reason the customer reads.

use std::io::Write as _;

use complaint_domain::data_requests::{due_on, DataRequestKind, DataRequestState};
use complaint_domain::i18n::dates::date_text;
use complaint_domain::i18n::{format, IntakeMsg};
use complaint_domain::instant::Zone;
use complaint_domain::status::Stage;
use serde_json::{json, Value};

use super::erasure::{ErasedOne, Who};
use super::{Actor, Asked, Desk, DeskError, Notice, Permission};
use crate::dossier::{safe_file_name, Dossier};
use crate::publish::publish_complaint;
use crate::store::{
    AuditEntry, DataRequest, FileSource, Hold, NewDataRequest, Outgoing, RequestRecorded,
    StoreError,
};
use crate::zone;

/// The longest reason for a refusal, in characters: a few sentences the customer reads.
pub const MAX_REASON_CHARS: usize = 2000;

/// An erasure request as recorded: the request, whether this key was answered before, and what did not
/// follow it (the organisation's mail).
pub struct ErasureRecorded {
    pub request: DataRequest,
    pub replayed: bool,
    pub notices: Vec<Notice>,
    /// The complaint's stage, which the answer names as a reply's does.
    pub stage: Stage,
}

/// A request as answered, and the legal hold that turned an erasure's "done" into a refusal (for staff to
/// read: who put it on, since when, why).
#[derive(Debug, Clone)]
pub struct Answered {
    pub request: DataRequest,
    pub hold: Option<Hold>,
}

/// A staff member's answer to a request.
#[derive(Debug, Clone)]
pub enum RequestAnswer {
    Done,
    /// With the reason the customer reads on their status file.
    Refused {
        reason: String,
    },
}

impl Desk {
    /// The customer's copy of complaint `reference` as a zip: `complaint.json` (what `show` shows, less what
    /// is the organisation's own: the quarantine reason, the root causes, where the status file lies, which
    /// replies staff have read), then each file as `files/N-name` (its number in `show`), its bytes as stored.
    pub fn customer_export(&self, reference: &str) -> Result<Vec<u8>, DeskError> {
        let settings = self.settings()?;
        let dossier = Dossier::load(&*self.store, reference)?;
        let mut files = Vec::new();
        let mut listed = Vec::new();
        for file in &dossier.filed.files {
            let path = format!("files/{}", safe_file_name(&file.name, file.number));
            let bytes = self.store.file_bytes(file.source)?.unwrap_or_default();
            listed.push(json!({
                "number": file.number,
                "name": file.name,
                "type": file.kind,
                "bytes": file.bytes,
                "sha256": file.sha256,
                "from": match file.source {
                    FileSource::Complaint { .. } => "complaint",
                    FileSource::Reply { .. } => "reply",
                },
                "path": path,
            }));
            files.push((path, bytes));
        }
        let document = complaint_json(&dossier, settings, listed);
        let text = serde_json::to_vec_pretty(&document)
            .map_err(|_| DeskError::Invalid("the complaint could not be written as JSON".into()))?;
        zip_of(&[("complaint.json".to_owned(), text)], &files)
    }

    /// Records the customer's request that their data be erased, once per `key` (a key used again with
    /// another complaint is refused), with the day it is answered by; publishes the status file that shows
    /// it, writes the audit line and mails the organisation's inbox.
    pub fn request_erasure(
        &mut self,
        reference: &str,
        key: &str,
    ) -> Result<ErasureRecorded, DeskError> {
        let settings = self.shared_settings()?;
        let complaint = self
            .store
            .complaint(reference)?
            .ok_or_else(|| DeskError::NotFound {
                reference: reference.to_owned(),
            })?;
        let stage = complaint
            .record
            .current()
            .map_or(Stage::Received, |e| e.stage);
        let now = zone::now();
        let today = settings
            .zone
            .local(now)
            .map_or_else(|| now.utc_wall_clock().date, |local| local.date);
        let due = due_on(today, settings.config.privacy.answer_rule());
        let fingerprint = format!("erasure {}", complaint.record.reference);
        let recorded = self.store.record_data_request(&NewDataRequest {
            complaint_id: complaint.id,
            kind: DataRequestKind::Erasure,
            key,
            fingerprint: &fingerprint,
            at: now,
            due_on: due,
        })?;
        let request = match recorded {
            RequestRecorded::Again(request, first) if first == fingerprint => {
                return Ok(ErasureRecorded {
                    request,
                    replayed: true,
                    notices: Vec::new(),
                    stage,
                })
            }
            RequestRecorded::Again(..) => {
                return Err(DeskError::Invalid(
                    "this Idempotency-Key was used for another request".into(),
                ))
            }
            RequestRecorded::New(request) => request,
        };
        // The customer is no staff actor: their line names them as the customer, never by name.
        self.store.append_audit(&AuditEntry {
            at: now,
            actor: "customer".to_owned(),
            actor_name: "the customer".to_owned(),
            action: "erasure_requested".to_owned(),
            complaint_id: Some(complaint.id),
            detail: json!({ "request": request.id, "due_on": due.to_string() }),
            address: None,
        })?;
        self.publish_current(&complaint.record.reference)?;
        let notices = self.tell_organisation_of(&request).into_iter().collect();
        Ok(ErasureRecorded {
            request,
            replayed: false,
            notices,
            stage,
        })
    }

    /// Every request, the open ones first by the day they are due: for leads and admins.
    pub fn data_requests(&self, actor: &Actor) -> Result<Vec<DataRequest>, DeskError> {
        actor.require(Permission::DataRequests)?;
        Ok(self.store.data_requests()?)
    }

    /// Answers an open request: done, or refused with a reason the customer reads. An erasure answered done
    /// is erased here (`erase_on_request`), under a legal hold refused instead. One audit line; the
    /// status file shows the answer (or, erased, the tombstone).
    pub fn answer_data_request(
        &mut self,
        actor: &Actor,
        address: Option<&str>,
        id: i64,
        answer: RequestAnswer,
    ) -> Result<Answered, DeskError> {
        actor.require(Permission::DataRequests)?;
        let request = self
            .store
            .data_request(id)?
            .ok_or_else(|| DeskError::Invalid(format!("no data request has the id {id}")))?;
        if request.entry.state != DataRequestState::Open {
            return Err(DeskError::Invalid(format!(
                "data request {id} was answered already"
            )));
        }
        let (state, reason) = match &answer {
            RequestAnswer::Done => (DataRequestState::Done, None),
            RequestAnswer::Refused { reason } => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(DeskError::Invalid(
                        "say why the request is refused: the customer reads it".into(),
                    ));
                }
                if reason.chars().count() > MAX_REASON_CHARS {
                    return Err(DeskError::Invalid(format!(
                        "the reason is longer than {MAX_REASON_CHARS} characters"
                    )));
                }
                (DataRequestState::Refused, Some(reason.to_owned()))
            }
        };
        if request.entry.kind == DataRequestKind::Erasure && state == DataRequestState::Done {
            let asked = Asked {
                actor,
                address,
                reference: &request.reference,
                revision: None,
            };
            if let Some(answered) = self.erase_on_request(&asked, &request)? {
                return Ok(answered);
            }
        }
        let request = self.save_answer(actor, address, &request, state, reason.as_deref())?;
        Ok(Answered {
            request,
            hold: None,
        })
    }

    /// An erasure request answered done: the same erasure as [`Desk::erase`], in one transaction that also
    /// marks the request done and writes one audit line (`erase`, naming the request). Under a legal hold
    /// nothing is erased: the request is refused, the customer reading why in their language (never the
    /// hold's own words, which are the organisation's), and staff get the hold. `None`: the schedule erased
    /// the complaint before, and the request is answered like any other.
    fn erase_on_request(
        &mut self,
        asked: &Asked<'_>,
        request: &DataRequest,
    ) -> Result<Option<Answered>, DeskError> {
        let complaint = self.found(&request.reference)?;
        let reason = format!("the customer's erasure request {}", request.id);
        let erased = self.erase_one(
            Who::Staff(asked),
            (complaint.id, &complaint.record.reference),
            (&reason, Some(request.id)),
            || {},
        )?;
        let hold = match erased {
            ErasedOne::Erased | ErasedOne::NotPublished => None,
            ErasedOne::Already(_) => return Ok(None),
            ErasedOne::Held(hold) => Some(hold),
        };
        let Some(hold) = hold else {
            let request = self.store.data_request(request.id)?;
            return Ok(Some(Answered {
                request: request.ok_or(StoreError::Conflict)?,
                hold: None,
            }));
        };
        let zone = &self.settings()?.zone;
        let since = zone
            .local(hold.since)
            .map_or_else(|| hold.since.utc_wall_clock().date, |local| local.date);
        let lang = complaint.locale;
        let words = format(
            lang,
            IntakeMsg::ErasureHeldReason,
            &[("date", &date_text(since, lang))],
        );
        let refused = DataRequestState::Refused;
        let request =
            self.save_answer(asked.actor, asked.address, request, refused, Some(&words))?;
        Ok(Some(Answered {
            request,
            hold: Some(hold),
        }))
    }

    /// Saves an answer that erases nothing, with its audit line, and publishes the status file showing it.
    fn save_answer(
        &mut self,
        actor: &Actor,
        address: Option<&str>,
        request: &DataRequest,
        state: DataRequestState,
        reason: Option<&str>,
    ) -> Result<DataRequest, DeskError> {
        let id = request.id;
        let answered =
            self.store
                .answer_data_request(id, state, reason, &actor.audit_key(), zone::now())?;
        if !answered {
            return Err(DeskError::Invalid(format!(
                "data request {id} was answered already"
            )));
        }
        self.audit(
            actor,
            "data_request_answered",
            Some(request.complaint_id),
            json!({ "request": id, "kind": request.entry.kind.as_str(), "state": state.as_str() }),
            address,
        )?;
        self.publish_current(&request.reference)?;
        Ok(self.store.data_request(id)?.ok_or(StoreError::Conflict)?)
    }

    /// Writes the complaint's status file as it now stands (a request changed it).
    fn publish_current(&self, reference: &str) -> Result<(), DeskError> {
        let complaint = self
            .store
            .complaint(reference)?
            .ok_or_else(|| DeskError::NotFound {
                reference: reference.to_owned(),
            })?;
        if complaint.quarantine.is_none() {
            publish_complaint(&*self.store, &self.publisher, &complaint)
                .map_err(DeskError::NotPublished)?;
        }
        Ok(())
    }

    /// Mails the organisation's inbox (when one is set) that an erasure was asked, and by when to answer.
    fn tell_organisation_of(&self, request: &DataRequest) -> Option<Notice> {
        let mail = self.mail.as_ref()?;
        let to = mail.org_inbox.clone()?;
        let lang = mail.org_lang;
        let reference = request.reference.as_str();
        let asked = request.entry.at.utc_wall_clock().date.to_string();
        let due = request.entry.due_on.to_string();
        let outgoing = Outgoing {
            to,
            subject: format(lang, IntakeMsg::MailOrgErasure, &[("reference", reference)]),
            body: format(
                lang,
                IntakeMsg::MailOrgErasureBody,
                &[("reference", reference), ("asked", &asked), ("due", &due)],
            ),
            files: Vec::new(),
            body_without_files: None,
        };
        match self
            .store
            .enqueue_mail(request.complaint_id, &outgoing, zone::now())
        {
            Ok(_) => None,
            Err(e) => Some(Notice::OrganisationNotMailed {
                reference: reference.to_owned(),
                why: e.to_string(),
            }),
        }
    }
}

/// What the customer may see of a complaint, as JSON: their answers and contact as received, the files'
/// list, their replies with their words, and the public timeline (stages, the organisation's messages,
/// dates, the decision, their requests) exactly as their status file has it.
fn complaint_json(
    dossier: &Dossier,
    settings: &crate::settings::Settings,
    files: Vec<Value>,
) -> Value {
    let record = &dossier.complaint.record;
    let category = settings.config.category(&dossier.submission.category);
    let submission: Value = serde_json::from_str(&dossier.filed.submission).unwrap_or(Value::Null);
    let replies: Vec<Value> = dossier
        .replies
        .iter()
        .map(|r| {
            json!({
                "at": r.at.to_string(),
                "kind": r.kind.as_str(),
                "text": r.text,
                "stars": r.stars,
            })
        })
        .collect();
    json!({
        "reference": record.reference,
        "received_at": dossier.filed.received_at.to_string(),
        "category": {
            "id": dossier.submission.category,
            "label": category.map(|c| &c.label),
        },
        "description": dossier.submission.description,
        "contact": submission.get("contact"),
        "pin": dossier.filed.pin,
        "as_received": submission,
        "files": files,
        "your_replies": replies,
        "timeline": record,
    })
}

/// A zip of `texts` and `files` (name, bytes), stored without compression.
fn zip_of(texts: &[(String, Vec<u8>)], files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, DeskError> {
    let failed =
        |e: &dyn std::fmt::Display| DeskError::Invalid(format!("the zip could not be made: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    let mut used = std::collections::BTreeSet::new();
    for (name, bytes) in texts.iter().chain(files) {
        // Two files of the same name and number cannot happen (numbers are unique); kept safe anyway.
        let name = if used.insert(name.clone()) {
            name.clone()
        } else {
            format!("{name}-{}", used.len())
        };
        zip.start_file(name, options).map_err(|e| failed(&e))?;
        zip.write_all(bytes).map_err(|e| failed(&e))?;
    }
    let cursor = zip.finish().map_err(|e| failed(&e))?;
    Ok(cursor.into_inner())
}
