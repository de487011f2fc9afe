//! The published complaints figures (`/api/v1/insights.json`; the contract: `docs/insights.md` and
//! `docs/schema/insights.schema.json`): per ISO week and category, how many complaints came in and how
//! well the organisation kept its promises, the recurring causes with their trend, and what is overdue now.
//!
//! No personal data, and no figure built from fewer than [`SUPPRESS_BELOW`] complaints: such a cell is
//! published as `"fewer_than_5"`, so nobody can single out one customer's complaint. Enough other figures
//! are published as `"hidden"` that a hidden one cannot be worked out from the rest (`crate::disclosure`). The intake writes the
//! file; the app reads it through [`Insights::from_json_with`] and [`Insights::checked`], which drop
//! what cannot be true (negative counts, shares over 100 %, unknown categories or causes) and cap what a
//! phone is asked to draw.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::OrgConfig;
use crate::instant::Instant;
use crate::json::JsonParser;

/// The insights schema versions this build understands.
pub const INSIGHTS_SCHEMA: u32 = 1;

/// A figure built from fewer complaints than this is suppressed.
pub const SUPPRESS_BELOW: u64 = 5;

/// The most weeks the page draws (the latest ones); the rest are left out, and the page says so.
pub const MAX_WEEKS_SHOWN: usize = 26;

/// The most causes the page lists.
pub const MAX_CAUSES_SHOWN: usize = 10;

/// The most rows the page reads at all; a larger file is cut to its last rows before checking.
pub const MAX_ROWS_READ: usize = 5_000;

/// One published figure: a number, or the note that too few complaints stand behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Figure {
    Value(f64),
    Suppressed(Suppressed),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Suppressed {
    /// Built from fewer than [`SUPPRESS_BELOW`] complaints.
    #[serde(rename = "fewer_than_5")]
    FewerThan5,
    /// Built from enough complaints, but hidden so that a smaller hidden figure cannot be worked out from
    /// the published ones (`crate::disclosure`), or an average over too few ratings.
    #[serde(rename = "hidden")]
    Hidden,
}

impl Figure {
    /// A count of complaints, suppressed below [`SUPPRESS_BELOW`].
    pub fn count(n: u64) -> Figure {
        if n < SUPPRESS_BELOW {
            Figure::Suppressed(Suppressed::FewerThan5)
        } else {
            Figure::Value(n as f64)
        }
    }

    /// `part` of `base` complaints as a percentage (one decimal), suppressed when `base` is below
    /// [`SUPPRESS_BELOW`]; `None` when there is nothing to take a share of.
    pub fn share(part: u64, base: u64) -> Option<Figure> {
        match base {
            0 => None,
            b if b < SUPPRESS_BELOW => Some(Figure::Suppressed(Suppressed::FewerThan5)),
            b => Some(Figure::Value(round1(100.0 * part.min(b) as f64 / b as f64))),
        }
    }

    /// A measure (days, a rating) taken over `base` complaints, suppressed as a share is.
    pub fn measure(value: Option<f64>, base: u64) -> Option<Figure> {
        match (value, base) {
            (None, _) | (_, 0) => None,
            (_, b) if b < SUPPRESS_BELOW => Some(Figure::Suppressed(Suppressed::FewerThan5)),
            (Some(v), _) => Some(Figure::Value(round1(v))),
        }
    }

    /// A figure over `base` complaints that is not published: "fewer than 5" when that is why, else
    /// hidden (to protect another figure, or an average over too few ratings).
    pub fn hidden(base: u64) -> Figure {
        if base < SUPPRESS_BELOW {
            Figure::Suppressed(Suppressed::FewerThan5)
        } else {
            Figure::Suppressed(Suppressed::Hidden)
        }
    }

    pub fn value(self) -> Option<f64> {
        match self {
            Figure::Value(v) => Some(v),
            Figure::Suppressed(_) => None,
        }
    }

    fn within(self, low: f64, high: f64) -> bool {
        match self {
            Figure::Value(v) => v.is_finite() && (low..=high).contains(&v),
            Figure::Suppressed(_) => true,
        }
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insights {
    pub schema_version: u32,
    pub generated_at: Instant,
    /// Per ISO week and category, oldest week first; a row without a category is every category together.
    pub weeks: Vec<WeekFigures>,
    /// The most frequent causes over the last 13 weeks, most frequent first.
    #[serde(default)]
    pub causes: Vec<CauseFigures>,
    /// Open complaints past a promised date now, per category.
    #[serde(default)]
    pub overdue_now: Vec<CategoryCount>,
}

/// One ISO week (`2026-W53`) of one category, or of all (`category` absent). Shares are percentages of the
/// complaints they concern: acknowledged (or due to be) for `acknowledged_on_time`, decided (or due to be)
/// for `decided_on_time`, decided for the outcomes, received for `reopened`, rated for the rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekFigures {
    pub week: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub received: Figure,
    #[serde(default)]
    pub acknowledged_on_time: Option<Figure>,
    #[serde(default)]
    pub decided_on_time: Option<Figure>,
    #[serde(default)]
    pub days_to_decision_median: Option<Figure>,
    #[serde(default)]
    pub days_to_decision_p90: Option<Figure>,
    #[serde(default)]
    pub upheld: Option<Figure>,
    #[serde(default)]
    pub partly_upheld: Option<Figure>,
    #[serde(default)]
    pub not_upheld: Option<Figure>,
    #[serde(default)]
    pub reopened: Option<Figure>,
    #[serde(default)]
    pub rating_average: Option<Figure>,
    #[serde(default)]
    pub rating_count: Option<Figure>,
}

/// A recurring cause: how many complaints it was found in over the last 4 and 13 weeks, and the 4 weeks
/// before the last 4 (what the trend compares with).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CauseFigures {
    pub cause: String,
    pub last_4_weeks: Figure,
    pub last_13_weeks: Figure,
    pub previous_4_weeks: Figure,
    pub trend: Trend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Rising,
    Falling,
    Steady,
    /// Too few complaints to tell.
    Unknown,
}

impl Trend {
    /// The last 4 weeks against the 4 before: a fifth more is rising, a fifth less falling. Unknown when
    /// either side is below [`SUPPRESS_BELOW`] (so a trend never reveals a suppressed count).
    pub fn between(last: u64, previous: u64) -> Trend {
        if last < SUPPRESS_BELOW || previous < SUPPRESS_BELOW {
            Trend::Unknown
        } else if last * 5 > previous * 6 {
            Trend::Rising
        } else if last * 5 < previous * 4 {
            Trend::Falling
        } else {
            Trend::Steady
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub category: String,
    pub count: Figure,
}

/// Why an insights file cannot be shown at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsightsError {
    Malformed(String),
    UnsupportedSchema(u32),
}

impl fmt::Display for InsightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InsightsError::Malformed(detail) => write!(f, "insights.json is not valid: {detail}"),
            InsightsError::UnsupportedSchema(v) => write!(
                f,
                "insights.json schema_version {v} is not supported (expected {INSIGHTS_SCHEMA})"
            ),
        }
    }
}

/// What the page may draw: only rows that can be true, for categories and causes the organisation lists,
/// the latest [`MAX_WEEKS_SHOWN`] weeks, and how much was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedInsights {
    pub generated_at: Instant,
    /// The weeks drawn, oldest first.
    pub weeks: Vec<String>,
    pub rows: Vec<WeekFigures>,
    pub causes: Vec<CauseFigures>,
    pub overdue_now: Vec<CategoryCount>,
    /// Rows and causes dropped as impossible or unknown.
    pub dropped: usize,
    /// Weeks in the file older than the ones drawn.
    pub weeks_left_out: usize,
}

impl CheckedInsights {
    /// The row of `week` for `category` (`None`: every category together).
    pub fn row(&self, week: &str, category: Option<&str>) -> Option<&WeekFigures> {
        self.rows
            .iter()
            .find(|r| r.week == week && r.category.as_deref() == category)
    }
}

impl Insights {
    pub fn from_json_with(text: &str, json: &impl JsonParser) -> Result<Insights, InsightsError> {
        let insights: Insights = json
            .parse(text)
            .map_err(|e| InsightsError::Malformed(e.to_string()))?;
        if insights.schema_version != INSIGHTS_SCHEMA {
            return Err(InsightsError::UnsupportedSchema(insights.schema_version));
        }
        Ok(insights)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Keeps what can be true and is the organisation's own, and the latest weeks only.
    pub fn checked(self, config: &OrgConfig) -> CheckedInsights {
        let known_category = |c: &Option<String>| match c {
            None => true,
            Some(id) => config.category(id).is_some(),
        };
        let mut dropped = 0;
        let total_rows = self.weeks.len();
        let mut rows: Vec<WeekFigures> = self
            .weeks
            .into_iter()
            .skip(total_rows.saturating_sub(MAX_ROWS_READ))
            .filter(|row| {
                let ok =
                    is_week_name(&row.week) && known_category(&row.category) && row.is_possible();
                dropped += usize::from(!ok);
                ok
            })
            .collect();
        dropped += total_rows.saturating_sub(MAX_ROWS_READ);
        let all_weeks: BTreeSet<String> = rows.iter().map(|r| r.week.clone()).collect();
        let weeks_left_out = all_weeks.len().saturating_sub(MAX_WEEKS_SHOWN);
        let weeks: Vec<String> = all_weeks.into_iter().skip(weeks_left_out).collect();
        let first = weeks.first().cloned().unwrap_or_default();
        rows.retain(|r| r.week >= first);
        let mut seen = BTreeSet::new();
        let causes_in = self.causes.len();
        let mut causes: Vec<CauseFigures> = self
            .causes
            .into_iter()
            .filter(|c| {
                config.cause(&c.cause).is_some()
                    && [c.last_4_weeks, c.last_13_weeks, c.previous_4_weeks]
                        .iter()
                        .all(|f| f.within(0.0, f64::MAX))
                    && seen.insert(c.cause.clone())
            })
            .collect();
        dropped += causes_in - causes.len();
        causes.truncate(MAX_CAUSES_SHOWN);
        let overdue_in = self.overdue_now.len();
        let mut seen = BTreeSet::new();
        let overdue_now: Vec<CategoryCount> = self
            .overdue_now
            .into_iter()
            .filter(|o| {
                config.category(&o.category).is_some()
                    && o.count.within(0.0, f64::MAX)
                    && seen.insert(o.category.clone())
            })
            .collect();
        dropped += overdue_in - overdue_now.len();
        CheckedInsights {
            generated_at: self.generated_at,
            weeks,
            rows,
            causes,
            overdue_now,
            dropped,
            weeks_left_out,
        }
    }
}

impl WeekFigures {
    /// Counts are whole and not negative, shares within 0–100 %, days not negative, ratings 1–5.
    pub fn is_possible(&self) -> bool {
        let count =
            |f: Figure| f.within(0.0, f64::MAX) && f.value().is_none_or(|v| v.fract() == 0.0);
        let share = |f: Option<Figure>| f.is_none_or(|f| f.within(0.0, 100.0));
        let days = |f: Option<Figure>| f.is_none_or(|f| f.within(0.0, 36_500.0));
        count(self.received)
            && self.rating_count.is_none_or(count)
            && [
                self.acknowledged_on_time,
                self.decided_on_time,
                self.upheld,
                self.partly_upheld,
                self.not_upheld,
                self.reopened,
            ]
            .into_iter()
            .all(share)
            && days(self.days_to_decision_median)
            && days(self.days_to_decision_p90)
            && self.rating_average.is_none_or(|f| f.within(1.0, 5.0))
    }
}

/// `2026-W53`: a year and a week 01–53.
pub fn is_week_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 8
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && &bytes[4..6] == b"-W"
        && bytes[6..].iter().all(u8::is_ascii_digit)
        && matches!(text[6..].parse::<u8>(), Ok(1..=53))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::SerdeJson;

    const CONFIG: &str = include_str!("../../../public/api/v1/config.json");
    const DEMO: &str = include_str!("../../../public/api/v1/insights.json");

    fn config() -> OrgConfig {
        OrgConfig::from_json(CONFIG).unwrap()
    }

    #[test]
    fn suppression_below_five() {
        assert_eq!(Figure::count(4), Figure::Suppressed(Suppressed::FewerThan5));
        assert_eq!(Figure::count(5), Figure::Value(5.0));
        assert_eq!(Figure::share(1, 0), None);
        assert_eq!(
            Figure::share(4, 4),
            Some(Figure::Suppressed(Suppressed::FewerThan5))
        );
        assert_eq!(Figure::share(2, 3 * 3), Some(Figure::Value(22.2)));
        assert_eq!(
            serde_json::to_string(&Figure::count(1)).unwrap(),
            "\"fewer_than_5\""
        );
    }

    #[test]
    fn trends_need_enough_on_both_sides() {
        assert_eq!(Trend::between(12, 10), Trend::Steady);
        assert_eq!(Trend::between(13, 10), Trend::Rising);
        assert_eq!(Trend::between(7, 10), Trend::Falling);
        assert_eq!(Trend::between(30, 4), Trend::Unknown);
    }

    #[test]
    fn iso_weeks_across_a_year_end() {
        use crate::calendar::Date;
        let week = |s: &str| Date::parse_iso(s).unwrap().iso_week_name();
        assert_eq!(week("2026-12-31"), "2026-W53");
        assert_eq!(week("2027-01-03"), "2026-W53");
        assert_eq!(week("2027-01-04"), "2027-W01");
        assert_eq!(week("2024-12-30"), "2025-W01");
        assert_eq!(week("2021-01-03"), "2020-W53");
        assert!(is_week_name("2026-W53"));
        assert!(!is_week_name("2026-W54") && !is_week_name("2026-W00") && !is_week_name("26-W01"));
    }

    #[test]
    fn the_demo_file_is_valid_and_wholly_shown() {
        let insights = Insights::from_json_with(DEMO, &SerdeJson).unwrap();
        let checked = insights.checked(&config());
        assert_eq!(checked.dropped, 0);
        assert_eq!(checked.weeks_left_out, 0);
        assert!(checked.weeks.len() >= 8);
        assert!(!checked.causes.is_empty());
    }

    #[test]
    fn impossible_and_unknown_rows_are_dropped_and_long_histories_capped() {
        let mut insights = Insights::from_json_with(DEMO, &SerdeJson).unwrap();
        let template = insights.weeks[0].clone();
        insights.weeks.clear();
        // Ten years of weeks.
        for year in 2017..2027 {
            for week in 1..=52 {
                let mut row = template.clone();
                row.week = format!("{year}-W{week:02}");
                row.category = None;
                insights.weeks.push(row);
            }
        }
        let mut negative = template.clone();
        negative.received = Figure::Value(-3.0);
        let mut over = template.clone();
        over.decided_on_time = Some(Figure::Value(140.0));
        let mut unknown = template.clone();
        unknown.category = Some("time-travel".into());
        insights.weeks.extend([negative, over, unknown]);
        insights.causes.push(CauseFigures {
            cause: "gremlins".into(),
            last_4_weeks: Figure::Value(9.0),
            last_13_weeks: Figure::Value(20.0),
            previous_4_weeks: Figure::Value(5.0),
            trend: Trend::Rising,
        });
        let checked = insights.checked(&config());
        assert_eq!(checked.dropped, 4);
        assert_eq!(checked.weeks.len(), MAX_WEEKS_SHOWN);
        assert_eq!(checked.weeks_left_out, 520 - MAX_WEEKS_SHOWN);
        assert_eq!(checked.weeks.last().map(String::as_str), Some("2026-W52"));
        assert!(checked.causes.iter().all(|c| c.cause != "gremlins"));
    }

    #[test]
    fn malformed_and_newer_files_are_refused() {
        assert!(matches!(
            Insights::from_json_with("{\"schema_version\": 1,", &SerdeJson),
            Err(InsightsError::Malformed(_))
        ));
        let newer = DEMO.replacen("\"schema_version\": 1", "\"schema_version\": 7", 1);
        assert_eq!(
            Insights::from_json_with(&newer, &SerdeJson),
            Err(InsightsError::UnsupportedSchema(7))
        );
    }
}
