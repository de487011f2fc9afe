//! Looking up a complaint: what the customer must give, where its status file lives, and the timeline the
//! tracker draws from it (done, current, upcoming with expected dates, overdue).

use std::collections::BTreeSet;

use crate::calendar::Date;
use crate::config::Category;
use crate::i18n::Msg;
use crate::instant::{Instant, Zone};
use crate::localized::LocalizedText;
use crate::service_levels::{Due, Timeliness};
use crate::status::{DeadlineStep, Stage, StatusRecord};
use crate::validation::{collect, required, FieldError};

pub const REFERENCE_FIELD: &str = "reference";
pub const VERIFIER_FIELD: &str = "verifier";

/// Both parts are required; neither is echoed back in a message, so errors reveal nothing.
pub fn check_lookup(reference: &str, verifier: &str) -> Vec<FieldError> {
    collect([
        required(reference, REFERENCE_FIELD, Msg::ReferenceRequired),
        required(verifier, VERIFIER_FIELD, Msg::VerifierRequired),
    ])
}

/// Versioned, so the scheme can change without old links finding the wrong file.
const KEY_SCHEME: &str = "complaint-desk/status/v1";

/// `cmp-7k4q 2m9x` and `CMP-7K4Q-2M9X` are the same reference: letters and digits only, upper case.
pub fn normalise_reference(reference: &str) -> String {
    reference
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// An email address is trimmed and lower-cased (people type `Anna@Example.PL`); a PIN keeps only its
/// letters and digits, upper case, like a reference.
pub fn normalise_verifier(verifier: &str) -> String {
    let verifier = verifier.trim();
    if verifier.contains('@') {
        verifier.to_lowercase()
    } else {
        normalise_reference(verifier)
    }
}

/// The text whose SHA-256 (lower-case hex) names a complaint's status file. Without the verifier nobody can
/// derive the name from a reference, and the names cannot be listed (documented in `docs/status.md`).
pub fn status_key_input(reference: &str, verifier: &str) -> String {
    format!(
        "{KEY_SCHEME}\n{}\n{}",
        normalise_reference(reference),
        normalise_verifier(verifier)
    )
}

const PROOF_SCHEME: &str = "complaint-desk/reply/v1";

/// The text whose SHA-256 (lower-case hex) proves, on a reply to a complaint, that the sender holds the
/// reference and the verifier (`docs/replies.md`). Its own label, so the status file's name, which travels in
/// URLs, logs and CDN caches, is never enough to act on a complaint: a different label gives an unrelated hash.
pub fn reply_proof_input(reference: &str, verifier: &str) -> String {
    format!(
        "{PROOF_SCHEME}\n{}\n{}",
        normalise_reference(reference),
        normalise_verifier(verifier)
    )
}

/// `{base}/{key}.json`, whatever the base's trailing slash.
pub fn status_path(base: &str, key_hex: &str) -> String {
    format!("{}/{key_hex}.json", base.trim_end_matches('/'))
}

/// Who promised the date shown beside a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// The category's service level in the config ("10 business days for defective products").
    Promise(LocalizedText),
    /// A date the organisation set for this complaint, with its reason if it gave one.
    Set(Option<crate::localized::OrgText>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub due: Due,
    pub rule: Rule,
    pub timeliness: Timeliness,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineStep {
    Done {
        stage: Stage,
        at: Instant,
        message: Option<crate::localized::OrgText>,
        current: bool,
    },
    Upcoming {
        stage: Stage,
        expected: Option<Expected>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub steps: Vec<TimelineStep>,
}

impl Timeline {
    /// The record's history, then the stages still ahead, each promise dated from the organisation's
    /// service levels (or its own date, when it set one) and judged against `now`.
    pub fn build(
        record: &StatusRecord,
        category: Option<&Category>,
        zone: &impl Zone,
        holidays: &BTreeSet<Date>,
        now: Instant,
    ) -> Timeline {
        let last = record.history.len().saturating_sub(1);
        let mut steps: Vec<TimelineStep> = record
            .history
            .iter()
            .enumerate()
            .map(|(i, entry)| TimelineStep::Done {
                stage: entry.stage,
                at: entry.at,
                message: entry.message.clone(),
                current: i == last,
            })
            .collect();
        let current = record.current().map_or(Stage::Received, |e| e.stage);
        let acknowledged = record
            .history
            .iter()
            .any(|e| e.stage != Stage::Received && e.stage != Stage::Reopened);
        let expect = |step: DeadlineStep, from: Option<Instant>| -> Option<Expected> {
            let (due, rule) = match record.set_deadline(step) {
                Some(set) => (Due::EndOf(set.due), Rule::Set(set.rule.clone())),
                None => {
                    let planned = category?.service_levels.for_step(step).plan_from(
                        from?,
                        zone,
                        holidays,
                        record.consumer_country.as_deref(),
                    )?;
                    (planned.due, Rule::Promise(planned.rule))
                }
            };
            Some(Expected {
                due,
                rule,
                timeliness: due.timeliness(now, zone),
            })
        };
        if current != Stage::Closed {
            for stage in Stage::PATH {
                if stage.position() <= current.position()
                    || (stage == Stage::Acknowledged && acknowledged)
                {
                    continue;
                }
                let expected = match stage {
                    Stage::Acknowledged => expect(DeadlineStep::Acknowledge, record.received_at()),
                    Stage::Responded => expect(DeadlineStep::Decide, record.round_started_at()),
                    _ => None,
                };
                steps.push(TimelineStep::Upcoming { stage, expected });
            }
        }
        Timeline { steps }
    }

    /// The first promise already broken, if any: the tracker says so and who to turn to.
    pub fn overdue(&self) -> Option<&Expected> {
        self.steps.iter().find_map(|step| match step {
            TimelineStep::Upcoming {
                expected: Some(e), ..
            } if e.timeliness == Timeliness::Overdue => Some(e),
            _ => None,
        })
    }

    /// The next dated step ahead, for "my complaints" and the page's summary.
    pub fn next_expected(&self) -> Option<(Stage, &Expected)> {
        self.steps.iter().find_map(|step| match step {
            TimelineStep::Upcoming {
                stage,
                expected: Some(e),
            } => Some((*stage, e)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::OrgConfig;
    use crate::instant::test_zones::LONDON;

    #[test]
    fn both_parts_are_required_and_blank_space_is_not_an_answer() {
        let fields =
            |errors: Vec<FieldError>| errors.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(
            fields(check_lookup("", " \t")),
            vec![REFERENCE_FIELD, VERIFIER_FIELD]
        );
        assert_eq!(fields(check_lookup("CMP-1", "")), vec![VERIFIER_FIELD]);
        assert!(check_lookup("CMP-1", "1234").is_empty());
    }

    #[test]
    fn the_key_input_ignores_how_people_type_the_reference_and_email() {
        let canonical = status_key_input("CMP-7K4Q-2M9X", "anna@example.pl");
        assert_eq!(
            canonical,
            "complaint-desk/status/v1\nCMP7K4Q2M9X\nanna@example.pl"
        );
        assert_eq!(
            status_key_input(" cmp 7k4q-2m9x ", "  Anna@Example.PL "),
            canonical
        );
        assert_eq!(
            status_key_input("CMP-7K4Q-2M9X", "7kq2-m9x4"),
            "complaint-desk/status/v1\nCMP7K4Q2M9X\n7KQ2M9X4"
        );
        assert_eq!(
            status_path("/api/v1/status/", "ab12"),
            "/api/v1/status/ab12.json"
        );
        assert_eq!(
            status_path("https://cdn.example/status", "ab12"),
            "https://cdn.example/status/ab12.json"
        );
    }

    fn config() -> OrgConfig {
        OrgConfig::from_json(include_str!("../../../public/api/v1/config.json")).unwrap()
    }

    fn record(history: serde_json::Value, deadlines: serde_json::Value) -> StatusRecord {
        StatusRecord::from_json(
            &serde_json::json!({
                "schema_version": 1, "reference": "CMP-1", "category": "defective-product",
                "updated_at": "2026-11-30T09:00:00Z", "history": history, "deadlines": deadlines
            })
            .to_string(),
        )
        .unwrap()
    }

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    fn build(record: &StatusRecord, now: &str) -> Timeline {
        let config = config();
        Timeline::build(
            record,
            config.category(&record.category),
            &LONDON,
            &config.organisation.holiday_set(),
            at(now),
        )
    }

    fn upcoming(timeline: &Timeline) -> Vec<(Stage, Option<Due>, Option<Timeliness>)> {
        timeline
            .steps
            .iter()
            .filter_map(|s| match s {
                TimelineStep::Upcoming { stage, expected } => Some((
                    *stage,
                    expected.as_ref().map(|e| e.due),
                    expected.as_ref().map(|e| e.timeliness),
                )),
                TimelineStep::Done { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_new_complaint_shows_every_stage_ahead_with_the_promised_dates() {
        let received = record(
            serde_json::json!([{"stage": "received", "at": "2026-11-23T10:00:00Z"}]),
            serde_json::json!([]),
        );
        let config = config();
        let levels = &config.category("defective-product").unwrap().service_levels;
        let promised = levels.plan(
            at("2026-11-23T10:00:00Z"),
            &LONDON,
            &config.organisation.holiday_set(),
            None,
        );
        let timeline = build(&received, "2026-11-23T12:00:00Z");
        let ahead = upcoming(&timeline);
        assert_eq!(
            ahead.iter().map(|(s, ..)| *s).collect::<Vec<_>>(),
            vec![
                Stage::Acknowledged,
                Stage::Assessing,
                Stage::Investigating,
                Stage::Responded,
                Stage::Closed
            ]
        );
        assert_eq!(ahead[0].1, promised.acknowledge.map(|p| p.due));
        assert_eq!(ahead[3].1, promised.decide.map(|p| p.due));
        assert_eq!(ahead[0].2, Some(Timeliness::Ahead));
        assert_eq!(timeline.overdue(), None);
        assert!(matches!(
            timeline.steps[0],
            TimelineStep::Done {
                stage: Stage::Received,
                current: true,
                ..
            }
        ));
    }

    #[test]
    fn a_missed_decision_date_is_overdue_and_a_set_date_replaces_the_promise() {
        let history = serde_json::json!([
            {"stage": "received", "at": "2026-11-02T10:00:00Z"},
            {"stage": "acknowledged", "at": "2026-11-02T15:00:00Z", "message": "We have it."},
            {"stage": "investigating", "at": "2026-11-05T09:00:00Z"}
        ]);
        let late = build(
            &record(history.clone(), serde_json::json!([])),
            "2026-12-20T12:00:00Z",
        );
        assert_eq!(
            upcoming(&late).iter().map(|(s, ..)| *s).collect::<Vec<_>>(),
            vec![Stage::Responded, Stage::Closed],
            "acknowledgement and assessment are behind it"
        );
        assert!(matches!(late.overdue(), Some(e) if matches!(e.rule, Rule::Promise(_))));

        let extended = record(
            history,
            serde_json::json!([{"step": "decide", "due": "2027-01-08", "rule": "Waiting for the courier"}]),
        );
        let timeline = build(&extended, "2026-12-20T12:00:00Z");
        assert_eq!(timeline.overdue(), None);
        let (stage, expected) = timeline.next_expected().unwrap();
        assert_eq!(stage, Stage::Responded);
        assert_eq!(
            expected.due,
            Due::EndOf(Date::parse_iso("2027-01-08").unwrap())
        );
        assert_eq!(
            expected.rule,
            Rule::Set(Some("Waiting for the courier".into()))
        );
    }

    #[test]
    fn a_closed_complaint_has_nothing_ahead_and_a_reopened_one_restarts_the_decision_clock() {
        let closed = serde_json::json!([
            {"stage": "received", "at": "2026-11-02T10:00:00Z"},
            {"stage": "responded", "at": "2026-11-09T10:00:00Z"},
            {"stage": "closed", "at": "2026-11-10T10:00:00Z"}
        ]);
        assert!(upcoming(&build(
            &record(closed.clone(), serde_json::json!([])),
            "2026-11-11T00:00:00Z"
        ))
        .is_empty());

        let mut reopened = closed;
        reopened
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"stage": "reopened", "at": "2026-11-20T10:00:00Z"}));
        let timeline = build(
            &record(reopened, serde_json::json!([])),
            "2026-11-21T00:00:00Z",
        );
        let ahead = upcoming(&timeline);
        assert_eq!(
            ahead.iter().map(|(s, ..)| *s).collect::<Vec<_>>(),
            vec![
                Stage::Assessing,
                Stage::Investigating,
                Stage::Responded,
                Stage::Closed
            ]
        );
        let config = config();
        let decide = &config
            .category("defective-product")
            .unwrap()
            .service_levels
            .decide;
        assert_eq!(
            ahead[2].1,
            decide
                .plan_from(
                    at("2026-11-20T10:00:00Z"),
                    &LONDON,
                    &config.organisation.holiday_set(),
                    None
                )
                .map(|p| p.due)
        );
    }
}

#[cfg(test)]
mod key_vectors {
    use super::*;
    use sha2::{Digest, Sha256};

    const PROOF_EXAMPLE: &str = "9a574d4400da8e5d0e532362e01223a14f1d4adf611b5ca96ae18bc13e560732";

    fn key(reference: &str, verifier: &str) -> String {
        Sha256::digest(status_key_input(reference, verifier).as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The example in docs/status.md, which back offices in other languages check themselves against.
    #[test]
    fn the_documented_example_key() {
        assert_eq!(
            key("CMP-7K4Q-2M9X", " Anna@Example.pl"),
            "57e2107e66afb667113a5de06a7183f0c453249d7fc4569b5a0d2cf99c81bb77"
        );
    }

    /// The example in docs/replies.md; the status file's name for the same pair is a different hash.
    #[test]
    fn the_documented_example_proof_is_not_the_status_file_name() {
        let proof: String =
            Sha256::digest(reply_proof_input("CMP-7K4Q-2M9X", " Anna@Example.pl").as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
        assert_eq!(
            reply_proof_input("cmp-7k4q 2m9x", "anna@example.pl"),
            "complaint-desk/reply/v1\nCMP7K4Q2M9X\nanna@example.pl"
        );
        assert_eq!(proof, PROOF_EXAMPLE);
        assert_ne!(proof, key("CMP-7K4Q-2M9X", " Anna@Example.pl"));
    }

    #[test]
    fn the_demo_status_files_sit_where_the_tracker_looks() {
        for (reference, verifier) in [
            ("CMP-DEMO-0001", "demo@example.com"),
            ("cmp-demo-0002", "7kq2 m9x4"),
        ] {
            let path = format!(
                "{}/../../public{}",
                env!("CARGO_MANIFEST_DIR"),
                status_path("/api/v1/status/", &key(reference, verifier))
            );
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let record = StatusRecord::from_json(&text).unwrap();
            assert_eq!(
                normalise_reference(&record.reference),
                normalise_reference(reference)
            );
        }
    }
}
