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
    /// Signals for the server's spam filter; the app itself never refuses a human on them.
    pub spam_signals: SpamSignals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedContact {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub preferred: Channel,
    /// Always true: the app does not send without it.
    pub consent: bool,
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
                consent: draft.contact.consent,
            },
            attachments: draft.attachments.clone(),
            spam_signals: SpamSignals {
                honeypot_filled: !draft.honeypot.is_empty(),
                fill_seconds: draft.fill_seconds(now_ms),
            },
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
            consent: self.contact.consent,
        };
        draft.attachments = self.attachments.clone();
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
mod tests {
    use super::*;
    use crate::checks::field;

    fn config() -> OrgConfig {
        OrgConfig::from_json(include_str!("../../../public/api/v1/config.json")).unwrap()
    }

    fn today() -> Date {
        Date::parse_iso("2026-11-22").unwrap()
    }

    fn draft() -> Draft {
        let mut d = Draft::new("0b5f3c3e-4a57-4c9b-9b0e-1d2c3b4a5f6e", 1_000.0);
        d.category = Some("service-billing".into());
        d.description = "  Charged twice for one order.  ".into();
        d.happened_on = "2026-11-02".into();
        d.details.insert("order_number".into(), " NW-1001 ".into());
        d.details.insert("amount".into(), "   ".into());
        d.outcome = Some(Outcome::Refund);
        d.outcome_other = "left over from changing my mind".into();
        d.contact.name = "Jin Park".into();
        d.contact.phone = "+82 10 1234 5678".into();
        d.contact.preferred = Some(Channel::Phone);
        d.contact.consent = true;
        d
    }

    #[test]
    fn the_body_carries_trimmed_answers_and_drops_blank_and_stale_ones() {
        let body =
            Submission::from_draft(&draft(), &config(), Locale::Ko, today(), 91_000.0).unwrap();
        assert_eq!(body.description, "Charged twice for one order.");
        assert_eq!(
            body.details,
            BTreeMap::from([("order_number".to_owned(), "NW-1001".to_owned())])
        );
        assert_eq!(
            body.outcome_other, None,
            "text for 'other' is dropped when another outcome is chosen"
        );
        assert_eq!(body.contact.email, None);
        assert_eq!(
            body.spam_signals,
            SpamSignals {
                honeypot_filled: false,
                fill_seconds: 90
            }
        );
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["happened_on"], "2026-11-02");
        assert_eq!(json["locale"], "ko");
        assert_eq!(json["outcome"], "refund");
        assert_eq!(json["contact"]["preferred"], "phone");
    }

    #[test]
    fn answers_to_another_categorys_questions_are_not_sent() {
        let mut d = draft();
        d.details
            .insert("account_id".into(), "from the gaming category".into());
        let body = Submission::from_draft(&d, &config(), Locale::En, today(), 0.0).unwrap();
        assert!(!body.details.contains_key("account_id"));
        assert!(body.details.contains_key("order_number"));
    }

    #[test]
    fn an_incomplete_draft_names_the_step_to_return_to() {
        let mut d = draft();
        d.contact.consent = false;
        let err = Submission::from_draft(&d, &config(), Locale::En, today(), 0.0).unwrap_err();
        assert_eq!(err.step, Step::Contact);
        assert_eq!(err.errors[0].field, field::CONSENT);
    }

    #[test]
    fn a_filled_honeypot_is_flagged_not_refused() {
        let mut d = draft();
        d.honeypot = "http://spam.example".into();
        let body = Submission::from_draft(&d, &config(), Locale::En, today(), 1_500.0).unwrap();
        assert!(body.spam_signals.honeypot_filled);
    }

    #[test]
    fn answers_parse_leniently() {
        let accepted: Accepted =
            serde_json::from_str(r#"{"reference": "CMP-1", "extra": 1}"#).unwrap();
        assert_eq!(accepted.reference, "CMP-1");
        let rejected: Rejected = serde_json::from_str("{}").unwrap();
        assert_eq!(rejected.message, None);
    }

    fn received() -> Submission {
        Submission::from_draft(&draft(), &config(), Locale::Pl, today(), 0.0).unwrap()
    }

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

    fn with_file(mut body: Submission, name: &str, kind: FileKind, bytes: &[u8]) -> Submission {
        body.attachments.push(AttachmentMeta {
            id: format!("id-{name}"),
            name: name.into(),
            kind,
            bytes: bytes.len() as u64,
            sha256: None,
        });
        body
    }

    #[test]
    fn what_the_app_sends_the_server_accepts_and_the_files_are_sniffed() {
        assert_eq!(
            received().check_received(&[], &config(), today()),
            Ok(vec![])
        );
        let body = with_file(received(), "kettle.jpg", FileKind::Jpeg, JPEG);
        let files = [ReceivedFile {
            name: "kettle.jpg",
            bytes: JPEG,
        }];
        assert_eq!(
            body.check_received(&files, &config(), today()),
            Ok(vec![FileKind::Jpeg])
        );
    }

    #[test]
    fn the_apps_own_checks_refuse_in_the_customers_language() {
        let mut body = received();
        body.contact.name = "  ".into();
        body.category = "retired-category".into();
        let refusals = body.check_received(&[], &config(), today()).unwrap_err();
        let words: Vec<String> = refusals.iter().map(|r| r.message(Locale::En)).collect();
        assert_eq!(
            words,
            [
                "Select what your complaint is about",
                "Enter your full name"
            ]
        );
        assert_ne!(refusals[1].message(Locale::Pl), words[1]);
    }

    #[test]
    fn a_program_called_photo_jpg_is_refused_by_name() {
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0";
        let body = with_file(received(), "photo.jpg", FileKind::Jpeg, exe);
        let files = [ReceivedFile {
            name: "photo.jpg",
            bytes: exe,
        }];
        let refusals = body.check_received(&files, &config(), today()).unwrap_err();
        assert_eq!(
            refusals,
            [Refusal::FileNotAccepted {
                name: "photo.jpg".into()
            }]
        );
        assert!(refusals[0].message(Locale::En).contains("“photo.jpg”"));
    }

    #[test]
    fn files_must_match_their_description_and_the_limits() {
        let config = config();
        let files = [ReceivedFile {
            name: "a.jpg",
            bytes: JPEG,
        }];
        let missing_part = with_file(received(), "a.jpg", FileKind::Jpeg, JPEG);
        assert!(matches!(
            missing_part
                .check_received(&[], &config, today())
                .unwrap_err()[..],
            [Refusal::Contract(_)]
        ));
        let mut wrong_size = with_file(received(), "a.jpg", FileKind::Jpeg, JPEG);
        wrong_size.attachments[0].bytes += 1;
        assert!(matches!(
            wrong_size
                .check_received(&files, &config, today())
                .unwrap_err()[..],
            [Refusal::Contract(_)]
        ));
        let claimed_png = with_file(received(), "a.jpg", FileKind::Png, JPEG);
        assert!(matches!(
            claimed_png
                .check_received(&files, &config, today())
                .unwrap_err()[..],
            [Refusal::Contract(_)]
        ));
        let mut small = config.clone();
        small.limits.attachments.max_bytes = 4;
        let refusals = with_file(received(), "a.jpg", FileKind::Jpeg, JPEG)
            .check_received(&files, &small, today())
            .unwrap_err();
        assert_eq!(
            refusals,
            [Refusal::FileTooLarge {
                name: "a.jpg".into(),
                max_bytes: 4
            }]
        );
        let mut six = received();
        for i in 0..6 {
            six = with_file(six, &format!("{i}.jpg"), FileKind::Jpeg, JPEG);
        }
        let six_files = [files[0]; 6];
        let refusals = six
            .check_received(&six_files, &config, today())
            .unwrap_err();
        assert_eq!(
            refusals
                .iter()
                .map(|r| r.message(Locale::En))
                .collect::<Vec<_>>(),
            ["You can add up to 5 files"]
        );
    }

    #[test]
    fn the_contract_refuses_what_the_form_never_sends() {
        let mut body = received();
        body.schema_version = 2;
        body.outcome_other = Some("stale".into());
        body.details.insert("free_text".into(), "x".repeat(10_000));
        let refusals = body.check_received(&[], &config(), today()).unwrap_err();
        assert_eq!(refusals.len(), 3, "{refusals:?}");
        assert!(refusals.iter().all(|r| matches!(r, Refusal::Contract(_))));
    }

    #[test]
    fn a_date_after_the_given_today_is_refused() {
        let mut body = received();
        body.happened_on = Date::parse_iso("2026-11-23").unwrap();
        let refusals = body.check_received(&[], &config(), today()).unwrap_err();
        assert_eq!(
            refusals[0].message(Locale::En),
            "The date must be today or in the past"
        );
    }

    #[test]
    fn a_received_part_is_read_strictly_and_stored_canonically() {
        let mut value = serde_json::to_value(received()).unwrap();
        let exact = serde_json::to_vec(&value).unwrap();
        assert_eq!(Submission::from_received_json(&exact), Ok(received()));
        value["contact"]["email"] = serde_json::Value::Null;
        assert_eq!(
            Submission::from_received_json(&serde_json::to_vec(&value).unwrap()),
            Ok(received()),
            "a null the contract leaves out is the same answer"
        );
        value["spam_signals"]["typing_speed"] = 9.into();
        value["attachments"] = serde_json::json!([{"id": "a", "name": "a.jpg", "kind": "image/jpeg",
                                                   "bytes": 1, "exif": {}}]);
        assert_eq!(
            Submission::from_received_json(&serde_json::to_vec(&value).unwrap()),
            Err(Unreadable::UnknownFields {
                named: vec![
                    "attachments[0].exif".into(),
                    "spam_signals.typing_speed".into()
                ],
                more: 0
            })
        );
        assert_eq!(
            Submission::from_received_json(&vec![b' '; MAX_SUBMISSION_BYTES + 1]),
            Err(Unreadable::TooLarge)
        );
        assert!(matches!(
            Submission::from_received_json(b"{"),
            Err(Unreadable::NotJson(_))
        ));
        assert!(matches!(
            Submission::from_received_json(b"{}"),
            Err(Unreadable::WrongShape(_))
        ));
        let canonical = received().to_canonical_json();
        assert_eq!(
            Submission::from_received_json(canonical.as_bytes()),
            Ok(received())
        );
    }

    #[test]
    fn a_list_over_the_limit_gets_one_refusal_and_refusals_are_capped() {
        let mut long = received();
        for _ in 0..10_000 {
            long.attachments.push(AttachmentMeta {
                id: String::new(),
                name: String::new(),
                kind: FileKind::Jpeg,
                bytes: 0,
                sha256: None,
            });
        }
        let refusals = long.check_received(&[], &config(), today()).unwrap_err();
        assert_eq!(refusals.len(), 1);
        assert_eq!(refusals[0].message(Locale::En), "You can add up to 5 files");

        let mut nosy = received();
        for i in 0..100 {
            nosy.details.insert(format!("q{i:03}"), "x".into());
        }
        nosy.description = "x".repeat(100_000);
        nosy.contact.email = Some("not an address".into());
        let refusals = nosy.check_received(&[], &config(), today()).unwrap_err();
        assert!(refusals.len() <= MAX_REFUSALS);
        let words = refusals[0].message(Locale::En);
        assert!(words.ends_with("q009 and 90 more"), "{words}");
    }

    #[test]
    fn fill_time_comes_from_the_monotonic_sum_and_a_clock_change_cannot_zero_it() {
        let mut d = draft();
        // The phone's clock moved back an hour after the draft was started: the old way gave 0.
        let clock_moved_back = d.started_at_ms - 3_600_000.0;
        assert_eq!(d.fill_seconds(clock_moved_back), 0, "no measurement yet");
        d.add_active_ms(40_000.0);
        d.add_active_ms(-5_000.0);
        d.add_active_ms(f64::NAN);
        d.add_active_ms(25_000.0);
        let body =
            Submission::from_draft(&d, &config(), Locale::En, today(), clock_moved_back).unwrap();
        assert_eq!(body.spam_signals.fill_seconds, 65);
        // A laptop asleep overnight with the form open adds half an hour, and the total stops at a day.
        d.add_active_ms(10.0 * 3_600_000.0);
        assert_eq!(d.fill_seconds(0.0), 65 + 30 * 60);
        let mut old = draft();
        old.started_at_ms = 0.0;
        assert_eq!(old.fill_seconds(1e15), crate::draft::MAX_FILL_SECONDS);
    }

    #[test]
    fn spam_signals_name_why_a_complaint_is_held() {
        let signals = |honeypot_filled, fill_seconds| SpamSignals {
            honeypot_filled,
            fill_seconds,
        };
        assert_eq!(signals(false, 3).flag(3), None);
        assert_eq!(signals(true, 300).flag(3), Some(SpamFlag::HoneypotFilled));
        assert_eq!(
            signals(false, 0).flag(3).map(|f| f.to_string()),
            Some("sent 0 s after starting (under 3 s)".into())
        );
    }

    #[test]
    fn a_servers_answer_is_accepted_then_its_plan_and_reads_as_accepted() {
        let answer = AcceptedAnswer {
            accepted: Accepted {
                reference: "CMP-Z3DT-220A".into(),
                received_at: Some("2026-11-22T18:42:49Z".into()),
                pin: None,
                reply_proof: None,
            },
            plan: AcceptedPlan {
                acknowledge_by: Some("2026-11-23T18:42:49Z".into()),
                decide_by: None,
            },
        };
        let wire = serde_json::to_string(&answer).unwrap();
        assert_eq!(
            wire,
            r#"{"reference":"CMP-Z3DT-220A","received_at":"2026-11-22T18:42:49Z","plan":{"acknowledge_by":"2026-11-23T18:42:49Z"}}"#
        );
        let read: Accepted = serde_json::from_str(&wire).unwrap();
        assert_eq!(read, answer.accepted);
        let rejected = Rejected {
            message: Some("No.".into()),
            code: Some("invalid".into()),
        };
        assert_eq!(
            serde_json::to_string(&rejected).unwrap(),
            r#"{"message":"No.","code":"invalid"}"#
        );
    }

    #[test]
    fn refusals_are_worded_by_their_code_and_only_the_checks_sentences_are_shown() {
        assert_eq!(
            Rejected::words(Some("invalid")),
            RefusalWords {
                msg: Msg::RefusedInvalid,
                with_server_sentences: true
            }
        );
        assert_eq!(Rejected::words(Some("too_large")).msg, Msg::RefusedTooLarge);
        assert_eq!(
            Rejected::words(Some("key_reused")).msg,
            Msg::RefusedKeyReused
        );
        for code in [
            None,
            Some("malformed"),
            Some("wrong_shape"),
            Some("from_the_future"),
        ] {
            let words = Rejected::words(code);
            assert_eq!(words.msg, Msg::RefusedTechnical, "{code:?}");
            assert!(!words.with_server_sentences, "{code:?}");
        }
    }
}
