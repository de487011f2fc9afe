//! The published complaints figures (`/api/v1/insights.json`, `docs/insights.md`) and the regulator's
//! return (`report`). Each complaint's facts (its ISO week, when it was acknowledged and decided, the
//! promised times by the domain's service levels and business days, reopened, rating) are kept in indexed
//! columns, filled whenever its status changed; the figures are then a handful of grouped reads over those
//! indexes (`crate::store::FigureStore`, on either engine), never a load of every complaint.

use std::path::Path;

use complaint_domain::calendar::{Date, DateTime};
use complaint_domain::insights::{
    CategoryCount, CauseFigures, Figure, Insights, Trend, INSIGHTS_SCHEMA,
};
use complaint_domain::instant::{Instant, Zone};
use complaint_domain::json::SerdeJson;
use complaint_domain::service_levels::{Due, Period};
use complaint_domain::status::{DeadlineStep, ReplyKind, Stage, StatusRecord};
use complaint_domain::tracking::Timeline;

use crate::settings::Settings;
use crate::store::{CauseWindows, FactStore, Facts, FigureStore, StoreError};

#[cfg(test)]
mod attacks;
mod hiding;
mod report;
mod rows;
mod schedule;
#[cfg(test)]
mod tests;

use rows::Days;

pub use report::{report, Report, ReportFormat};
pub use schedule::{time_of_day, Every, Schedule};

/// How many weeks of figures are published, the current one included.
pub const PUBLISHED_WEEKS: i64 = 53;

/// How many causes are published.
const TOP_CAUSES: i64 = 10;

/// Complaints whose facts are filled per transaction (a first run after the upgrade fills them all).
const FACTS_BATCH: i64 = 2_000;

const DAY: i64 = 86_400;

/// The first instant that is late for `due`: the second after an exact time, the local midnight after a day.
fn late_from(due: Due, zone: &impl Zone) -> i64 {
    match due {
        Due::At { at, .. } => at.unix_seconds() + 1,
        Due::EndOf(date) => local_midnight(date.add_days(1), zone),
    }
}

/// The instant the organisation's clocks show 00:00 on `date` (the first such, on a day clocks change).
fn local_midnight(date: Date, zone: &impl Zone) -> i64 {
    let wall = DateTime::new(date, 0, 0).map_or(0, |d| Instant::from_utc(d).unix_seconds());
    // The zone's offset near that time, asked twice so a clock change that day is taken into account.
    let mut guess = wall;
    for _ in 0..2 {
        let shown = zone
            .local(Instant::from_unix_seconds(guess))
            .map_or(wall, |d| Instant::from_utc(d).unix_seconds());
        guess -= shown - wall;
    }
    guess
}

/// What the insights count about one complaint, by the domain's rules.
pub fn facts(record: &StatusRecord, settings: &Settings, now: Instant) -> Facts {
    let zone = &settings.zone;
    let holidays = &settings.holidays;
    let Some(received) = record.received_at() else {
        return Facts::default();
    };
    let category = settings.config.category(&record.category);
    let promised = |step: DeadlineStep| -> Option<i64> {
        let due = match record.set_deadline(step) {
            Some(set) => Due::EndOf(set.due),
            None => {
                let country = record.consumer_country.as_deref();
                let rules = category?.service_levels.for_step(step);
                rules.plan_from(received, zone, holidays, country)?.due
            }
        };
        Some(late_from(due, zone))
    };
    let first = |wanted: &dyn Fn(Stage) -> bool| {
        record
            .history
            .iter()
            .find(|e| wanted(e.stage))
            .map(|e| e.at.unix_seconds())
    };
    let closed_at = match record.current().map(|e| e.stage) {
        Some(Stage::Closed) => record.current().map(|e| e.at.unix_seconds()),
        _ => None,
    };
    let within = |period: Period| {
        let late = late_from(period.due_from(received, zone, holidays)?, zone);
        Some(closed_at? < late)
    };
    let timeline = Timeline::build(record, category, zone, holidays, now);
    let decided_at = first(&|s| s == Stage::Responded);
    Facts {
        received_week: zone
            .local(received)
            .map(|d| d.date.iso_week_name())
            .unwrap_or_default(),
        ack_due_at: promised(DeadlineStep::Acknowledge),
        acknowledged_at: first(&|s| s != Stage::Received && s != Stage::Reopened),
        decide_due_at: promised(DeadlineStep::Decide),
        decided_at,
        decision_seconds: decided_at.map(|d| d - received.unix_seconds()),
        closed_at,
        closed_in_3_days: within(Period::BusinessDays(3)),
        closed_in_8_weeks: within(Period::Weeks(8)),
        reopened: record.history.iter().any(|e| e.stage == Stage::Reopened),
        rating: record
            .replies
            .iter()
            .rev()
            .find(|r| r.kind == ReplyKind::Rating)
            .and_then(|r| r.stars),
        next_due_at: timeline
            .next_expected()
            .map(|(_, expected)| late_from(expected.due, zone)),
    }
}

/// Fills the facts of every complaint changed since they were last filled. Returns how many.
pub fn refresh_facts(
    store: &mut (impl FactStore + ?Sized),
    settings: &Settings,
    now: Instant,
) -> Result<usize, StoreError> {
    let mut filled = 0;
    loop {
        let stale = store.stale_facts(FACTS_BATCH)?;
        if stale.is_empty() {
            return Ok(filled);
        }
        // A held complaint counts nowhere until it is released (which marks its facts stale).
        let batch: Vec<(i64, i64, Facts)> = stale
            .iter()
            .map(|c| {
                let f = match c.quarantine {
                    Some(_) => Facts::default(),
                    None => facts(&c.record, settings, now),
                };
                (c.id, c.revision, f)
            })
            .collect();
        store.set_facts(&batch)?;
        filled += batch.len();
        if stale.len() < FACTS_BATCH as usize {
            return Ok(filled);
        }
    }
}

/// The start of the ISO week `weeks_back` weeks before the one `now` falls in, in the organisation's zone.
fn week_start(now: Instant, weeks_back: i64, zone: &impl Zone) -> i64 {
    let today = zone
        .local(now)
        .map_or_else(|| now.utc_wall_clock().date, |d| d.date);
    let monday = today.add_days(-(today.weekday() as i64));
    local_midnight(monday.add_days(-7 * weeks_back), zone)
}

/// The ISO week `weeks_back` weeks before the one `now` falls in, in the organisation's zone.
fn week_name(now: Instant, weeks_back: i64, zone: &impl Zone) -> String {
    let today = zone
        .local(now)
        .map_or_else(|| now.utc_wall_clock().date, |d| d.date);
    today.add_days(-7 * weeks_back).iso_week_name()
}

/// Computes the figures over the facts' indexes (filling stale facts first), as a first publication.
#[cfg(test)]
pub fn compute(
    store: &mut (impl FactStore + FigureStore + ?Sized),
    settings: &Settings,
    now: Instant,
) -> Result<Insights, StoreError> {
    compute_after(store, settings, now, None)
}

/// Computes the figures that follow the `previous` publication: a group's rating changes only when enough
/// ratings came or went since (`complaint_domain::disclosure::rating`).
pub fn compute_after(
    store: &mut (impl FactStore + FigureStore + ?Sized),
    settings: &Settings,
    now: Instant,
    previous: Option<&Insights>,
) -> Result<Insights, StoreError> {
    refresh_facts(store, settings, now)?;
    let zone = &settings.zone;
    let first_week = week_name(now, PUBLISHED_WEEKS - 1, zone);
    let store = &*store;

    let per_cell = store.counts_per_cell(&first_week, now)?;
    // Nearest-rank percentiles: the k-th shortest time of the group, read in index order (a seek and k
    // steps along `decisions_by_week`), so nothing is sorted.
    let mut days = |week: &str, category: Option<&str>, count: u64| -> Result<Days, StoreError> {
        let nth = |rank: u64| -> Result<Option<f64>, StoreError> {
            let offset = rank.saturating_sub(1) as i64;
            let seconds = store.nth_decision_seconds(week, category, offset)?;
            Ok(seconds.map(|s| s as f64 / DAY as f64))
        };
        if count < complaint_domain::insights::SUPPRESS_BELOW {
            return Ok(Days {
                count,
                median: None,
                p90: None,
            });
        }
        Ok(Days {
            count,
            median: nth(count.div_ceil(2))?,
            p90: nth((9 * count).div_ceil(10))?,
        })
    };
    let mut weeks = rows::weeks(per_cell, previous, &mut days)?;
    weeks.sort_by(|a, b| {
        (a.week.as_str(), a.category.is_none(), a.category.as_deref()).cmp(&(
            b.week.as_str(),
            b.category.is_none(),
            b.category.as_deref(),
        ))
    });

    let causes = top_causes(store, now, zone)?;
    let overdue_now = store
        .overdue_per_category(now)?
        .into_iter()
        .map(|(category, count)| CategoryCount {
            category,
            count: Figure::count(count),
        })
        .collect();
    Ok(Insights {
        schema_version: INSIGHTS_SCHEMA,
        generated_at: now,
        weeks,
        causes,
        overdue_now,
    })
}

/// The causes named most in the last 13 weeks, with their last and previous four weeks.
fn top_causes(
    store: &(impl FigureStore + ?Sized),
    now: Instant,
    zone: &impl Zone,
) -> Result<Vec<CauseFigures>, StoreError> {
    let windows = CauseWindows {
        last_from: week_start(now, 4, zone),
        previous_from: week_start(now, 8, zone),
        since: week_start(now, 13, zone),
        until: now.unix_seconds(),
    };
    Ok(store
        .cause_counts(windows, TOP_CAUSES)?
        .into_iter()
        .map(|c| CauseFigures {
            cause: c.cause,
            last_4_weeks: Figure::count(c.last),
            last_13_weeks: Figure::count(c.all),
            previous_4_weeks: Figure::count(c.previous),
            trend: Trend::between(c.last, c.previous),
        })
        .collect())
}

/// Writes `insights` to `path` as the status files are written ([`crate::files::write_atomically`]), creating
/// its folder, so a reader sees the old figures or the new, never a mix.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    crate::objects::put_at(path, text.as_bytes(), crate::objects::PUBLIC_JSON)
}

/// Computes and publishes the figures, following the ones `path` holds now (the ratings change only as the
/// domain's rule lets them). Returns the file's size in bytes.
pub fn publish(
    store: &mut (impl FactStore + FigureStore + ?Sized),
    settings: &Settings,
    path: &Path,
    now: Instant,
) -> Result<usize, InsightsFailure> {
    // Missing or unreadable: published as a first publication.
    let previous = crate::objects::get_at(path)
        .ok()
        .flatten()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| Insights::from_json_with(&text, &SerdeJson).ok());
    let insights =
        compute_after(store, settings, now, previous.as_ref()).map_err(InsightsFailure::Store)?;
    let text = insights.to_json();
    write_atomically(path, &text).map_err(|source| InsightsFailure::Write {
        path: path.to_owned(),
        source,
    })?;
    Ok(text.len())
}

#[derive(Debug, thiserror::Error)]
pub enum InsightsFailure {
    #[error(transparent)]
    Store(StoreError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// The causes a `respond --cause` names, checked against the config's list.
pub fn check_causes(settings: &Settings, causes: &[String]) -> Result<Vec<String>, String> {
    let mut checked = Vec::new();
    for cause in causes.iter().flat_map(|c| c.split(',')).map(str::trim) {
        if cause.is_empty() {
            continue;
        }
        if settings.config.cause(cause).is_none() {
            let known: Vec<&str> = settings
                .config
                .causes
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            return Err(if known.is_empty() {
                format!("--cause \"{cause}\": the config lists no causes")
            } else {
                format!(
                    "--cause \"{cause}\" is not in the config; known: {}",
                    known.join(", ")
                )
            });
        }
        if !checked.iter().any(|c| c == cause) {
            checked.push(cause.to_owned());
        }
    }
    Ok(checked)
}
