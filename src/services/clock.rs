//! Dates as the customer and the organisation see them: the browser's time-zone database (`Intl`) turns
//! instants into local dates and times, and formats them in the customer's language.

use complaint_domain::calendar::{Date, DateTime};
use complaint_domain::i18n::{dates, Locale};
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
    let formatter = cached_format(format!("parts|{time_zone}"), || {
        let options = object(&[
            ("timeZone", time_zone.into()),
            ("year", "numeric".into()),
            ("month", "numeric".into()),
            ("day", "numeric".into()),
            ("hour", "numeric".into()),
            ("minute", "numeric".into()),
            ("hourCycle", "h23".into()),
        ])?;
        new_date_time_format("en-GB", &options)
    })?;
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

    /// Whether the customer's clock reads otherwise than the organisation's (another zone, another offset):
    /// then a date counted in the organisation's zone is named as such.
    pub fn differs_from_device(&self) -> bool {
        let now = js_sys::Date::now();
        match device_zone() {
            Some(here) if here == self.name => false,
            Some(here) => local_time_in(&here, now) != local_time_in(&self.name, now),
            None => true,
        }
    }

    /// The zone's name in the customer's language ("UK time", "영국 시간", "czasu brytyjskiego"), in the
    /// form `{date} ({zone})` takes; never its IANA id.
    pub fn label(&self, locale: Locale) -> &'static str {
        complaint_domain::i18n::zones::zone_name(&self.name, locale)
    }
}

/// The device's own IANA zone, as the browser reports it.
fn device_zone() -> Option<String> {
    let format = cached_format("device".to_owned(), || {
        new_date_time_format("en-GB", &Object::new())
    })?;
    let options = format.resolved_options();
    Reflect::get(&options, &"timeZone".into()).ok()?.as_string()
}

/// An instant on the customer's own clock ("Wed 2 Dec 2026, 13:45" on a phone in Seoul), in their language.
pub fn format_instant(at: Instant, locale: Locale) -> String {
    let here = js_sys::Date::new(&at.epoch_ms().into());
    Date::new(
        here.get_full_year() as i32,
        here.get_month() as u8 + 1,
        here.get_date() as u8,
    )
    .and_then(|date| DateTime::new(date, here.get_hours() as u8, here.get_minutes() as u8))
    .map(|local| format_date_time(local, locale))
    .unwrap_or_else(|| at.to_string())
}

impl Zone for OrgZone {
    fn local(&self, at: Instant) -> Option<DateTime> {
        local_time_in(&self.name, at.epoch_ms())
    }
}

/// A due time as the customer reads it: an hour-precise one on their own clock; a last day as the
/// organisation counts it, naming the organisation's zone when the customer's differs ("Fri 11 Dec 2026
/// (UK time)").
pub fn format_due(due: Due, locale: Locale, zone: &OrgZone) -> String {
    match due {
        Due::At { at, .. } => format_instant(at, locale),
        Due::EndOf(date) => format_day_in(date, locale, zone),
    }
}

/// A day counted in the organisation's zone, named when the customer's differs.
pub fn format_day_in(date: Date, locale: Locale, zone: &OrgZone) -> String {
    let text = format_date(date, locale);
    if zone.differs_from_device() {
        complaint_domain::i18n::format(
            locale,
            complaint_domain::i18n::Msg::InOrgZone,
            &[("date", &text), ("zone", zone.label(locale))],
        )
    } else {
        text
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

/// Written by the domain's own rules (`i18n::dates`), in the shapes the browser's `Intl` gives, without
/// asking `Intl`: a page's first `Intl.DateTimeFormat` loads the browser's locale data, about 100 ms on a
/// slow phone (several hundred at CPU ×4 in the benchmark's profile), which a list of dates would wait for.
fn format_civil(date: Date, time: Option<(u8, u8)>, locale: Locale) -> String {
    match time.and_then(|(hour, minute)| DateTime::new(date, hour, minute)) {
        Some(at) => dates::date_time_text(at, locale),
        None => dates::date_text(date, locale),
    }
}

fn object(fields: &[(&str, JsValue)]) -> Option<Object> {
    let object = Object::new();
    for (key, value) in fields {
        Reflect::set(&object, &(*key).into(), value).ok()?;
    }
    Some(object)
}

thread_local! {
    /// Formatters made so far, by what they format: a business-day count through the organisation's zone
    /// would otherwise build a new `Intl.DateTimeFormat` for each date, which costs far more than
    /// formatting with it (about 2 ms each on a slow phone).
    static FORMATS: std::cell::RefCell<Vec<(String, js_sys::Intl::DateTimeFormat)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The formatter kept under `key`, made by `make` the first time (a formatter that cannot be made is not kept).
fn cached_format(
    key: String,
    make: impl FnOnce() -> Option<js_sys::Intl::DateTimeFormat>,
) -> Option<js_sys::Intl::DateTimeFormat> {
    let kept =
        FORMATS.with_borrow(|all| all.iter().find(|(k, _)| *k == key).map(|(_, f)| f.clone()));
    if kept.is_some() {
        return kept;
    }
    let made = make()?;
    FORMATS.with_borrow_mut(|all| all.push((key, made.clone())));
    Some(made)
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
