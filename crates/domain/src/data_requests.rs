//! A customer's requests about their own data (issue #25): a copy of everything the organisation holds about
//! a complaint, or its erasure; when the organisation must answer, and how the request shows on the
//! customer's status file.
//!
//! The answer's deadline is the law's, as the organisation's config names it
//! (`privacy.request_deadline_days`): absent, the GDPR's (art. 12(3)) one month from the day the request
//! arrived, the same date of the next month, or that month's last day when it has no such date (31 January
//! → 28 or 29 February), as the UK's ICO counts it; the GDPR lets the organisation extend it by two further
//! months for complex or many requests, if it tells the person within the first month
//! ([`extended_due_on`]). A number of days instead (Korea's PIPA: 10 days, art. 35(3) and its decree) counts
//! calendar days from the day after arrival. Pure: the intake records the date, the tracker shows it.

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::instant::Instant;

/// What the customer asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataRequestKind {
    /// A copy of everything held about the complaint (GDPR art. 15 and 20, PIPA art. 35).
    Export,
    /// That it be erased (GDPR art. 17, PIPA art. 36).
    Erasure,
}

impl DataRequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DataRequestKind::Export => "export",
            DataRequestKind::Erasure => "erasure",
        }
    }

    pub fn parse(name: &str) -> Option<DataRequestKind> {
        [DataRequestKind::Export, DataRequestKind::Erasure]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataRequestState {
    /// Waiting for the organisation's answer.
    Open,
    /// Done as asked.
    Done,
    /// Refused, with a reason the customer reads (a legal hold, a record the law makes us keep).
    Refused,
}

impl DataRequestState {
    pub fn as_str(self) -> &'static str {
        match self {
            DataRequestState::Open => "open",
            DataRequestState::Done => "done",
            DataRequestState::Refused => "refused",
        }
    }

    pub fn parse(name: &str) -> Option<DataRequestState> {
        [
            DataRequestState::Open,
            DataRequestState::Done,
            DataRequestState::Refused,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// A request as the customer's status file shows it: no words of the customer's, the organisation's reason
/// for a refusal only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequestEntry {
    pub kind: DataRequestKind,
    /// When the customer asked.
    pub at: Instant,
    /// The day the organisation answers by, in its own time zone.
    pub due_on: Date,
    pub state: DataRequestState,
    /// When it was answered (done or refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<Instant>,
    /// Why it was refused, in the organisation's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The organisation's rule for answering, from `privacy.request_deadline_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerRule {
    /// The GDPR's one month (art. 12(3)).
    OneMonth,
    /// A number of calendar days (PIPA: 10).
    Days(u32),
}

impl AnswerRule {
    /// The config's value: a number of days, or absent for one month.
    pub fn from_config(days: Option<u32>) -> AnswerRule {
        days.map_or(AnswerRule::OneMonth, AnswerRule::Days)
    }
}

/// The same day `months` later, or that month's last day when it has no such day.
fn add_months(date: Date, months: u32) -> Date {
    let index = i64::from(date.month()) - 1 + i64::from(months);
    let year = date.year() + (index / 12) as i32;
    let month = (index % 12) as u8 + 1;
    (1..=date.day())
        .rev()
        .find_map(|day| Date::new(year, month, day))
        .unwrap_or(date)
}

/// The day the organisation must answer a request that arrived on `received` (its own local date) by.
pub fn due_on(received: Date, rule: AnswerRule) -> Date {
    match rule {
        AnswerRule::OneMonth => add_months(received, 1),
        AnswerRule::Days(days) => received.add_days(i64::from(days)),
    }
}

/// The latest the GDPR allows once extended by two further months (art. 12(3)), which the organisation must
/// tell the person within the first month; a rule in days has no extension.
pub fn extended_due_on(received: Date, rule: AnswerRule) -> Date {
    match rule {
        AnswerRule::OneMonth => add_months(received, 3),
        AnswerRule::Days(_) => due_on(received, rule),
    }
}

/// Whether an open request is past its day on `today`.
pub fn overdue(entry_due: Date, state: DataRequestState, today: Date) -> bool {
    state == DataRequestState::Open && today > entry_due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse_iso(text).unwrap()
    }

    #[test]
    fn one_month_is_the_same_date_next_month() {
        let month = AnswerRule::OneMonth;
        assert_eq!(due_on(date("2026-03-03"), month), date("2026-04-03"));
        assert_eq!(due_on(date("2026-12-07"), month), date("2027-01-07"));
    }

    #[test]
    fn one_month_ends_on_the_last_day_when_the_date_is_missing() {
        let month = AnswerRule::OneMonth;
        assert_eq!(due_on(date("2027-01-31"), month), date("2027-02-28"));
        assert_eq!(due_on(date("2028-01-31"), month), date("2028-02-29"));
        assert_eq!(due_on(date("2026-03-31"), month), date("2026-04-30"));
    }

    #[test]
    fn the_extension_adds_two_more_months() {
        let month = AnswerRule::OneMonth;
        assert_eq!(
            extended_due_on(date("2026-11-30"), month),
            date("2027-02-28")
        );
        assert_eq!(
            extended_due_on(date("2026-12-07"), month),
            date("2027-03-07")
        );
    }

    #[test]
    fn days_count_calendar_days_and_have_no_extension() {
        let pipa = AnswerRule::from_config(Some(10));
        assert_eq!(due_on(date("2026-12-24"), pipa), date("2027-01-03"));
        assert_eq!(
            extended_due_on(date("2026-12-24"), pipa),
            date("2027-01-03")
        );
    }

    #[test]
    fn only_an_open_request_past_its_day_is_overdue() {
        let due = date("2026-12-07");
        assert!(!overdue(due, DataRequestState::Open, due));
        assert!(overdue(due, DataRequestState::Open, date("2026-12-08")));
        assert!(!overdue(due, DataRequestState::Done, date("2026-12-08")));
    }

    proptest::proptest! {
        /// The month is jiff's (which clamps to the month's last day as the ICO counts), over every date.
        #[test]
        fn months_agree_with_jiff(days in -20_000i64..40_000, months in 1u32..=3) {
            let received = Date::from_days_since_epoch(days);
            let oracle = jiff::civil::date(
                received.year() as i16,
                received.month() as i8,
                received.day() as i8,
            )
            .checked_add(jiff::Span::new().months(i64::from(months)))
            .unwrap();
            let ours = add_months(received, months);
            proptest::prop_assert_eq!(
                (ours.year(), ours.month(), ours.day()),
                (i32::from(oracle.year()), oracle.month() as u8, oracle.day() as u8)
            );
        }
    }

    #[test]
    fn names_read_back() {
        for kind in [DataRequestKind::Export, DataRequestKind::Erasure] {
            assert_eq!(DataRequestKind::parse(kind.as_str()), Some(kind));
        }
        for state in [
            DataRequestState::Open,
            DataRequestState::Done,
            DataRequestState::Refused,
        ] {
            assert_eq!(DataRequestState::parse(state.as_str()), Some(state));
        }
    }
}
