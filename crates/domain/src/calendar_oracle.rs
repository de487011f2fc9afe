//! The hand-written calendar (`calendar.rs`) and instants (`instant.rs`) checked against an independent
//! implementation, jiff with the IANA database, over random dates, instants, holiday lists and zones with
//! clock changes. Hand-written keeps the Wasm small; this keeps it right.
//!
//! Here rather than in the intake's tests: jiff is only a dev-dependency (native tests, never in the Wasm),
//! and from inside the crate the oracle also reaches the test zones (`instant::test_zones`, the EU rules
//! the deadline properties rely on), which an outside test could not.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use jiff::civil::{Date as JDate, Weekday as JWeekday};
use jiff::tz::{Offset, TimeZone};
use jiff::{Span, Timestamp, Unit};
use proptest::prelude::*;

use crate::calendar::{Date, DateTime, Weekday};
use crate::instant::test_zones::{EuropeanZone, LONDON, WARSAW};
use crate::instant::{FixedOffset, Instant, Zone};
use crate::service_levels::{Due, Period, Timeliness};

/// Zones with clock changes of every kind: EU rules, none (Seoul), US rules, and Lord Howe's half hour.
const ZONE_NAMES: [&str; 5] = [
    "Europe/London",
    "Europe/Warsaw",
    "Asia/Seoul",
    "America/New_York",
    "Australia/Lord_Howe",
];

static ZONES: LazyLock<Vec<TimeZone>> = LazyLock::new(|| {
    ZONE_NAMES
        .iter()
        .map(|name| TimeZone::get(name).expect("bundled tzdb"))
        .collect()
});

/// A domain [`Zone`] answered by jiff, as the intake's `OrgZone` and the app's `Intl` zone answer it.
struct JiffZone(&'static TimeZone);

impl Zone for JiffZone {
    fn local(&self, at: Instant) -> Option<DateTime> {
        let wall = self
            .0
            .to_datetime(Timestamp::from_second(at.unix_seconds()).ok()?);
        DateTime::new(
            to_domain(wall.date()),
            u8::try_from(wall.hour()).ok()?,
            u8::try_from(wall.minute()).ok()?,
        )
    }
}

fn to_domain(date: JDate) -> Date {
    Date::new(i32::from(date.year()), date.month() as u8, date.day() as u8)
        .expect("jiff dates are valid")
}

fn to_jiff(date: Date) -> JDate {
    JDate::new(
        i16::try_from(date.year()).expect("year in jiff's range"),
        date.month() as i8,
        date.day() as i8,
    )
    .expect("domain dates are valid")
}

const EPOCH: JDate = jiff::civil::date(1970, 1, 1);

fn jiff_add_days(date: JDate, days: i64) -> JDate {
    date.checked_add(Span::new().days(days)).expect("in range")
}

fn weekday(w: JWeekday) -> Weekday {
    match w {
        JWeekday::Monday => Weekday::Mon,
        JWeekday::Tuesday => Weekday::Tue,
        JWeekday::Wednesday => Weekday::Wed,
        JWeekday::Thursday => Weekday::Thu,
        JWeekday::Friday => Weekday::Fri,
        JWeekday::Saturday => Weekday::Sat,
        JWeekday::Sunday => Weekday::Sun,
    }
}

/// Business days counted the slow, obvious way on jiff's calendar.
fn jiff_add_business_days(start: JDate, n: u32, holidays: &BTreeSet<JDate>) -> JDate {
    let mut date = start;
    let mut left = n;
    while left > 0 {
        date = date.tomorrow().expect("in range");
        let weekend = matches!(date.weekday(), JWeekday::Saturday | JWeekday::Sunday);
        if !weekend && !holidays.contains(&date) {
            left -= 1;
        }
    }
    date
}

/// 0001-01-01 to 9999-12-30: every date both calendars can name (and a day to spare).
fn any_day_number() -> impl Strategy<Value = i64> {
    -719_162_i64..2_932_895
}

/// 2015 to 2040: the dates deadlines fall on, with many holidays per year.
fn recent_day_number() -> impl Strategy<Value = i64> {
    16_436_i64..25_567
}

fn holidays() -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(recent_day_number(), 0..60)
}

/// 1970 to 2100 in seconds: the IANA rules in force, with whole-minute offsets (older local mean times have
/// odd seconds, which no organisation's deadline is dated in).
fn any_second() -> impl Strategy<Value = i64> {
    0_i64..4_102_444_800
}

fn zone() -> impl Strategy<Value = usize> {
    0..ZONE_NAMES.len()
}

/// Instants near clock changes are where zone code goes wrong: half of the cases land within a day of one.
fn instant_in(zone: usize) -> impl Strategy<Value = i64> {
    let near_a_change = (any_second(), -86_400_i64..86_400).prop_map(move |(s, off)| {
        let ts = Timestamp::from_second(s).expect("in range");
        ZONES[zone]
            .following(ts)
            .next()
            .map_or(s, |t| t.timestamp().as_second() + off)
    });
    prop_oneof![any_second(), near_a_change]
}

fn local_of(tz: &TimeZone, seconds: i64) -> jiff::civil::DateTime {
    tz.to_datetime(Timestamp::from_second(seconds).expect("in range"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn days_since_epoch_weekday_and_iso_text_match(days in any_day_number()) {
        let ours = Date::from_days_since_epoch(days);
        let theirs = jiff_add_days(EPOCH, days);
        prop_assert_eq!(to_jiff(ours), theirs);
        prop_assert_eq!(ours.days_since_epoch(), days);
        prop_assert_eq!(ours.weekday(), weekday(theirs.weekday()));
        if ours.year() >= 1000 {
            prop_assert_eq!(ours.to_string(), theirs.to_string());
            prop_assert_eq!(Date::parse_iso(&theirs.to_string()), Some(ours));
        }
    }

    #[test]
    fn adding_days_and_days_between_match(a in any_day_number(), step in -40_000_i64..40_000) {
        let ours = Date::from_days_since_epoch(a);
        let Some(theirs) = to_jiff(ours).checked_add(Span::new().days(step)).ok() else {
            return Ok(());
        };
        if !(-719_162..=2_932_896).contains(&(a + step)) {
            return Ok(());
        }
        let later = ours.add_days(step);
        prop_assert_eq!(to_jiff(later), theirs);
        let between = to_jiff(ours)
            .until((Unit::Day, theirs))
            .expect("in range")
            .get_days();
        prop_assert_eq!(later.days_since_epoch() - ours.days_since_epoch(), i64::from(between));
    }

    #[test]
    fn month_and_year_ends_match(year in 1_i32..9999, month in 1_u8..=12, day in 1_u8..=31) {
        let theirs = JDate::new(year as i16, month as i8, day as i8);
        prop_assert_eq!(Date::new(year, month, day).is_some(), theirs.is_ok());
        let first = JDate::new(year as i16, month as i8, 1).expect("a first of the month");
        let last = to_domain(first.last_of_month());
        prop_assert_eq!(last.day() as i8, first.days_in_month());
        prop_assert!(Date::new(year, month, last.day() + 1).is_none());
        if year < 9999 || month < 12 {
            let next = last.add_days(1);
            prop_assert_eq!(next.day(), 1);
            prop_assert_eq!(to_jiff(next), first.last_of_month().tomorrow().expect("in range"));
        }
        prop_assert_eq!(Date::new(year, 2, 29).is_some(), first.in_leap_year());
    }

    #[test]
    fn business_days_match_a_count_on_jiffs_calendar(
        start in recent_day_number(), n in 0_u32..80, off in holidays(),
    ) {
        let ours: BTreeSet<Date> = off.iter().map(|d| Date::from_days_since_epoch(*d)).collect();
        let theirs: BTreeSet<JDate> = ours.iter().map(|d| to_jiff(*d)).collect();
        let start = Date::from_days_since_epoch(start);
        let due = start.add_business_days(n, &ours);
        prop_assert_eq!(to_jiff(due), jiff_add_business_days(to_jiff(start), n, &theirs));
        let weekend = matches!(to_jiff(due).weekday(), JWeekday::Saturday | JWeekday::Sunday);
        prop_assert_eq!(due.is_business_day(&ours), !weekend && !theirs.contains(&to_jiff(due)));
    }

    #[test]
    fn utc_wall_clock_rfc3339_and_back_match(seconds in -62_135_596_800_i64..253_402_300_799) {
        let at = Instant::from_unix_seconds(seconds);
        let ts = Timestamp::from_second(seconds).expect("in range");
        let wall = at.utc_wall_clock();
        let theirs = TimeZone::UTC.to_datetime(ts);
        prop_assert_eq!(to_jiff(wall.date), theirs.date());
        prop_assert_eq!(
            (wall.hour(), wall.minute_of_hour()),
            (theirs.hour() as u8, theirs.minute() as u8)
        );
        prop_assert_eq!(Instant::from_utc(wall).unix_seconds(), seconds.div_euclid(60) * 60);
        if wall.date.year() >= 1000 {
            prop_assert_eq!(at.to_string(), ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }

    #[test]
    fn rfc3339_with_any_offset_names_the_instant_jiff_names(
        seconds in any_second(), offset_minutes in -(23 * 60 + 59)..(23 * 60 + 59_i32),
    ) {
        let offset = Offset::from_seconds(offset_minutes * 60).expect("in range");
        let text = Timestamp::from_second(seconds)
            .expect("in range")
            .to_zoned(TimeZone::fixed(offset))
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string();
        prop_assert_eq!(
            Instant::parse_rfc3339(&text).map(Instant::unix_seconds),
            Some(seconds),
            "{}", text
        );
    }

    #[test]
    fn instant_to_local_and_back_matches_in_zones_with_clock_changes(
        (zone, seconds) in zone().prop_flat_map(|z| (Just(z), instant_in(z))),
    ) {
        let tz = &ZONES[zone];
        let ts = Timestamp::from_second(seconds).expect("in range");
        let theirs = tz.to_datetime(ts);
        let offset = tz.to_offset(ts).seconds();
        prop_assert_eq!(offset % 60, 0, "whole minutes since 1970");
        // Instant to local: the domain's offset arithmetic, at the offset jiff says applies.
        let at = Instant::from_unix_seconds(seconds);
        let local = FixedOffset { minutes_east: offset / 60 }.local(at).expect("fixed zones always answer");
        prop_assert_eq!(to_jiff(local.date), theirs.date());
        prop_assert_eq!(
            (local.hour(), local.minute_of_hour()),
            (theirs.hour() as u8, theirs.minute() as u8)
        );
        prop_assert_eq!(JiffZone(tz).local(at), Some(local));
        // And back: the local wall clock less its offset is the instant (to the minute).
        prop_assert_eq!(
            Instant::from_utc(local).plus_seconds(-i64::from(offset)).unix_seconds(),
            seconds.div_euclid(60) * 60
        );
    }

    #[test]
    fn the_hand_written_eu_test_zones_match_the_tz_database(
        (which, seconds) in (0_usize..2).prop_flat_map(|w| (Just(w), instant_in(w))),
    ) {
        // The EU rules these zones encode hold from 1996; the deadline properties use 2020 to 2035.
        prop_assume!((820_454_400..4_102_444_800).contains(&seconds));
        let ours: EuropeanZone = [LONDON, WARSAW][which];
        let theirs = local_of(&ZONES[which], seconds);
        let local = ours.local(Instant::from_unix_seconds(seconds)).expect("rule-based");
        prop_assert_eq!(to_jiff(local.date), theirs.date());
        prop_assert_eq!(
            (local.hour(), local.minute_of_hour()),
            (theirs.hour() as u8, theirs.minute() as u8),
            "{} at {}", ZONE_NAMES[which], seconds
        );
    }

    #[test]
    fn promised_dates_match_jiffs_in_zones_with_clock_changes(
        (zone, from) in zone().prop_flat_map(|z| (Just(z), instant_in(z))),
        hours in 1_u32..400, days in 0_u32..120, off in holidays(), later in 0_i64..200 * 86_400,
    ) {
        let tz = &ZONES[zone];
        let org = JiffZone(tz);
        let ours: BTreeSet<Date> = off.iter().map(|d| Date::from_days_since_epoch(*d)).collect();
        let theirs: BTreeSet<JDate> = ours.iter().map(|d| to_jiff(*d)).collect();
        let start = Instant::from_unix_seconds(from);
        let ts = Timestamp::from_second(from).expect("in range");
        let received_on = tz.to_datetime(ts).date();

        // Hours are real hours: a clock change on the way does not move the instant, only its wall clock.
        let Some(Due::At { at, local }) = Period::Hours(hours).due_from(start, &org, &ours) else {
            return Err(TestCaseError::fail("hours give an instant"));
        };
        let due_ts = ts.checked_add(Span::new().hours(i64::from(hours))).expect("in range");
        prop_assert_eq!(at.unix_seconds(), due_ts.as_second());
        let wall = tz.to_datetime(due_ts);
        prop_assert_eq!((to_jiff(local.date), local.hour()), (wall.date(), wall.hour() as u8));

        let day_due = |period: Period| match period.due_from(start, &org, &ours) {
            Some(Due::EndOf(date)) => Some(to_jiff(date)),
            _ => None,
        };
        prop_assert_eq!(day_due(Period::CalendarDays(days)), Some(jiff_add_days(received_on, i64::from(days))));
        prop_assert_eq!(day_due(Period::Weeks(days / 7)), Some(jiff_add_days(received_on, i64::from(days / 7 * 7))));
        let business = jiff_add_business_days(received_on, days, &theirs);
        prop_assert_eq!(day_due(Period::BusinessDays(days)), Some(business));

        // Seen at a later instant, the last day is "due today" exactly when the local date is that day.
        let now = from + later;
        let today = local_of(tz, now).date();
        let expected = match today.cmp(&business) {
            std::cmp::Ordering::Greater => Timeliness::Overdue,
            std::cmp::Ordering::Equal => Timeliness::DueToday,
            std::cmp::Ordering::Less => Timeliness::Ahead,
        };
        prop_assert_eq!(
            Due::EndOf(to_domain(business)).timeliness(Instant::from_unix_seconds(now), &org),
            expected
        );
    }
}
