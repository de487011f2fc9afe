//! Times as the staff API writes them (docs/staff-api.md): RFC 3339 with the organisation's offset at that
//! moment, so a person reads the wall clock of the office that made the promise, and a program still has one
//! exact instant.

use complaint_domain::instant::{Instant, Zone};
use complaint_domain::service_levels::Due;

use super::Desk;
use crate::zone::OrgZone;

impl Desk {
    /// `at` as the staff API writes a time: with the organisation's offset ([`clock_text`]); in UTC if
    /// the config cannot be read.
    pub fn time_text(&self, at: Instant) -> String {
        match self.settings() {
            Ok(settings) => clock_text(&settings.zone, at),
            Err(_) => at.to_string(),
        }
    }
}

/// `2026-12-07T10:30:05+01:00`; in UTC (`Z`) if the zone cannot say.
pub fn clock_text(zone: &OrgZone, at: Instant) -> String {
    let Some(local) = zone.local(at) else {
        return at.to_string();
    };
    let seconds = at.unix_seconds().rem_euclid(60);
    let offset = Instant::from_utc(local).unix_seconds() - (at.unix_seconds() - seconds);
    let minutes = offset / 60;
    let sign = if minutes < 0 { '-' } else { '+' };
    format!(
        "{}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        local.date,
        local.hour(),
        local.minute_of_hour(),
        seconds,
        minutes.abs() / 60,
        minutes.abs() % 60
    )
}

/// When a step is due: the exact time of an hour-based promise, the date (its whole day) of a day-based one.
pub fn due_text(zone: &OrgZone, due: Due) -> String {
    match due {
        Due::At { at, .. } => clock_text(zone, at),
        Due::EndOf(date) => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_carry_the_offset_of_their_moment() {
        let warsaw = OrgZone::named("Europe/Warsaw").unwrap();
        let winter = Instant::parse_rfc3339("2026-12-07T09:30:05Z").unwrap();
        assert_eq!(clock_text(&warsaw, winter), "2026-12-07T10:30:05+01:00");
        let summer = Instant::parse_rfc3339("2026-07-07T09:30:05Z").unwrap();
        assert_eq!(clock_text(&warsaw, summer), "2026-07-07T11:30:05+02:00");
        let utc = OrgZone::named_or_utc("UTC");
        assert_eq!(clock_text(&utc, winter), "2026-12-07T09:30:05+00:00");
        let new_york = OrgZone::named("America/New_York").unwrap();
        assert_eq!(clock_text(&new_york, winter), "2026-12-07T04:30:05-05:00");
    }
}
