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

/// One deadline and the rule it comes from, shown beside the date ("8 weeks, UK FCA DISP 1.6"): the
/// organisation's own promise (no scope: everyone), or a statutory rule that binds it only for some consumers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLevel {
    pub within: Period,
    pub rule: LocalizedText,
    /// Who the rule is for; absent, everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Scope>,
}

/// Who a rule is for. A consumer law applies by where the consumer lives, not by the page's language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// ISO 3166-1 alpha-2 codes (`["PL"]`): the rule applies to consumers who live in one of them.
    #[serde(default)]
    pub consumer_country: Vec<String>,
}

/// Every rule for one step: the organisation's own promise and any statutory ones. The earliest due date
/// among those that apply to a complaint wins. The older single-object form (`{"within": …, "rule": …}`)
/// still reads, as a list of one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "OneOrMany", into = "Vec<ServiceLevel>")]
pub struct StepRules(pub Vec<ServiceLevel>);

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(ServiceLevel),
    Many(Vec<ServiceLevel>),
}

impl From<OneOrMany> for StepRules {
    fn from(read: OneOrMany) -> StepRules {
        match read {
            OneOrMany::One(level) => StepRules(vec![level]),
            OneOrMany::Many(levels) => StepRules(levels),
        }
    }
}

impl From<StepRules> for Vec<ServiceLevel> {
    fn from(rules: StepRules) -> Vec<ServiceLevel> {
        rules.0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLevels {
    #[serde(default, deserialize_with = "rules_or_null")]
    pub acknowledge: StepRules,
    #[serde(default, deserialize_with = "rules_or_null")]
    pub decide: StepRules,
}

/// `null` was how a config said "no promise" before steps held lists; it still means none.
fn rules_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<StepRules, D::Error> {
    Ok(Option::<StepRules>::deserialize(d)?.unwrap_or_default())
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

    /// Whether this is due before `other`: an exact time is before the end of its own local day.
    pub fn is_before(self, other: Due) -> bool {
        let key = |due: Due| match due {
            Due::At { at, local } => (local.date, 0, at.unix_seconds()),
            Due::EndOf(date) => (date, 1, 0),
        };
        key(self) < key(other)
    }

    /// Whether something done at `done` kept this promise.
    pub fn kept_by(self, done: Instant, zone: &impl Zone) -> bool {
        self.timeliness(done, zone) != Timeliness::Overdue
    }
}

impl ServiceLevel {
    /// Whether the rule binds the organisation for a consumer living in `consumer_country` (`None`: not
    /// known, or somewhere no scoped rule names). A rule without a scope applies to everyone.
    pub fn applies_to(&self, consumer_country: Option<&str>) -> bool {
        match &self.applies_to {
            None => true,
            Some(scope) => consumer_country.is_some_and(|country| {
                scope
                    .consumer_country
                    .iter()
                    .any(|named| named.eq_ignore_ascii_case(country))
            }),
        }
    }

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

impl StepRules {
    /// The rules that bind the organisation for this consumer.
    pub fn applying<'a>(
        &'a self,
        consumer_country: Option<&'a str>,
    ) -> impl Iterator<Item = &'a ServiceLevel> + 'a {
        self.0
            .iter()
            .filter(move |l| l.applies_to(consumer_country))
    }

    /// The due date for this consumer: the earliest of the rules that apply, with that rule's words. On a
    /// tie the rule listed first wins, so a config lists its own promise first.
    pub fn plan_from(
        &self,
        from: Instant,
        zone: &impl Zone,
        holidays: &BTreeSet<Date>,
        consumer_country: Option<&str>,
    ) -> Option<PlannedStep> {
        self.applying(consumer_country)
            .filter_map(|level| level.plan_from(from, zone, holidays))
            .reduce(|best, next| {
                if next.due.is_before(best.due) {
                    next
                } else {
                    best
                }
            })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every level, in the config's order.
    pub fn iter(&self) -> impl Iterator<Item = &ServiceLevel> {
        self.0.iter()
    }
}

impl ServiceLevels {
    /// The rules for one step (none, if the category makes no promise for it).
    pub fn for_step(&self, step: crate::status::DeadlineStep) -> &StepRules {
        match step {
            crate::status::DeadlineStep::Acknowledge => &self.acknowledge,
            crate::status::DeadlineStep::Decide => &self.decide,
        }
    }

    /// The dated plan for a complaint received at `received` from a consumer living in `consumer_country`.
    pub fn plan(
        &self,
        received: Instant,
        zone: &impl Zone,
        holidays: &BTreeSet<Date>,
        consumer_country: Option<&str>,
    ) -> Plan {
        let step = |rules: &StepRules| rules.plan_from(received, zone, holidays, consumer_country);
        Plan {
            acknowledge: step(&self.acknowledge),
            decide: step(&self.decide),
        }
    }

    /// The countries whose consumers some rule is scoped to, upper-cased and sorted: where this category's
    /// deadlines depend on where the consumer lives. Empty when every rule applies to everyone.
    pub fn countries(&self) -> BTreeSet<String> {
        self.acknowledge
            .iter()
            .chain(self.decide.iter())
            .filter_map(|l| l.applies_to.as_ref())
            .flat_map(|scope| scope.consumer_country.iter())
            .map(|c| c.to_ascii_uppercase())
            .collect()
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
        let plan = levels.plan(at("2026-11-22T14:00:00Z"), &LONDON, &BTreeSet::new(), None);
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
            ServiceLevels::default().plan(
                at("2026-11-22T00:00:00Z"),
                &UTC,
                &BTreeSet::new(),
                Some("PL")
            ),
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
