//! Points in time (UTC seconds) and the one question deadlines ask of a time zone: what does the wall
//! clock show there at this instant?
//!
//! The zone database itself is not here: the browser has one (`Intl`), the intake service another, and
//! tests a small rule-based zone. They all answer through [`Zone`], so the deadline rules are the same
//! code everywhere.

use std::fmt;

use crate::calendar::{Date, DateTime};

/// Seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(i64);

/// Wall-clock time in the organisation's time zone.
pub trait Zone {
    /// `None` when the zone is unknown to the database behind it.
    fn local(&self, at: Instant) -> Option<DateTime>;
}

/// A zone whose offset never changes (UTC, or a test's fixed zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedOffset {
    pub minutes_east: i32,
}

pub const UTC: FixedOffset = FixedOffset { minutes_east: 0 };

impl Zone for FixedOffset {
    fn local(&self, at: Instant) -> Option<DateTime> {
        Some(
            at.plus_seconds(i64::from(self.minutes_east) * 60)
                .utc_wall_clock(),
        )
    }
}

impl Instant {
    pub const fn from_unix_seconds(seconds: i64) -> Instant {
        Instant(seconds)
    }

    pub fn from_epoch_ms(ms: f64) -> Instant {
        Instant((ms / 1000.0).floor() as i64)
    }

    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    pub fn epoch_ms(self) -> f64 {
        self.0 as f64 * 1000.0
    }

    pub const fn plus_seconds(self, seconds: i64) -> Instant {
        Instant(self.0 + seconds)
    }

    /// The instant a UTC wall clock shows `at`.
    pub fn from_utc(at: DateTime) -> Instant {
        Instant(at.date.days_since_epoch() * 86_400 + i64::from(at.minute) * 60)
    }

    /// The UTC wall clock at this instant (to the minute).
    pub fn utc_wall_clock(self) -> DateTime {
        let date = Date::from_days_since_epoch(self.0.div_euclid(86_400));
        let minute = self.0.rem_euclid(86_400) / 60;
        DateTime {
            date,
            minute: minute as u16,
        }
    }

    /// Parses RFC 3339 (`2026-11-22T14:00:00Z`, `2026-11-22T15:00:00.123+01:00`); seconds are kept,
    /// fractions dropped.
    pub fn parse_rfc3339(text: &str) -> Option<Instant> {
        let text = text.trim();
        if text.len() < 20 || !text.is_ascii() {
            return None;
        }
        let (date, rest) = text.split_at(10);
        let date = Date::parse_iso(date)?;
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let (clock, mut zone) = rest.split_at(8);
        let field = |s: &str| -> Option<i64> {
            (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let mut clock_parts = clock.split(':');
        let (hour, minute, second) = (
            field(clock_parts.next()?)?,
            field(clock_parts.next()?)?,
            field(clock_parts.next()?)?,
        );
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        if let Some(fraction) = zone.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            zone = &fraction[digits..];
        }
        let offset_minutes = match zone {
            "Z" | "z" => 0,
            _ => {
                let sign = match zone.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let (h, m) = zone.get(1..)?.split_once(':')?;
                let (h, m) = (field(h)?, field(m)?);
                if h > 23 || m > 59 {
                    return None;
                }
                sign * (h * 60 + m)
            }
        };
        Some(Instant(
            date.days_since_epoch() * 86_400 + hour * 3600 + minute * 60 + second.min(59)
                - offset_minutes * 60,
        ))
    }
}

/// RFC 3339 in UTC: `2026-11-22T14:00:00Z`.
impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wall = self.utc_wall_clock();
        write!(
            f,
            "{}T{:02}:{:02}:{:02}Z",
            wall.date,
            wall.hour(),
            wall.minute_of_hour(),
            self.0.rem_euclid(60)
        )
    }
}

impl serde::Serialize for Instant {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Instant {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Instant, D::Error> {
        let text = String::deserialize(deserializer)?;
        Instant::parse_rfc3339(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("\"{text}\" is not an RFC 3339 date and time"))
        })
    }
}

#[cfg(test)]
pub(crate) mod test_zones {
    //! Zones for tests, with the real rules of two organisations' home zones.

    use super::*;
    use crate::calendar::Weekday;

    /// The last Sunday of a month.
    fn last_sunday(year: i32, month: u8) -> Date {
        let next_month = if month == 12 {
            Date::new(year + 1, 1, 1)
        } else {
            Date::new(year, month + 1, 1)
        };
        let mut day = next_month.map_or(Date::from_days_since_epoch(0), |d| d.add_days(-1));
        while day.weekday() != Weekday::Sun {
            day = day.add_days(-1);
        }
        day
    }

    /// Europe/London and Europe/Warsaw: summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC
    /// on the last Sunday of October (EU rules since 1996).
    #[derive(Debug, Clone, Copy)]
    pub struct EuropeanZone {
        pub standard_minutes_east: i32,
    }

    pub const LONDON: EuropeanZone = EuropeanZone {
        standard_minutes_east: 0,
    };
    pub const WARSAW: EuropeanZone = EuropeanZone {
        standard_minutes_east: 60,
    };

    impl Zone for EuropeanZone {
        fn local(&self, at: Instant) -> Option<DateTime> {
            let year = at.utc_wall_clock().date.year();
            let change = |month| {
                Some(Instant::from_utc(DateTime::new(
                    last_sunday(year, month),
                    1,
                    0,
                )?))
            };
            let summer = at >= change(3)? && at < change(10)?;
            FixedOffset {
                minutes_east: self.standard_minutes_east + if summer { 60 } else { 0 },
            }
            .local(at)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_zones::LONDON;
    use super::*;

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    #[test]
    fn rfc3339_with_offsets_and_fractions_names_one_instant() {
        let base = at("2026-11-22T14:00:00Z");
        assert_eq!(base.to_string(), "2026-11-22T14:00:00Z");
        assert_eq!(at("2026-11-22T15:00:00+01:00"), base);
        assert_eq!(at("2026-11-22T09:30:00.123456-04:30"), base);
        assert_eq!(at("2026-11-22t14:00:00z"), base);
        assert_eq!(at("1970-01-01T00:00:00Z").unix_seconds(), 0);
        assert_eq!(at("1969-12-31T23:59:59Z").unix_seconds(), -1);
    }

    #[test]
    fn malformed_times_are_refused() {
        for bad in [
            "",
            "2026-11-22",
            "2026-11-22T14:00Z",
            "2026-11-22T24:00:00Z",
            "2026-11-22T14:00:00",
            "2026-11-22T14:00:00+1:00",
            "2026-11-22T14:00:00.Z",
            "2026-02-30T14:00:00Z",
            "2026-11-22T14:00:00Zjunk",
            "２０２６-11-22T14:00:00Z",
        ] {
            assert_eq!(Instant::parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn display_round_trips() {
        for seconds in (-3_000_000_000_i64..3_000_000_000).step_by(7_777_777) {
            let instant = Instant::from_unix_seconds(seconds);
            assert_eq!(at(&instant.to_string()), instant);
        }
    }

    #[test]
    fn london_changes_clocks_at_one_utc_on_the_last_sundays() {
        let wall = |text: &str| {
            let local = LONDON.local(at(text)).unwrap();
            (local.date.to_string(), local.hour(), local.minute_of_hour())
        };
        assert_eq!(wall("2026-03-29T00:59:00Z"), ("2026-03-29".into(), 0, 59));
        assert_eq!(wall("2026-03-29T01:00:00Z"), ("2026-03-29".into(), 2, 0));
        assert_eq!(wall("2026-10-25T00:59:00Z"), ("2026-10-25".into(), 1, 59));
        assert_eq!(wall("2026-10-25T01:00:00Z"), ("2026-10-25".into(), 1, 0));
    }
}
