//! The submission contract (`docs/submission.md`): the body the app POSTs, and the answers it understands.
//! The intake service deserialises the same types, so both sides agree by construction.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::checks::{check_step, first_incomplete};
use crate::config::OrgConfig;
use crate::draft::{Channel, ContactAnswers, Draft, Outcome};
use crate::evidence::{AttachmentMeta, AttachmentProblem, FileKind};
use crate::i18n::{self, Counted, Locale, Msg};
use crate::privacy::NoticeVersion;
use crate::residence::Residence;
use crate::steps::Step;
use crate::validation::{FieldError, Problem};

pub const SUBMISSION_SCHEMA: u32 = 1;

/// The `complaint` part of the multipart request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub schema_version: u32,
    /// The draft's id; also sent as the `Idempotency-Key` header.
    pub draft_id: String,
    /// The language the customer used, for the organisation's replies.
    pub locale: Locale,
    pub category: String,
    pub description: String,
    pub happened_on: Date,
    /// Answers to the category's own questions, blank ones left out.
    pub details: BTreeMap<String, String>,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_other: Option<String>,
    pub contact: SubmittedContact,
    /// One entry per `attachment` file part, in the same order.
    pub attachments: Vec<AttachmentMeta>,
    /// Where the customer lives (ISO 3166-1 alpha-2), sent when the form asked and they named a country:
    /// which statutory deadlines apply. Absent: "somewhere else", or not asked (and every older client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_country: Option<String>,
    /// Signals for the server's spam filter; the app itself never refuses a human on them.
    pub spam_signals: SpamSignals,
    /// The privacy notice the customer was shown (`privacy.notice`); none from an app older than it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_notice: Option<NoticeVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedContact {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub preferred: Channel,
    /// "You may also call me" on `phone`: sent only when the organisation asks it and a phone is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub may_call: Option<bool>,
    /// Retired: the compulsory consent tick an older app sent (always `true`). Handling a complaint does not
    /// rest on consent, so nothing reads it; it is still accepted, so an old outbox can send, and kept as
    /// sent, so a retry of a complaint stored with it matches its first send (`docs/submission.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpamSignals {
    /// The hidden field people never see was filled in.
    pub honeypot_filled: bool,
    /// Seconds from the first answer to sending; people rarely file a complaint in under a few seconds.
    pub fill_seconds: u64,
}

/// Why a server holds a complaint back as possibly automated. Never a refusal, and never a loss: a
/// browser's autofill can fill the hidden field, and a phone's clock can jump, so a flagged complaint is kept
/// for a person to look at and release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpamFlag {
    HoneypotFilled,
    TooFast { seconds: u64, minimum: u64 },
}

impl fmt::Display for SpamFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpamFlag::HoneypotFilled => f.write_str("the hidden field was filled in"),
            SpamFlag::TooFast { seconds, minimum } => {
                write!(f, "sent {seconds} s after starting (under {minimum} s)")
            }
        }
    }
}

impl SpamSignals {
    /// The first reason to hold the complaint back, if any.
    pub fn flag(&self, min_fill_seconds: u64) -> Option<SpamFlag> {
        if self.honeypot_filled {
            Some(SpamFlag::HoneypotFilled)
        } else if self.fill_seconds < min_fill_seconds {
            Some(SpamFlag::TooFast {
                seconds: self.fill_seconds,
                minimum: min_fill_seconds,
            })
        } else {
            None
        }
    }
}

/// Why a draft cannot be sent yet: the step to return to and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomplete {
    pub step: Step,
    pub errors: Vec<FieldError>,
}

impl Submission {
    /// Builds the body from a draft that passes every check; text is trimmed here, never in the draft.
    pub fn from_draft(
        draft: &Draft,
        config: &OrgConfig,
        locale: Locale,
        today: Date,
        now_ms: f64,
    ) -> Result<Submission, Incomplete> {
        if let Some((step, errors)) = first_incomplete(draft, config, today) {
            return Err(Incomplete { step, errors });
        }
        let incomplete = || Incomplete {
            step: Step::Category,
            errors: Vec::new(),
        };
        let (Some(category), Some(outcome), Some(preferred), Some(happened_on)) = (
            draft.category.clone(),
            draft.outcome,
            draft.contact.preferred,
            Date::parse_iso(&draft.happened_on),
        ) else {
            return Err(incomplete());
        };
        let non_blank = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        // Only the chosen category's questions: answers left from a category the customer moved away from stay
        // in the draft (in case they move back) but are not sent.
        let asked = config
            .category(&category)
            .map(|c| c.questions.as_slice())
            .unwrap_or_default();
        let details: BTreeMap<String, String> = asked
            .iter()
            .filter_map(|q| Some((q.id.clone(), non_blank(draft.details.get(&q.id)?)?)))
            .collect();
        // Only where this category asks: an answer left from another category is not sent.
        let consumer_country = draft
            .residence
            .as_ref()
            .and_then(Residence::country)
            .filter(|_| !crate::residence::countries_asked(config.category(&category)).is_empty())
            .map(str::to_owned);
        Ok(Submission {
            schema_version: SUBMISSION_SCHEMA,
            draft_id: draft.id.clone(),
            locale,
            category,
            description: draft.description.trim().to_owned(),
            happened_on,
            details,
            outcome,
            outcome_other: if outcome == Outcome::Other {
                non_blank(&draft.outcome_other)
            } else {
                None
            },
            contact: SubmittedContact {
                name: draft.contact.name.trim().to_owned(),
                email: non_blank(&draft.contact.email),
                phone: non_blank(&draft.contact.phone),
                preferred,
                may_call: (config.privacy.consent_questions.phone_calls
                    && !draft.contact.phone.trim().is_empty())
                .then_some(draft.contact.may_call),
                consent: None,
            },
            attachments: draft.attachments.clone(),
            consumer_country,
            spam_signals: SpamSignals {
                honeypot_filled: !draft.honeypot.is_empty(),
                fill_seconds: draft.fill_seconds(now_ms),
            },
            privacy_notice: Some(config.privacy.notice.clone()),
        })
    }
}

/// One `attachment` file part as a server received it.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedFile<'a> {
    /// The part's file name, as the client sent it.
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Why a server refuses a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// An answer the app's own checks refuse: the same error the form shows beside the field.
    Answer(FieldError),
    /// A file that is not, by its content, a type the organisation accepts (a program renamed `photo.jpg`).
    FileNotAccepted { name: String },
    /// A file over `limits.attachments.max_bytes` (photos are shrunk before upload, so no exception here).
    FileTooLarge { name: String, max_bytes: u64 },
    /// The same bytes as a file before it in the same complaint: kept and mailed twice for one sending.
    FileTwice { name: String },
    /// Something the app never sends: a client bug or a hand-made request. Plain English, for developers.
    Contract(String),
}

impl Refusal {
    /// Words a customer can read, in their language where the catalogue has the message.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            Refusal::Answer(error) => match &error.problem {
                Problem::Says(msg) => msg.text(locale).to_owned(),
                Problem::Counts(counted, n) => i18n::count(locale, *counted, *n),
                Problem::Unanswered(question) => i18n::format(
                    locale,
                    Msg::AnswerRequired,
                    &[("question", question.get(locale))],
                ),
            },
            Refusal::FileNotAccepted { name } => {
                i18n::format(locale, Msg::FileNotAccepted, &[("name", name)])
            }
            Refusal::FileTwice { name } => i18n::format(locale, Msg::FileTwice, &[("name", name)]),
            Refusal::FileTooLarge { name, max_bytes } => {
                // Whole megabytes, as the evidence step words its limit.
                let size = (max_bytes / (1024 * 1024)).max(1).to_string();
                i18n::format(
                    locale,
                    Msg::FileTooLarge,
                    &[("name", name), ("size", &size)],
                )
            }
            Refusal::Contract(text) => text.clone(),
        }
    }
}

/// The longest attachment name or id a server keeps; file systems stop at 255 bytes too.
pub const ATTACHMENT_NAME_MAX_CHARS: usize = 255;

/// The largest `complaint` part a server reads. Its answers are text with their own limits (files travel in
/// their own parts); the longest complaint the form can build is a few tens of KB, so anything near this is
/// not from the app, and storing it would let one request fill the organisation's disk.
pub const MAX_SUBMISSION_BYTES: usize = 256 * 1024;

/// The most problems one refusal lists: enough to fix a form, too few to make the answer itself large.
pub const MAX_REFUSALS: usize = 10;

/// The most field names one problem lists before "and N more".
const MAX_NAMES: usize = 10;

/// Why a received `complaint` part cannot be read as a [`Submission`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Over [`MAX_SUBMISSION_BYTES`].
    TooLarge,
    /// Not JSON: serde's words, for developers.
    NotJson(String),
    /// JSON of the wrong shape: a missing field or a wrong type (serde's words).
    WrongShape(String),
    /// Fields the contract does not have, by path (`padding`, `contact.fax`), at most ten of them named.
    UnknownFields { named: Vec<String>, more: usize },
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::TooLarge => write!(f, "larger than {MAX_SUBMISSION_BYTES} bytes"),
            Unreadable::NotJson(e) | Unreadable::WrongShape(e) => f.write_str(e),
            Unreadable::UnknownFields { named, more } => {
                write!(f, "fields the contract does not have: {}", named.join(", "))?;
                if *more > 0 {
                    write!(f, " and {more} more")?;
                }
                Ok(())
            }
        }
    }
}

/// Paths in `received` that the canonical form does not have. A `null` the canonical form leaves out
/// (`"email": null`) is the same answer, not an unknown field.
fn unknown_fields(
    received: &serde_json::Value,
    canonical: &serde_json::Value,
    path: &str,
    found: &mut Vec<String>,
) {
    use serde_json::Value;
    match (received, canonical) {
        (Value::Object(got), Value::Object(known)) => {
            for (key, value) in got {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match known.get(key) {
                    Some(expected) => unknown_fields(value, expected, &here, found),
                    None if value.is_null() => {}
                    None => found.push(here),
                }
            }
        }
        (Value::Array(got), Value::Array(known)) => {
            for (index, (value, expected)) in got.iter().zip(known).enumerate() {
                unknown_fields(value, expected, &format!("{path}[{index}]"), found);
            }
        }
        _ => {}
    }
}

impl Submission {
    /// A server's reading of the `complaint` part: at most [`MAX_SUBMISSION_BYTES`], JSON of exactly the
    /// contract's shape. A field the contract does not have is refused, not kept: nothing a client adds
    /// reaches storage, and a client with a typo hears of it. (The app's own copies in the outbox are read
    /// leniently with serde, so a tab running an older version still reads what a newer one wrote.)
    pub fn from_received_json(bytes: &[u8]) -> Result<Submission, Unreadable> {
        if bytes.len() > MAX_SUBMISSION_BYTES {
            return Err(Unreadable::TooLarge);
        }
        let received: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| Unreadable::NotJson(e.to_string()))?;
        let submission = Submission::deserialize(&received)
            .map_err(|e| Unreadable::WrongShape(e.to_string()))?;
        let canonical =
            serde_json::to_value(&submission).map_err(|e| Unreadable::WrongShape(e.to_string()))?;
        let mut unknown = Vec::new();
        unknown_fields(&received, &canonical, "", &mut unknown);
        if unknown.is_empty() {
            Ok(submission)
        } else {
            let more = unknown.len().saturating_sub(MAX_NAMES);
            unknown.truncate(MAX_NAMES);
            Err(Unreadable::UnknownFields {
                named: unknown,
                more,
            })
        }
    }

    /// The JSON a server stores: re-serialised from the parsed answers, so it holds exactly the contract's
    /// fields whatever spacing or order came over the wire.
    pub fn to_canonical_json(&self) -> String {
        // Plain data (strings, numbers, maps with string keys) always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The same complaint with every word by or about the person taken out (issue #25, erasure): what stays
    /// is anonymous (category, language, the day it happened, the outcome asked for, the channel preferred,
    /// the country alone that picked its deadlines), so the back office can still read the erased
    /// complaint's shape and its clocks stay as they ran.
    pub fn erased(&self) -> Submission {
        let mut erased = self.clone();
        erased.draft_id = String::new();
        erased.description = String::new();
        erased.details.clear();
        erased.outcome_other = None;
        erased.contact.name = String::new();
        erased.contact.email = None;
        erased.contact.phone = None;
        erased.attachments.clear();
        erased
    }
}

impl Submission {
    /// The draft this body was built from, as far as the body tells: the app's checks run on it unchanged.
    fn as_draft(&self) -> Draft {
        let mut draft = Draft::new(self.draft_id.clone(), 0.0);
        draft.category = Some(self.category.clone());
        draft.description = self.description.clone();
        draft.happened_on = self.happened_on.to_string();
        draft.details = self.details.clone();
        draft.outcome = Some(self.outcome);
        draft.outcome_other = self.outcome_other.clone().unwrap_or_default();
        draft.contact = ContactAnswers {
            name: self.contact.name.clone(),
            email: self.contact.email.clone().unwrap_or_default(),
            phone: self.contact.phone.clone().unwrap_or_default(),
            preferred: Some(self.contact.preferred),
            may_call: self.contact.may_call.unwrap_or(false),
        };
        draft.attachments = self.attachments.clone();
        // No country is "somewhere else": how a client from before the question is read too.
        draft.residence = Some(match &self.consumer_country {
            Some(code) => Residence::In(code.clone()),
            None => Residence::Elsewhere,
        });
        draft
    }

    /// A server's check of a received complaint: every rule the app applies before sending (the same
    /// [`crate::checks`]), the evidence judged again by content and size, and the contract's own rules.
    /// `today` is the latest date it may be for the customer: they may live east of the organisation.
    /// On success, the sniffed kind of each file, in order.
    pub fn check_received(
        &self,
        files: &[ReceivedFile<'_>],
        config: &OrgConfig,
        today: Date,
    ) -> Result<Vec<FileKind>, Vec<Refusal>> {
        let limits = &config.limits.attachments;
        // A list longer than the limit is refused for its length alone, before any entry is looked at: a
        // hand-made request with half a million entries gets one sentence, not one per entry.
        if self.attachments.len() > limits.max_count || files.len() > limits.max_count {
            return Err(vec![Refusal::Answer(FieldError {
                field: crate::checks::field::EVIDENCE.into(),
                problem: Problem::Counts(Counted::FilesAtMost, limits.max_count as u64),
            })]);
        }
        let mut refusals: Vec<Refusal> = self.contract_problems(files, config);
        let draft = self.as_draft();
        refusals.extend(
            Step::ALL
                .into_iter()
                .flat_map(|step| check_step(step, &draft, config, today))
                .map(Refusal::Answer),
        );
        let mut kinds = Vec::with_capacity(files.len());
        for (index, (file, meta)) in files.iter().zip(&self.attachments).enumerate() {
            let name = meta.name.clone();
            if files[..index].iter().any(|f| f.bytes == file.bytes) {
                refusals.push(Refusal::FileTwice { name });
                continue;
            }
            match limits.admit(file.bytes, file.bytes.len() as u64, index) {
                Ok(_) if file.bytes.len() as u64 > limits.max_bytes => {
                    refusals.push(Refusal::FileTooLarge {
                        name,
                        max_bytes: limits.max_bytes,
                    });
                }
                Ok(kind) if kind != meta.kind => refusals.push(Refusal::Contract(format!(
                    "attachment {} is described as {} but its content is {}",
                    index + 1,
                    meta.kind.mime(),
                    kind.mime()
                ))),
                Ok(kind) => kinds.push(kind),
                Err(AttachmentProblem::UnsupportedType) => {
                    refusals.push(Refusal::FileNotAccepted { name });
                }
                Err(AttachmentProblem::TooLarge) => refusals.push(Refusal::FileTooLarge {
                    name,
                    max_bytes: limits.max_bytes,
                }),
                // The count was checked above, with the app's own wording.
                Err(AttachmentProblem::TooMany) => {}
            }
        }
        refusals.truncate(MAX_REFUSALS);
        if refusals.is_empty() {
            Ok(kinds)
        } else {
            Err(refusals)
        }
    }

    /// Rules of the contract the form cannot break, so its checks do not cover them.
    fn contract_problems(&self, files: &[ReceivedFile<'_>], config: &OrgConfig) -> Vec<Refusal> {
        let mut problems = Vec::new();
        let mut say = |text: String| problems.push(Refusal::Contract(text));
        if self.schema_version != SUBMISSION_SCHEMA {
            say(format!(
                "schema_version {} is not supported (expected {SUBMISSION_SCHEMA})",
                self.schema_version
            ));
        }
        if let Some(code) = &self.consumer_country {
            if !crate::residence::is_country_code(code) {
                say(
                    "consumer_country is an ISO 3166-1 alpha-2 code in capitals, such as \"PL\""
                        .into(),
                );
            }
        }
        if self.outcome_other.is_some() && self.outcome != Outcome::Other {
            say("outcome_other is only sent when outcome is \"other\"".into());
        }
        if let Some(category) = config.category(&self.category) {
            let mut unknown = self
                .details
                .keys()
                .filter(|id| !category.questions.iter().any(|q| &&q.id == id))
                .map(|id| {
                    id.chars()
                        .take(ATTACHMENT_NAME_MAX_CHARS)
                        .collect::<String>()
                });
            let named: Vec<String> = unknown.by_ref().take(MAX_NAMES).collect();
            let more = unknown.count();
            if !named.is_empty() {
                say(format!(
                    "details answers questions this category does not ask: {}{}",
                    named.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ));
            }
        }
        if files.len() != self.attachments.len() {
            say(format!(
                "attachments lists {} file(s) but {} attachment part(s) came",
                self.attachments.len(),
                files.len()
            ));
        }
        for (index, meta) in self.attachments.iter().enumerate() {
            let too_long = |s: &str| s.chars().count() > ATTACHMENT_NAME_MAX_CHARS;
            if meta.name.trim().is_empty() || too_long(&meta.name) || too_long(&meta.id) {
                say(format!(
                    "attachment {} needs a name and an id of at most {ATTACHMENT_NAME_MAX_CHARS} characters",
                    index + 1
                ));
            }
            if let Some(file) = files.get(index) {
                if file.bytes.len() as u64 != meta.bytes {
                    say(format!(
                        "attachment {} is described as {} bytes but {} came",
                        index + 1,
                        meta.bytes,
                        file.bytes.len()
                    ));
                }
            }
        }
        problems
    }
}

/// A 2xx answer: the complaint is recorded. The intake service writes this type and the app reads it, so
/// both agree on its shape; fields absent from the wire are left out when written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// Shown to the customer and used to track the complaint.
    pub reference: String,
    /// RFC 3339 instant the organisation recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// A tracking PIN, for customers who gave no email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// What the device sends as `Reply-Proof` with the customer's replies (`docs/replies.md`): made by the
    /// server with a secret of its own, so it is kept on the device; absent from servers that make none (the
    /// device then makes the older proof itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_proof: Option<String>,
}

/// The whole 2xx body a server sends: [`Accepted`] and the server's own dating of the plan. Its own type so
/// that the app's `Accepted` (built from other tabs' messages too) carries nothing it ignores; on the wire the
/// plan simply follows the accepted fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedAnswer {
    #[serde(flatten)]
    pub accepted: Accepted,
    pub plan: AcceptedPlan,
}

/// When each promised step is due: an RFC 3339 instant for hour-based promises, a `YYYY-MM-DD` date (the
/// end of that day in the organisation's zone) for day-based ones. For other clients, and for checking
/// that server and app agree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedPlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledge_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decide_by: Option<String>,
}

/// A 4xx answer's body. Every field is optional: a proxy's bare 4xx must still give a clear message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    #[serde(default)]
    pub message: Option<String>,
    /// A stable snake_case reason for programs (`too_large`, `invalid`, `key_reused`, …; the list is in
    /// `docs/submission.md`). A string, not an enum: another server's new code must still parse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// How the app words a definitive refusal: never the server's text, but the catalogue's message for its
/// `code` (`docs/submission.md`, "Refusal codes"). Only `invalid` carries sentences worth showing beside it:
/// the domain's own checks, worded by the same catalogue in the submission's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusalWords {
    pub msg: Msg,
    /// Whether the server's `message` (the checks' sentences) goes under `msg`.
    pub with_server_sentences: bool,
}

impl Rejected {
    pub fn words(code: Option<&str>) -> RefusalWords {
        let only = |msg| RefusalWords {
            msg,
            with_server_sentences: false,
        };
        match code {
            Some("invalid") => RefusalWords {
                msg: Msg::RefusedInvalid,
                with_server_sentences: true,
            },
            Some("too_large" | "file_too_large") => only(Msg::RefusedTooLarge),
            Some("key_reused") => only(Msg::RefusedKeyReused),
            Some("origin_not_allowed") => only(Msg::RefusedOrigin),
            // Framing, shape, keys, a corrupt file, a proxy's bare 4xx, a code from a later server: the
            // customer can do nothing about these but wait or get in touch.
            _ => only(Msg::RefusedTechnical),
        }
    }
}

#[cfg(test)]
mod tests;
