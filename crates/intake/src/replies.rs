//! A customer's reply to a filed complaint (`docs/replies.md`): more information (text and files uploaded
//! ahead by SHA-256), "this resolves it" or "not satisfied" with a reason, and a rating after it closed.
//!
//! Who may: only the device the complaint was filed from, shown by the proof the filing answer gave it
//! (`crate::reply_proof::ReplyKey`: an HMAC of the reference and verifier under the service's own secret, so knowing or guessing
//! them, or the status file's name, is not enough); complaints received before the secret existed also take
//! the older proof their devices make themselves (`complaint_domain::tracking::reply_proof_input`). Compared
//! in constant time, after the same one read and the same two hashes whether the complaint exists or not, so
//! neither the answer nor its timing says which part was wrong: an unknown reference, a held complaint, a
//! missing or wrong proof all get the same neutral 404. Exactly once as for filing: the first answer is stored
//! with its key in the reply's transaction.
//!
//! Nothing is read before it is due: the proof, the key, the day's count of replies (`--replies-per-day`),
//! the words and the complaint's stage admit a reply first, and only then are the files it names read from
//! the uploads (the same file twice is refused), so a refused reply costs what one without files does.

use complaint_domain::evidence::{AttachmentProblem, FileKind};
use complaint_domain::i18n::IntakeMsg;

use complaint_domain::status::{CustomerReply, ReplyKind};
use complaint_domain::submission::ATTACHMENT_NAME_MAX_CHARS;
use complaint_domain::tracking::normalise_reference;

use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::IntakeError;
use crate::intake::{Answer, Intake};
use crate::mail::FilesOf;
use crate::publish::{self, hex};
use crate::store::{NewAttachment, NewReply, Replied, StoreError, StoredAnswer};

use crate::zone::now;

/// The three things a customer may do, by the last segment of the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Information,
    Resolution,
    Rating,
}

impl Action {
    pub fn parse(segment: &str) -> Option<Action> {
        match segment {
            "information" => Some(Action::Information),
            "resolution" => Some(Action::Resolution),
            "rating" => Some(Action::Rating),
            _ => None,
        }
    }
}

/// A file of an information reply, uploaded ahead (`docs/submission.md`, Uploads) and named by its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyFile {
    pub name: String,
    pub kind: FileKind,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InformationBody {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    attachments: Vec<ReplyFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolutionBody {
    resolved: bool,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RatingBody {
    stars: u8,
    #[serde(default)]
    comment: Option<String>,
}

/// A reply's body, read by its action's shape (a field the contract does not have is refused).
#[derive(Debug, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ReplyBody {
    Information {
        text: Option<String>,
        attachments: Vec<ReplyFile>,
    },
    Resolution {
        resolved: bool,
        reason: Option<String>,
    },
    Rating {
        stars: u8,
        comment: Option<String>,
    },
}

/// The largest reply body read: text only (files come ahead), with its own limit far below this.
pub const MAX_REPLY_BYTES: usize = 256 * 1024;

fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

impl ReplyBody {
    pub fn parse(action: Action, bytes: &[u8]) -> Result<ReplyBody, IntakeError> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| IntakeError::NotJson(e.to_string()))?;
        let shape = |e: serde_json::Error| IntakeError::WrongShape(e.to_string());
        Ok(match action {
            Action::Information => {
                let body: InformationBody = serde_json::from_value(value).map_err(shape)?;
                ReplyBody::Information {
                    text: trimmed(body.text),
                    attachments: body.attachments,
                }
            }
            Action::Resolution => {
                let body: ResolutionBody = serde_json::from_value(value).map_err(shape)?;
                ReplyBody::Resolution {
                    resolved: body.resolved,
                    reason: trimmed(body.reason),
                }
            }
            Action::Rating => {
                let body: RatingBody = serde_json::from_value(value).map_err(shape)?;
                ReplyBody::Rating {
                    stars: body.stars,
                    comment: trimmed(body.comment),
                }
            }
        })
    }

    /// The files to fetch from the uploads before the reply is handled.
    pub fn files(&self) -> &[ReplyFile] {
        match self {
            ReplyBody::Information { attachments, .. } => attachments,
            _ => &[],
        }
    }

    fn reply(&self) -> CustomerReply {
        match self {
            ReplyBody::Information { .. } => CustomerReply::Information,
            ReplyBody::Resolution { resolved: true, .. } => CustomerReply::Resolved,
            ReplyBody::Resolution {
                resolved: false, ..
            } => CustomerReply::NotSatisfied,
            ReplyBody::Rating { stars, .. } => CustomerReply::Rating { stars: *stars },
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            ReplyBody::Information { text, .. } => text.as_deref(),
            ReplyBody::Resolution { reason, .. } => reason.as_deref(),
            ReplyBody::Rating { comment, .. } => comment.as_deref(),
        }
    }
}

/// One reply as the HTTP side read it: the route's reference, the `Reply-Proof` header, the key and the
/// body. The files it names stay in the uploads until the proof and the complaint's state admit the reply.
pub struct ReplyRequest {
    pub reference: String,
    pub proof: String,
    pub key: String,
    pub body: ReplyBody,
}

/// What makes two replies "the same reply" for an Idempotency-Key: the complaint, the parsed body and the
/// files' content; not the JSON's spacing. A file is named by the SHA-256 of its content and read only if it
/// hashes to that name, so the name stands for the content without reading it.
fn fingerprint(reference: &str, body: &ReplyBody) -> String {
    let mut hash = Sha256::new();
    hash.update(normalise_reference(reference).as_bytes());
    hash.update(b"\n");
    hash.update(serde_json::to_string(body).unwrap_or_default().as_bytes());
    for file in body.files() {
        hash.update(b"\n");
        hash.update(unhex(&file.sha256));
    }
    hex(&hash.finalize())
}

/// The bytes a hex SHA-256 names (what `Sha256::digest` of the content gives); the text itself for
/// anything that is not hex, which no stored file can match.
fn unhex(text: &str) -> Vec<u8> {
    let digits: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
        })
        .collect();
    match digits {
        Some(bytes) if text.len().is_multiple_of(2) => bytes,
        _ => text.as_bytes().to_vec(),
    }
}

fn replay(first: StoredAnswer, fingerprint: &str) -> Result<Answer, IntakeError> {
    if first.fingerprint != fingerprint {
        return Err(IntakeError::KeyReused);
    }
    Ok(Answer {
        status: first.status,
        body: first.body,
        note: "replayed",
        reference: None,
    })
}

/// The checks that need no file's bytes: the text, the number of files, their names, sizes as declared, and
/// the same file twice (which would store and mail it twice for one sending).
fn check_words(intake: &Intake, request: &ReplyRequest) -> Result<(), IntakeError> {
    let limits = &intake.settings().config.limits;
    let max_chars = limits.description_max_chars;
    let mut problems = Vec::new();
    if request
        .body
        .text()
        .is_some_and(|t| t.chars().count() > max_chars)
    {
        problems.push(format!("The text is longer than {max_chars} characters."));
    }
    match &request.body {
        ReplyBody::Information { text, attachments }
            if text.is_none() && attachments.is_empty() =>
        {
            problems.push("Add some text or a file.".into());
        }
        ReplyBody::Resolution {
            resolved: false,
            reason: None,
        } => problems.push("Say why you are not satisfied.".into()),
        _ => {}
    }
    let files = request.body.files();
    if files.len() > limits.attachments.max_count {
        problems.push(format!(
            "At most {} files can be added at once.",
            limits.attachments.max_count
        ));
    } else {
        for (index, meta) in files.iter().enumerate() {
            let name = &meta.name;
            if name.trim().is_empty() || name.chars().count() > ATTACHMENT_NAME_MAX_CHARS {
                problems.push(format!(
                    "File {} needs a name of at most {ATTACHMENT_NAME_MAX_CHARS} characters.",
                    index + 1
                ));
            } else if meta.bytes > limits.attachments.max_bytes {
                problems.push(too_large(name, limits.attachments.max_bytes));
            } else if files[..index].iter().any(|f| f.sha256 == meta.sha256) {
                problems.push(format!(
                    "\u{201c}{name}\u{201d} is the same file as one added before it."
                ));
            }
        }
    }
    refusal(problems)
}

fn too_large(name: &str, max_bytes: u64) -> String {
    format!(
        "\u{201c}{name}\u{201d} is larger than {} MB.",
        (max_bytes / (1024 * 1024)).max(1)
    )
}

fn refusal(problems: Vec<String>) -> Result<(), IntakeError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(IntakeError::Invalid(problems.join(" ")))
    }
}

/// The checks filing makes of files' bytes, applied to a reply's once they are read.
fn check_files(
    intake: &Intake,
    request: &ReplyRequest,
    bytes: &[Vec<u8>],
) -> Result<(), IntakeError> {
    let limits = &intake.settings().config.limits;
    let mut problems = Vec::new();
    for (meta, bytes) in request.body.files().iter().zip(bytes) {
        let name = &meta.name;
        match limits.attachments.admit(bytes, bytes.len() as u64, 0) {
            Ok(_) if bytes.len() as u64 > limits.attachments.max_bytes => {
                problems.push(too_large(name, limits.attachments.max_bytes))
            }
            Ok(kind) if kind != meta.kind => problems.push(format!(
                "\u{201c}{name}\u{201d} is described as {} but its content is {}.",
                meta.kind.mime(),
                kind.mime()
            )),
            Ok(_) => {}
            Err(AttachmentProblem::UnsupportedType) => problems.push(format!(
                "\u{201c}{name}\u{201d} is not a photo or PDF we can accept."
            )),
            Err(AttachmentProblem::TooLarge | AttachmentProblem::TooMany) => {
                problems.push(format!("\u{201c}{name}\u{201d} cannot be accepted."))
            }
        }
    }
    refusal(problems)
}

/// The window `--replies-per-day` counts in.
const DAY_SECONDS: i64 = 24 * 3600;

/// How often a reply is tried again when the back office changed the complaint between reading and saving.
const CONFLICT_RETRIES: usize = 3;

/// Where the files a reply names are read from, once the reply is admitted.
pub type Uploads<'a> = Option<&'a crate::uploads::Uploads>;

/// Handles one reply: proof, key, the complaint's state and the words first, and only then the files it
/// names, read from `uploads`; then the files' checks, one transaction, the status file, the answer. A reply
/// refused on the way reads no file: a wrong proof naming large uploads costs what one without files does.
pub fn handle(
    intake: &Intake,
    request: ReplyRequest,
    uploads: Uploads<'_>,
) -> Result<Answer, IntakeError> {
    let print = fingerprint(&request.reference, &request.body);
    match admit(intake, &request, &print)? {
        Admission::Replay(answer) => return Ok(answer),
        Admission::Go { .. } => {}
    }
    // The store is not held while the files are read: other replies and complaints go on meanwhile.
    let files = read_named(request.body.files(), uploads)?;
    check_files(intake, &request, &files)?;
    for _ in 0..CONFLICT_RETRIES {
        match attempt(intake, &request, &files, &print) {
            Err(IntakeError::Store(StoreError::Conflict)) => continue,
            other => return other,
        }
    }
    Err(IntakeError::Store(StoreError::Conflict))
}

/// The files a reply names, read whole from the uploads by hash and length; one not there yet is `409
/// upload_missing`, and the client uploads it, then retries, as for filing.
fn read_named(named: &[ReplyFile], uploads: Uploads<'_>) -> Result<Vec<Vec<u8>>, IntakeError> {
    if named.is_empty() {
        return Ok(Vec::new());
    }
    // Without an uploads address a retry could never succeed: a definitive refusal, not a 409 to wait on.
    let uploads = uploads.ok_or_else(|| {
        IntakeError::Invalid("This service takes no uploads, so a reply cannot carry files.".into())
    })?;
    named
        .iter()
        .map(|f| uploads.read(&f.sha256, f.bytes))
        .collect::<Option<Vec<_>>>()
        .ok_or(IntakeError::UploadMissing)
}

/// What the checks before any file is read decided.
enum Admission<'a> {
    /// The key was answered before: that answer again.
    Replay(Answer),
    /// The reply may be made: the store, still held, the complaint as read, and its status after the reply.
    Go {
        store: crate::store::Handle<'a>,
        complaint: Box<crate::store::Complaint>,
        record: Box<complaint_domain::status::StatusRecord>,
    },
}

/// The proof, the key, the words and the complaint's state, in that order; reads no file.
fn admit<'a>(
    intake: &'a Intake,
    request: &ReplyRequest,
    print: &str,
) -> Result<Admission<'a>, IntakeError> {
    let store = intake.store();
    // Nothing of the complaint is read before the proof holds.
    if !intake
        .reply_key()
        .admits(&*store, &request.reference, &request.proof)?
    {
        return Err(IntakeError::NotFound);
    }
    let Some(complaint) = store
        .complaint(&request.reference)?
        // An erased complaint takes no more words (issue #25): its tracker says it was erased.
        .filter(|c| c.quarantine.is_none() && c.erased_at.is_none())
    else {
        return Err(IntakeError::NotFound);
    };
    if let Some(first) = store.reply_answer_for(&request.key)? {
        return replay(first, print).map(Admission::Replay);
    }
    // A day's replies to one complaint are capped: each tells the organisation something, by mail too.
    let at = now();
    let (today, first) = store.replies_since(complaint.id, at.plus_seconds(-DAY_SECONDS))?;
    if today >= i64::from(intake.replies_per_day()) {
        let free = first.map_or(DAY_SECONDS, |f| {
            f.unix_seconds() + DAY_SECONDS - at.unix_seconds()
        });
        return Err(IntakeError::TooManyReplies {
            retry_after_seconds: u64::try_from(free).unwrap_or(0).max(1),
        });
    }
    check_words(intake, request)?;
    let record = complaint
        .record
        .clone()
        .with_reopen_window(intake.settings().config.replies.reopen_days)
        .replied(
            request.body.reply(),
            now(),
            intake.settings().config.replies.rating_change_days,
        )
        .map_err(IntakeError::ReplyRefused)?;
    Ok(Admission::Go {
        store,
        complaint: Box::new(complaint),
        record: Box::new(record),
    })
}

/// What follows a reply once it is committed: the status file, the figures, the organisation's mail. The
/// reply is safe from here on; a status file not written now is written by `republish` or the next start,
/// as for filing.
fn after_reply(
    intake: &Intake,
    store: &dyn crate::store::Storage,
    reference: &str,
    kind: ReplyKind,
    reply_id: i64,
) {
    match store.complaint(reference) {
        Ok(Some(saved)) => {
            if let Err(e) = publish::publish_complaint(store, intake.publisher(), &saved) {
                crate::log!("{reference}: reply stored but its status file was not written: {e}");
            }
            let subject = match kind {
                ReplyKind::Information => IntakeMsg::MailOrgInformation,
                ReplyKind::Resolved => IntakeMsg::MailOrgResolved,
                ReplyKind::NotSatisfied => IntakeMsg::MailOrgNotSatisfied,
                ReplyKind::Rating => IntakeMsg::MailOrgRated,
            };
            intake.mail_organisation(store, &saved, subject, FilesOf::RepliesFrom(reply_id));
        }
        Ok(None) => crate::log!("{reference}: reply stored but not found to publish"),
        Err(e) => crate::log!("{reference}: reply stored but not read back to publish: {e}"),
    }
}

fn attempt(
    intake: &Intake,
    request: &ReplyRequest,
    files: &[Vec<u8>],
    print: &str,
) -> Result<Answer, IntakeError> {
    let (mut store, complaint, record) = match admit(intake, request, print)? {
        Admission::Replay(answer) => return Ok(answer),
        Admission::Go {
            store,
            complaint,
            record,
        } => (store, complaint, record),
    };
    let at = now();
    let entry = record.replies.last().cloned();
    let kind = entry.as_ref().map_or(ReplyKind::Information, |e| e.kind);
    let at = entry.map_or(at, |e| e.at);
    let stage = record
        .current()
        .map(|e| e.stage.as_str())
        .unwrap_or_default();
    let body = json!({
        "reference": record.reference,
        "reply": kind.as_str(),
        "at": at.to_string(),
        "stage": stage,
    })
    .to_string();
    let kinds: Vec<String> = request
        .body
        .files()
        .iter()
        .map(|f| f.kind.mime().to_owned())
        .collect();
    let files: Vec<NewAttachment<'_>> = request
        .body
        .files()
        .iter()
        .zip(files)
        .zip(&kinds)
        .map(|((meta, bytes), kind)| NewAttachment {
            name: &meta.name,
            kind,
            sha256: &meta.sha256,
            content: bytes,
        })
        .collect();
    intake.room_for(&*store, &files)?;
    let recorded = store.reply(&NewReply {
        key: &request.key,
        fingerprint: print,
        complaint_id: complaint.id,
        seen_revision: complaint.revision,
        record: &record,
        kind,
        at,
        text: request.body.text(),
        stars: record.replies.last().and_then(|r| r.stars),
        files,
        answer_status: 201,
        answer_body: &body,
    })?;
    let reply_id = match recorded {
        Replied::New { reply_id } => reply_id,
        Replied::KeyTaken(first) => return replay(first, print),
    };
    let reference = record.reference.clone();
    after_reply(intake, &*store, &reference, kind, reply_id);
    Ok(Answer {
        status: 201,
        body,
        note: "replied",
        reference: Some(reference),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_read_by_their_action_and_unknown_fields_refused() {
        assert!(matches!(
            ReplyBody::parse(Action::Rating, br#"{"stars": 4, "comment": "  "}"#),
            Ok(ReplyBody::Rating {
                stars: 4,
                comment: None
            })
        ));
        assert!(matches!(
            ReplyBody::parse(Action::Rating, br#"{"stars": 4, "padding": 1}"#),
            Err(IntakeError::WrongShape(_))
        ));
        assert!(matches!(
            ReplyBody::parse(Action::Resolution, b"not json"),
            Err(IntakeError::NotJson(_))
        ));
        let one = ReplyBody::parse(
            Action::Resolution,
            br#"{"resolved": false, "reason": "No"}"#,
        )
        .unwrap();
        let two = ReplyBody::parse(
            Action::Resolution,
            br#"{ "reason" : "No", "resolved":false }"#,
        )
        .unwrap();
        assert_eq!(
            fingerprint("CMP-1", &one),
            fingerprint("cmp 1", &two),
            "spacing and order do not make another reply"
        );
    }
}
