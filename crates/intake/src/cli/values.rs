//! The value parsers of the command line: the domain's values (dates, instants, decisions, deadline steps,
//! languages, formats) read from what was typed, each refusal in words clap shows with the command's usage,
//! and LANG:TEXT for the texts a customer reads ([`org_text`]).

use std::convert::Infallible;
use std::ffi::OsStr;
use std::time::Duration;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use webauthn_rs::prelude::Url;

use complaint_domain::calendar::Date;
use complaint_domain::i18n::Locale;
use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{DeadlineStep, Decision};

use super::MAX_SECONDS;
use crate::dossier::ExportFormat;
use crate::insights::ReportFormat;
use crate::store::{decision_name, parse_decision};

/// One value of a text flag: plain, or `LANG:TEXT`.
#[derive(Clone, Debug)]
pub(super) enum Text {
    Plain(String),
    In(Locale, String),
}

/// `ko:접수했습니다.` is Korean; `Note: we have it.` is plain (`Note` is no language).
pub(super) fn text(value: &str) -> Result<Text, Infallible> {
    let tagged = value
        .split_once(':')
        .filter(|(tag, _)| !tag.contains(char::is_whitespace))
        .and_then(|(tag, text)| Some((Locale::from_tag(tag)?, text)));
    Ok(match tagged {
        Some((locale, text)) => Text::In(locale, text.trim().to_owned()),
        None => Text::Plain(value.to_owned()),
    })
}

/// A text for the customer: plain text given once (published as it is), or `LANG:TEXT` once per
/// language; the customer's language is published first, and the tracker shows the page's language, else
/// that first one, marked as another language.
pub(super) fn org_text(flag: &str, values: Vec<Text>) -> Result<Option<OrgText>, String> {
    let mut tagged = Vec::new();
    let mut plain = Vec::new();
    for value in values {
        match value {
            Text::In(locale, text) => tagged.push((locale.tag().to_owned(), text)),
            Text::Plain(text) => plain.push(text),
        }
    }
    match (plain.pop(), tagged.is_empty()) {
        (None, true) => Ok(None),
        (None, false) => Ok(Some(OrgText::ByLanguage(tagged))),
        (Some(text), true) if plain.is_empty() => Ok(Some(OrgText::Plain(text))),
        _ => Err(format!(
            "{flag} is plain text given once, or LANG:TEXT once per language (en:, ko:, pl:), not both"
        )),
    }
}

pub(super) fn date(text: &str) -> Result<Date, String> {
    Date::parse_iso(text).ok_or_else(|| "not a date as YYYY-MM-DD".to_owned())
}

pub(super) fn instant(text: &str) -> Result<Instant, String> {
    Instant::parse_rfc3339(text).ok_or_else(|| "not a time like 2026-12-01T09:00:00Z".to_owned())
}

pub(super) fn file_number(text: &str) -> Result<i64, String> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| "the file number is 1, 2, …".to_owned())
}

/// `HOST:PORT`, the host not empty.
pub(super) fn relay(text: &str) -> Result<(String, u16), String> {
    text.rsplit_once(':')
        .and_then(|(host, port)| Some((host.to_owned(), port.parse::<u16>().ok()?)))
        .filter(|(host, _)| !host.is_empty())
        .ok_or_else(|| "not HOST:PORT".to_owned())
}

/// Whole seconds, 1 to a day.
pub(super) fn seconds() -> impl TypedValueParser<Value = Duration> {
    clap::value_parser!(u64)
        .range(1..=MAX_SECONDS)
        .map(Duration::from_secs)
}

pub(super) fn locale() -> OneOf<Locale> {
    OneOf {
        names: Locale::ALL.map(Locale::tag).to_vec(),
        read: Locale::from_tag,
    }
}

pub(super) fn decision() -> OneOf<Decision> {
    OneOf {
        names: [
            Decision::Upheld,
            Decision::PartlyUpheld,
            Decision::NotUpheld,
        ]
        .map(decision_name)
        .to_vec(),
        read: parse_decision,
    }
}

pub(super) fn step() -> OneOf<DeadlineStep> {
    OneOf {
        names: vec!["acknowledge", "decide"],
        read: |name| match name {
            "acknowledge" => Some(DeadlineStep::Acknowledge),
            "decide" => Some(DeadlineStep::Decide),
            _ => None,
        },
    }
}

pub(super) fn export_format() -> OneOf<ExportFormat> {
    OneOf {
        names: vec!["json", "csv"],
        read: |name| match name {
            "json" => Some(ExportFormat::Json),
            "csv" => Some(ExportFormat::Csv),
            _ => None,
        },
    }
}

pub(super) fn every() -> OneOf<crate::insights::Every> {
    OneOf {
        names: vec!["day", "week"],
        read: |name| match name {
            "day" => Some(crate::insights::Every::Day),
            "week" => Some(crate::insights::Every::Week),
            _ => None,
        },
    }
}

pub(super) fn report_format() -> OneOf<ReportFormat> {
    OneOf {
        names: vec!["csv", "json"],
        read: |name| match name {
            "csv" => Some(ReportFormat::Csv),
            "json" => Some(ReportFormat::Json),
            _ => None,
        },
    }
}

/// One of a few words (listed by `--help`, completed by the shell, the nearest suggested on a typo), read
/// by `read`, which may take more than the words listed (`pl-PL` and `PL` for `pl`).
#[derive(Clone)]
pub(super) struct OneOf<T> {
    pub(super) names: Vec<&'static str>,
    pub(super) read: fn(&str) -> Option<T>,
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for OneOf<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        if let Some(found) = value.to_str().and_then(self.read) {
            return Ok(found);
        }
        // Not one of them: clap's parser of the listed words says so, with the nearest as a tip.
        let listed = PossibleValuesParser::new(self.names.iter().copied());
        let name = listed.parse_ref(cmd, arg, value)?;
        (self.read)(&name).ok_or_else(|| clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.names.iter().map(|name| PossibleValue::new(*name)),
        ))
    }
}

/// A web origin (`https://desk.example`): http or https with a host; its path is dropped.
pub(super) fn origin(value: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|e| format!("\"{value}\" is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("\"{value}\" is not an http or https origin"));
    }
    Url::parse(&url.origin().ascii_serialization()).map_err(|e| e.to_string())
}

/// A positive number of `unit` seconds, decimals allowed (`0.05` minutes is 3 s).
fn positive(value: &str, unit: f64) -> Result<Duration, String> {
    let number: f64 = value
        .parse()
        .map_err(|_| format!("\"{value}\" is not a number"))?;
    if !(number.is_finite() && number > 0.0 && number * unit <= 10.0 * 365.0 * 86400.0) {
        return Err(format!("\"{value}\" must be above 0 and at most ten years"));
    }
    Ok(Duration::from_secs_f64(number * unit).max(Duration::from_secs(1)))
}

pub(super) fn minutes(value: &str) -> Result<Duration, String> {
    positive(value, 60.0)
}

pub(super) fn hours(value: &str) -> Result<Duration, String> {
    positive(value, 3600.0)
}
