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

    pub fn parse(name: &str) -> Option<Stage> {
        Stage::PATH
            .into_iter()
            .chain([Stage::Reopened])
            .find(|s| s.as_str() == name)
    }

    /// Where this stage sits on [`Stage::PATH`]; reopening sits just before assessment.
    pub fn position(self) -> usize {
        match self {
            Stage::Reopened => 1,
            other => Stage::PATH.iter().position(|s| *s == other).unwrap_or(0),
        }
    }

    /// Whether a record may go from `self` to `next`: forwards along the path (steps may be skipped),
    /// reopening only after closing, and nothing after closing but reopening.
    pub fn may_precede(self, next: Stage) -> bool {
        match (self, next) {
            (_, Stage::Received) => false,
            (Stage::Closed, next) => next == Stage::Reopened,
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
    pub message: Option<String>,
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
    pub rule: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Upheld,
    PartlyUpheld,
    NotUpheld,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecidedOutcome {
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
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
    pub next_step: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<SetDeadline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<DecidedOutcome>,
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
    message: Option<String>,
}

#[derive(Deserialize)]
struct Published {
    reference: String,
    category: String,
    updated_at: Instant,
    history: Vec<PublishedEntry>,
    #[serde(default)]
    next_step: Option<String>,
    #[serde(default)]
    deadlines: Vec<SetDeadline>,
    #[serde(default)]
    outcome: Option<DecidedOutcome>,
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
                    message: entry.message.filter(|m| !m.trim().is_empty()),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let record = StatusRecord {
            schema_version: STATUS_SCHEMA,
            reference: published.reference,
            category: published.category,
            updated_at: published.updated_at,
            history,
            next_step: published.next_step.filter(|m| !m.trim().is_empty()),
            deadlines: published.deadlines,
            outcome: published.outcome,
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
}
