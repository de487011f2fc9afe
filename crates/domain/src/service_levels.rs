//! The organisation's promises ("acknowledge within 24 hours", "decide within 10 business days") and the
//! dated plan they give a complaint received at a given local time.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::calendar::{Date, DateTime};
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

/// When a step is due, in the organisation's local time: an exact time for hour-based promises, the end
/// of a day for day-based ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    At(DateTime),
    EndOf(Date),
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
    /// The due time for something that started at `from` (local time), skipping weekends and `holidays`
    /// for business days. Day counts start the day after `from`.
    pub fn due_from(self, from: DateTime, holidays: &BTreeSet<Date>) -> Due {
        match self {
            Period::Hours(h) => Due::At(from.add_minutes(i64::from(h) * 60)),
            Period::CalendarDays(d) => Due::EndOf(from.date.add_days(i64::from(d))),
            Period::Weeks(w) => Due::EndOf(from.date.add_days(i64::from(w) * 7)),
            Period::BusinessDays(d) => Due::EndOf(from.date.add_business_days(d, holidays)),
        }
    }
}

impl ServiceLevels {
    pub fn plan(&self, received: DateTime, holidays: &BTreeSet<Date>) -> Plan {
        let step = |level: &Option<ServiceLevel>| {
            level.as_ref().map(|l| PlannedStep {
                due: l.within.due_from(received, holidays),
                rule: l.rule.clone(),
            })
        };
        Plan {
            acknowledge: step(&self.acknowledge),
            decide: step(&self.decide),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, h: u8, m: u8) -> DateTime {
        DateTime::new(Date::parse_iso(date).unwrap(), h, m).unwrap()
    }

    #[test]
    fn a_plan_dates_each_promise_from_the_local_receipt_time() {
        let levels: ServiceLevels = serde_json::from_str(
            r#"{"acknowledge": {"within": {"hours": 48}, "rule": {"en": "Acknowledged within 48 hours"}},
                "decide": {"within": {"business_days": 10}, "rule": {"en": "10 business days for defective products"}}}"#,
        )
        .unwrap();
        let plan = levels.plan(at("2026-11-22", 14, 0), &BTreeSet::new());
        assert_eq!(
            plan.acknowledge.map(|s| s.due),
            Some(Due::At(at("2026-11-24", 14, 0)))
        );
        assert_eq!(
            plan.decide.map(|s| s.due),
            Some(Due::EndOf(Date::parse_iso("2026-12-04").unwrap()))
        );
    }

    #[test]
    fn weeks_and_calendar_days_ignore_weekends() {
        let from = at("2026-11-22", 9, 30);
        let none = BTreeSet::new();
        assert_eq!(
            Period::Weeks(8).due_from(from, &none),
            Due::EndOf(Date::parse_iso("2027-01-17").unwrap())
        );
        assert_eq!(
            Period::CalendarDays(30).due_from(from, &none),
            Due::EndOf(Date::parse_iso("2026-12-22").unwrap())
        );
    }

    #[test]
    fn missing_promises_plan_nothing() {
        assert_eq!(
            ServiceLevels::default().plan(at("2026-11-22", 0, 0), &BTreeSet::new()),
            Plan::default()
        );
    }
}
