//! The submission contract (`docs/submission.md`): the body the app POSTs, and the answers it understands.
//! The intake service deserialises the same types, so both sides agree by construction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::checks::first_incomplete;
use crate::config::OrgConfig;
use crate::draft::{Channel, Draft, Outcome};
use crate::evidence::AttachmentMeta;
use crate::i18n::Locale;
use crate::steps::Step;
use crate::validation::FieldError;

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
                fill_seconds: ((now_ms - draft.started_at_ms).max(0.0) / 1000.0) as u64,
            },
        })
    }
}

/// A 2xx answer: the complaint is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// Shown to the customer and used to track the complaint.
    pub reference: String,
    /// RFC 3339 instant the organisation recorded it.
    #[serde(default)]
    pub received_at: Option<String>,
    /// A tracking PIN, for customers who gave no email address.
    #[serde(default)]
    pub pin: Option<String>,
}

/// A 4xx answer's body. Every field is optional: a proxy's bare 4xx must still give a clear message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    #[serde(default)]
    pub message: Option<String>,
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
}
