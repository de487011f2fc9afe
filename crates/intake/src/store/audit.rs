//! The audit log (issue #23): every staff action and every sign-in, appended, never edited.

use complaint_domain::instant::Instant;
use rusqlite::params;

use super::{Result, Store};

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: Instant,
    /// `cli`, `staff:ID` or `token:ID` (`Actor::audit_key`).
    pub actor: String,
    /// The name at the time.
    pub actor_name: String,
    /// A stable name: `sign_in`, `sign_in_failed`, `acknowledge`, `assign`, `note`, `reply`, …
    pub action: String,
    pub complaint_id: Option<i64>,
    /// The details, as a JSON object.
    pub detail: serde_json::Value,
    pub address: Option<String>,
}

pub trait AuditStore {
    fn append_audit(&mut self, entry: &AuditEntry) -> Result<()>;
    /// One complaint's trail, oldest first.
    fn audit_for(&self, complaint_id: i64) -> Result<Vec<AuditEntry>>;
    /// The newest `limit` lines, newest first, those before `before` (an id) when given.
    fn audit_latest(&self, limit: usize, before: Option<i64>) -> Result<Vec<(i64, AuditEntry)>>;
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, AuditEntry)> {
    let detail: String = r.get(6)?;
    Ok((
        r.get(0)?,
        AuditEntry {
            at: Instant::from_unix_seconds(r.get(1)?),
            actor: r.get(2)?,
            actor_name: r.get(3)?,
            action: r.get(4)?,
            complaint_id: r.get(5)?,
            // Written by `record` only, as JSON; a hand edit that broke it reads as its text.
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            address: r.get(7)?,
        },
    ))
}

const COLUMNS: &str = "id, at, actor, actor_name, action, complaint_id, detail, address";

impl AuditStore for Store {
    fn append_audit(&mut self, entry: &AuditEntry) -> Result<()> {
        self.conn.execute(
            "INSERT INTO audit_log (at, actor, actor_name, action, complaint_id, detail, address)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                entry.at.unix_seconds(),
                entry.actor,
                entry.actor_name,
                entry.action,
                entry.complaint_id,
                entry.detail.to_string(),
                entry.address
            ],
        )?;
        Ok(())
    }

    fn audit_for(&self, complaint_id: i64) -> Result<Vec<AuditEntry>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE complaint_id = ?1 ORDER BY id"
        ))?;
        let rows = statement.query_map([complaint_id], entry)?;
        Ok(rows
            .map(|row| row.map(|(_, e)| e))
            .collect::<rusqlite::Result<_>>()?)
    }

    fn audit_latest(&self, limit: usize, before: Option<i64>) -> Result<Vec<(i64, AuditEntry)>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE id < ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = statement.query_map(
            params![
                before.unwrap_or(i64::MAX),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            entry,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
