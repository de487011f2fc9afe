//! The organisation's time zone, answered from a real time-zone database (jiff's, with the IANA data
//! bundled, so a container without `/usr/share/zoneinfo` still dates deadlines right).

use complaint_domain::calendar::{Date, DateTime};
use complaint_domain::instant::{Instant, Zone};

/// The system clock, to the second.
pub fn now() -> Instant {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Instant::from_unix_seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// The latest date it is anywhere on Earth (UTC+14): a customer east of the organisation may rightly
/// say something happened "today" while it is still yesterday where the organisation is.
pub fn latest_date_anywhere(at: Instant) -> Date {
    at.plus_seconds(14 * 3600).utc_wall_clock().date
}

#[derive(Debug, Clone)]
pub struct OrgZone {
    zone: jiff::tz::TimeZone,
    name: String,
}

impl OrgZone {
    /// `None` for a name the database does not know.
    pub fn named(name: &str) -> Option<OrgZone> {
        let zone = jiff::tz::TimeZone::get(name).ok()?;
        Some(OrgZone {
            zone,
            name: name.to_owned(),
        })
    }

    /// The app falls back to UTC for a zone it does not know; the server does the same, so both date alike.
    pub fn named_or_utc(name: &str) -> OrgZone {
        OrgZone::named(name).unwrap_or_else(|| OrgZone {
            zone: jiff::tz::TimeZone::UTC,
            name: "UTC".to_owned(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Zone for OrgZone {
    fn local(&self, at: Instant) -> Option<DateTime> {
        let timestamp = jiff::Timestamp::from_second(at.unix_seconds()).ok()?;
        let wall = self.zone.to_datetime(timestamp);
        let date = Date::new(
            i32::from(wall.year()),
            u8::try_from(wall.month()).ok()?,
            u8::try_from(wall.day()).ok()?,
        )?;
        DateTime::new(
            date,
            u8::try_from(wall.hour()).ok()?,
            u8::try_from(wall.minute()).ok()?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(zone: &OrgZone, text: &str) -> (String, u8, u8) {
        let local = zone.local(Instant::parse_rfc3339(text).unwrap()).unwrap();
        (local.date.to_string(), local.hour(), local.minute_of_hour())
    }

    #[test]
    fn london_changes_its_clocks_at_one_utc_on_the_last_sundays() {
        let london = OrgZone::named("Europe/London").unwrap();
        assert_eq!(
            wall(&london, "2026-03-29T00:59:00Z"),
            ("2026-03-29".into(), 0, 59)
        );
        assert_eq!(
            wall(&london, "2026-03-29T01:00:00Z"),
            ("2026-03-29".into(), 2, 0)
        );
        assert_eq!(
            wall(&london, "2026-10-25T00:59:00Z"),
            ("2026-10-25".into(), 1, 59)
        );
        assert_eq!(
            wall(&london, "2026-10-25T01:00:00Z"),
            ("2026-10-25".into(), 1, 0)
        );
    }

    #[test]
    fn seoul_is_a_day_ahead_of_utc_late_in_the_evening() {
        let seoul = OrgZone::named("Asia/Seoul").unwrap();
        assert_eq!(
            wall(&seoul, "2026-11-22T23:30:00Z"),
            ("2026-11-23".into(), 8, 30)
        );
    }

    #[test]
    fn an_unknown_zone_falls_back_to_utc_like_the_app() {
        assert!(OrgZone::named("Mars/Olympus_Mons").is_none());
        let zone = OrgZone::named_or_utc("Mars/Olympus_Mons");
        assert_eq!(zone.name(), "UTC");
        assert_eq!(
            wall(&zone, "2026-11-22T23:30:00Z"),
            ("2026-11-22".into(), 23, 30)
        );
    }
}
