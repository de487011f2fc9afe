//! The back office: moving a complaint through the ISO 10002 stages with a public message, setting a
//! date by hand, and listing open complaints with their next deadline. Every change is checked with the
//! same rules the tracker applies to a status file, saved, then republished.

use std::cmp::Ordering;
use std::fmt::Write;

use complaint_domain::calendar::Date;
use complaint_domain::instant::Instant;
use complaint_domain::service_levels::{Due, Timeliness};
use complaint_domain::status::{
    DeadlineStep, DecidedOutcome, Decision, SetDeadline, Stage, StageEntry, StatusRecord,
};
use complaint_domain::tracking::Timeline;

use crate::publish::{publish_complaint, Publisher};
use crate::settings::Settings;
use crate::store::Store;

/// A stage change as the operator asked for it.
pub struct StageChange {
    pub stage: Stage,
    /// Shown to the customer on the tracker, in their language.
    pub message: Option<String>,
    /// What happens next; cleared on a stage change unless given, so an old promise never lingers.
    pub next_step: Option<String>,
    /// With `responded` only.
    pub decision: Option<(Decision, Option<String>)>,
}

pub enum Change {
    Stage(StageChange),
    /// A date set by hand for a step, replacing the service level's.
    Deadline {
        step: DeadlineStep,
        due: Date,
        rule: Option<String>,
    },
}

fn blank_to_none(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The record after `change`, or why the change is impossible.
pub fn changed(record: &StatusRecord, change: Change, at: Instant) -> Result<StatusRecord, String> {
    let mut next = record.clone();
    // A clock set back must not make the history run backwards.
    let at = record.history.last().map_or(at, |last| at.max(last.at));
    next.updated_at = at;
    match change {
        Change::Stage(change) => {
            let from = record.current().map(|e| e.stage);
            next.history.push(StageEntry {
                stage: change.stage,
                at,
                message: blank_to_none(change.message),
            });
            next.next_step = blank_to_none(change.next_step);
            match change.stage {
                Stage::Responded => {
                    let (decision, summary) = change
                        .decision
                        .ok_or("a response needs a decision (--decision)")?;
                    next.outcome = Some(DecidedOutcome {
                        decision,
                        summary: blank_to_none(summary),
                    });
                }
                // A new round: the old decision and any date set for it no longer apply.
                Stage::Reopened => {
                    next.outcome = None;
                    next.deadlines.retain(|d| d.step != DeadlineStep::Decide);
                }
                _ => {}
            }
            next.check().map_err(|problem| match from {
                Some(from) => format!(
                    "{} is \"{}\" and cannot move to \"{}\" ({problem})",
                    record.reference,
                    from.as_str(),
                    change.stage.as_str()
                ),
                None => format!("{}: {problem}", record.reference),
            })?;
        }
        Change::Deadline { step, due, rule } => {
            if record.current().is_some_and(|e| e.stage == Stage::Closed) {
                return Err(format!(
                    "{} is closed: reopen it before setting a date",
                    record.reference
                ));
            }
            next.deadlines.retain(|d| d.step != step);
            next.deadlines.push(SetDeadline {
                step,
                due,
                rule: blank_to_none(rule),
            });
        }
    }
    Ok(next)
}

/// Applies a change to the stored complaint and republishes its status file.
pub fn apply(
    store: &mut Store,
    publisher: &Publisher,
    reference: &str,
    change: Change,
    at: Instant,
) -> Result<StatusRecord, String> {
    let complaint = store
        .complaint(reference)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no complaint has the reference \"{reference}\""))?;
    let record = changed(&complaint.record, change, at)?;
    store
        .save(complaint.id, complaint.revision, &record)
        .map_err(|e| e.to_string())?;
    let saved = store
        .complaint(reference)
        .map_err(|e| e.to_string())?
        .ok_or("the complaint vanished while it was saved")?;
    publish_complaint(store, publisher, &saved).map_err(|e| {
        format!("saved, but the status file was not written ({e}); run `republish`")
    })?;
    Ok(saved.record)
}

struct Row {
    reference: String,
    stage: Stage,
    category: String,
    locale: &'static str,
    next: Option<(Stage, Due, Timeliness, bool)>,
}

impl Row {
    fn urgency(&self) -> u8 {
        match self.next {
            Some((_, _, Timeliness::Overdue, _)) => 0,
            Some((_, _, Timeliness::DueToday, _)) => 1,
            Some((_, _, Timeliness::Ahead, _)) => 2,
            None => 3,
        }
    }

    /// When the next step is due, comparable across exact times and whole days.
    fn due_key(&self) -> Option<(Date, u16)> {
        self.next.map(|(_, due, ..)| match due {
            Due::At { local, .. } => (local.date, local.minute),
            Due::EndOf(date) => (date, 24 * 60),
        })
    }
}

fn due_text(due: Due) -> String {
    match due {
        Due::At { local, .. } => format!(
            "{} {:02}:{:02}",
            local.date,
            local.hour(),
            local.minute_of_hour()
        ),
        Due::EndOf(date) => date.to_string(),
    }
}

/// Open complaints (all with `include_closed`), overdue first, then due today, then by date.
pub fn list(
    store: &Store,
    settings: &Settings,
    now: Instant,
    include_closed: bool,
) -> Result<String, String> {
    let mut rows: Vec<Row> = Vec::new();
    for complaint in store.all().map_err(|e| e.to_string())? {
        let record = &complaint.record;
        let stage = record.current().map_or(Stage::Received, |e| e.stage);
        if stage == Stage::Closed && !include_closed {
            continue;
        }
        let timeline = Timeline::build(
            record,
            settings.config.category(&record.category),
            &settings.zone,
            &settings.holidays,
            now,
        );
        let next = timeline.next_expected().map(|(stage, expected)| {
            let by_hand = matches!(expected.rule, complaint_domain::tracking::Rule::Set(_));
            (stage, expected.due, expected.timeliness, by_hand)
        });
        rows.push(Row {
            reference: record.reference.clone(),
            stage,
            category: record.category.clone(),
            locale: complaint.locale.tag(),
            next,
        });
    }
    rows.sort_by(|a, b| {
        a.urgency()
            .cmp(&b.urgency())
            .then_with(|| match (a.due_key(), b.due_key()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => Ordering::Equal,
            })
            .then_with(|| a.reference.cmp(&b.reference))
    });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<15} {:<14} {:<20} {:<4} {:<14} {:<17} STATE",
        "REFERENCE", "STAGE", "CATEGORY", "LANG", "NEXT", "DUE"
    );
    for row in &rows {
        let (next, due, state) = match row.next {
            Some((stage, due, timeliness, by_hand)) => (
                stage.as_str(),
                format!("{}{}", due_text(due), if by_hand { "*" } else { "" }),
                match timeliness {
                    Timeliness::Overdue => "OVERDUE",
                    Timeliness::DueToday => "due today",
                    Timeliness::Ahead => "",
                },
            ),
            None => ("-", "-".to_owned(), ""),
        };
        let _ = writeln!(
            out,
            "{:<15} {:<14} {:<20} {:<4} {:<14} {:<17} {state}",
            row.reference,
            row.stage.as_str(),
            row.category,
            row.locale,
            next,
            due
        );
    }
    let _ = writeln!(
        out,
        "{} complaint(s); times in {}; * a date set by hand",
        rows.len(),
        settings.zone.name()
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn stage(stage: Stage, message: &str) -> Change {
        Change::Stage(StageChange {
            stage,
            message: Some(message.into()),
            next_step: None,
            decision: None,
        })
    }

    #[test]
    fn stages_move_forward_with_their_messages() {
        let record = changed(
            &received(),
            stage(Stage::Acknowledged, "We have it."),
            at("2026-11-23T11:00:00Z"),
        )
        .unwrap();
        assert_eq!(record.current().unwrap().stage, Stage::Acknowledged);
        assert_eq!(
            record.current().unwrap().message.as_deref(),
            Some("We have it.")
        );
        assert_eq!(record.updated_at, at("2026-11-23T11:00:00Z"));
    }

    #[test]
    fn an_impossible_step_is_refused_with_a_reason() {
        let err = changed(
            &received(),
            stage(Stage::Reopened, ""),
            at("2026-11-23T11:00:00Z"),
        )
        .unwrap_err();
        assert!(
            err.contains("\"received\" and cannot move to \"reopened\""),
            "{err}"
        );
        let err = changed(
            &received(),
            stage(Stage::Received, ""),
            at("2026-11-23T11:00:00Z"),
        )
        .unwrap_err();
        assert!(err.contains("cannot move"), "{err}");
    }

    #[test]
    fn a_response_needs_a_decision_and_reopening_clears_it() {
        assert!(changed(
            &received(),
            stage(Stage::Responded, "Done"),
            at("2026-11-24T00:00:00Z")
        )
        .is_err());
        let responded = changed(
            &received(),
            Change::Stage(StageChange {
                stage: Stage::Responded,
                message: None,
                next_step: None,
                decision: Some((Decision::Upheld, Some("Refunded.".into()))),
            }),
            at("2026-11-24T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(
            responded.outcome.as_ref().unwrap().decision,
            Decision::Upheld
        );
        let closed = changed(
            &responded,
            stage(Stage::Closed, ""),
            at("2026-11-25T00:00:00Z"),
        )
        .unwrap();
        let reopened = changed(
            &closed,
            stage(Stage::Reopened, "Again"),
            at("2026-11-26T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(reopened.outcome, None);
    }

    #[test]
    fn a_clock_set_back_never_dates_a_step_before_the_last() {
        let record = changed(
            &received(),
            stage(Stage::Assessing, ""),
            at("2026-11-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(record.current().unwrap().at, at("2026-11-23T10:00:00Z"));
    }

    #[test]
    fn a_date_set_by_hand_replaces_the_one_before_it() {
        let due = |text: &str| Date::parse_iso(text).unwrap();
        let once = changed(
            &received(),
            Change::Deadline {
                step: DeadlineStep::Decide,
                due: due("2026-12-10"),
                rule: Some("Courier".into()),
            },
            at("2026-11-24T00:00:00Z"),
        )
        .unwrap();
        let twice = changed(
            &once,
            Change::Deadline {
                step: DeadlineStep::Decide,
                due: due("2026-12-20"),
                rule: None,
            },
            at("2026-11-25T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(twice.deadlines.len(), 1);
        assert_eq!(twice.deadlines[0].due, due("2026-12-20"));
    }
}
