//! The status file an organisation publishes for each complaint (`docs/status.md`): the stage history
//! (ISO 10002: received, acknowledged, assessed, investigated, responded, closed, and reopened), public
//! messages, the next step, deadlines set by hand, and the decision.
//!
//! The tracker reads these from any static web host, so nothing in one is trusted: [`StatusRecord::from_json`]
//! refuses oversized, malformed or impossible records with a [`StatusProblem`] instead of showing them.
//! The customer's own entries and the rules for them are in [`replies`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::instant::Instant;
use crate::json::{JsonError, JsonParser, SerdeJson};
use crate::localized::OrgText;

mod erased;
mod messages;
mod replies;

pub use erased::ErasedRecord;
pub use messages::{MessageKind, OrgMessage};
pub use replies::{CustomerReply, ReplyEntry, ReplyKind, ReplyRefused};

pub const STATUS_SCHEMA: u32 = 1;

/// Far more than any honest status file needs; anything larger is refused unread.
pub const MAX_STATUS_BYTES: usize = 256 * 1024;

/// Where a complaint stands. The order of [`Stage::PATH`] is the usual way through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Received,
    Acknowledged,
    Assessing,
    Investigating,
    Responded,
    Closed,
    Reopened,
}

impl Stage {
    /// The stage's name as the customer reads it (the tracker, the mail).
    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Stage::Received => Msg::StageReceived,
            Stage::Acknowledged => Msg::StageAcknowledged,
            Stage::Assessing => Msg::StageAssessing,
            Stage::Investigating => Msg::StageInvestigating,
            Stage::Responded => Msg::StageResponded,
            Stage::Closed => Msg::StageClosed,
            Stage::Reopened => Msg::StageReopened,
        }
    }

    /// The stages every complaint passes or may pass, in order (reopening restarts from assessment).
    pub const PATH: [Stage; 6] = [
        Stage::Received,
        Stage::Acknowledged,
        Stage::Assessing,
        Stage::Investigating,
        Stage::Responded,
        Stage::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Received => "received",
            Stage::Acknowledged => "acknowledged",
            Stage::Assessing => "assessing",
            Stage::Investigating => "investigating",
            Stage::Responded => "responded",
            Stage::Closed => "closed",
            Stage::Reopened => "reopened",
        }
    }

    /// Every stage, in [`Stage::PATH`] order with reopening last.
    pub const ALL: [Stage; 7] = [
        Stage::Received,
        Stage::Acknowledged,
        Stage::Assessing,
        Stage::Investigating,
        Stage::Responded,
        Stage::Closed,
        Stage::Reopened,
    ];

    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The stages a complaint in this stage may move to, in order: what an operator is offered.
    pub fn successors(self) -> impl Iterator<Item = Stage> {
        Stage::ALL.into_iter().filter(move |s| self.may_precede(*s))
    }

    /// Where this stage sits on [`Stage::PATH`]; reopening sits just before assessment.
    pub fn position(self) -> usize {
        match self {
            Stage::Reopened => 1,
            other => Stage::PATH.iter().position(|s| *s == other).unwrap_or(0),
        }
    }

    /// Whether a record may go from `self` to `next`: forwards along the path (steps may be skipped),
    /// reopening only after a response or a closing (a customer not satisfied with the response reopens it
    /// before anyone closes it), and nothing after closing but reopening.
    pub fn may_precede(self, next: Stage) -> bool {
        match (self, next) {
            (_, Stage::Received) => false,
            (Stage::Closed, next) => next == Stage::Reopened,
            (Stage::Responded, Stage::Reopened) => true,
            (_, Stage::Reopened) => false,
            (current, next) => next.position() > current.position(),
        }
    }
}

/// One change of stage, with what the organisation told the customer at that point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEntry {
    pub stage: Stage,
    pub at: Instant,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<OrgText>,
}

/// The promises a tracker dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStep {
    Acknowledge,
    Decide,
}

/// A due date the organisation set by hand (an extension, say), instead of the one its service levels give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetDeadline {
    pub step: DeadlineStep,
    /// The end of this day in the organisation's time zone.
    pub due: Date,
    /// Why, in the customer's language ("Extended: we are waiting for the courier's report").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<OrgText>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Upheld,
    PartlyUpheld,
    NotUpheld,
}

impl Decision {
    /// The decision as the customer reads it in the tracker (a sentence addressed to them).
    pub fn label(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Decision::Upheld => Msg::DecisionUpheld,
            Decision::PartlyUpheld => Msg::DecisionPartlyUpheld,
            Decision::NotUpheld => Msg::DecisionNotUpheld,
        }
    }

    /// The decision as the organisation's staff read it (`show`, the inbox mail).
    pub fn staff_label(self) -> crate::i18n::IntakeMsg {
        use crate::i18n::IntakeMsg;
        match self {
            Decision::Upheld => IntakeMsg::DossierUpheld,
            Decision::PartlyUpheld => IntakeMsg::DossierPartlyUpheld,
            Decision::NotUpheld => IntakeMsg::DossierNotUpheld,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecidedOutcome {
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<OrgText>,
}

/// A complaint's public status. It holds no personal data: no name, no contact details, no description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRecord {
    pub schema_version: u32,
    pub reference: String,
    /// A category `id` from the organisation's config.
    pub category: String,
    pub updated_at: Instant,
    /// Oldest first; the first entry is always `received`.
    pub history: Vec<StageEntry>,
    /// What happens next, in the customer's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<OrgText>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<SetDeadline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<DecidedOutcome>,
    /// The customer's own entries, oldest first, without their words. Optional in the file, so a status
    /// file from before replies reads unchanged, and a reader that does not know this field ignores it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<ReplyEntry>,
    /// While the complaint is closed: until when "not satisfied" reopens it (the organisation's
    /// `replies.reopen_days` after it closed; absent when that is for ever). Past it the customer escalates
    /// instead ([`StatusRecord::reopen_passed`]). Optional, so older files and readers are unaffected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reopen_until: Option<Instant>,
    /// What the organisation wrote to the customer between stages (an answer, a question), oldest first.
    /// Optional, so older files and readers are unaffected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<OrgMessage>,
    /// Set when this complaint was a duplicate: the reference of the one it was merged into, which the
    /// customer follows instead. Optional, so older files and readers are unaffected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// Where the customer lives (an ISO 3166-1 alpha-2 code), when the form asked: which statutory deadlines
    /// apply ([`crate::service_levels`]). The country alone, no address. Optional, so older files and
    /// readers are unaffected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_country: Option<String>,
    /// The customer's requests about their data (a copy, erasure), oldest first, with the day each is
    /// answered by (`crate::data_requests`). Optional, so older files and readers are unaffected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_requests: Vec<crate::data_requests::DataRequestEntry>,
}

/// Why a status file cannot be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusProblem {
    TooLarge,
    NotJson,
    UnsupportedVersion(u64),
    /// Wrong types or missing fields: serde's own words, for the console, never for the customer.
    WrongShape(String),
    UnknownStage(String),
    NoReceipt,
    /// A stage dated before the one it follows.
    OutOfOrder,
    /// A step that cannot follow the one before it (reopening an open complaint, say).
    ImpossibleStep {
        from: Stage,
        to: Stage,
    },
}

impl fmt::Display for StatusProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusProblem::TooLarge => write!(f, "larger than {MAX_STATUS_BYTES} bytes"),
            StatusProblem::NotJson => write!(f, "not JSON"),
            StatusProblem::UnsupportedVersion(v) => {
                write!(f, "schema_version {v} is not supported")
            }
            StatusProblem::WrongShape(e) => write!(f, "wrong shape: {e}"),
            StatusProblem::UnknownStage(s) => write!(f, "unknown stage \"{s}\""),
            StatusProblem::NoReceipt => write!(f, "the history does not start with \"received\""),
            StatusProblem::OutOfOrder => write!(f, "the history's dates go backwards"),
            StatusProblem::ImpossibleStep { from, to } => {
                write!(f, "\"{}\" cannot follow \"{}\"", to.as_str(), from.as_str())
            }
        }
    }
}

/// A change the organisation makes to a complaint's public status: the one rulebook for the back office,
/// the tracker and the customer's own replies ([`StatusRecord::replied`] reopens through it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    /// Moves to `stage` with a public message. `next_step` replaces the previous one, and `None` clears it, so
    /// an old promise never lingers into a new stage. `decision` goes with `responded` and only with it.
    Stage {
        stage: Stage,
        message: Option<OrgText>,
        next_step: Option<OrgText>,
        decision: Option<DecidedOutcome>,
    },
    /// A date set by hand for a step, replacing the service level's and any earlier one for that step.
    Deadline {
        step: DeadlineStep,
        due: Date,
        rule: Option<OrgText>,
    },
}

impl StatusChange {
    /// The same change with every text's `locale` version first: how the intake publishes for a customer
    /// who filed in that language.
    pub fn first_in(self, locale: crate::i18n::Locale) -> StatusChange {
        let first = |text: Option<OrgText>| text.map(|t| t.first_in(locale));
        match self {
            StatusChange::Stage {
                stage,
                message,
                next_step,
                decision,
            } => StatusChange::Stage {
                stage,
                message: first(message),
                next_step: first(next_step),
                decision: decision.map(|d| DecidedOutcome {
                    decision: d.decision,
                    summary: first(d.summary),
                }),
            },
            StatusChange::Deadline { step, due, rule } => StatusChange::Deadline {
                step,
                due,
                rule: first(rule),
            },
        }
    }
}

/// Why a [`StatusChange`] cannot be made. Nothing is changed when one is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeRefused {
    /// `responded` records the decision reached, so it cannot come without one.
    DecisionMissing,
    /// A decision belongs to `responded`; on another stage it would be published without a response.
    DecisionWithoutResponse { stage: Stage },
    /// The stage cannot follow the current one (reopening an open complaint, anything after closing).
    ImpossibleStep { from: Stage, to: Stage },
    /// A closed complaint has no next step to date: it is reopened first.
    Closed,
    /// A message with no words in it.
    EmptyMessage,
    /// Merged already (into the reference given), or into itself.
    Merged { into: String },
    /// The record itself breaks the rules (a damaged copy): it is not changed further.
    Broken(StatusProblem),
}

impl fmt::Display for ChangeRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeRefused::DecisionMissing => f.write_str("a response needs a decision"),
            ChangeRefused::DecisionWithoutResponse { stage } => write!(
                f,
                "a decision goes with \"responded\", not with \"{}\"",
                stage.as_str()
            ),
            ChangeRefused::ImpossibleStep { from, to } => {
                write!(
                    f,
                    "is \"{}\" and cannot move to \"{}\"",
                    from.as_str(),
                    to.as_str()
                )?;
                let next: Vec<&str> = from.successors().map(Stage::as_str).collect();
                if next.is_empty() {
                    Ok(())
                } else {
                    write!(f, " (it may move to: {})", next.join(", "))
                }
            }
            ChangeRefused::Closed => f.write_str("is closed: reopen it first"),
            ChangeRefused::EmptyMessage => f.write_str("needs a message with words in it"),
            ChangeRefused::Merged { into } => write!(f, "cannot be merged into {into}"),
            ChangeRefused::Broken(problem) => write!(f, "has a broken status record ({problem})"),
        }
    }
}

fn blank_to_none(text: Option<OrgText>) -> Option<OrgText> {
    text.and_then(OrgText::cleaned)
}

#[derive(Deserialize)]
struct Versioned {
    #[serde(default)]
    schema_version: Option<u64>,
}

/// The history as published, before its stage names are checked.
#[derive(Deserialize)]
struct PublishedEntry {
    stage: String,
    at: Instant,
    #[serde(default)]
    message: Option<OrgText>,
}

#[derive(Deserialize)]
struct Published {
    reference: String,
    category: String,
    updated_at: Instant,
    history: Vec<PublishedEntry>,
    #[serde(default)]
    next_step: Option<OrgText>,
    #[serde(default)]
    deadlines: Vec<SetDeadline>,
    #[serde(default)]
    outcome: Option<DecidedOutcome>,
    #[serde(default)]
    replies: Vec<PublishedReply>,
    #[serde(default)]
    reopen_until: Option<Instant>,
    #[serde(default)]
    messages: Vec<OrgMessage>,
    #[serde(default)]
    merged_into: Option<String>,
    #[serde(default)]
    consumer_country: Option<String>,
    #[serde(default)]
    data_requests: Vec<crate::data_requests::DataRequestEntry>,
}

/// A customer's entry as published, before its kind is checked.
#[derive(Deserialize)]
struct PublishedReply {
    kind: String,
    at: Instant,
    #[serde(default)]
    stars: Option<u8>,
}

impl StatusRecord {
    pub fn from_json(text: &str) -> Result<StatusRecord, StatusProblem> {
        StatusRecord::from_json_with(text, &SerdeJson)
    }

    pub fn from_json_with(
        text: &str,
        json: &impl JsonParser,
    ) -> Result<StatusRecord, StatusProblem> {
        if text.len() > MAX_STATUS_BYTES {
            return Err(StatusProblem::TooLarge);
        }
        let shape = |e: JsonError| match e {
            JsonError::Syntax(_) => StatusProblem::NotJson,
            JsonError::Shape(e) => StatusProblem::WrongShape(e),
        };
        // The version first: a later schema may have another shape, and deserves its own message.
        let version: Versioned = json.parse(text).map_err(shape)?;
        match version.schema_version {
            Some(v) if v == u64::from(STATUS_SCHEMA) => {}
            Some(v) => return Err(StatusProblem::UnsupportedVersion(v)),
            None => {
                return Err(StatusProblem::WrongShape(
                    "schema_version is missing".into(),
                ))
            }
        }
        let published: Published = json.parse(text).map_err(shape)?;
        let history = published
            .history
            .into_iter()
            .map(|entry| {
                Ok(StageEntry {
                    stage: Stage::parse(&entry.stage)
                        .ok_or(StatusProblem::UnknownStage(entry.stage))?,
                    at: entry.at,
                    message: entry.message.and_then(OrgText::cleaned),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let record = StatusRecord {
            schema_version: STATUS_SCHEMA,
            reference: published.reference,
            category: published.category,
            updated_at: published.updated_at,
            history,
            next_step: published.next_step.and_then(OrgText::cleaned),
            deadlines: published.deadlines,
            outcome: published.outcome,
            // A kind this build does not know (a later version's) is left out rather than failing the
            // whole file: the stages are what the tracker must show.
            replies: published
                .replies
                .into_iter()
                .filter_map(|r| {
                    let kind = ReplyKind::parse(&r.kind)?;
                    let stars = match kind {
                        ReplyKind::Rating => Some(r.stars.filter(|s| (1..=5).contains(s))?),
                        _ => None,
                    };
                    Some(ReplyEntry {
                        kind,
                        at: r.at,
                        stars,
                    })
                })
                .collect(),
            reopen_until: published.reopen_until,
            messages: messages::checked(published.messages),
            merged_into: published.merged_into,
            // A code that is not one is left out: the organisation's own promises still date the steps.
            consumer_country: published
                .consumer_country
                .filter(|c| crate::residence::is_country_code(c)),
            data_requests: published.data_requests,
        };
        record.check()?;
        Ok(record)
    }

    /// The rules every record must keep, whoever wrote it; the intake checks its own changes with these too.
    pub fn check(&self) -> Result<(), StatusProblem> {
        match self.history.first() {
            Some(first) if first.stage == Stage::Received => {}
            _ => return Err(StatusProblem::NoReceipt),
        }
        for pair in self.history.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            if after.at < before.at {
                return Err(StatusProblem::OutOfOrder);
            }
            if !before.stage.may_precede(after.stage) {
                return Err(StatusProblem::ImpossibleStep {
                    from: before.stage,
                    to: after.stage,
                });
            }
        }
        Ok(())
    }

    pub fn current(&self) -> Option<&StageEntry> {
        self.history.last()
    }

    pub fn received_at(&self) -> Option<Instant> {
        self.history.first().map(|e| e.at)
    }

    /// When the current round of handling started: receipt, or the latest reopening.
    pub fn round_started_at(&self) -> Option<Instant> {
        self.history
            .iter()
            .rev()
            .find(|e| matches!(e.stage, Stage::Received | Stage::Reopened))
            .map(|e| e.at)
    }

    pub fn set_deadline(&self, step: DeadlineStep) -> Option<&SetDeadline> {
        self.deadlines.iter().rev().find(|d| d.step == step)
    }

    /// The record after `change`, made at `at`, or why it cannot be made. The lifecycle rules live here:
    /// stages follow [`Stage::may_precede`]; `responded` needs a decision and records it; reopening starts a
    /// new round, so the old decision and any date set for it no longer apply.
    pub fn changed(
        &self,
        change: StatusChange,
        at: Instant,
    ) -> Result<StatusRecord, ChangeRefused> {
        self.check().map_err(ChangeRefused::Broken)?;
        let mut next = self.clone();
        // A clock set back must not make the history run backwards.
        let at = self.history.last().map_or(at, |last| at.max(last.at));
        next.updated_at = at;
        match change {
            StatusChange::Stage {
                stage,
                message,
                next_step,
                decision,
            } => {
                if let Some(from) = self.current().map(|e| e.stage) {
                    if !from.may_precede(stage) {
                        return Err(ChangeRefused::ImpossibleStep { from, to: stage });
                    }
                }
                match (stage, decision) {
                    (Stage::Responded, None) => return Err(ChangeRefused::DecisionMissing),
                    (Stage::Responded, Some(decision)) => {
                        next.outcome = Some(DecidedOutcome {
                            decision: decision.decision,
                            summary: blank_to_none(decision.summary),
                        });
                    }
                    (stage, Some(_)) => {
                        return Err(ChangeRefused::DecisionWithoutResponse { stage })
                    }
                    (Stage::Reopened, None) => {
                        next.outcome = None;
                        next.deadlines.retain(|d| d.step != DeadlineStep::Decide);
                    }
                    (_, None) => {}
                }
                next.history.push(StageEntry {
                    stage,
                    at,
                    message: blank_to_none(message),
                });
                next.next_step = blank_to_none(next_step);
            }
            StatusChange::Deadline { step, due, rule } => {
                if self.current().is_some_and(|e| e.stage == Stage::Closed) {
                    return Err(ChangeRefused::Closed);
                }
                next.deadlines.retain(|d| d.step != step);
                next.deadlines.push(SetDeadline {
                    step,
                    due,
                    rule: blank_to_none(rule),
                });
            }
        }
        // The same rules a reader applies: a change never publishes a file the tracker would refuse.
        next.check().map_err(ChangeRefused::Broken)?;
        Ok(next)
    }

    fn stage(&self) -> Stage {
        self.current().map_or(Stage::Received, |e| e.stage)
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data into a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
