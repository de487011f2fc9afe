//! `FactStore` on PostgreSQL: each complaint's insight facts, refreshed when its revision moves on, and the
//! root causes found when responding. Flags are stored as 0 and 1, as SQLite stores them.

use complaint_domain::instant::Instant;

use super::complaints::load;
use super::PgStore;
use crate::store::{Complaint, FactStore, Facts, Result};

impl FactStore for PgStore {
    fn stale_facts(&self, limit: i64) -> Result<Vec<Complaint>> {
        let mut conn = self.connection()?;
        let ids = conn
            .query(
                "SELECT id FROM complaints WHERE facts_revision < revision ORDER BY id LIMIT $1",
                &[&limit],
            )?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<Vec<i64>, _>>()?;
        ids.into_iter().map(|id| load(&mut *conn, id)).collect()
    }

    fn set_facts(&mut self, facts: &[(i64, i64, Facts)]) -> Result<()> {
        let flag = |b: bool| i64::from(b);
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        let statement = tx.prepare(
            "UPDATE complaints SET received_week = $3, ack_due_at = $4, acknowledged_at = $5,
                    decide_due_at = $6, decided_at = $7, closed_at = $8, closed_in_3_days = $9,
                    closed_in_8_weeks = $10, reopened = $11, rating = $12, next_due_at = $13,
                    decision_seconds = $14, facts_revision = $2
             WHERE id = $1 AND revision = $2",
        )?;
        for (id, revision, f) in facts {
            tx.execute(
                &statement,
                &[
                    id,
                    revision,
                    &(!f.received_week.is_empty()).then_some(&f.received_week),
                    &f.ack_due_at,
                    &f.acknowledged_at,
                    &f.decide_due_at,
                    &f.decided_at,
                    &f.closed_at,
                    &f.closed_in_3_days.map(flag),
                    &f.closed_in_8_weeks.map(flag),
                    &flag(f.reopened),
                    &f.rating.map(i64::from),
                    &f.next_due_at,
                    &f.decision_seconds,
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn set_causes(&mut self, id: i64, causes: &[String], at: Instant) -> Result<()> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM complaint_causes WHERE complaint_id = $1",
            &[&id],
        )?;
        for cause in causes {
            tx.execute(
                "INSERT INTO complaint_causes (complaint_id, cause, at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&id, cause, &at.unix_seconds()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn causes(&self, id: i64) -> Result<Vec<String>> {
        // COLLATE "C": by code point, as SQLite orders text, whatever the database's locale.
        let rows = self.connection()?.query(
            "SELECT cause FROM complaint_causes WHERE complaint_id = $1 ORDER BY cause COLLATE \"C\"",
            &[&id],
        )?;
        Ok(rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?)
    }
}
