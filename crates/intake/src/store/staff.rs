//! The organisation's people and their signed-in browsers (issue #23): staff accounts and sessions. The
//! session token itself is never stored, only its SHA-256 (a copy of the database signs nobody in).
// Scaffold of issue #23: the staff API's rooms use the rest; remove this when they do.
#![allow(dead_code)]

use complaint_domain::instant::Instant;
use rusqlite::{params, OptionalExtension};

use super::{corrupt, Result, Store};
use crate::desk::Role;

/// A staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// en, ko or pl.
    pub locale: String,
    pub categories: Vec<String>,
    pub created_at: Instant,
    pub disabled_at: Option<Instant>,
}

/// What a new account starts with.
pub struct NewStaff<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub locale: &'a str,
    pub categories: &'a [String],
}

/// A signed-in browser, found by its token's SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub staff_id: i64,
    pub csrf: String,
    pub created_at: Instant,
    pub seen_at: Instant,
    pub address: String,
    pub ended_at: Option<Instant>,
}

/// Staff accounts and sessions.
pub trait StaffStore {
    /// A new account; `None` when the email address already has one.
    fn add_staff(&mut self, new: &NewStaff<'_>, at: Instant) -> Result<Option<i64>>;
    fn staff_member(&self, id: i64) -> Result<Option<StaffRecord>>;
    /// Every account, disabled ones too, by name.
    fn all_staff(&self) -> Result<Vec<StaffRecord>>;
    fn start_session(
        &mut self,
        staff_id: i64,
        token_sha256: &str,
        csrf: &str,
        address: &str,
        at: Instant,
    ) -> Result<()>;
    fn session(&self, token_sha256: &str) -> Result<Option<SessionRecord>>;
    /// Marks the session used at `at` (for the idle timeout).
    fn touch_session(&mut self, token_sha256: &str, at: Instant) -> Result<()>;
    fn end_session(&mut self, token_sha256: &str, at: Instant) -> Result<()>;
    /// Ends every open session of one person ("sign out everywhere", an account turned off). Returns how many.
    fn end_sessions_of(&mut self, staff_id: i64, at: Instant) -> Result<usize>;
    /// Changes an account's role, categories and whether it is turned off (`Some(at)`) or on (`None`), in one
    /// transaction that refuses (`false`, nothing changed) when it would leave no admin who can sign in.
    fn update_staff(
        &mut self,
        id: i64,
        role: Role,
        categories: &[String],
        disabled_at: Option<Instant>,
    ) -> Result<bool>;
}

fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(StaffRecord, String, String)> {
    Ok((
        StaffRecord {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            role: Role::Agent,
            locale: r.get(4)?,
            categories: Vec::new(),
            created_at: Instant::from_unix_seconds(r.get(6)?),
            disabled_at: r.get::<_, Option<i64>>(7)?.map(Instant::from_unix_seconds),
        },
        r.get(3)?,
        r.get(5)?,
    ))
}

fn finish_staff(
    (mut record, role, categories): (StaffRecord, String, String),
) -> Result<StaffRecord> {
    record.role = Role::parse(&role).ok_or_else(|| corrupt("staff role", &role))?;
    record.categories =
        serde_json::from_str(&categories).map_err(|_| corrupt("staff categories", &categories))?;
    Ok(record)
}

const STAFF_COLUMNS: &str = "id, name, email, role, locale, categories, created_at, disabled_at";

impl StaffStore for Store {
    fn add_staff(&mut self, new: &NewStaff<'_>, at: Instant) -> Result<Option<i64>> {
        let categories = serde_json::to_string(new.categories)
            .map_err(|e| super::StoreError::Database(Box::new(e)))?;
        let tx = self.write()?;
        let added = tx.execute(
            "INSERT OR IGNORE INTO staff (name, email, role, locale, categories, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                new.name,
                new.email,
                new.role.name(),
                new.locale,
                categories,
                at.unix_seconds()
            ],
        )?;
        let id = (added == 1).then(|| tx.last_insert_rowid());
        tx.commit()?;
        Ok(id)
    }

    fn staff_member(&self, id: i64) -> Result<Option<StaffRecord>> {
        self.conn
            .query_row(
                &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = ?1"),
                [id],
                staff_row,
            )
            .optional()?
            .map(finish_staff)
            .transpose()
    }

    fn all_staff(&self) -> Result<Vec<StaffRecord>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff ORDER BY name, id"
        ))?;
        let rows = statement.query_map([], staff_row)?;
        rows.map(|row| finish_staff(row?)).collect()
    }

    fn start_session(
        &mut self,
        staff_id: i64,
        token_sha256: &str,
        csrf: &str,
        address: &str,
        at: Instant,
    ) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO staff_sessions (token_sha256, staff_id, csrf, created_at, seen_at, address)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            params![token_sha256, staff_id, csrf, at.unix_seconds(), address],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn session(&self, token_sha256: &str) -> Result<Option<SessionRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT staff_id, csrf, created_at, seen_at, address, ended_at
                 FROM staff_sessions WHERE token_sha256 = ?1",
                [token_sha256],
                |r| {
                    Ok(SessionRecord {
                        staff_id: r.get(0)?,
                        csrf: r.get(1)?,
                        created_at: Instant::from_unix_seconds(r.get(2)?),
                        seen_at: Instant::from_unix_seconds(r.get(3)?),
                        address: r.get(4)?,
                        ended_at: r.get::<_, Option<i64>>(5)?.map(Instant::from_unix_seconds),
                    })
                },
            )
            .optional()?)
    }

    fn touch_session(&mut self, token_sha256: &str, at: Instant) -> Result<()> {
        self.conn.execute(
            "UPDATE staff_sessions SET seen_at = ?2 WHERE token_sha256 = ?1 AND ended_at IS NULL",
            params![token_sha256, at.unix_seconds()],
        )?;
        Ok(())
    }

    fn end_session(&mut self, token_sha256: &str, at: Instant) -> Result<()> {
        self.conn.execute(
            "UPDATE staff_sessions SET ended_at = ?2 WHERE token_sha256 = ?1 AND ended_at IS NULL",
            params![token_sha256, at.unix_seconds()],
        )?;
        Ok(())
    }

    fn end_sessions_of(&mut self, staff_id: i64, at: Instant) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE staff_sessions SET ended_at = ?2 WHERE staff_id = ?1 AND ended_at IS NULL",
            params![staff_id, at.unix_seconds()],
        )?)
    }

    fn update_staff(
        &mut self,
        id: i64,
        role: Role,
        categories: &[String],
        disabled_at: Option<Instant>,
    ) -> Result<bool> {
        let categories = serde_json::to_string(categories)
            .map_err(|e| super::StoreError::Database(Box::new(e)))?;
        let admins = |tx: &rusqlite::Transaction<'_>| -> rusqlite::Result<i64> {
            tx.query_row(
                "SELECT count(*) FROM staff WHERE role = 'admin' AND disabled_at IS NULL",
                [],
                |r| r.get(0),
            )
        };
        let tx = self.write()?;
        let before = admins(&tx)?;
        tx.execute(
            "UPDATE staff SET role = ?2, categories = ?3,
                 disabled_at = CASE WHEN ?4 IS NULL THEN NULL ELSE coalesce(disabled_at, ?4) END
             WHERE id = ?1",
            params![
                id,
                role.name(),
                categories,
                disabled_at.map(Instant::unix_seconds)
            ],
        )?;
        if before > 0 && admins(&tx)? == 0 {
            return Ok(false);
        }
        tx.commit()?;
        Ok(true)
    }
}
