//! The status file an organisation publishes for each complaint (`docs/status.md`): the stage history
//! (ISO 10002: received, acknowledged, assessed, investigated, responded, closed, and reopened), public
//! messages, the next step, deadlines set by hand, and the decision.
//!
//! The tracker reads these from any static web host, so nothing in one is trusted: [`StatusRecord::from_json`]
//! refuses oversized, malformed or impossible records with a [`StatusProblem`] instead of showing them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::instant::Instant;
use crate::json::{JsonError, JsonParser, SerdeJson};
use crate::localized::OrgText;

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

/// What the customer did on their complaint, as the status file shows it ("You added information", "You
/// rated 4/5"): never their words, which stay with the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// More text or files.
    Information,
    /// "Yes, this resolves my complaint."
    Resolved,
    /// "No, I am not satisfied" (with a reason the organisation reads); the complaint is reopened.
    NotSatisfied,
    /// Stars from 1 to 5 after it closed; the latest counts.
    Rating,
}

impl ReplyKind {
    pub const ALL: [ReplyKind; 4] = [
        ReplyKind::Information,
        ReplyKind::Resolved,
        ReplyKind::NotSatisfied,
        ReplyKind::Rating,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReplyKind::Information => "information",
            ReplyKind::Resolved => "resolved",
            ReplyKind::NotSatisfied => "not_satisfied",
            ReplyKind::Rating => "rating",
        }
    }

    pub fn parse(name: &str) -> Option<ReplyKind> {
        ReplyKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// One of the customer's own entries in the status file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyEntry {
    pub kind: ReplyKind,
    pub at: Instant,
    /// 1 to 5, for a rating only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stars: Option<u8>,
}

/// What a customer asks to do on their complaint (their words travel beside it, to the organisation only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerReply {
    Information,
    Resolved,
    NotSatisfied,
    Rating { stars: u8 },
}

/// Why a [`CustomerReply`] cannot be made now. Nothing is changed when one is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyRefused {
    /// Information goes to a complaint still being handled; a closed one is reopened first ("not satisfied").
    Closed,
    /// "Resolves it" answers a response: only while the complaint is `responded`; "not satisfied" also
    /// after it closed.
    NotResponded { stage: Stage },
    /// This response was already answered ("resolves it" twice).
    AlreadyAnswered,
    /// A rating is for a closed complaint.
    NotClosed { stage: Stage },
    /// The rating was given more than the organisation's days ago and can no longer be changed.
    RatingFinal { days: u32 },
    /// "Not satisfied" after the window the organisation gives to reopen a closed complaint.
    ReopenPassed { until: Instant },
    /// Stars outside 1 to 5.
    Stars(u8),
    /// The record itself breaks the rules (a damaged copy): it is not changed further.
    Broken(StatusProblem),
}

impl ReplyRefused {
    /// Stable across releases and languages (`docs/replies.md`): clients branch on this.
    pub fn code(&self) -> &'static str {
        match self {
            ReplyRefused::Closed => "complaint_closed",
            ReplyRefused::NotResponded { .. } => "not_responded",
            ReplyRefused::AlreadyAnswered => "already_answered",
            ReplyRefused::NotClosed { .. } => "not_closed",
            ReplyRefused::RatingFinal { .. } => "rating_final",
            ReplyRefused::ReopenPassed { .. } => "reopen_passed",
            ReplyRefused::Stars(_) => "invalid",
            ReplyRefused::Broken(_) => "unavailable",
        }
    }
}

impl fmt::Display for ReplyRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyRefused::Closed => f.write_str("This complaint is closed. If you are not satisfied, say so, and it will be reopened."),
            ReplyRefused::NotResponded { stage } => write!(
                f,
                "This can be said once the organisation has responded; the complaint is \"{}\".",
                stage.as_str()
            ),
            ReplyRefused::AlreadyAnswered => f.write_str("You have already answered this response."),
            ReplyRefused::NotClosed { stage } => write!(
                f,
                "A complaint can be rated once it is closed; this one is \"{}\".",
                stage.as_str()
            ),
            ReplyRefused::RatingFinal { days } => write!(
                f,
                "A rating can be changed within {days} days of giving it, and that time has passed."
            ),
            ReplyRefused::ReopenPassed { until } => write!(
                f,
                "This complaint could be reopened until {until}; that time has passed."
            ),
            ReplyRefused::Stars(n) => write!(f, "A rating is 1 to 5 stars, not {n}."),
            ReplyRefused::Broken(problem) => write!(f, "The complaint's status is damaged ({problem})."),
        }
    }
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
            ChangeRefused::Closed => f.write_str("is closed: reopen it before setting a date"),
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

    /// The rating that counts (the latest), if the customer gave one.
    pub fn rating(&self) -> Option<u8> {
        self.replies
            .iter()
            .rev()
            .find(|r| r.kind == ReplyKind::Rating)
            .and_then(|r| r.stars)
    }

    /// The record after the customer's `reply`, made at `at`, or why it cannot be made now. The rules:
    /// information while the complaint is not closed; "resolves it" once per response, while `responded`;
    /// "not satisfied" on a `responded` or `closed` complaint reopens it (a new round: the decision and its
    /// date no longer apply, as when the back office reopens); a rating (1 to 5) only when `closed`, changeable
    /// within `rating_change_days` of the first one, then final.
    pub fn replied(
        &self,
        reply: CustomerReply,
        at: Instant,
        rating_change_days: u32,
    ) -> Result<StatusRecord, ReplyRefused> {
        self.check().map_err(ReplyRefused::Broken)?;
        let stage = self.stage();
        // A clock set back must not date an entry before the last one.
        let latest = self
            .history
            .iter()
            .map(|e| e.at)
            .chain(self.replies.iter().map(|r| r.at))
            .max();
        let at = latest.map_or(at, |last| at.max(last));
        let mut next = match reply {
            CustomerReply::Information => {
                if stage == Stage::Closed {
                    return Err(ReplyRefused::Closed);
                }
                self.clone()
            }
            CustomerReply::Resolved => {
                if stage != Stage::Responded {
                    return Err(ReplyRefused::NotResponded { stage });
                }
                let responded_at = self.current().map(|e| e.at);
                if self
                    .replies
                    .iter()
                    .any(|r| r.kind == ReplyKind::Resolved && Some(r.at) >= responded_at)
                {
                    return Err(ReplyRefused::AlreadyAnswered);
                }
                self.clone()
            }
            CustomerReply::NotSatisfied => {
                if !matches!(stage, Stage::Responded | Stage::Closed) {
                    return Err(ReplyRefused::NotResponded { stage });
                }
                if let Some(until) = self.reopen_passed(at) {
                    return Err(ReplyRefused::ReopenPassed { until });
                }
                // The reason is the customer's: it is kept by the organisation, never published as the
                // stage's message.
                self.changed(
                    StatusChange::Stage {
                        stage: Stage::Reopened,
                        message: None,
                        next_step: None,
                        decision: None,
                    },
                    at,
                )
                .map_err(|refused| match refused {
                    ChangeRefused::Broken(problem) => ReplyRefused::Broken(problem),
                    _ => ReplyRefused::NotResponded { stage },
                })?
            }
            CustomerReply::Rating { stars } => {
                if stage != Stage::Closed {
                    return Err(ReplyRefused::NotClosed { stage });
                }
                if !(1..=5).contains(&stars) {
                    return Err(ReplyRefused::Stars(stars));
                }
                if let Some(first) = self.replies.iter().find(|r| r.kind == ReplyKind::Rating) {
                    let window = i64::from(rating_change_days) * 86_400;
                    if at.unix_seconds() - first.at.unix_seconds() > window {
                        return Err(ReplyRefused::RatingFinal {
                            days: rating_change_days,
                        });
                    }
                }
                self.clone()
            }
        };
        next.updated_at = at;
        next.replies.push(ReplyEntry {
            kind: match reply {
                CustomerReply::Information => ReplyKind::Information,
                CustomerReply::Resolved => ReplyKind::Resolved,
                CustomerReply::NotSatisfied => ReplyKind::NotSatisfied,
                CustomerReply::Rating { .. } => ReplyKind::Rating,
            },
            at,
            stars: match reply {
                CustomerReply::Rating { stars } => Some(stars),
                _ => None,
            },
        });
        Ok(next)
    }

    /// The record with [`StatusRecord::reopen_until`] set by the organisation's window: `reopen_days` after
    /// it closed, while it is closed; `None` otherwise, or when the window is for ever.
    pub fn with_reopen_window(mut self, reopen_days: Option<u32>) -> StatusRecord {
        self.reopen_until = match (self.current(), reopen_days) {
            (Some(entry), Some(days)) if entry.stage == Stage::Closed => {
                Some(entry.at.plus_seconds(i64::from(days) * 86_400))
            }
            _ => None,
        };
        self
    }

    /// When the window to reopen this closed complaint ended, if it has by `now`.
    pub fn reopen_passed(&self, now: Instant) -> Option<Instant> {
        let closed = self.current().is_some_and(|e| e.stage == Stage::Closed);
        self.reopen_until.filter(|until| closed && now > *until)
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data into a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = include_str!("../../../public/api/v1/status/94871dade5f2ea0215d70607c12abe53be5ff48f0b4c6e7d7a04d7d822997f27.json");

    fn with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut value: serde_json::Value = serde_json::from_str(DEMO).unwrap();
        edit(&mut value);
        value.to_string()
    }

    #[test]
    fn the_demo_record_reads_and_round_trips() {
        let record = StatusRecord::from_json(DEMO).unwrap();
        assert_eq!(
            record.current().map(|e| e.stage),
            Some(Stage::Investigating)
        );
        assert_eq!(StatusRecord::from_json(&record.to_json()), Ok(record));
    }

    #[test]
    fn each_kind_of_bad_file_is_named() {
        assert_eq!(
            StatusRecord::from_json(&" ".repeat(MAX_STATUS_BYTES + 1)),
            Err(StatusProblem::TooLarge)
        );
        assert_eq!(
            StatusRecord::from_json("{\"history\": [").map(|_| ()),
            Err(StatusProblem::NotJson)
        );
        assert_eq!(
            StatusRecord::from_json(&with(|v| v["schema_version"] = 2.into())),
            Err(StatusProblem::UnsupportedVersion(2))
        );
        assert!(matches!(
            StatusRecord::from_json(&with(|v| v["history"] = "received".into())),
            Err(StatusProblem::WrongShape(_))
        ));
        assert!(matches!(
            StatusRecord::from_json(&with(|v| {
                v.as_object_mut().unwrap().remove("reference");
            })),
            Err(StatusProblem::WrongShape(_))
        ));
        assert!(matches!(
            StatusRecord::from_json(&with(|v| v["history"][0]["at"] = "yesterday".into())),
            Err(StatusProblem::WrongShape(_))
        ));
        assert_eq!(
            StatusRecord::from_json(&with(|v| v["history"][1]["stage"] = "escalated".into())),
            Err(StatusProblem::UnknownStage("escalated".into()))
        );
        assert_eq!(
            StatusRecord::from_json(&with(|v| v["history"] = serde_json::json!([]))),
            Err(StatusProblem::NoReceipt)
        );
        assert_eq!(
            StatusRecord::from_json(&with(
                |v| v["history"][1]["at"] = "2020-01-01T00:00:00Z".into()
            )),
            Err(StatusProblem::OutOfOrder)
        );
        assert_eq!(
            StatusRecord::from_json(&with(|v| v["history"][1]["stage"] = "reopened".into())),
            Err(StatusProblem::ImpossibleStep {
                from: Stage::Received,
                to: Stage::Reopened
            })
        );
    }

    #[test]
    fn stages_move_forwards_and_reopen_only_after_closing() {
        use Stage::*;
        assert!(Received.may_precede(Acknowledged));
        assert!(Received.may_precede(Responded), "steps may be skipped");
        assert!(!Investigating.may_precede(Assessing));
        assert!(!Responded.may_precede(Received));
        assert!(Closed.may_precede(Reopened));
        assert!(!Closed.may_precede(Assessing));
        assert!(Reopened.may_precede(Assessing));
        assert!(Reopened.may_precede(Closed));
        assert!(!Acknowledged.may_precede(Reopened));
        assert!(
            Responded.may_precede(Reopened),
            "a customer not satisfied with the response"
        );
        assert!(!Investigating.may_precede(Reopened));
        for stage in Stage::PATH.into_iter().chain([Reopened]) {
            assert_eq!(Stage::parse(stage.as_str()), Some(stage));
        }
    }

    #[test]
    fn a_reopened_complaint_starts_a_new_round() {
        let record = StatusRecord::from_json(&with(|v| {
            v["history"] = serde_json::json!([
                {"stage": "received", "at": "2026-11-02T10:00:00Z"},
                {"stage": "closed", "at": "2026-11-10T10:00:00Z"},
                {"stage": "reopened", "at": "2026-11-20T09:00:00Z", "message": "  "}
            ])
        }))
        .unwrap();
        assert_eq!(
            record.round_started_at(),
            Instant::parse_rfc3339("2026-11-20T09:00:00Z")
        );
        assert_eq!(
            record.history[2].message, None,
            "blank messages are dropped"
        );
    }

    fn received() -> StatusRecord {
        StatusRecord::from_json(
            r#"{"schema_version": 1, "reference": "CMP-AAAA-BBBB", "category": "delivery",
                "updated_at": "2026-11-23T10:00:00Z",
                "history": [{"stage": "received", "at": "2026-11-23T10:00:00Z"}]}"#,
        )
        .unwrap()
    }

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    fn to(stage: Stage, message: &str) -> StatusChange {
        StatusChange::Stage {
            stage,
            message: Some(message.into()),
            next_step: None,
            decision: None,
        }
    }

    fn respond(decision: Decision, summary: &str) -> StatusChange {
        StatusChange::Stage {
            stage: Stage::Responded,
            message: None,
            next_step: None,
            decision: Some(DecidedOutcome {
                decision,
                summary: Some(summary.into()),
            }),
        }
    }

    #[test]
    fn stages_move_forward_with_their_messages_and_the_next_step_is_replaced() {
        let mut change = to(Stage::Acknowledged, " We have it. ");
        if let StatusChange::Stage { next_step, .. } = &mut change {
            *next_step = Some("We will call.".into());
        }
        let acknowledged = received()
            .changed(change, at("2026-11-23T11:00:00Z"))
            .unwrap();
        let current = acknowledged.current().unwrap();
        assert_eq!(current.stage, Stage::Acknowledged);
        assert_eq!(current.message, Some("We have it.".into()));
        assert_eq!(acknowledged.next_step, Some("We will call.".into()));
        assert_eq!(acknowledged.updated_at, at("2026-11-23T11:00:00Z"));
        let assessing = acknowledged
            .changed(to(Stage::Assessing, ""), at("2026-11-23T12:00:00Z"))
            .unwrap();
        assert_eq!(assessing.next_step, None, "an old promise never lingers");
        assert_eq!(assessing.current().unwrap().message, None);
    }

    #[test]
    fn an_impossible_step_is_refused_with_the_stages_it_may_take() {
        let refused = received()
            .changed(to(Stage::Reopened, ""), at("2026-11-23T11:00:00Z"))
            .unwrap_err();
        assert_eq!(
            refused,
            ChangeRefused::ImpossibleStep {
                from: Stage::Received,
                to: Stage::Reopened
            }
        );
        assert_eq!(
            refused.to_string(),
            "is \"received\" and cannot move to \"reopened\" (it may move to: acknowledged, assessing, \
             investigating, responded, closed)"
        );
        assert!(received()
            .changed(to(Stage::Received, ""), at("2026-11-23T11:00:00Z"))
            .is_err());
    }

    #[test]
    fn a_response_needs_a_decision_and_only_a_response_takes_one() {
        assert_eq!(
            received().changed(to(Stage::Responded, "Done"), at("2026-11-24T00:00:00Z")),
            Err(ChangeRefused::DecisionMissing)
        );
        let mut closing_with_a_decision = respond(Decision::Upheld, "x");
        if let StatusChange::Stage { stage, .. } = &mut closing_with_a_decision {
            *stage = Stage::Closed;
        }
        assert_eq!(
            received().changed(closing_with_a_decision, at("2026-11-24T00:00:00Z")),
            Err(ChangeRefused::DecisionWithoutResponse {
                stage: Stage::Closed
            })
        );
    }

    #[test]
    fn reopening_clears_the_decision_and_the_date_set_for_it() {
        let responded = received()
            .changed(
                StatusChange::Deadline {
                    step: DeadlineStep::Decide,
                    due: Date::parse_iso("2026-12-10").unwrap(),
                    rule: None,
                },
                at("2026-11-23T12:00:00Z"),
            )
            .and_then(|r| {
                r.changed(
                    respond(Decision::Upheld, " Refunded. "),
                    at("2026-11-24T00:00:00Z"),
                )
            })
            .unwrap();
        assert_eq!(
            responded.outcome,
            Some(DecidedOutcome {
                decision: Decision::Upheld,
                summary: Some("Refunded.".into())
            })
        );
        let closed = responded
            .changed(to(Stage::Closed, ""), at("2026-11-25T00:00:00Z"))
            .unwrap();
        assert!(closed.outcome.is_some(), "closing keeps the decision");
        assert_eq!(
            closed.changed(
                StatusChange::Deadline {
                    step: DeadlineStep::Acknowledge,
                    due: Date::parse_iso("2026-12-01").unwrap(),
                    rule: None
                },
                at("2026-11-25T01:00:00Z")
            ),
            Err(ChangeRefused::Closed)
        );
        let reopened = closed
            .changed(to(Stage::Reopened, "Again"), at("2026-11-26T00:00:00Z"))
            .unwrap();
        assert_eq!(reopened.outcome, None);
        assert!(reopened.deadlines.is_empty());
        assert_eq!(reopened.check(), Ok(()));
    }

    #[test]
    fn a_clock_set_back_never_dates_a_step_before_the_last() {
        let record = received()
            .changed(to(Stage::Assessing, ""), at("2026-11-01T00:00:00Z"))
            .unwrap();
        assert_eq!(record.current().unwrap().at, at("2026-11-23T10:00:00Z"));
    }

    #[test]
    fn a_date_set_by_hand_replaces_the_one_before_it() {
        let due = |text: &str| Date::parse_iso(text).unwrap();
        let set = |record: &StatusRecord, on: &str, rule: Option<&str>| {
            record.changed(
                StatusChange::Deadline {
                    step: DeadlineStep::Decide,
                    due: due(on),
                    rule: rule.map(OrgText::from),
                },
                at("2026-11-24T00:00:00Z"),
            )
        };
        let once = set(&received(), "2026-12-10", Some("Courier")).unwrap();
        let twice = set(&once, "2026-12-20", Some("  ")).unwrap();
        assert_eq!(
            twice.deadlines,
            [SetDeadline {
                step: DeadlineStep::Decide,
                due: due("2026-12-20"),
                rule: None
            }]
        );
    }

    fn walked(stages: &[Stage]) -> StatusRecord {
        let mut record = received();
        let mut when = at("2026-11-23T11:00:00Z");
        for stage in stages {
            let change = if *stage == Stage::Responded {
                respond(Decision::Upheld, "Refunded.")
            } else {
                to(*stage, "Public words.")
            };
            record = record.changed(change, when).unwrap();
            when = when.plus_seconds(3600);
        }
        record
    }

    #[test]
    fn information_is_added_until_the_complaint_closes() {
        let record = walked(&[Stage::Acknowledged]);
        let added = record
            .replied(CustomerReply::Information, at("2026-11-24T09:00:00Z"), 14)
            .unwrap();
        assert_eq!(added.replies.len(), 1);
        assert_eq!(added.replies[0].kind, ReplyKind::Information);
        assert_eq!(added.history, record.history, "the stage does not move");
        assert_eq!(added.updated_at, at("2026-11-24T09:00:00Z"));
        let closed = walked(&[Stage::Responded, Stage::Closed]);
        assert_eq!(
            closed.replied(CustomerReply::Information, at("2026-11-30T09:00:00Z"), 14),
            Err(ReplyRefused::Closed)
        );
    }

    #[test]
    fn not_satisfied_reopens_a_closed_complaint_only_within_the_window() {
        // Closed at 2026-11-23T12:00:00Z.
        let closed = walked(&[Stage::Responded, Stage::Closed]).with_reopen_window(Some(30));
        let until = at("2026-12-23T12:00:00Z");
        assert_eq!(closed.reopen_until, Some(until));
        let within = closed
            .replied(CustomerReply::NotSatisfied, until, 14)
            .unwrap();
        assert_eq!(within.current().map(|e| e.stage), Some(Stage::Reopened));
        let late = until.plus_seconds(1);
        assert_eq!(closed.reopen_passed(late), Some(until));
        assert_eq!(
            closed.replied(CustomerReply::NotSatisfied, late, 14),
            Err(ReplyRefused::ReopenPassed { until })
        );
        assert_eq!(ReplyRefused::ReopenPassed { until }.code(), "reopen_passed");
        // For ever when the organisation sets no window; none while the complaint is open; read back from JSON.
        let for_ever = closed.clone().with_reopen_window(None);
        assert!(for_ever
            .replied(CustomerReply::NotSatisfied, at("2030-01-01T00:00:00Z"), 14)
            .is_ok());
        let open = walked(&[Stage::Responded]).with_reopen_window(Some(30));
        assert_eq!(open.reopen_until, None);
        assert_eq!(StatusRecord::from_json(&closed.to_json()), Ok(closed));
    }

    #[test]
    fn resolves_it_answers_a_response_once() {
        let open = walked(&[Stage::Investigating]);
        assert_eq!(
            open.replied(CustomerReply::Resolved, at("2026-11-30T09:00:00Z"), 14),
            Err(ReplyRefused::NotResponded {
                stage: Stage::Investigating
            })
        );
        let responded = walked(&[Stage::Responded]);
        let accepted = responded
            .replied(CustomerReply::Resolved, at("2026-11-30T09:00:00Z"), 14)
            .unwrap();
        assert_eq!(accepted.stage(), Stage::Responded);
        assert!(accepted.outcome.is_some(), "the decision stands");
        assert_eq!(
            accepted.replied(CustomerReply::Resolved, at("2026-11-30T10:00:00Z"), 14),
            Err(ReplyRefused::AlreadyAnswered)
        );
        // The organisation may close it after.
        assert!(accepted
            .changed(to(Stage::Closed, "Closed."), at("2026-12-01T09:00:00Z"))
            .is_ok());
    }

    #[test]
    fn not_satisfied_reopens_a_responded_or_closed_complaint_without_publishing_the_reason() {
        for stages in [
            &[Stage::Responded][..],
            &[Stage::Responded, Stage::Closed][..],
        ] {
            let record = walked(stages);
            let reopened = record
                .replied(CustomerReply::NotSatisfied, at("2026-12-01T09:00:00Z"), 14)
                .unwrap();
            let last = reopened.current().unwrap();
            assert_eq!(last.stage, Stage::Reopened);
            assert_eq!(last.message, None);
            assert_eq!(reopened.outcome, None, "a new round: the decision is gone");
            assert_eq!(reopened.replies[0].kind, ReplyKind::NotSatisfied);
            assert_eq!(reopened.check(), Ok(()));
            // And it reads back as a file the tracker accepts.
            assert_eq!(StatusRecord::from_json(&reopened.to_json()), Ok(reopened));
        }
        let open = walked(&[Stage::Acknowledged]);
        assert!(matches!(
            open.replied(CustomerReply::NotSatisfied, at("2026-12-01T09:00:00Z"), 14),
            Err(ReplyRefused::NotResponded { .. })
        ));
    }

    #[test]
    fn a_rating_comes_after_closing_and_is_final_after_the_window() {
        let open = walked(&[Stage::Responded]);
        assert_eq!(
            open.replied(
                CustomerReply::Rating { stars: 4 },
                at("2026-12-01T09:00:00Z"),
                14
            ),
            Err(ReplyRefused::NotClosed {
                stage: Stage::Responded
            })
        );
        let closed = walked(&[Stage::Responded, Stage::Closed]);
        for stars in [0, 6] {
            assert_eq!(
                closed.replied(
                    CustomerReply::Rating { stars },
                    at("2026-12-01T09:00:00Z"),
                    14
                ),
                Err(ReplyRefused::Stars(stars))
            );
        }
        let rated = closed
            .replied(
                CustomerReply::Rating { stars: 2 },
                at("2026-12-01T09:00:00Z"),
                14,
            )
            .unwrap();
        assert_eq!(rated.rating(), Some(2));
        let changed = rated
            .replied(
                CustomerReply::Rating { stars: 4 },
                at("2026-12-15T09:00:00Z"),
                14,
            )
            .unwrap();
        assert_eq!(changed.rating(), Some(4), "within 14 days of the first");
        assert_eq!(
            changed.replied(
                CustomerReply::Rating { stars: 5 },
                at("2026-12-15T09:00:01Z"),
                14
            ),
            Err(ReplyRefused::RatingFinal { days: 14 })
        );
    }

    #[test]
    fn a_status_file_without_replies_reads_as_before_and_unknown_reply_kinds_are_left_out() {
        let old = StatusRecord::from_json(DEMO).unwrap();
        assert!(old.replies.is_empty());
        assert!(
            !old.to_json().contains("replies"),
            "an empty list is not written"
        );
        let newer = StatusRecord::from_json(&with(|v| {
            v["replies"] = serde_json::json!([
                {"kind": "information", "at": "2026-11-17T10:00:00Z"},
                {"kind": "video_call", "at": "2026-11-17T11:00:00Z"},
                {"kind": "rating", "at": "2026-11-17T12:00:00Z", "stars": 9}
            ])
        }))
        .unwrap();
        assert_eq!(newer.replies.len(), 1);
        assert_eq!(newer.replies[0].kind, ReplyKind::Information);
    }

    #[test]
    fn every_stage_names_what_may_follow_it() {
        assert_eq!(
            Stage::Closed.successors().collect::<Vec<_>>(),
            [Stage::Reopened]
        );
        assert_eq!(
            Stage::Reopened.successors().collect::<Vec<_>>(),
            [
                Stage::Assessing,
                Stage::Investigating,
                Stage::Responded,
                Stage::Closed
            ]
        );
        for stage in Stage::ALL {
            assert!(stage.successors().all(|next| stage.may_precede(next)));
        }
    }
}
