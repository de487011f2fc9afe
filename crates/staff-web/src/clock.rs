//! A complaint's next deadline as a clock ("due in 2 working days", "overdue by 1 day"), from the number of
//! working days the server computed with the domain's service-level rules (the same the customer sees).

use crate::i18n::{fill, plural, Locale, T};

/// `days_left`: working days until the deadline; 0 is today, below 0 is past it by that many days.
pub fn clock(locale: Locale, days_left: Option<i64>) -> String {
    let Some(days) = days_left else {
        return crate::i18n::text(locale, T::NoDeadline).to_owned();
    };
    let n = days.unsigned_abs();
    let forms = if days > 0 {
        [T::DueInOne, T::DueInFew, T::DueInMany, T::DueInOther]
    } else if days < 0 {
        [
            T::OverdueOne,
            T::OverdueFew,
            T::OverdueMany,
            T::OverdueOther,
        ]
    } else {
        return crate::i18n::text(locale, T::DueToday).to_owned();
    };
    fill(locale, plural(locale, n, forms), &[("n", &n.to_string())])
}

/// How urgent the clock looks (a class, never the only signal: the words say it too).
pub fn urgency(days_left: Option<i64>) -> &'static str {
    match days_left {
        Some(d) if d < 0 => "clock clock--overdue",
        Some(d) if d <= 2 => "clock clock--soon",
        _ => "clock",
    }
}
