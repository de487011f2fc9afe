//! Dates as the customer and the organisation see them: the browser's time-zone database (`Intl`) turns
//! instants into local dates and times, and formats them in the customer's language.

use complaint_domain::calendar::{Date, DateTime};
use complaint_domain::i18n::Locale;
use complaint_domain::instant::{Instant, Zone};
use complaint_domain::service_levels::Due;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Today on the device's calendar (what "not in the future" means to the customer).
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    Date::new(
        now.get_full_year() as i32,
        now.get_month() as u8 + 1,
        now.get_date() as u8,
    )
    .unwrap_or_else(|| {
        Date::from_days_since_epoch((js_sys::Date::now() / 86_400_000.0).floor() as i64)
    })
}

/// The device's calendar date at `epoch_ms`.
pub fn local_date_of(epoch_ms: f64) -> Option<Date> {
    let at = js_sys::Date::new(&epoch_ms.into());
    Date::new(
        at.get_full_year() as i32,
        at.get_month() as u8 + 1,
        at.get_date() as u8,
    )
}

/// The wall-clock time in `time_zone` (IANA) at `epoch_ms`; `None` if the browser does not know the zone.
pub fn local_time_in(time_zone: &str, epoch_ms: f64) -> Option<DateTime> {
    let options = object(&[
        ("timeZone", time_zone.into()),
        ("year", "numeric".into()),
        ("month", "numeric".into()),
        ("day", "numeric".into()),
        ("hour", "numeric".into()),
        ("minute", "numeric".into()),
        ("hourCycle", "h23".into()),
    ])?;
    let formatter = new_date_time_format("en-GB", &options)?;
    let parts = formatter.format_to_parts(&js_sys::Date::new(&epoch_ms.into()));
    let part = |name: &str| -> Option<u32> {
        parts.iter().find_map(|p| {
            let kind = Reflect::get(&p, &"type".into()).ok()?.as_string()?;
            if kind == name {
                Reflect::get(&p, &"value".into())
                    .ok()?
                    .as_string()?
                    .parse()
                    .ok()
            } else {
                None
            }
        })
    };
    let date = Date::new(
        part("year")? as i32,
        part("month")? as u8,
        part("day")? as u8,
    )?;
    DateTime::new(date, part("hour")? as u8, part("minute")? as u8)
}

/// The organisation's time zone, as the browser's zone database knows it; a zone the browser does not know
/// falls back to UTC rather than to no dates at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgZone {
    name: String,
}

impl OrgZone {
    pub fn new(name: &str) -> OrgZone {
        let known = local_time_in(name, 0.0).is_some();
        OrgZone {
            name: if known { name } else { "UTC" }.to_owned(),
        }
    }
}

impl Zone for OrgZone {
    fn local(&self, at: Instant) -> Option<DateTime> {
        local_time_in(&self.name, at.epoch_ms())
    }
}

/// A due time as the organisation's clock shows it: a date and time, or just the last day.
pub fn format_due(due: Due, locale: Locale) -> String {
    match due {
        Due::At { local, .. } => format_date_time(local, locale),
        Due::EndOf(date) => format_date(date, locale),
    }
}

/// "Fri 4 Dec 2026" in the customer's language.
pub fn format_date(date: Date, locale: Locale) -> String {
    format_civil(date, None, locale)
}

/// "Tue 24 Nov 2026, 14:00" in the customer's language.
pub fn format_date_time(at: DateTime, locale: Locale) -> String {
    format_civil(at.date, Some((at.hour(), at.minute_of_hour())), locale)
}

fn format_civil(date: Date, time: Option<(u8, u8)>, locale: Locale) -> String {
    let (hour, minute) = time.unwrap_or((0, 0));
    // A civil date-time is formatted as if it were UTC, so no zone shifts it.
    let utc = js_sys::Date::utc(f64::from(date.year()), f64::from(date.month()) - 1.0)
        + (f64::from(date.day()) - 1.0) * 86_400_000.0
        + (f64::from(hour) * 60.0 + f64::from(minute)) * 60_000.0;
    let mut fields: Vec<(&str, JsValue)> = vec![
        ("timeZone", "UTC".into()),
        ("weekday", "short".into()),
        ("day", "numeric".into()),
        ("month", "short".into()),
        ("year", "numeric".into()),
    ];
    if time.is_some() {
        fields.extend([
            ("hour", "2-digit".into()),
            ("minute", "2-digit".into()),
            ("hourCycle", "h23".into()),
        ]);
    }
    let tag = match locale {
        Locale::En => "en-GB",
        other => other.tag(),
    };
    object(&fields)
        .and_then(|options| new_date_time_format(tag, &options))
        .and_then(|f| {
            f.format()
                .call1(&JsValue::NULL, &js_sys::Date::new(&utc.into()))
                .ok()
        })
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| date.to_string())
}

fn object(fields: &[(&str, JsValue)]) -> Option<Object> {
    let object = Object::new();
    for (key, value) in fields {
        Reflect::set(&object, &(*key).into(), value).ok()?;
    }
    Some(object)
}

/// `new Intl.DateTimeFormat(tag, options)`, catching the RangeError an unknown time zone throws.
fn new_date_time_format(tag: &str, options: &Object) -> Option<js_sys::Intl::DateTimeFormat> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Reflect::construct(&constructor, &Array::of2(&tag.into(), options))
        .ok()?
        .dyn_into()
        .ok()
}
