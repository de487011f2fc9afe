//! `AuditStore` on PostgreSQL: lines appended, never edited, read back as SQLite's. Every node appends to the
//! one log; the ids come from one sequence, so each node reads the lines in the same order.

use postgres::Row;

use complaint_domain::instant::Instant;

use super::PgStore;
use crate::store::{AuditEntry, AuditStore, Result};

const COLUMNS: &str = "id, at, actor, actor_name, action, complaint_id, detail, address";

fn entry(r: &Row) -> Result<(i64, AuditEntry)> {
    let detail: String = r.try_get(6)?;
    Ok((
        r.try_get(0)?,
        AuditEntry {
            at: Instant::from_unix_seconds(r.try_get(1)?),
            actor: r.try_get(2)?,
            actor_name: r.try_get(3)?,
            action: r.try_get(4)?,
            complaint_id: r.try_get(5)?,
            // Written by `append_audit` only, as JSON; a hand edit that broke it reads as its text.
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            address: r.try_get(7)?,
        },
    ))
}

impl AuditStore for PgStore {
    fn append_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.connection()?.execute(
            "INSERT INTO audit_log (at, actor, actor_name, action, complaint_id, detail, address)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &entry.at.unix_seconds(),
                &entry.actor,
                &entry.actor_name,
                &entry.action,
                &entry.complaint_id,
                &entry.detail.to_string(),
                &entry.address,
            ],
        )?;
        Ok(())
    }

    fn audit_for(&self, complaint_id: i64) -> Result<Vec<AuditEntry>> {
        self.connection()?
            .query(
                &format!("SELECT {COLUMNS} FROM audit_log WHERE complaint_id = $1 ORDER BY id"),
                &[&complaint_id],
            )?
            .iter()
            .map(|r| entry(r).map(|(_, e)| e))
            .collect()
    }

    fn audit_latest(&self, limit: usize, before: Option<i64>) -> Result<Vec<(i64, AuditEntry)>> {
        self.connection()?
            .query(
                &format!("SELECT {COLUMNS} FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2"),
                &[
                    &before.unwrap_or(i64::MAX),
                    &i64::try_from(limit).unwrap_or(i64::MAX),
                ],
            )?
            .iter()
            .map(entry)
            .collect()
    }
}
