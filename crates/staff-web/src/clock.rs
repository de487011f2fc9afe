//! A complaint's next deadline as a clock ("due 2026-12-09", "overdue since 2026-12-04"), from the date and
//! timeliness the server counted with the domain's service-level rules (the same the customer sees).

use crate::api::Next;
use crate::i18n::{fill, text, Locale, T};

/// The due date as a person reads it: a date as it is, an exact time as date and hour (`2026-12-09 14:00`).
fn when(due: &str) -> String {
    match due.split_once('T') {
        Some((date, time)) => format!("{date} {}", time.get(..5).unwrap_or(time)),
        None => due.to_owned(),
    }
}

/// A time the API wrote in the organisation's offset (`2026-12-02T09:00:00+01:00`) as the organisation's
/// wall clock with its zone named (`2026-12-02 09:00 (Europe/Warsaw)`), the way the customer's tracker
/// names it; a date alone stays as it is. The exact instant stays in the element's `datetime`.
pub fn local_time(at: &str, zone: Option<&str>) -> String {
    if !at.contains('T') {
        return at.to_owned();
    }
    match zone {
        Some(zone) if !zone.is_empty() => format!("{} ({zone})", when(at)),
        _ => when(at),
    }
}

pub fn clock(locale: Locale, next: Option<&Next>) -> String {
    let Some((due, timeliness)) =
        next.and_then(|n| Some((n.due.as_deref()?, n.timeliness.as_deref())))
    else {
        return text(locale, T::NoDeadline).to_owned();
    };
    let key = match timeliness {
        Some("overdue") => T::OverdueSince,
        Some("due-today") => return text(locale, T::DueToday).to_owned(),
        _ => T::DueOn,
    };
    fill(locale, key, &[("date", &when(due))])
}

/// How urgent the clock looks (a class, never the only signal: the words say it too).
pub fn urgency(next: Option<&Next>) -> &'static str {
    match next.and_then(|n| n.timeliness.as_deref()) {
        Some("overdue") => "clock clock--overdue",
        Some("due-today") => "clock clock--soon",
        _ => "clock",
    }
}
