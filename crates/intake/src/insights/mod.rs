//! The published complaints figures (`/api/v1/insights.json`, `docs/insights.md`) and the regulator's
//! return (`report`). Each complaint's facts (its ISO week, when it was acknowledged and decided, the
//! promised times by the domain's service levels and business days, reopened, rating) are kept in indexed
//! columns, filled whenever its status changed; the figures are then a handful of grouped SQL queries over
//! those indexes, never a load of every complaint.

use std::collections::BTreeMap;

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
use rusqlite::{params, OptionalExtension};

use crate::settings::Settings;
use crate::store::{FactStore, Facts, Store, StoreError};

#[cfg(test)]
mod attacks;
mod hiding;
mod report;
mod rows;
mod schedule;
#[cfg(test)]
mod tests;

use rows::{Counts, Days};

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
    store: &mut Store,
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

/// Computes the figures in SQL over the facts' indexes (filling stale facts first), as a first publication.
#[cfg(test)]
pub fn compute(
    store: &mut Store,
    settings: &Settings,
    now: Instant,
) -> Result<Insights, StoreError> {
    compute_after(store, settings, now, None)
}

/// Computes the figures that follow the `previous` publication: a group's rating changes only when enough
/// ratings came or went since (`complaint_domain::disclosure::rating`).
pub fn compute_after(
    store: &mut Store,
    settings: &Settings,
    now: Instant,
    previous: Option<&Insights>,
) -> Result<Insights, StoreError> {
    refresh_facts(store, settings, now)?;
    let zone = &settings.zone;
    let first_week = week_name(now, PUBLISHED_WEEKS - 1, zone);
    let conn = store.connection();
    let t = now.unix_seconds();

    let per_cell = counts_per_cell(conn, &first_week, t)?;
    // Nearest-rank percentiles: the k-th shortest time of the group, read in index order (a seek and k
    // steps along `decisions_by_week`), so nothing is sorted.
    let mut nth_in_cell = conn.prepare_cached(
        "SELECT decision_seconds FROM complaints INDEXED BY decisions_by_week
         WHERE received_week = ?1 AND category = ?2 AND decision_seconds IS NOT NULL
         ORDER BY decision_seconds LIMIT 1 OFFSET ?3",
    )?;
    let mut nth_in_week = conn.prepare_cached(
        "SELECT decision_seconds FROM complaints INDEXED BY decisions_by_week_all
         WHERE received_week = ?1 AND decision_seconds IS NOT NULL
         ORDER BY decision_seconds LIMIT 1 OFFSET ?2",
    )?;
    let mut days = |week: &str, category: Option<&str>, count: u64| -> Result<Days, StoreError> {
        let mut nth = |rank: u64| -> Result<Option<f64>, StoreError> {
            let offset = rank.saturating_sub(1) as i64;
            let seconds: Option<i64> = match category {
                Some(c) => nth_in_cell
                    .query_row(params![week, c, offset], |r| r.get(0))
                    .optional()?,
                None => nth_in_week
                    .query_row(params![week, offset], |r| r.get(0))
                    .optional()?,
            };
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

    let causes = top_causes(conn, now, zone)?;
    let overdue_now = overdue_now(conn, t)?;
    Ok(Insights {
        schema_version: INSIGHTS_SCHEMA,
        generated_at: now,
        weeks,
        causes,
        overdue_now,
    })
}

/// Each week's and category's counts since `first_week`, from one grouped pass over `insights_by_week`.
fn counts_per_cell(
    conn: &rusqlite::Connection,
    first_week: &str,
    t: i64,
) -> Result<BTreeMap<(String, String), Counts>, StoreError> {
    let mut per_cell = BTreeMap::new();
    let mut statement = conn.prepare_cached(
        "SELECT received_week, category, COUNT(*),
                SUM(ack_due_at IS NOT NULL AND (acknowledged_at IS NOT NULL OR ack_due_at <= ?2)),
                SUM(acknowledged_at IS NOT NULL AND acknowledged_at < ack_due_at),
                SUM(decide_due_at IS NOT NULL AND (decided_at IS NOT NULL OR decide_due_at <= ?2)),
                SUM(decided_at IS NOT NULL AND decided_at < decide_due_at),
                SUM(decision IS NOT NULL), SUM(decision = 'upheld'), SUM(decision = 'partly_upheld'),
                SUM(decision = 'not_upheld'), SUM(reopened), COUNT(rating), TOTAL(rating),
                SUM(decided_at IS NOT NULL)
         FROM complaints INDEXED BY insights_by_week
         WHERE received_week >= ?1
         GROUP BY received_week, category",
    )?;
    let rows = statement.query_map(params![first_week, t], |r| {
        let n = |i: usize| -> rusqlite::Result<u64> {
            Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0).max(0) as u64)
        };
        Ok((
            (
                r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                r.get::<_, String>(1)?,
            ),
            Counts {
                received: n(2)?,
                ack_base: n(3)?,
                ack_kept: n(4)?,
                decide_base: n(5)?,
                decide_kept: n(6)?,
                decided: n(7)?,
                upheld: n(8)?,
                partly: n(9)?,
                not_upheld: n(10)?,
                reopened: n(11)?,
                rated: n(12)?,
                stars: r.get::<_, f64>(13)?.max(0.0) as u64,
                decided_once: n(14)?,
            },
        ))
    })?;
    for row in rows {
        let (key, counts) = row?;
        per_cell.insert(key, counts);
    }
    Ok(per_cell)
}

/// The causes named most in the last 13 weeks, with their last and previous four weeks.
fn top_causes(
    conn: &rusqlite::Connection,
    now: Instant,
    zone: &impl Zone,
) -> Result<Vec<CauseFigures>, StoreError> {
    let t = now.unix_seconds();
    let (t4, t8, t13) = (
        week_start(now, 4, zone),
        week_start(now, 8, zone),
        week_start(now, 13, zone),
    );
    let mut statement = conn.prepare_cached(
        "SELECT cause, SUM(at >= ?1), COUNT(*), SUM(at >= ?2 AND at < ?1)
         FROM complaint_causes WHERE at >= ?3 AND at <= ?4
         GROUP BY cause ORDER BY COUNT(*) DESC, cause LIMIT ?5",
    )?;
    let rows = statement.query_map(params![t4, t8, t13, t, TOP_CAUSES], |r| {
        let last: i64 = r.get(1)?;
        let all: i64 = r.get(2)?;
        let previous: i64 = r.get(3)?;
        let (last, all, previous) = (
            last.max(0) as u64,
            all.max(0) as u64,
            previous.max(0) as u64,
        );
        Ok(CauseFigures {
            cause: r.get(0)?,
            last_4_weeks: Figure::count(last),
            last_13_weeks: Figure::count(all),
            previous_4_weeks: Figure::count(previous),
            trend: Trend::between(last, previous),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The complaints past a due date now, per category.
fn overdue_now(conn: &rusqlite::Connection, t: i64) -> Result<Vec<CategoryCount>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT category, COUNT(*) FROM complaints INDEXED BY overdue_by_due
         WHERE next_due_at IS NOT NULL AND next_due_at <= ?1
         GROUP BY category ORDER BY category",
    )?;
    let rows = statement.query_map([t], |r| {
        Ok(CategoryCount {
            category: r.get(0)?,
            count: Figure::count(r.get::<_, i64>(1)?.max(0) as u64),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Writes `insights` to `path` as the status files are written ([`crate::files::write_atomically`]), creating
/// its folder, so a reader sees the old figures or the new, never a mix.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    crate::objects::put_at(path, text.as_bytes(), crate::objects::PUBLIC_JSON)
}

/// Computes and publishes the figures, following the ones `path` holds now (the ratings change only as the
/// domain's rule lets them). Returns the file's size in bytes.
pub fn publish(
    store: &mut Store,
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
