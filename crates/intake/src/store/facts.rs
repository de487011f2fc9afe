//! The figures' inputs in the store: what the published insights count about each complaint (its facts,
//! refreshed when its revision moves on) and the root causes found when responding.

use complaint_domain::instant::Instant;

use rusqlite::params;

use super::complaints::load;
use super::complaints::Complaint;
use super::{Result, Store};

/// What the published insights count about one complaint (`crate::insights::facts`), as Unix seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub received_week: String,
    pub ack_due_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub decide_due_at: Option<i64>,
    pub decided_at: Option<i64>,
    /// From receipt to the first decision.
    pub decision_seconds: Option<i64>,
    pub closed_at: Option<i64>,
    pub closed_in_3_days: Option<bool>,
    pub closed_in_8_weeks: Option<bool>,
    pub reopened: bool,
    pub rating: Option<u8>,
    pub next_due_at: Option<i64>,
}

/// The figures' inputs: each complaint's facts and its root causes.
pub trait FactStore {
    /// Complaints whose insight facts lag behind their status (changed since, or never filled), at most
    /// `limit`, by id.
    fn stale_facts(&self, limit: i64) -> Result<Vec<Complaint>>;

    /// Records the facts of each complaint as of `revision`, in one transaction; a complaint changed
    /// meanwhile keeps lagging and is filled again next time.
    fn set_facts(&mut self, facts: &[(i64, i64, Facts)]) -> Result<()>;

    /// Replaces the causes complaint `id` is tagged with.
    fn set_causes(&mut self, id: i64, causes: &[String], at: Instant) -> Result<()>;

    /// The causes complaint `id` is tagged with, by name.
    fn causes(&self, id: i64) -> Result<Vec<String>>;
}

impl FactStore for Store {
    fn stale_facts(&self, limit: i64) -> Result<Vec<Complaint>> {
        let mut statement = self.conn.prepare(
            "SELECT id FROM complaints WHERE facts_revision < revision ORDER BY id LIMIT ?1",
        )?;
        let ids = statement
            .query_map([limit], |r| r.get(0))?
            .collect::<std::result::Result<Vec<i64>, _>>()?;
        ids.into_iter().map(|id| load(&self.conn, id)).collect()
    }

    fn set_facts(&mut self, facts: &[(i64, i64, Facts)]) -> Result<()> {
        let tx = self.write()?;
        {
            let mut statement = tx.prepare(
                "UPDATE complaints SET received_week = ?3, ack_due_at = ?4, acknowledged_at = ?5,
                        decide_due_at = ?6, decided_at = ?7, closed_at = ?8, closed_in_3_days = ?9,
                        closed_in_8_weeks = ?10, reopened = ?11, rating = ?12, next_due_at = ?13,
                        decision_seconds = ?14, facts_revision = ?2
                 WHERE id = ?1 AND revision = ?2",
            )?;
            for (id, revision, f) in facts {
                statement.execute(params![
                    id,
                    revision,
                    (!f.received_week.is_empty()).then_some(&f.received_week),
                    f.ack_due_at,
                    f.acknowledged_at,
                    f.decide_due_at,
                    f.decided_at,
                    f.closed_at,
                    f.closed_in_3_days,
                    f.closed_in_8_weeks,
                    f.reopened,
                    f.rating,
                    f.next_due_at,
                    f.decision_seconds,
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn set_causes(&mut self, id: i64, causes: &[String], at: Instant) -> Result<()> {
        let tx = self.write()?;
        tx.execute("DELETE FROM complaint_causes WHERE complaint_id = ?1", [id])?;
        for cause in causes {
            tx.execute(
                "INSERT OR IGNORE INTO complaint_causes (complaint_id, cause, at) VALUES (?1, ?2, ?3)",
                params![id, cause, at.unix_seconds()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn causes(&self, id: i64) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare("SELECT cause FROM complaint_causes WHERE complaint_id = ?1 ORDER BY cause")?;
        let causes = statement
            .query_map([id], |r| r.get(0))?
            .collect::<std::result::Result<Vec<String>, _>>()?;
        Ok(causes)
    }
}
