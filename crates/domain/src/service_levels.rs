//! The organisation's promises ("acknowledge within 24 hours", "decide within 10 business days") and the
//! dated plan they give a complaint received at a given local time.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::calendar::{Date, DateTime};
use crate::instant::{Instant, Zone};
use crate::localized::LocalizedText;

/// How long a step may take. `{"hours": 24}`, `{"business_days": 10}`, `{"calendar_days": 30}`, `{"weeks": 8}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Hours(u32),
    CalendarDays(u32),
    BusinessDays(u32),
    Weeks(u32),
}

/// One promise and the rule it comes from, shown beside the date ("8 weeks, UK FCA DISP 1.6").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLevel {
    pub within: Period,
    pub rule: LocalizedText,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLevels {
    #[serde(default)]
    pub acknowledge: Option<ServiceLevel>,
    #[serde(default)]
    pub decide: Option<ServiceLevel>,
}

/// When a step is due: an exact time for hour-based promises (counted in real hours, so a clock change on
/// the way does not move it), the end of a local day for day-based ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    At { at: Instant, local: DateTime },
    EndOf(Date),
}

/// Where "now" stands against a due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    Ahead,
    /// The last day of a day-based promise (an hour-based one is simply ahead until its minute passes).
    DueToday,
    Overdue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStep {
    pub due: Due,
    pub rule: LocalizedText,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub acknowledge: Option<PlannedStep>,
    pub decide: Option<PlannedStep>,
}

impl Period {
    /// The due time for something that started at `from`, counted in the organisation's zone: business days
    /// skip weekends and `holidays`, and day counts start the day after `from`. `None` if the zone is unknown.
    pub fn due_from(
        self,
        from: Instant,
        zone: &impl Zone,
        holidays: &BTreeSet<Date>,
    ) -> Option<Due> {
        let day = |days: i64| Some(Due::EndOf(zone.local(from)?.date.add_days(days)));
        match self {
            Period::Hours(h) => {
                let at = from.plus_seconds(i64::from(h) * 3600);
                Some(Due::At {
                    at,
                    local: zone.local(at)?,
                })
            }
            Period::CalendarDays(d) => day(i64::from(d)),
            Period::Weeks(w) => day(i64::from(w) * 7),
            Period::BusinessDays(d) => Some(Due::EndOf(
                zone.local(from)?.date.add_business_days(d, holidays),
            )),
        }
    }
}

impl Due {
    pub fn timeliness(self, now: Instant, zone: &impl Zone) -> Timeliness {
        match self {
            Due::At { at, .. } if now > at => Timeliness::Overdue,
            Due::At { .. } => Timeliness::Ahead,
            Due::EndOf(last_day) => match zone.local(now).map(|n| n.date.cmp(&last_day)) {
                Some(std::cmp::Ordering::Greater) => Timeliness::Overdue,
                Some(std::cmp::Ordering::Equal) => Timeliness::DueToday,
                _ => Timeliness::Ahead,
            },
        }
    }

    /// Whether something done at `done` kept this promise.
    pub fn kept_by(self, done: Instant, zone: &impl Zone) -> bool {
        self.timeliness(done, zone) != Timeliness::Overdue
    }
}

impl ServiceLevel {
    pub fn plan_from(
        &self,
        from: Instant,
        zone: &impl Zone,
        holidays: &BTreeSet<Date>,
    ) -> Option<PlannedStep> {
        Some(PlannedStep {
            due: self.within.due_from(from, zone, holidays)?,
            rule: self.rule.clone(),
        })
    }
}

impl ServiceLevels {
    /// The promise for one step, if the category makes one.
    pub fn for_step(&self, step: crate::status::DeadlineStep) -> Option<&ServiceLevel> {
        match step {
            crate::status::DeadlineStep::Acknowledge => self.acknowledge.as_ref(),
            crate::status::DeadlineStep::Decide => self.decide.as_ref(),
        }
    }

    pub fn plan(&self, received: Instant, zone: &impl Zone, holidays: &BTreeSet<Date>) -> Plan {
        let step =
            |level: &Option<ServiceLevel>| level.as_ref()?.plan_from(received, zone, holidays);
        Plan {
            acknowledge: step(&self.acknowledge),
            decide: step(&self.decide),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instant::test_zones::{LONDON, WARSAW};
    use crate::instant::UTC;

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    fn d(text: &str) -> Date {
        Date::parse_iso(text).unwrap()
    }

    fn local(date: &str, h: u8, m: u8) -> DateTime {
        DateTime::new(d(date), h, m).unwrap()
    }

    #[test]
    fn a_plan_dates_each_promise_from_the_receipt_in_the_organisations_zone() {
        let levels: ServiceLevels = serde_json::from_str(
            r#"{"acknowledge": {"within": {"hours": 48}, "rule": {"en": "Acknowledged within 48 hours"}},
                "decide": {"within": {"business_days": 10}, "rule": {"en": "10 business days for defective products"}}}"#,
        )
        .unwrap();
        let plan = levels.plan(at("2026-11-22T14:00:00Z"), &LONDON, &BTreeSet::new());
        assert_eq!(
            plan.acknowledge.map(|s| s.due),
            Some(Due::At {
                at: at("2026-11-24T14:00:00Z"),
                local: local("2026-11-24", 14, 0)
            })
        );
        assert_eq!(
            plan.decide.map(|s| s.due),
            Some(Due::EndOf(d("2026-12-04")))
        );
    }

    #[test]
    fn the_local_day_of_receipt_counts_not_the_utc_one() {
        // 23:30 UTC on Sunday 22 Nov is already Monday in Warsaw: ten business days from Monday.
        let received = at("2026-11-22T23:30:00Z");
        let due = Period::BusinessDays(10).due_from(received, &WARSAW, &BTreeSet::new());
        assert_eq!(due, Some(Due::EndOf(d("2026-12-07"))));
        let in_utc = Period::BusinessDays(10).due_from(received, &UTC, &BTreeSet::new());
        assert_eq!(in_utc, Some(Due::EndOf(d("2026-12-04"))));
    }

    #[test]
    fn hours_are_real_hours_across_a_clock_change() {
        // 24 hours after 12:00 on the Saturday before clocks go back is 11:00 on the Sunday, local time.
        let due = Period::Hours(24).due_from(at("2026-10-24T11:00:00Z"), &LONDON, &BTreeSet::new());
        assert_eq!(
            due,
            Some(Due::At {
                at: at("2026-10-25T11:00:00Z"),
                local: local("2026-10-25", 11, 0)
            })
        );
        let spring =
            Period::Hours(24).due_from(at("2026-03-28T12:00:00Z"), &LONDON, &BTreeSet::new());
        assert_eq!(
            spring.map(|due| match due {
                Due::At { local, .. } => local,
                Due::EndOf(_) => unreachable!(),
            }),
            Some(local("2026-03-29", 13, 0))
        );
    }

    #[test]
    fn weeks_and_calendar_days_ignore_weekends() {
        let from = at("2026-11-22T09:30:00Z");
        let none = BTreeSet::new();
        assert_eq!(
            Period::Weeks(8).due_from(from, &LONDON, &none),
            Some(Due::EndOf(d("2027-01-17")))
        );
        assert_eq!(
            Period::CalendarDays(30).due_from(from, &LONDON, &none),
            Some(Due::EndOf(d("2026-12-22")))
        );
    }

    #[test]
    fn due_today_then_overdue_by_the_local_calendar() {
        let due = Due::EndOf(d("2026-12-04"));
        assert_eq!(
            due.timeliness(at("2026-12-03T23:59:00Z"), &LONDON),
            Timeliness::Ahead
        );
        assert_eq!(
            due.timeliness(at("2026-12-04T00:00:00Z"), &LONDON),
            Timeliness::DueToday
        );
        assert_eq!(
            due.timeliness(at("2026-12-04T23:59:59Z"), &LONDON),
            Timeliness::DueToday
        );
        // Already Saturday in Warsaw.
        assert_eq!(
            due.timeliness(at("2026-12-04T23:30:00Z"), &WARSAW),
            Timeliness::Overdue
        );
        let exact = Due::At {
            at: at("2026-11-24T14:00:00Z"),
            local: local("2026-11-24", 14, 0),
        };
        assert_eq!(
            exact.timeliness(at("2026-11-24T14:00:00Z"), &LONDON),
            Timeliness::Ahead
        );
        assert_eq!(
            exact.timeliness(at("2026-11-24T14:00:01Z"), &LONDON),
            Timeliness::Overdue
        );
        assert!(exact.kept_by(at("2026-11-24T13:00:00Z"), &LONDON));
    }

    #[test]
    fn missing_promises_plan_nothing() {
        assert_eq!(
            ServiceLevels::default().plan(at("2026-11-22T00:00:00Z"), &UTC, &BTreeSet::new()),
            Plan::default()
        );
    }

    /// A zone the browser does not know plans nothing rather than a wrong date.
    struct Unknown;
    impl Zone for Unknown {
        fn local(&self, _: Instant) -> Option<DateTime> {
            None
        }
    }

    #[test]
    fn an_unknown_zone_gives_no_date() {
        assert_eq!(
            Period::BusinessDays(3).due_from(
                at("2026-11-22T00:00:00Z"),
                &Unknown,
                &BTreeSet::new()
            ),
            None
        );
    }
}
