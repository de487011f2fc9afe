//! Civil dates and times (no time zone) and the arithmetic deadlines need: days, business days, hours.
//!
//! Converting between an instant and the organisation's local time needs a time-zone database; the browser
//! has one (`Intl`), so that conversion lives in the app's services and this module stays pure.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// A wall-clock time on a date, in some time zone the caller knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime {
    pub date: Date,
    /// Minutes since midnight, 0..1440.
    pub minute: u16,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The last day this calendar counts to: "for ever" where a date is needed.
    pub const LAST: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };

    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD`, as `<input type="date">` gives it.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?;
        let month = parts.next()?;
        let day = parts.next()?;
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    }

    /// Days since 1970-01-01 (negative before), by the proleptic Gregorian calendar.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        const ORDER: [Weekday; 7] = [
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
        ];
        ORDER[self.days_since_epoch().rem_euclid(7) as usize]
    }

    /// The ISO 8601 week this date falls in, as (week-numbering year, week 1..=53): weeks start on Monday,
    /// and week 1 is the one with the year's first Thursday, so 2026-12-31 is in 2026-W53 and 2027-01-01 too.
    pub fn iso_week(self) -> (i32, u8) {
        let from_monday = self.weekday() as i64;
        let thursday = self.add_days(3 - from_monday);
        let year = thursday.year();
        let first = Date::new(year, 1, 1).map_or(0, Date::days_since_epoch);
        let week = (thursday.days_since_epoch() - first) / 7 + 1;
        (year, week as u8)
    }

    /// The ISO week as text: `2026-W53`.
    pub fn iso_week_name(self) -> String {
        let (year, week) = self.iso_week();
        format!("{year:04}-W{week:02}")
    }

    pub fn is_business_day(self, holidays: &BTreeSet<Date>) -> bool {
        !matches!(self.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&self)
    }

    /// The `n`th business day after this date (this date itself never counts).
    pub fn add_business_days(self, n: u32, holidays: &BTreeSet<Date>) -> Date {
        let mut date = self;
        let mut left = n;
        while left > 0 {
            date = date.add_days(1);
            if date.is_business_day(holidays) {
                left -= 1;
            }
        }
        date
    }
}

impl DateTime {
    pub fn new(date: Date, hour: u8, minute: u8) -> Option<DateTime> {
        (hour < 24 && minute < 60).then_some(DateTime {
            date,
            minute: u16::from(hour) * 60 + u16::from(minute),
        })
    }

    pub fn hour(self) -> u8 {
        (self.minute / 60) as u8
    }

    pub fn minute_of_hour(self) -> u8 {
        (self.minute % 60) as u8
    }

    /// Adds wall-clock minutes (a DST change on the way is the caller's to account for).
    pub fn add_minutes(self, minutes: i64) -> DateTime {
        let total = self.date.days_since_epoch() * 1440 + i64::from(self.minute) + minutes;
        DateTime {
            date: Date::from_days_since_epoch(total.div_euclid(1440)),
            minute: total.rem_euclid(1440) as u16,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse_iso(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("\"{text}\" is not a YYYY-MM-DD date")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse_iso(text).unwrap()
    }

    #[test]
    fn parses_only_real_iso_dates() {
        assert_eq!(d("2024-02-29").to_string(), "2024-02-29");
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "",
            "2026-01-01x",
            "abcd-ef-gh",
        ] {
            assert_eq!(Date::parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn epoch_days_round_trip_across_centuries() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        for days in (-800_000..800_000).step_by(997) {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
    }

    #[test]
    fn weekdays_and_month_and_year_ends() {
        assert_eq!(d("2026-11-22").weekday(), Weekday::Sun);
        assert_eq!(d("2026-12-31").add_days(1), d("2027-01-01"));
        assert_eq!(d("2028-02-28").add_days(1), d("2028-02-29"));
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let none = BTreeSet::new();
        // Friday + 1 business day = Monday.
        assert_eq!(d("2026-11-27").add_business_days(1, &none), d("2026-11-30"));
        // From a Sunday, 10 business days is two weeks later on the Friday.
        assert_eq!(
            d("2026-11-22").add_business_days(10, &none),
            d("2026-12-04")
        );
        let christmas: BTreeSet<Date> = [d("2026-12-25"), d("2026-12-28")].into();
        assert_eq!(
            d("2026-12-24").add_business_days(1, &christmas),
            d("2026-12-29")
        );
        assert_eq!(
            d("2026-12-24").add_business_days(0, &christmas),
            d("2026-12-24")
        );
    }

    #[test]
    fn minutes_roll_over_days() {
        let start = DateTime::new(d("2026-12-31"), 23, 30).unwrap();
        let later = start.add_minutes(24 * 60 + 45);
        assert_eq!(
            (later.date, later.hour(), later.minute_of_hour()),
            (d("2027-01-02"), 0, 15)
        );
    }
}
