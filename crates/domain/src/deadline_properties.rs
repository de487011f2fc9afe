//! Property tests for the calendar arithmetic behind every promised date: weekends, holidays, month and
//! year ends, clock changes and "due today", over many random starting points.

use std::collections::BTreeSet;

use proptest::prelude::*;

use crate::calendar::Date;
use crate::instant::test_zones::{LONDON, WARSAW};
use crate::instant::{Instant, Zone};
use crate::service_levels::{Due, Period, Timeliness};

/// 2020-01-01 to 2035-12-31: leap years, many year ends and thirty clock changes.
fn any_date() -> impl Strategy<Value = Date> {
    (18_262_i64..24_107).prop_map(Date::from_days_since_epoch)
}

fn any_instant() -> impl Strategy<Value = Instant> {
    (1_577_836_800_i64..2_082_758_399).prop_map(Instant::from_unix_seconds)
}

fn holidays() -> impl Strategy<Value = BTreeSet<Date>> {
    proptest::collection::btree_set(any_date(), 0..40)
}

/// Instants within a day of a European clock change (the last Sundays of March and October).
fn near_a_clock_change() -> impl Strategy<Value = Instant> {
    (2020_i32..2035, prop::bool::ANY, -86_400_i64..86_400).prop_map(|(year, spring, offset)| {
        let month = if spring { 3 } else { 10 };
        let mut day = Date::new(year, month, 31).unwrap_or(Date::from_days_since_epoch(0));
        while day.weekday() != crate::calendar::Weekday::Sun {
            day = day.add_days(-1);
        }
        Instant::from_unix_seconds(day.days_since_epoch() * 86_400 + 3600 + offset)
    })
}

proptest! {
    #[test]
    fn n_business_days_land_on_a_business_day_with_exactly_n_in_between(
        start in any_date(), n in 1_u32..80, off in holidays(),
    ) {
        let due = start.add_business_days(n, &off);
        prop_assert!(due > start);
        prop_assert!(due.is_business_day(&off));
        let counted = (1..=due.days_since_epoch() - start.days_since_epoch())
            .filter(|d| start.add_days(*d).is_business_day(&off))
            .count();
        prop_assert_eq!(counted, n as usize);
    }

    #[test]
    fn one_more_business_day_is_always_later(start in any_date(), n in 0_u32..60, off in holidays()) {
        prop_assert!(start.add_business_days(n + 1, &off) > start.add_business_days(n, &off));
    }

    #[test]
    fn business_days_never_come_sooner_than_calendar_days(start in any_date(), n in 0_u32..60) {
        let none = BTreeSet::new();
        let business = start.add_business_days(n, &none);
        prop_assert!(business >= start.add_days(i64::from(n)));
        // Five business days a week, so never more than n / 5 weeks of weekends plus one.
        prop_assert!(business <= start.add_days(i64::from(n) + 2 * (i64::from(n) / 5 + 1)));
    }

    #[test]
    fn an_hour_based_promise_is_exactly_that_many_real_hours(
        from in prop_oneof![any_instant(), near_a_clock_change()], hours in 1_u32..2000,
    ) {
        let due = Period::Hours(hours).due_from(from, &LONDON, &BTreeSet::new());
        match due {
            Some(Due::At { at, local }) => {
                prop_assert_eq!(at.unix_seconds() - from.unix_seconds(), i64::from(hours) * 3600);
                prop_assert_eq!(Some(local), LONDON.local(at));
            }
            other => prop_assert!(false, "expected an exact time, got {:?}", other),
        }
    }

    #[test]
    fn a_day_based_promise_counts_from_the_local_day_of_receipt(
        from in prop_oneof![any_instant(), near_a_clock_change()], days in 0_u32..400,
    ) {
        for zone in [LONDON, WARSAW] {
            let received_on = zone.local(from).map(|l| l.date);
            let due = Period::CalendarDays(days).due_from(from, &zone, &BTreeSet::new());
            prop_assert_eq!(due, received_on.map(|d| Due::EndOf(d.add_days(i64::from(days)))));
        }
    }

    #[test]
    fn due_today_holds_for_the_whole_local_day_and_no_longer(
        now in prop_oneof![any_instant(), near_a_clock_change()],
    ) {
        let today = LONDON.local(now).map(|l| l.date);
        prop_assume!(today.is_some());
        let today = today.unwrap_or(Date::from_days_since_epoch(0));
        prop_assert_eq!(Due::EndOf(today).timeliness(now, &LONDON), Timeliness::DueToday);
        prop_assert_eq!(Due::EndOf(today.add_days(-1)).timeliness(now, &LONDON), Timeliness::Overdue);
        prop_assert_eq!(Due::EndOf(today.add_days(1)).timeliness(now, &LONDON), Timeliness::Ahead);
    }

    #[test]
    fn month_and_year_ends_roll_over(start in any_date(), days in 0_i64..800) {
        let later = start.add_days(days);
        prop_assert_eq!(later.days_since_epoch() - start.days_since_epoch(), days);
        prop_assert_eq!(Date::parse_iso(&later.to_string()), Some(later));
    }
}
