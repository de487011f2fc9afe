//! When `serve` publishes the figures: at a fixed time of the organisation's day, every day or every week
//! (on Mondays), never seconds after a change. A publication right after each change let the review read one
//! customer's rating from the difference between two files; on a fixed schedule the changes of a whole day
//! (or week) are published together, and whoever made one cannot tell when it shows. `insights` on the
//! command line still publishes at once, by hand.

use std::time::Duration;

use complaint_domain::calendar::{Date, DateTime, Weekday};
use complaint_domain::instant::{Instant, Zone};

use crate::zone::OrgZone;

/// How often the figures are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Day,
    /// On Mondays, the first day of an ISO week: the week just ended is then complete.
    Week,
}

/// A fixed time of publication: how often, and the time of the organisation's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub every: Every,
    /// Seconds after the organisation's midnight.
    pub at: u32,
}

/// `06:00` or `06:00:30`: a time of day, as seconds after midnight.
pub fn time_of_day(text: &str) -> Result<u32, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |part: &str, below: u32| {
        (part.len() == 2)
            .then(|| part.parse::<u32>().ok())
            .flatten()
            .filter(|n| *n < below)
    };
    let read = match parts.as_slice() {
        [h, m] => Some((number(h, 24), number(m, 60), Some(0))),
        [h, m, s] => Some((number(h, 24), number(m, 60), number(s, 60))),
        _ => None,
    };
    match read {
        Some((Some(h), Some(m), Some(s))) => Ok(h * 3600 + m * 60 + s),
        _ => Err("not a time of day as HH:MM or HH:MM:SS (00:00 to 23:59:59)".to_owned()),
    }
}

/// The instant the organisation's clocks show `seconds` after midnight on `date` (the first such, on a day
/// clocks change; the hour skipped in spring is taken as the one after it).
fn local_time(date: Date, seconds: u32, zone: &impl Zone) -> Instant {
    let minute = i64::from(seconds / 60 * 60);
    let wall =
        DateTime::new(date, 0, 0).map_or(0, |d| Instant::from_utc(d).unix_seconds()) + minute;
    // The zone's offset near that time, asked twice so a clock change that day is taken into account.
    let mut guess = wall;
    for _ in 0..2 {
        let shown = zone
            .local(Instant::from_unix_seconds(guess))
            .map_or(wall, |d| Instant::from_utc(d).unix_seconds());
        guess -= shown - wall;
    }
    Instant::from_unix_seconds(guess + i64::from(seconds % 60))
}

impl Schedule {
    /// The first time of publication after `now`.
    pub fn next_after(&self, now: Instant, zone: &impl Zone) -> Instant {
        let today = zone
            .local(now)
            .map_or_else(|| now.utc_wall_clock().date, |d| d.date);
        // Yesterday too: a time late in the day may fall before `now`'s local date began elsewhere.
        (-1..=8)
            .map(|d| today.add_days(d))
            .filter(|date| self.every == Every::Day || date.weekday() == Weekday::Mon)
            .map(|date| local_time(date, self.at, zone))
            .find(|t| *t > now)
            .unwrap_or_else(|| now.plus_seconds(86_400))
    }

    /// Starts `serve`'s worker: at each time of publication, one run of `command` (a fresh
    /// `complaint-intake insights`, which reads the database itself), its failure logged.
    pub fn start(
        self,
        zone: OrgZone,
        mut command: impl FnMut() -> std::process::Command + Send + 'static,
    ) {
        std::thread::spawn(move || loop {
            let next = self.next_after(crate::zone::now(), &zone);
            // In steps of a minute at most, so a clock set forward or back meanwhile is followed.
            loop {
                let left = next.unix_seconds() - crate::zone::now().unix_seconds();
                if left <= 0 {
                    break;
                }
                let step = u64::try_from(left.min(60)).unwrap_or(60);
                std::thread::sleep(Duration::from_secs(step));
            }
            match command().status() {
                Ok(status) if status.success() => {}
                Ok(status) => crate::log!("insights were not published ({status}); run `insights`"),
                Err(e) => crate::log!("insights were not published ({e}); run `insights`"),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    fn london() -> OrgZone {
        OrgZone::named("Europe/London").unwrap()
    }

    #[test]
    fn times_of_day_are_read_strictly() {
        assert_eq!(time_of_day("06:00"), Ok(6 * 3600));
        assert_eq!(time_of_day("23:59:59"), Ok(86_399));
        for bad in [
            "6:00",
            "24:00",
            "06:60",
            "06",
            "06:00:60",
            "06:00:00:00",
            "ab:cd",
        ] {
            assert!(time_of_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_day_at_six_in_the_organisations_zone() {
        let daily = Schedule {
            every: Every::Day,
            at: 6 * 3600,
        };
        let zone = london();
        assert_eq!(
            daily.next_after(at("2026-12-07T05:00:00Z"), &zone),
            at("2026-12-07T06:00:00Z")
        );
        assert_eq!(
            daily.next_after(at("2026-12-07T06:00:00Z"), &zone),
            at("2026-12-08T06:00:00Z"),
            "not twice at the same time"
        );
        // Summer time: 06:00 in London is 05:00 UTC, on the day the clocks change too.
        assert_eq!(
            daily.next_after(at("2026-03-29T00:30:00Z"), &zone),
            at("2026-03-29T05:00:00Z")
        );
        assert_eq!(
            daily.next_after(at("2026-06-10T12:00:00Z"), &zone),
            at("2026-06-11T05:00:00Z")
        );
    }

    #[test]
    fn every_week_on_mondays() {
        let weekly = Schedule {
            every: Every::Week,
            at: 6 * 3600 + 30 * 60 + 15,
        };
        let zone = london();
        // 2026-12-07 is a Monday.
        assert_eq!(
            weekly.next_after(at("2026-12-07T05:00:00Z"), &zone),
            at("2026-12-07T06:30:15Z")
        );
        assert_eq!(
            weekly.next_after(at("2026-12-08T05:00:00Z"), &zone),
            at("2026-12-14T06:30:15Z")
        );
        let seoul = OrgZone::named("Asia/Seoul").unwrap();
        // Monday 06:30:15 in Seoul is Sunday 21:30:15 UTC.
        assert_eq!(
            weekly.next_after(at("2026-12-08T00:00:00Z"), &seoul),
            at("2026-12-13T21:30:15Z")
        );
    }
}
