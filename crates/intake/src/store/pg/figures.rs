//! `FigureStore` on PostgreSQL: the same grouped counts as SQLite's, over the same indexes. `COUNT(*)
//! FILTER (…)` counts where SQLite sums its 0-or-1 comparisons; text is ordered by code point
//! (`COLLATE "C"`), as SQLite orders it, so the published file is the same on both engines.

use std::collections::BTreeMap;

use complaint_domain::instant::Instant;
use postgres::Row;

use super::PgStore;
use crate::store::{CauseCount, CauseWindows, ClosedCounts, FigureCounts, FigureStore, Result};

/// Column `i` of `r`, a count.
fn count(r: &Row, i: usize) -> Result<u64> {
    Ok(r.try_get::<_, i64>(i)?.max(0) as u64)
}

impl FigureStore for PgStore {
    fn counts_per_cell(
        &self,
        first_week: &str,
        now: Instant,
    ) -> Result<BTreeMap<(String, String), FigureCounts>> {
        let rows = self.connection()?.query(
            "SELECT received_week, category, COUNT(*),
                    COUNT(*) FILTER (WHERE ack_due_at IS NOT NULL
                                       AND (acknowledged_at IS NOT NULL OR ack_due_at <= $2)),
                    COUNT(*) FILTER (WHERE acknowledged_at IS NOT NULL AND acknowledged_at < ack_due_at),
                    COUNT(*) FILTER (WHERE decide_due_at IS NOT NULL
                                       AND (decided_at IS NOT NULL OR decide_due_at <= $2)),
                    COUNT(*) FILTER (WHERE decided_at IS NOT NULL AND decided_at < decide_due_at),
                    COUNT(decision), COUNT(*) FILTER (WHERE decision = 'upheld'),
                    COUNT(*) FILTER (WHERE decision = 'partly_upheld'),
                    COUNT(*) FILTER (WHERE decision = 'not_upheld'),
                    COUNT(*) FILTER (WHERE reopened <> 0), COUNT(rating),
                    COALESCE(SUM(rating), 0)::bigint,
                    COUNT(decided_at)
             FROM complaints
             WHERE received_week >= $1
             GROUP BY received_week, category",
            &[&first_week, &now.unix_seconds()],
        )?;
        rows.iter()
            .map(|r| {
                let key = (
                    r.try_get::<_, Option<String>>(0)?.unwrap_or_default(),
                    r.try_get::<_, String>(1)?,
                );
                let counts = FigureCounts {
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
                    stars: count(r, 13)?,
                    decided_once: count(r, 14)?,
                };
                Ok((key, counts))
            })
            .collect()
    }

    fn nth_decision_seconds(
        &self,
        week: &str,
        category: Option<&str>,
        offset: i64,
    ) -> Result<Option<i64>> {
        let row = self.connection()?.query_opt(
            "SELECT decision_seconds FROM complaints
             WHERE received_week = $1 AND ($2::text IS NULL OR category = $2)
               AND decision_seconds IS NOT NULL
             ORDER BY decision_seconds LIMIT 1 OFFSET $3",
            &[&week, &category, &offset],
        )?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    fn cause_counts(&self, windows: CauseWindows, limit: i64) -> Result<Vec<CauseCount>> {
        let w = windows;
        let rows = self.connection()?.query(
            "SELECT cause, COUNT(*) FILTER (WHERE at >= $1), COUNT(*),
                    COUNT(*) FILTER (WHERE at >= $2 AND at < $1)
             FROM complaint_causes WHERE at >= $3 AND at <= $4
             GROUP BY cause ORDER BY COUNT(*) DESC, cause COLLATE \"C\" LIMIT $5",
            &[&w.last_from, &w.previous_from, &w.since, &w.until, &limit],
        )?;
        rows.iter()
            .map(|r| {
                Ok(CauseCount {
                    cause: r.try_get(0)?,
                    last: count(r, 1)?,
                    all: count(r, 2)?,
                    previous: count(r, 3)?,
                })
            })
            .collect()
    }

    fn overdue_per_category(&self, now: Instant) -> Result<Vec<(String, u64)>> {
        let rows = self.connection()?.query(
            "SELECT category, COUNT(*) FROM complaints
             WHERE next_due_at IS NOT NULL AND next_due_at <= $1
             GROUP BY category ORDER BY category COLLATE \"C\"",
            &[&now.unix_seconds()],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, count(r, 1)?)))
            .collect()
    }

    fn opened_per_category(&self, start: i64, end: i64) -> Result<BTreeMap<String, u64>> {
        let rows = self.connection()?.query(
            "SELECT category, COUNT(*) FROM complaints
             WHERE received_at >= $1 AND received_at < $2 AND received_week IS NOT NULL
             GROUP BY category",
            &[&start, &end],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, count(r, 1)?)))
            .collect()
    }

    fn closed_per_category(&self, start: i64, end: i64) -> Result<BTreeMap<String, ClosedCounts>> {
        let rows = self.connection()?.query(
            "SELECT category, COUNT(*), COUNT(*) FILTER (WHERE closed_in_3_days <> 0),
                    COUNT(*) FILTER (WHERE closed_in_8_weeks <> 0),
                    COUNT(*) FILTER (WHERE decision = 'upheld'),
                    COUNT(*) FILTER (WHERE decision = 'partly_upheld')
             FROM complaints
             WHERE closed_at IS NOT NULL AND closed_at >= $1 AND closed_at < $2
             GROUP BY category",
            &[&start, &end],
        )?;
        rows.iter()
            .map(|r| {
                let counts = [
                    count(r, 1)?,
                    count(r, 2)?,
                    count(r, 3)?,
                    count(r, 4)?,
                    count(r, 5)?,
                ];
                Ok((r.try_get(0)?, counts))
            })
            .collect()
    }
}
