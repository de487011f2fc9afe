//! The grouped counts the published figures and the regulator's return are made of (`crate::insights`), read
//! over the facts' indexes (`FactStore` fills them): per week and category, the k-th shortest time to a
//! decision, the causes named most, what is overdue now, what was opened and closed in a period. Raw counts
//! only: hiding small groups, ratings and percentages are the insights' own rules.

use std::collections::BTreeMap;

use complaint_domain::instant::Instant;
use rusqlite::{params, OptionalExtension};

use super::{Result, Store};

/// The raw counts behind one row of figures (a week and a category), added up before they become figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FigureCounts {
    pub received: u64,
    /// With an acknowledgement due that is kept or past.
    pub ack_base: u64,
    pub ack_kept: u64,
    /// With a decision due that is kept or past.
    pub decide_base: u64,
    pub decide_kept: u64,
    pub decided: u64,
    /// With a first decision (its days are counted), whatever the decision is now.
    pub decided_once: u64,
    pub upheld: u64,
    pub partly: u64,
    pub not_upheld: u64,
    pub reopened: u64,
    pub rated: u64,
    pub stars: u64,
}

/// How often a cause was named: in the last four weeks, the four before them, and the whole window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CauseCount {
    pub cause: String,
    pub last: u64,
    pub previous: u64,
    pub all: u64,
}

/// The periods [`FigureStore::cause_counts`] counts in, as Unix seconds: the window is `since..=until`, the
/// last four weeks from `last_from`, the four before from `previous_from` to `last_from`.
#[derive(Debug, Clone, Copy)]
pub struct CauseWindows {
    pub last_from: i64,
    pub previous_from: i64,
    pub since: i64,
    pub until: i64,
}

/// Of the complaints closed in a period, per category: all, within 3 business days, within 8 weeks, upheld,
/// partly upheld.
pub type ClosedCounts = [u64; 5];

/// The figures' grouped reads, over the facts' indexes.
pub trait FigureStore {
    /// Each week's and category's counts from `first_week` on; a promise counts once kept or past at `now`.
    fn counts_per_cell(
        &self,
        first_week: &str,
        now: Instant,
    ) -> Result<BTreeMap<(String, String), FigureCounts>>;

    /// The time from receipt to the first decision of rank `offset + 1` (shortest first) in `week`, of
    /// `category` or of every one (`None`).
    fn nth_decision_seconds(
        &self,
        week: &str,
        category: Option<&str>,
        offset: i64,
    ) -> Result<Option<i64>>;

    /// The `limit` causes named most in `windows.since..=windows.until`, most first, then by name.
    fn cause_counts(&self, windows: CauseWindows, limit: i64) -> Result<Vec<CauseCount>>;

    /// How many complaints are past a due date at `now`, per category, by category.
    fn overdue_per_category(&self, now: Instant) -> Result<Vec<(String, u64)>>;

    /// How many complaints were received in `start..end` (Unix seconds), per category (held ones not).
    fn opened_per_category(&self, start: i64, end: i64) -> Result<BTreeMap<String, u64>>;

    /// The complaints closed in `start..end` (Unix seconds), per category.
    fn closed_per_category(&self, start: i64, end: i64) -> Result<BTreeMap<String, ClosedCounts>>;
}

/// A count as SQLite's `SUM` gives it (`NULL` for none).
fn count(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<u64> {
    Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0).max(0) as u64)
}

impl FigureStore for Store {
    fn counts_per_cell(
        &self,
        first_week: &str,
        now: Instant,
    ) -> Result<BTreeMap<(String, String), FigureCounts>> {
        let mut statement = self.conn.prepare_cached(
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
        let rows = statement.query_map(params![first_week, now.unix_seconds()], |r| {
            Ok((
                (
                    r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    r.get::<_, String>(1)?,
                ),
                FigureCounts {
                    received: count(r, 2)?,
                    ack_base: count(r, 3)?,
                    ack_kept: count(r, 4)?,
                    decide_base: count(r, 5)?,
                    decide_kept: count(r, 6)?,
                    decided: count(r, 7)?,
                    upheld: count(r, 8)?,
                    partly: count(r, 9)?,
                    not_upheld: count(r, 10)?,
                    reopened: count(r, 11)?,
                    rated: count(r, 12)?,
                    stars: r.get::<_, f64>(13)?.max(0.0) as u64,
                    decided_once: count(r, 14)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn nth_decision_seconds(
        &self,
        week: &str,
        category: Option<&str>,
        offset: i64,
    ) -> Result<Option<i64>> {
        // Read in index order (a seek and `offset` steps along it), so nothing is sorted.
        Ok(match category {
            Some(c) => self
                .conn
                .prepare_cached(
                    "SELECT decision_seconds FROM complaints INDEXED BY decisions_by_week
                     WHERE received_week = ?1 AND category = ?2 AND decision_seconds IS NOT NULL
                     ORDER BY decision_seconds LIMIT 1 OFFSET ?3",
                )?
                .query_row(params![week, c, offset], |r| r.get(0))
                .optional()?,
            None => self
                .conn
                .prepare_cached(
                    "SELECT decision_seconds FROM complaints INDEXED BY decisions_by_week_all
                     WHERE received_week = ?1 AND decision_seconds IS NOT NULL
                     ORDER BY decision_seconds LIMIT 1 OFFSET ?2",
                )?
                .query_row(params![week, offset], |r| r.get(0))
                .optional()?,
        })
    }

    fn cause_counts(&self, windows: CauseWindows, limit: i64) -> Result<Vec<CauseCount>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT cause, SUM(at >= ?1), COUNT(*), SUM(at >= ?2 AND at < ?1)
             FROM complaint_causes WHERE at >= ?3 AND at <= ?4
             GROUP BY cause ORDER BY COUNT(*) DESC, cause LIMIT ?5",
        )?;
        let w = windows;
        let rows = statement.query_map(
            params![w.last_from, w.previous_from, w.since, w.until, limit],
            |r| {
                Ok(CauseCount {
                    cause: r.get(0)?,
                    last: count(r, 1)?,
                    all: count(r, 2)?,
                    previous: count(r, 3)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn overdue_per_category(&self, now: Instant) -> Result<Vec<(String, u64)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT category, COUNT(*) FROM complaints INDEXED BY overdue_by_due
             WHERE next_due_at IS NOT NULL AND next_due_at <= ?1
             GROUP BY category ORDER BY category",
        )?;
        let rows = statement.query_map([now.unix_seconds()], |r| Ok((r.get(0)?, count(r, 1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn opened_per_category(&self, start: i64, end: i64) -> Result<BTreeMap<String, u64>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT category, COUNT(*) FROM complaints INDEXED BY opened_by_time
             WHERE received_at >= ?1 AND received_at < ?2 AND received_week IS NOT NULL
             GROUP BY category",
        )?;
        let rows = statement.query_map(params![start, end], |r| Ok((r.get(0)?, count(r, 1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn closed_per_category(&self, start: i64, end: i64) -> Result<BTreeMap<String, ClosedCounts>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT category, COUNT(*), SUM(closed_in_3_days), SUM(closed_in_8_weeks),
                    SUM(decision = 'upheld'), SUM(decision = 'partly_upheld')
             FROM complaints INDEXED BY closed_by_time
             WHERE closed_at IS NOT NULL AND closed_at >= ?1 AND closed_at < ?2
             GROUP BY category",
        )?;
        let rows = statement.query_map(params![start, end], |r| {
            Ok((
                r.get(0)?,
                [
                    count(r, 1)?,
                    count(r, 2)?,
                    count(r, 3)?,
                    count(r, 4)?,
                    count(r, 5)?,
                ],
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
