//! `StaffStore` on PostgreSQL: accounts and sessions, as SQLite's. One thing needs care with several nodes:
//! the last admin. Two nodes each turning off a different admin at once would each count the other still
//! there; so `update_staff` locks the admins it counts (`FOR UPDATE`), and the second waits for the first
//! and counts again.

use complaint_domain::instant::Instant;
use postgres::Row;

use super::PgStore;
use crate::desk::Role;
use crate::store::{corrupt, NewStaff, Result, SessionRecord, StaffRecord, StaffStore, StoreError};

const STAFF_COLUMNS: &str = "id, name, email, role, locale, categories, created_at, disabled_at";

fn staff_row(r: &Row) -> Result<StaffRecord> {
    let role: String = r.try_get(3)?;
    let categories: String = r.try_get(5)?;
    Ok(StaffRecord {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        email: r.try_get(2)?,
        role: Role::parse(&role).ok_or_else(|| corrupt("staff role", &role))?,
        locale: r.try_get(4)?,
        categories: serde_json::from_str(&categories)
            .map_err(|_| corrupt("staff categories", &categories))?,
        created_at: Instant::from_unix_seconds(r.try_get(6)?),
        disabled_at: r
            .try_get::<_, Option<i64>>(7)?
            .map(Instant::from_unix_seconds),
    })
}

/// Categories as stored: a JSON list.
pub(super) fn categories_json(categories: &[String]) -> Result<String> {
    serde_json::to_string(categories).map_err(|e| StoreError::Database(Box::new(e)))
}

/// How many admins can sign in.
const ADMINS: &str = "SELECT count(*) FROM staff WHERE role = 'admin' AND disabled_at IS NULL";

/// The admins who can sign in, each locked until the transaction ends.
const ADMINS_LOCKED: &str =
    "SELECT id FROM staff WHERE role = 'admin' AND disabled_at IS NULL FOR UPDATE";

impl StaffStore for PgStore {
    fn add_staff(&mut self, new: &NewStaff<'_>, at: Instant) -> Result<Option<i64>> {
        let categories = categories_json(new.categories)?;
        // The address is unique whatever its case (index staff_by_email), as SQLite's COLLATE NOCASE.
        let row = self.connection()?.query_opt(
            "INSERT INTO staff (name, email, role, locale, categories, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING RETURNING id",
            &[
                &new.name,
                &new.email,
                &new.role.name(),
                &new.locale,
                &categories,
                &at.unix_seconds(),
            ],
        )?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    fn staff_member(&self, id: i64) -> Result<Option<StaffRecord>> {
        self.connection()?
            .query_opt(
                &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1"),
                &[&id],
            )?
            .as_ref()
            .map(staff_row)
            .transpose()
    }

    fn all_staff(&self) -> Result<Vec<StaffRecord>> {
        // COLLATE "C": by code point, as SQLite's BINARY, whatever the database's own collation.
        self.connection()?
            .query(
                &format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY name COLLATE \"C\", id"),
                &[],
            )?
            .iter()
            .map(staff_row)
            .collect()
    }

    fn start_session(
        &mut self,
        staff_id: i64,
        token_sha256: &str,
        csrf: &str,
        address: &str,
        at: Instant,
    ) -> Result<()> {
        self.connection()?.execute(
            "INSERT INTO staff_sessions (token_sha256, staff_id, csrf, created_at, seen_at, address)
             VALUES ($1, $2, $3, $4, $4, $5)",
            &[&token_sha256, &staff_id, &csrf, &at.unix_seconds(), &address],
        )?;
        Ok(())
    }

    fn session(&self, token_sha256: &str) -> Result<Option<SessionRecord>> {
        let row = self.connection()?.query_opt(
            "SELECT staff_id, csrf, created_at, seen_at, address, ended_at
             FROM staff_sessions WHERE token_sha256 = $1",
            &[&token_sha256],
        )?;
        let Some(r) = row else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            staff_id: r.try_get(0)?,
            csrf: r.try_get(1)?,
            created_at: Instant::from_unix_seconds(r.try_get(2)?),
            seen_at: Instant::from_unix_seconds(r.try_get(3)?),
            address: r.try_get(4)?,
            ended_at: r
                .try_get::<_, Option<i64>>(5)?
                .map(Instant::from_unix_seconds),
        }))
    }

    fn touch_session(&mut self, token_sha256: &str, at: Instant) -> Result<()> {
        self.connection()?.execute(
            "UPDATE staff_sessions SET seen_at = $2 WHERE token_sha256 = $1 AND ended_at IS NULL",
            &[&token_sha256, &at.unix_seconds()],
        )?;
        Ok(())
    }

    fn end_session(&mut self, token_sha256: &str, at: Instant) -> Result<()> {
        self.connection()?.execute(
            "UPDATE staff_sessions SET ended_at = $2 WHERE token_sha256 = $1 AND ended_at IS NULL",
            &[&token_sha256, &at.unix_seconds()],
        )?;
        Ok(())
    }

    fn end_sessions_of(&mut self, staff_id: i64, at: Instant) -> Result<usize> {
        let ended = self.connection()?.execute(
            "UPDATE staff_sessions SET ended_at = $2 WHERE staff_id = $1 AND ended_at IS NULL",
            &[&staff_id, &at.unix_seconds()],
        )?;
        Ok(usize::try_from(ended).unwrap_or(usize::MAX))
    }

    fn update_staff(
        &mut self,
        id: i64,
        role: Role,
        categories: &[String],
        disabled_at: Option<Instant>,
    ) -> Result<bool> {
        let categories = categories_json(categories)?;
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        // Locks every admin who can sign in: another node changing one of them waits for this commit, then
        // counts again, so two changes at once cannot leave no admin between them.
        let before: i64 = tx
            .query_one(
                &format!("SELECT count(*) FROM ({ADMINS_LOCKED}) AS admins"),
                &[],
            )?
            .try_get(0)?;
        tx.execute(
            "UPDATE staff SET role = $2, categories = $3,
                 disabled_at = CASE WHEN $4::BIGINT IS NULL THEN NULL ELSE coalesce(disabled_at, $4) END
             WHERE id = $1",
            &[
                &id,
                &role.name(),
                &categories,
                &disabled_at.map(Instant::unix_seconds),
            ],
        )?;
        let after: i64 = tx.query_one(ADMINS, &[])?.try_get(0)?;
        if before > 0 && after == 0 {
            // Dropped without a commit: rolled back, nothing changed.
            return Ok(false);
        }
        tx.commit()?;
        Ok(true)
    }
}
