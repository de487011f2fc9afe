//! A complaint being written. Drafts are saved on the device as the customer types and outlive reloads,
//! crashes and closed tabs; the browser's drafts store keeps them, this module says what they hold.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::evidence::AttachmentMeta;
use crate::residence::Residence;
use crate::steps::Step;

/// The shape of a stored draft. Raise it when the shape changes, and teach the store to migrate.
pub const DRAFT_SCHEMA: u32 = 1;

/// Every answer is kept exactly as typed (never trimmed or truncated), so nothing the customer wrote is lost;
/// the checks in [`crate::checks`] decide whether it can be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Unique per draft; doubles as the submission's Idempotency-Key, so a resent draft is one complaint.
    pub id: String,
    pub schema: u32,
    /// Bumped on every save, so a tab holding an older copy can tell it is stale.
    pub revision: u64,
    /// Milliseconds since the Unix epoch (the browser's clock).
    pub started_at_ms: f64,
    pub updated_at_ms: f64,
    pub step: Step,
    pub category: Option<String>,
    #[serde(default)]
    pub description: String,
    /// `YYYY-MM-DD` as the date input gives it, or whatever was typed where there is no date picker.
    #[serde(default)]
    pub happened_on: String,
    /// Answers to the category's own questions, by question id.
    #[serde(default)]
    pub details: BTreeMap<String, String>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub outcome_other: String,
    #[serde(default)]
    pub contact: ContactAnswers,
    #[serde(default)]
    pub attachments: Vec<AttachmentMeta>,
    /// Where the customer lives, when the category's deadlines depend on it.
    #[serde(default)]
    pub residence: Option<Residence>,
    /// The knowledge-base answer the customer said solved it, if any.
    #[serde(default)]
    pub solved_by: Option<String>,
    /// A field people never see; bots fill it in. Sent as a flag, never shown.
    #[serde(default)]
    pub honeypot: String,
    /// Milliseconds the form was in front of the customer while writing this draft, summed across visits
    /// and measured with a monotonic clock (`performance.now()`), so moving the device's clock cannot make
    /// it zero or huge. 0 for drafts from before it was measured: [`Draft::fill_seconds`] falls back then.
    #[serde(default)]
    pub active_ms: f64,
}

/// The most one stretch of filling in may add to [`Draft::active_ms`]: a tab left open overnight, or a laptop
/// asleep with the form on screen, counts as half an hour, not as the night.
pub const MAX_ACTIVE_STRETCH_MS: f64 = 30.0 * 60_000.0;

/// The most `fill_seconds` a submission reports: a day. Beyond it nothing more is learned about who typed.
pub const MAX_FILL_SECONDS: u64 = 86_400;

/// What the customer wants done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Refund,
    Replacement,
    Repair,
    /// Keep the goods for less: a remedy the law gives for goods not as promised (EU Directive 2019/771,
    /// art. 13; in Poland art. 43e of the consumer rights act), so offered for goods only.
    PriceReduction,
    Apology,
    Explanation,
    Other,
}

impl Outcome {
    /// The outcome as the form offers it and the back office prints it.
    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Outcome::Refund => Msg::OutcomeRefund,
            Outcome::Replacement => Msg::OutcomeReplacement,
            Outcome::Repair => Msg::OutcomeRepair,
            Outcome::PriceReduction => Msg::OutcomePriceReduction,
            Outcome::Apology => Msg::OutcomeApology,
            Outcome::Explanation => Msg::OutcomeExplanation,
            Outcome::Other => Msg::OutcomeOther,
        }
    }

    pub const ALL: [Outcome; 7] = [
        Outcome::Refund,
        Outcome::Replacement,
        Outcome::Repair,
        Outcome::PriceReduction,
        Outcome::Apology,
        Outcome::Explanation,
        Outcome::Other,
    ];

    /// Whether the form offers this outcome for a category of this kind: a price reduction for goods only.
    pub fn offered_for(self, kind: Option<crate::config::CategoryKind>) -> bool {
        self != Outcome::PriceReduction
            || kind == Some(crate::config::CategoryKind::DefectiveProduct)
    }

    pub fn id(self) -> &'static str {
        match self {
            Outcome::Refund => "refund",
            Outcome::Replacement => "replacement",
            Outcome::Repair => "repair",
            Outcome::PriceReduction => "price_reduction",
            Outcome::Apology => "apology",
            Outcome::Explanation => "explanation",
            Outcome::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Phone,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactAnswers {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub preferred: Option<Channel>,
    /// "You may also call me", when the organisation asks (`privacy.consent_questions.phone_calls`). A
    /// draft saved before it has none; the retired `consent` tick of such a draft is ignored.
    #[serde(default)]
    pub may_call: bool,
}

impl Draft {
    pub fn new(id: impl Into<String>, now_ms: f64) -> Draft {
        Draft {
            id: id.into(),
            schema: DRAFT_SCHEMA,
            revision: 0,
            started_at_ms: now_ms,
            updated_at_ms: now_ms,
            step: Step::default(),
            category: None,
            description: String::new(),
            happened_on: String::new(),
            details: BTreeMap::new(),
            outcome: None,
            outcome_other: String::new(),
            contact: ContactAnswers::default(),
            attachments: Vec::new(),
            residence: None,
            solved_by: None,
            honeypot: String::new(),
            active_ms: 0.0,
        }
    }

    /// Adds one stretch of time with the form in front of the customer: `elapsed_ms` is the difference of
    /// two monotonic readings (`performance.now()` when the form was shown, and when it was hidden, left or
    /// saved). A negative, non-finite or overlong stretch cannot come from a person typing: it is clamped.
    pub fn add_active_ms(&mut self, elapsed_ms: f64) {
        if elapsed_ms.is_finite() {
            self.active_ms += elapsed_ms.clamp(0.0, MAX_ACTIVE_STRETCH_MS);
        }
    }

    /// Seconds spent filling in, for the server's spam signal: the monotonic sum when the app measured one,
    /// else (an older draft) the wall-clock time since it was started, clamped at 0 and a day.
    pub fn fill_seconds(&self, now_ms: f64) -> u64 {
        let ms = if self.active_ms > 0.0 {
            self.active_ms
        } else {
            now_ms - self.started_at_ms
        };
        if ms.is_finite() {
            ((ms.max(0.0) / 1000.0) as u64).min(MAX_FILL_SECONDS)
        } else {
            0
        }
    }

    /// Records a change: the revision moves on and the time is stamped.
    pub fn touch(&mut self, now_ms: f64) {
        self.revision += 1;
        self.updated_at_ms = now_ms;
    }

    /// Whether the draft has been left untouched for longer than `days` (drafts hold personal data, so
    /// organisations set how long a device keeps them).
    pub fn is_expired(&self, now_ms: f64, days: u32) -> bool {
        expired(self.updated_at_ms, now_ms, days)
    }

    /// True until the customer has given any answer; empty drafts are not worth offering back.
    pub fn is_empty(&self) -> bool {
        let blank = |s: &String| s.trim().is_empty();
        self.category.is_none()
            && blank(&self.description)
            && blank(&self.happened_on)
            && self.details.values().all(blank)
            && self.outcome.is_none()
            && blank(&self.contact.name)
            && blank(&self.contact.email)
            && blank(&self.contact.phone)
            && self.attachments.is_empty()
            && self.residence.is_none()
    }
}

/// Whether a draft last changed at `updated_at_ms` has been left for longer than `days` at `now_ms` (the
/// rule of [`Draft::is_expired`], for a stored draft not yet read whole).
pub fn expired(updated_at_ms: f64, now_ms: f64, days: u32) -> bool {
    now_ms - updated_at_ms > f64::from(days) * 86_400_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_moves_the_revision_and_time_on() {
        let mut draft = Draft::new("d1", 1_000.0);
        assert!(draft.is_empty());
        draft.category = Some("billing".into());
        draft.touch(2_000.0);
        assert_eq!((draft.revision, draft.updated_at_ms), (1, 2_000.0));
        assert!(!draft.is_empty());
    }

    #[test]
    fn drafts_expire_after_the_configured_days_of_no_change() {
        let day = 86_400_000.0;
        let draft = Draft::new("d", 10.0 * day);
        assert!(
            !draft.is_expired(40.0 * day, 30),
            "exactly 30 days is still kept"
        );
        assert!(draft.is_expired(40.0 * day + 1.0, 30));
        assert!(draft.is_expired(11.0 * day + 1.0, 1));
    }

    #[test]
    fn any_single_answer_makes_a_draft_worth_keeping() {
        let mut draft = Draft::new("d", 0.0);
        draft.contact.phone = "0".into();
        assert!(!draft.is_empty());
    }

    #[test]
    fn survives_a_json_round_trip_with_any_text() {
        let mut draft = Draft::new("d2", 0.0);
        draft.description = "깨졌어요 💔 zepsute \"quoted\"\n".repeat(1000);
        draft.outcome = Some(Outcome::Other);
        let back: Draft = serde_json::from_str(&serde_json::to_string(&draft).unwrap()).unwrap();
        assert_eq!(back, draft);
    }
}
