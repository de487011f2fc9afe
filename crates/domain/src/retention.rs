//! How long a closed complaint's personal data is kept (issue #25): the organisation's rule, from its config's
//! `retention` section, and the day it runs out (`keep_until`). The intake's purge erases a complaint's
//! personal data once that day has passed, keeping only the anonymous facts the published figures count.
//!
//! A rule is "N years after the complaint closed", optionally to the end of that year: several laws count a
//! limitation period to the last day of a calendar year (Poland's civil code, art. 118, since 2018), and a
//! yearly sweep is easier to explain to a customer than a day-exact one. The closing day is the one the
//! organisation's clocks showed, so a complaint closed at 00:30 on 1 January in Seoul is a new year's one there.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::instant::{Instant, Zone};

/// The config's `retention` section: a default rule and, where a category's records must be kept longer
/// (or may be kept shorter), a rule of its own, by category id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    pub default: RetentionRule,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub categories: BTreeMap<String, RetentionRule>,
}

/// How long after closing a complaint's personal data is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRule {
    /// Whole years after the day the complaint closed (0: only to the end of that year, when rounded).
    pub years_after_closure: u32,
    /// Keep to 31 December of the year the period ends in.
    #[serde(default)]
    pub round_to_end_of_year: bool,
    /// Why this long, for the organisation's records and the privacy notice (a law and its article, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What an organisation whose config says nothing gets: three years after closure (the longest of the
/// demo's sources: Korea's e-commerce act decree for records of consumer complaints), so data is never kept
/// forever by omission. docs/retention.md says to set your own.
impl Default for Retention {
    fn default() -> Self {
        Retention {
            default: RetentionRule {
                years_after_closure: 3,
                round_to_end_of_year: false,
                source: None,
            },
            categories: BTreeMap::new(),
        }
    }
}

impl Retention {
    /// The years a complaint of `category` is kept after it closes (the default rule for none), for the
    /// notices.
    pub fn years_for(&self, category: Option<&str>) -> u32 {
        category
            .map_or(&self.default, |c| self.rule_for(c))
            .years_after_closure
    }

    /// Whether `category`'s period runs to the end of a year (the default rule for none), for the notices.
    pub fn rounds_for(&self, category: Option<&str>) -> bool {
        category
            .map_or(&self.default, |c| self.rule_for(c))
            .round_to_end_of_year
    }

    /// The rule for complaints of `category`: its own, or the default.
    pub fn rule_for(&self, category: &str) -> &RetentionRule {
        self.categories.get(category).unwrap_or(&self.default)
    }

    /// The last day a complaint of `category` closed at `closed_at` is kept, counted in `zone`.
    pub fn keep_until(&self, category: &str, closed_at: Instant, zone: &impl Zone) -> Date {
        let closed_on = zone
            .local(closed_at)
            .map_or_else(|| closed_at.utc_wall_clock().date, |d| d.date);
        self.rule_for(category).keep_until(closed_on)
    }

    /// Category ids the rules name that `known` does not list (a typo would silently use the default).
    pub fn unknown_categories<'a>(&'a self, known: &[&str]) -> Vec<&'a str> {
        self.categories
            .keys()
            .map(String::as_str)
            .filter(|id| !known.contains(id))
            .collect()
    }
}

impl RetentionRule {
    /// The last day a complaint closed on `closed_on` is kept: the same day `years_after_closure` years later
    /// (29 February becomes 28 February in a common year), or 31 December of that year when rounded.
    pub fn keep_until(&self, closed_on: Date) -> Date {
        let years = i32::try_from(self.years_after_closure).unwrap_or(i32::MAX);
        let year = closed_on.year().saturating_add(years);
        let end_of_year = Date::new(year, 12, 31);
        let same_day = Date::new(year, closed_on.month(), closed_on.day())
            .or_else(|| Date::new(year, closed_on.month(), closed_on.day() - 1));
        let kept = if self.round_to_end_of_year {
            end_of_year
        } else {
            same_day
        };
        // Only a year past what a calendar holds fails; keep for ever rather than erase early.
        kept.unwrap_or(Date::LAST)
    }
}

/// Whether a complaint kept until `keep_until` is due for erasure on `today` (the organisation's date): the
/// day after the last day kept.
pub fn is_due(keep_until: Date, today: Date) -> bool {
    today > keep_until
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::DateTime;
    use crate::instant::FixedOffset;
    use proptest::prelude::*;

    fn rule(years: u32, round: bool) -> RetentionRule {
        RetentionRule {
            years_after_closure: years,
            round_to_end_of_year: round,
            source: None,
        }
    }

    fn date(text: &str) -> Date {
        Date::parse_iso(text).unwrap()
    }

    #[test]
    fn years_are_counted_from_the_closing_day_and_rounded_to_the_end_of_that_year() {
        assert_eq!(
            rule(3, false).keep_until(date("2026-05-14")),
            date("2029-05-14")
        );
        assert_eq!(
            rule(3, true).keep_until(date("2026-05-14")),
            date("2029-12-31")
        );
        assert_eq!(
            rule(1, true).keep_until(date("2026-12-31")),
            date("2027-12-31")
        );
        assert_eq!(
            rule(0, true).keep_until(date("2026-01-01")),
            date("2026-12-31")
        );
    }

    #[test]
    fn a_leap_day_is_kept_to_the_last_day_of_february() {
        assert_eq!(
            rule(1, false).keep_until(date("2028-02-29")),
            date("2029-02-28")
        );
        assert_eq!(
            rule(4, false).keep_until(date("2028-02-29")),
            date("2032-02-29")
        );
    }

    #[test]
    fn the_closing_day_is_the_organisations_not_utc() {
        let retention = Retention {
            default: rule(1, true),
            categories: BTreeMap::from([("billing".to_owned(), rule(5, false))]),
        };
        // 31 Dec 2026 15:30 UTC is 1 Jan 2027 00:30 in Seoul (UTC+9).
        let closed = Instant::from_utc(DateTime::new(date("2026-12-31"), 15, 30).unwrap());
        let seoul = FixedOffset {
            minutes_east: 9 * 60,
        };
        let utc = FixedOffset { minutes_east: 0 };
        assert_eq!(
            retention.keep_until("delivery", closed, &seoul),
            date("2028-12-31")
        );
        assert_eq!(
            retention.keep_until("delivery", closed, &utc),
            date("2027-12-31")
        );
        assert_eq!(
            retention.keep_until("billing", closed, &seoul),
            date("2032-01-01")
        );
    }

    #[test]
    fn due_only_the_day_after_the_last_day_kept() {
        assert!(!is_due(date("2027-12-31"), date("2027-12-31")));
        assert!(is_due(date("2027-12-31"), date("2028-01-01")));
    }

    #[test]
    fn unknown_category_ids_are_named() {
        let retention = Retention {
            default: rule(1, true),
            categories: BTreeMap::from([("biling".to_owned(), rule(5, false))]),
        };
        assert_eq!(retention.unknown_categories(&["billing"]), vec!["biling"]);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1970i32..2200, 1u8..=12, 1u8..=31)
            .prop_filter_map("a real date", |(y, m, d)| Date::new(y, m, d))
    }

    proptest! {
        /// jiff is the oracle: adding years the way it does (clamping 29 February), then to 31 December.
        #[test]
        fn agrees_with_jiff(closed in any_date(), years in 0u32..60, round in any::<bool>()) {
            let closed_jiff = jiff::civil::date(closed.year() as i16, closed.month() as i8, closed.day() as i8);
            let mut expected = closed_jiff.checked_add(jiff::Span::new().years(years as i64)).unwrap();
            if round {
                expected = jiff::civil::date(expected.year(), 12, 31);
            }
            let kept = rule(years, round).keep_until(closed);
            prop_assert_eq!(kept.to_string(), expected.to_string());
            prop_assert!(kept >= closed);
            prop_assert!(!is_due(kept, closed));
        }
    }
}
