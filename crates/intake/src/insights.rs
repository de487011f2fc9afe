//! The published complaints figures (`/api/v1/insights.json`, `docs/insights.md`) and the regulator's
//! return (`report`). Each complaint's facts (its ISO week, when it was acknowledged and decided, the
//! promised times by the domain's service levels and business days, reopened, rating) are kept in indexed
//! columns, filled whenever its status changed; the figures are then a handful of grouped SQL queries over
//! those indexes, never a load of every complaint.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::Path;

use complaint_domain::calendar::{Date, DateTime};
use complaint_domain::insights::{
    CategoryCount, CauseFigures, Figure, Insights, Trend, WeekFigures, INSIGHTS_SCHEMA,
};
use complaint_domain::instant::{Instant, Zone};
use complaint_domain::service_levels::{Due, Period};
use complaint_domain::status::{DeadlineStep, ReplyKind, Stage, StatusRecord};
use complaint_domain::tracking::Timeline;
use rusqlite::{params, OptionalExtension};

use crate::dossier::csv_cell;
use crate::settings::Settings;
use crate::store::{FactStore, Facts, Store, StoreError};

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
                let level = category?.service_levels.for_step(step)?;
                level.within.due_from(received, zone, holidays)?
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

/// The raw counts behind one row, added up before they become figures.
#[derive(Debug, Clone, Default)]
struct Counts {
    received: u64,
    ack_base: u64,
    ack_kept: u64,
    decide_base: u64,
    decide_kept: u64,
    decided: u64,
    /// With a first decision (its days are counted), whatever the decision is now.
    decided_once: u64,
    upheld: u64,
    partly: u64,
    not_upheld: u64,
    reopened: u64,
    rated: u64,
    stars: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.received += o.received;
        self.ack_base += o.ack_base;
        self.ack_kept += o.ack_kept;
        self.decide_base += o.decide_base;
        self.decide_kept += o.decide_kept;
        self.decided += o.decided;
        self.decided_once += o.decided_once;
        self.upheld += o.upheld;
        self.partly += o.partly;
        self.not_upheld += o.not_upheld;
        self.reopened += o.reopened;
        self.rated += o.rated;
        self.stars += o.stars;
    }

    fn figures(&self, week: &str, category: Option<&str>, days: Option<&Days>) -> WeekFigures {
        let days = days.cloned().unwrap_or_default();
        WeekFigures {
            week: week.to_owned(),
            category: category.map(str::to_owned),
            received: Figure::count(self.received),
            acknowledged_on_time: Figure::share(self.ack_kept, self.ack_base),
            decided_on_time: Figure::share(self.decide_kept, self.decide_base),
            days_to_decision_median: Figure::measure(days.median, days.count),
            days_to_decision_p90: Figure::measure(days.p90, days.count),
            upheld: Figure::share(self.upheld, self.decided),
            partly_upheld: Figure::share(self.partly, self.decided),
            not_upheld: Figure::share(self.not_upheld, self.decided),
            reopened: Figure::share(self.reopened, self.received),
            rating_average: Figure::measure(
                (self.rated > 0).then(|| self.stars as f64 / self.rated as f64),
                self.rated,
            ),
            rating_count: (self.rated > 0).then(|| Figure::count(self.rated)),
        }
    }
}

/// Days from receipt to the first decision: how many, the median and the 90th percentile (nearest rank).
#[derive(Debug, Clone, Default)]
struct Days {
    count: u64,
    median: Option<f64>,
    p90: Option<f64>,
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

/// Computes the figures in SQL over the facts' indexes (filling stale facts first).
pub fn compute(
    store: &mut Store,
    settings: &Settings,
    now: Instant,
) -> Result<Insights, StoreError> {
    refresh_facts(store, settings, now)?;
    let zone = &settings.zone;
    let first_week = week_name(now, PUBLISHED_WEEKS - 1, zone);
    let conn = store.connection();
    let t = now.unix_seconds();

    let mut per_cell: BTreeMap<(String, String), Counts> = BTreeMap::new();
    {
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
    }
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
    let mut per_week: BTreeMap<String, Counts> = BTreeMap::new();
    let mut weeks = Vec::new();
    for ((week, category), counts) in &per_cell {
        per_week.entry(week.clone()).or_default().add(counts);
        let d = days(week, Some(category), counts.decided_once)?;
        weeks.push(counts.figures(week, Some(category), Some(&d)));
    }
    for (week, counts) in &per_week {
        let d = days(week, None, counts.decided_once)?;
        weeks.push(counts.figures(week, None, Some(&d)));
    }
    weeks.sort_by(|a, b| {
        (a.week.as_str(), a.category.is_none(), a.category.as_deref()).cmp(&(
            b.week.as_str(),
            b.category.is_none(),
            b.category.as_deref(),
        ))
    });

    let (t4, t8, t13) = (
        week_start(now, 4, zone),
        week_start(now, 8, zone),
        week_start(now, 13, zone),
    );
    let causes = {
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
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let overdue_now = {
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
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    Ok(Insights {
        schema_version: INSIGHTS_SCHEMA,
        generated_at: now,
        weeks,
        causes,
        overdue_now,
    })
}

/// Writes `insights` to `path` as the status files are written: a temporary file in the same folder,
/// flushed, then renamed over the old one, so a reader sees the old figures or the new, never a mix.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "insights.json".to_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written?;
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Computes and publishes the figures. Returns the file's size in bytes.
pub fn publish(
    store: &mut Store,
    settings: &Settings,
    path: &Path,
    now: Instant,
) -> Result<usize, InsightsFailure> {
    let insights = compute(store, settings, now).map_err(InsightsFailure::Store)?;
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

/// How the figures are brought up to date after a change, without holding up whoever made it: one
/// `complaint-intake insights` run in the background, `delay` after the last of a burst of changes, and at the
/// latest `max_wait` after the first change not yet published, so a steady trickle of changes (one complaint
/// every second, for hours) cannot keep the figures from ever updating.
/// `serve` keeps one for the customers' replies and new complaints: a single worker thread, so a flood of
/// replies starts one publish at a time, never one process each.
pub struct Debouncer {
    pending: std::sync::Mutex<bool>,
    woken: std::sync::Condvar,
}

impl Debouncer {
    /// Starts the worker; `command` is the publish to run (a fresh process reads the database itself).
    pub fn start(
        delay: std::time::Duration,
        max_wait: std::time::Duration,
        mut command: impl FnMut() -> std::process::Command + Send + 'static,
    ) -> std::sync::Arc<Debouncer> {
        let debouncer = std::sync::Arc::new(Debouncer {
            pending: std::sync::Mutex::new(false),
            woken: std::sync::Condvar::new(),
        });
        let worker = std::sync::Arc::clone(&debouncer);
        std::thread::spawn(move || loop {
            {
                let Ok(mut pending) = worker.pending.lock() else {
                    return;
                };
                while !*pending {
                    let Ok(next) = worker.woken.wait(pending) else {
                        return;
                    };
                    pending = next;
                }
            }
            // Changes keep coming during a burst: wait until none came for `delay`, or `max_wait` has passed
            // since the first of them.
            let first = std::time::Instant::now();
            loop {
                let left = max_wait.saturating_sub(first.elapsed());
                std::thread::sleep(delay.min(left));
                let Ok(mut pending) = worker.pending.lock() else {
                    return;
                };
                let more = std::mem::replace(&mut *pending, false);
                if !more || first.elapsed() >= max_wait {
                    break;
                }
            }
            match command().status() {
                Ok(status) if status.success() => {}
                Ok(status) => crate::log!("insights were not published ({status}); run `insights`"),
                Err(e) => crate::log!("insights were not published ({e}); run `insights`"),
            }
        });
        debouncer
    }

    /// A change was made: publish once the changes stop.
    pub fn poke(&self) {
        if let Ok(mut pending) = self.pending.lock() {
            *pending = true;
            self.woken.notify_one();
        }
    }
}

/// The format `report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Csv,
}

/// One line of the regulator's return (FCA DISP 1.10A style): a category, or all of them (`None`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportLine {
    pub category: Option<String>,
    pub opened: u64,
    pub closed: u64,
    /// Of those closed: closed within 3 business days of receipt, within 8 weeks, upheld, partly upheld.
    pub closed_within_3_business_days_pct: Option<f64>,
    pub closed_within_8_weeks_pct: Option<f64>,
    pub upheld_pct: Option<f64>,
    pub partly_upheld_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub from: Date,
    pub to: Date,
    pub time_zone: String,
    pub lines: Vec<ReportLine>,
}

fn pct(part: u64, base: u64) -> Option<f64> {
    (base > 0).then(|| (1000.0 * part as f64 / base as f64).round() / 10.0)
}

/// The return for complaints opened and closed from `from` to `to` (whole days in the organisation's zone).
/// Unsuppressed: it goes to the regulator, not to the public.
pub fn report(
    store: &mut Store,
    settings: &Settings,
    from: Date,
    to: Date,
    now: Instant,
) -> Result<Report, StoreError> {
    refresh_facts(store, settings, now)?;
    let zone = &settings.zone;
    let (start, end) = (
        local_midnight(from, zone),
        local_midnight(to.add_days(1), zone),
    );
    let conn = store.connection();
    let mut lines: BTreeMap<String, ReportLine> = BTreeMap::new();
    let blank = |category: &str| ReportLine {
        category: Some(category.to_owned()),
        opened: 0,
        closed: 0,
        closed_within_3_business_days_pct: None,
        closed_within_8_weeks_pct: None,
        upheld_pct: None,
        partly_upheld_pct: None,
    };
    let mut statement = conn.prepare(
        "SELECT category, COUNT(*) FROM complaints INDEXED BY opened_by_time
         WHERE received_at >= ?1 AND received_at < ?2 AND received_week IS NOT NULL GROUP BY category",
    )?;
    for row in statement.query_map(params![start, end], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (category, opened) = row?;
        lines
            .entry(category.clone())
            .or_insert_with(|| blank(&category))
            .opened = opened as u64;
    }
    let mut closed_counts: BTreeMap<String, [u64; 5]> = BTreeMap::new();
    let mut statement = conn.prepare(
        "SELECT category, COUNT(*), SUM(closed_in_3_days), SUM(closed_in_8_weeks),
                SUM(decision = 'upheld'), SUM(decision = 'partly_upheld')
         FROM complaints INDEXED BY closed_by_time
         WHERE closed_at IS NOT NULL AND closed_at >= ?1 AND closed_at < ?2
         GROUP BY category",
    )?;
    for row in statement.query_map(params![start, end], |r| {
        let n = |i: usize| -> rusqlite::Result<u64> {
            Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0).max(0) as u64)
        };
        Ok((r.get::<_, String>(0)?, [n(1)?, n(2)?, n(3)?, n(4)?, n(5)?]))
    })? {
        let (category, counts) = row?;
        closed_counts.insert(category.clone(), counts);
        lines
            .entry(category.clone())
            .or_insert_with(|| blank(&category));
    }
    let mut total = [0u64; 6];
    let mut out: Vec<ReportLine> = Vec::new();
    for (category, mut line) in lines {
        let c = closed_counts.get(&category).copied().unwrap_or_default();
        line.closed = c[0];
        line.closed_within_3_business_days_pct = pct(c[1], c[0]);
        line.closed_within_8_weeks_pct = pct(c[2], c[0]);
        line.upheld_pct = pct(c[3], c[0]);
        line.partly_upheld_pct = pct(c[4], c[0]);
        total[0] += line.opened;
        for (i, v) in c.iter().enumerate() {
            total[i + 1] += v;
        }
        out.push(line);
    }
    out.push(ReportLine {
        category: None,
        opened: total[0],
        closed: total[1],
        closed_within_3_business_days_pct: pct(total[2], total[1]),
        closed_within_8_weeks_pct: pct(total[3], total[1]),
        upheld_pct: pct(total[4], total[1]),
        partly_upheld_pct: pct(total[5], total[1]),
    });
    Ok(Report {
        from,
        to,
        time_zone: settings.zone.name().to_owned(),
        lines: out,
    })
}

impl Report {
    pub fn render(&self, format: ReportFormat) -> String {
        match format {
            ReportFormat::Json => serde_json::to_string_pretty(self).unwrap_or_default() + "\n",
            ReportFormat::Csv => {
                let mut out = String::new();
                let header = [
                    "from",
                    "to",
                    "category",
                    "opened",
                    "closed",
                    "closed_within_3_business_days_pct",
                    "closed_within_8_weeks_pct",
                    "upheld_pct",
                    "partly_upheld_pct",
                ];
                let _ = writeln!(out, "{}", header.map(csv_cell).join(","));
                let number = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
                for line in &self.lines {
                    let cells = [
                        self.from.to_string(),
                        self.to.to_string(),
                        line.category.clone().unwrap_or_else(|| "all".to_owned()),
                        line.opened.to_string(),
                        line.closed.to_string(),
                        number(line.closed_within_3_business_days_pct),
                        number(line.closed_within_8_weeks_pct),
                        number(line.upheld_pct),
                        number(line.partly_upheld_pct),
                    ];
                    let _ = writeln!(
                        out,
                        "{}",
                        cells
                            .iter()
                            .map(|c| csv_cell(c))
                            .collect::<Vec<_>>()
                            .join(",")
                    );
                }
                out
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ComplaintStore, QuarantineStore};
    use complaint_domain::config::OrgConfig;
    use complaint_domain::status::{DecidedOutcome, Decision, StatusChange};

    use crate::store::{NewComplaint, Recorded};

    const CONFIG: &str = include_str!("../../../public/api/v1/config.json");

    struct Seeded {
        store: Store,
        settings: Settings,
        n: u32,
    }

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    impl Seeded {
        fn new(name: &str) -> Seeded {
            let dir = std::env::temp_dir().join(format!(
                "intake-insights-{name}-{}-{:?}",
                std::process::id(),
                std::time::SystemTime::now()
            ));
            Seeded {
                store: Store::open(&dir.join("intake.sqlite3")).unwrap(),
                settings: Settings::from_config(OrgConfig::from_json(CONFIG).unwrap()),
                n: 0,
            }
        }

        /// A complaint received at `received`, then moved through `changes` (stage, time).
        fn add(&mut self, category: &str, received: Instant, changes: &[(Stage, Instant)]) -> i64 {
            self.n += 1;
            let reference = format!("CMP-T{:03}-{:04}", self.n / 1000, self.n % 10000);
            let key = format!("k{}", self.n);
            let recorded = self
                .store
                .record(&NewComplaint {
                    key: &key,
                    fingerprint: "fp",
                    reference: &reference,
                    category,
                    locale: complaint_domain::i18n::Locale::En,
                    received_at: received,
                    submission: "{}",
                    pin: None,
                    status_key: &key,
                    attachments: Vec::new(),
                    answer_status: 201,
                    answer_body: "{}",
                    quarantine: None,
                })
                .unwrap();
            assert!(matches!(recorded, Recorded::New));
            let mut complaint = self.store.complaint(&reference).unwrap().unwrap();
            for (stage, when) in changes {
                let decision = (*stage == Stage::Responded).then_some(DecidedOutcome {
                    decision: Decision::Upheld,
                    summary: None,
                });
                let record = complaint
                    .record
                    .changed(
                        StatusChange::Stage {
                            stage: *stage,
                            message: None,
                            next_step: None,
                            decision,
                        },
                        *when,
                    )
                    .unwrap();
                self.store
                    .save(complaint.id, complaint.revision, &record)
                    .unwrap();
                complaint = self.store.complaint(&reference).unwrap().unwrap();
            }
            complaint.id
        }

        fn compute(&mut self, now: Instant) -> Insights {
            compute(&mut self.store, &self.settings, now).unwrap()
        }
    }

    fn row<'a>(insights: &'a Insights, week: &str, category: Option<&str>) -> &'a WeekFigures {
        insights
            .weeks
            .iter()
            .find(|r| r.week == week && r.category.as_deref() == category)
            .unwrap_or_else(|| panic!("no row for {week} {category:?}"))
    }

    const FEWER: Figure = Figure::Suppressed(complaint_domain::insights::Suppressed::FewerThan5);

    #[test]
    fn cells_from_fewer_than_five_complaints_are_suppressed() {
        let mut db = Seeded::new("suppress");
        for _ in 0..4 {
            db.add("delivery", at("2026-11-24T10:00:00Z"), &[]);
        }
        for _ in 0..6 {
            db.add("service-billing", at("2026-11-24T10:00:00Z"), &[]);
        }
        let insights = db.compute(at("2026-12-01T12:00:00Z"));
        let delivery = row(&insights, "2026-W48", Some("delivery"));
        assert_eq!(delivery.received, FEWER);
        assert_eq!(delivery.acknowledged_on_time, Some(FEWER));
        let billing = row(&insights, "2026-W48", Some("service-billing"));
        assert_eq!(billing.received, Figure::Value(6.0));
        assert_eq!(
            billing.acknowledged_on_time,
            Some(Figure::Value(0.0)),
            "24 hours passed unacknowledged"
        );
        assert_eq!(billing.decided_on_time, None, "nothing decided or due yet");
        assert_eq!(
            row(&insights, "2026-W48", None).received,
            Figure::Value(10.0)
        );
        assert!(
            !insights.to_json().contains("CMP-"),
            "no references published"
        );
    }

    #[test]
    fn a_held_complaint_counts_only_once_released() {
        let mut db = Seeded::new("held");
        let mut ids = Vec::new();
        for _ in 0..6 {
            ids.push(db.add("delivery", at("2026-11-24T10:00:00Z"), &[]));
        }
        db.store
            .connection()
            .execute(
                "UPDATE complaints SET quarantine = 'the hidden field was filled in' WHERE id = ?1",
                [ids[0]],
            )
            .unwrap();
        let now = at("2026-12-01T12:00:00Z");
        let before = db.compute(now);
        assert_eq!(
            row(&before, "2026-W48", Some("delivery")).received,
            Figure::Value(5.0)
        );
        assert!(db.store.release(ids[0]).unwrap());
        let after = db.compute(now);
        assert_eq!(
            row(&after, "2026-W48", Some("delivery")).received,
            Figure::Value(6.0)
        );
    }

    #[test]
    fn weeks_across_a_year_end_are_iso_weeks_in_the_organisations_zone() {
        let mut db = Seeded::new("year-end");
        // London: 2027-01-03T23:30Z is still Sunday of 2026-W53; 2027-01-04 is 2027-W01.
        for when in [
            "2026-12-31T09:00:00Z",
            "2027-01-01T09:00:00Z",
            "2027-01-02T09:00:00Z",
            "2027-01-03T09:00:00Z",
            "2027-01-03T23:30:00Z",
            "2027-01-04T00:30:00Z",
        ] {
            db.add("delivery", at(when), &[]);
        }
        let insights = db.compute(at("2027-01-05T12:00:00Z"));
        assert_eq!(
            row(&insights, "2026-W53", Some("delivery")).received,
            Figure::Value(5.0)
        );
        assert_eq!(row(&insights, "2027-W01", Some("delivery")).received, FEWER);
    }

    #[test]
    fn decided_on_time_counts_business_days_and_holidays() {
        let mut db = Seeded::new("business-days");
        // Delivery: 10 business days. From Monday 2026-12-21, skipping the weekends and the 25th, 28th
        // and 1 January: the 10th business day is Thursday 2027-01-07.
        let received = at("2026-12-21T10:00:00Z");
        for _ in 0..5 {
            db.add(
                "delivery",
                received,
                &[
                    (Stage::Acknowledged, at("2026-12-21T12:00:00Z")),
                    (Stage::Responded, at("2027-01-07T16:00:00Z")),
                ],
            );
        }
        for _ in 0..5 {
            db.add(
                "delivery",
                received,
                &[
                    (Stage::Acknowledged, at("2026-12-22T11:00:00Z")),
                    (Stage::Responded, at("2027-01-08T09:00:00Z")),
                ],
            );
        }
        let insights = db.compute(at("2027-01-20T12:00:00Z"));
        let week = row(&insights, "2026-W52", Some("delivery"));
        assert_eq!(week.decided_on_time, Some(Figure::Value(50.0)));
        assert_eq!(
            week.acknowledged_on_time,
            Some(Figure::Value(50.0)),
            "24 hours is by the clock: 25 h is late"
        );
        assert_eq!(week.upheld, Some(Figure::Value(100.0)));
        // 17.25 days and 17.96 days: the median is the 5th of 10, the 90th percentile the 9th.
        assert_eq!(week.days_to_decision_median, Some(Figure::Value(17.3)));
        assert_eq!(week.days_to_decision_p90, Some(Figure::Value(18.0)));
        assert!(insights.overdue_now.is_empty());
    }

    #[test]
    fn a_complaint_reopened_twice_counts_once_and_open_lateness_is_overdue() {
        let mut db = Seeded::new("reopened");
        let received = at("2026-11-23T10:00:00Z");
        let cycle = [
            (Stage::Acknowledged, at("2026-11-23T11:00:00Z")),
            (Stage::Responded, at("2026-11-24T11:00:00Z")),
            (Stage::Reopened, at("2026-11-25T11:00:00Z")),
            (Stage::Responded, at("2026-11-26T11:00:00Z")),
            (Stage::Reopened, at("2026-11-27T11:00:00Z")),
        ];
        db.add("delivery", received, &cycle);
        for _ in 0..4 {
            db.add("delivery", received, &cycle[..2]);
        }
        // Five never acknowledged: overdue now.
        for _ in 0..5 {
            db.add("service-billing", received, &[]);
        }
        let insights = db.compute(at("2026-12-01T12:00:00Z"));
        assert_eq!(
            row(&insights, "2026-W48", Some("delivery")).reopened,
            Some(Figure::Value(20.0))
        );
        assert_eq!(
            insights.overdue_now,
            vec![CategoryCount {
                category: "service-billing".into(),
                count: Figure::Value(5.0)
            }]
        );
    }

    #[test]
    fn causes_are_ranked_with_their_trend() {
        let mut db = Seeded::new("causes");
        let now = at("2026-12-02T12:00:00Z");
        let tag = |db: &mut Seeded, cause: &str, when: &str, n: usize| {
            for _ in 0..n {
                let id = db.add("delivery", at(when), &[]);
                db.store
                    .set_causes(id, &[cause.to_owned()], at(when))
                    .unwrap();
            }
        };
        tag(&mut db, "courier-delay", "2026-11-25T10:00:00Z", 9);
        tag(&mut db, "courier-delay", "2026-10-20T10:00:00Z", 5);
        tag(&mut db, "billing-error", "2026-11-25T10:00:00Z", 2);
        let insights = db.compute(now);
        assert_eq!(insights.causes[0].cause, "courier-delay");
        assert_eq!(insights.causes[0].last_4_weeks, Figure::Value(9.0));
        assert_eq!(insights.causes[0].last_13_weeks, Figure::Value(14.0));
        assert_eq!(insights.causes[0].trend, Trend::Rising);
        assert_eq!(insights.causes[1].last_13_weeks, FEWER);
        assert_eq!(insights.causes[1].trend, Trend::Unknown);
    }

    #[test]
    fn the_report_counts_a_period_and_its_csv_is_formula_safe() {
        let mut db = Seeded::new("report");
        let received = at("2026-11-02T10:00:00Z");
        for _ in 0..3 {
            db.add(
                "delivery",
                received,
                &[
                    (Stage::Responded, at("2026-11-03T10:00:00Z")),
                    (Stage::Closed, at("2026-11-04T10:00:00Z")),
                ],
            );
        }
        db.add(
            "delivery",
            received,
            &[
                (Stage::Responded, at("2026-11-20T10:00:00Z")),
                (Stage::Closed, at("2026-11-20T11:00:00Z")),
            ],
        );
        db.add("gaming-account", received, &[]);
        let report = report(
            &mut db.store,
            &db.settings,
            Date::parse_iso("2026-11-01").unwrap(),
            Date::parse_iso("2026-11-30").unwrap(),
            at("2026-12-01T00:00:00Z"),
        )
        .unwrap();
        let all = report.lines.last().unwrap();
        assert_eq!((all.opened, all.closed), (5, 4));
        assert_eq!(all.closed_within_3_business_days_pct, Some(75.0));
        assert_eq!(all.closed_within_8_weeks_pct, Some(100.0));
        assert_eq!(all.upheld_pct, Some(100.0));
        let csv = report.render(ReportFormat::Csv);
        assert!(csv.starts_with("\"from\",\"to\",\"category\""), "{csv}");
        assert!(csv.contains("\"delivery\",\"4\",\"4\",\"75.0\""), "{csv}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const CATEGORIES: [&str; 3] = ["delivery", "service-billing", "defective-product"];

        proptest! {
            #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

            #[test]
            fn shares_stay_within_0_and_100_and_counts_add_up(
                complaints in proptest::collection::vec(
                    (0usize..3, 0i64..(21 * 86_400), 0u8..5, 0i64..(30 * 86_400)),
                    1..70,
                )
            ) {
                let mut db = Seeded::new("property");
                let start = at("2026-10-05T00:00:00Z").unix_seconds();
                for &(category, offset, path, took) in &complaints {
                    let received = Instant::from_unix_seconds(start + offset);
                    let t = |s: i64| Instant::from_unix_seconds(start + offset + s);
                    let all = [
                        (Stage::Acknowledged, t(took / 10 + 60)),
                        (Stage::Responded, t(took + 120)),
                        (Stage::Reopened, t(took + 180)),
                        (Stage::Responded, t(took + 240)),
                    ];
                    db.add(CATEGORIES[category], received, &all[..usize::from(path)]);
                }
                let insights = db.compute(at("2026-11-20T12:00:00Z"));
                let mut total_by_week: BTreeMap<&str, f64> = BTreeMap::new();
                let mut hidden: BTreeMap<&str, bool> = BTreeMap::new();
                for row in &insights.weeks {
                    for share in [row.acknowledged_on_time, row.decided_on_time, row.upheld,
                                  row.partly_upheld, row.not_upheld, row.reopened].into_iter().flatten() {
                        if let Figure::Value(v) = share {
                            prop_assert!((0.0..=100.0).contains(&v), "{v} in {row:?}");
                        }
                    }
                    if let (Some(Figure::Value(a)), Some(Figure::Value(b)), Some(Figure::Value(c))) =
                        (row.upheld, row.partly_upheld, row.not_upheld) {
                        prop_assert!((a + b + c - 100.0).abs() <= 0.15, "{a} + {b} + {c}");
                    }
                    if row.category.is_some() {
                        match row.received {
                            Figure::Value(v) => *total_by_week.entry(&row.week).or_default() += v,
                            Figure::Suppressed(_) => { hidden.insert(&row.week, true); }
                        }
                    }
                }
                let mut everything = 0.0;
                for row in insights.weeks.iter().filter(|r| r.category.is_none()) {
                    let shown = total_by_week.get(row.week.as_str()).copied().unwrap_or(0.0);
                    match row.received {
                        Figure::Value(v) => {
                            everything += v;
                            if hidden.contains_key(row.week.as_str()) {
                                prop_assert!(v >= shown);
                            } else {
                                prop_assert_eq!(v, shown);
                            }
                        }
                        Figure::Suppressed(_) => prop_assert!(shown < 5.0),
                    }
                }
                prop_assert!(everything <= complaints.len() as f64);
            }
        }
    }
}
