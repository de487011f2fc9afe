//! `PasskeyStore` on PostgreSQL: enrolment links, passkeys, ceremonies and recovery codes, as SQLite's.
//!
//! What may be used once is used once across nodes. Each is taken by one statement that both checks it is
//! unused and marks it used (`UPDATE … WHERE used_at IS NULL`, `DELETE … RETURNING`): a second node doing
//! the same at the same moment waits on the row's lock, then finds it used and is refused. An enrolment
//! that fails after taking its link (the address has an account) rolls back, and the link is unused again.

use complaint_domain::instant::Instant;
use postgres::Row;

use super::staff::categories_json;
use super::PgStore;
use crate::desk::Role;
use crate::store::{
    corrupt, EnrolRefused, Enrolment, InvitationRecord, NewInvitation, NewPasskey, OidcEnrolled,
    PasskeyRecord, PasskeyStore, Result,
};

const PASSKEY_COLUMNS: &str = "id, staff_id, credential_id, passkey, created_at, used_at";

fn passkey_row(r: &Row) -> Result<PasskeyRecord> {
    Ok(PasskeyRecord {
        id: r.try_get(0)?,
        staff_id: r.try_get(1)?,
        credential_id: r.try_get(2)?,
        passkey: r.try_get(3)?,
        created_at: Instant::from_unix_seconds(r.try_get(4)?),
        used_at: r
            .try_get::<_, Option<i64>>(5)?
            .map(Instant::from_unix_seconds),
    })
}

fn invitation_row(r: &Row) -> Result<InvitationRecord> {
    let role: String = r.try_get(3)?;
    let categories: String = r.try_get(4)?;
    Ok(InvitationRecord {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        email: r.try_get(2)?,
        role: Role::parse(&role).ok_or_else(|| corrupt("invitation role", &role))?,
        categories: serde_json::from_str(&categories)
            .map_err(|_| corrupt("invitation categories", &categories))?,
        expires_at: Instant::from_unix_seconds(r.try_get(5)?),
        used_at: r
            .try_get::<_, Option<i64>>(6)?
            .map(Instant::from_unix_seconds),
    })
}

impl PasskeyStore for PgStore {
    fn add_invitation(&mut self, new: &NewInvitation<'_>, at: Instant) -> Result<i64> {
        let categories = categories_json(new.categories)?;
        Ok(self
            .connection()?
            .query_one(
                "INSERT INTO staff_invitations
                     (token_sha256, name, email, role, categories, invited_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    &new.token_sha256,
                    &new.name,
                    &new.email,
                    &new.role.name(),
                    &categories,
                    &new.invited_by,
                    &at.unix_seconds(),
                    &new.expires_at.unix_seconds(),
                ],
            )?
            .try_get(0)?)
    }

    fn invitation(&self, token_sha256: &str) -> Result<Option<InvitationRecord>> {
        self.connection()?
            .query_opt(
                "SELECT id, name, email, role, categories, expires_at, used_at
                 FROM staff_invitations WHERE token_sha256 = $1",
                &[&token_sha256],
            )?
            .as_ref()
            .map(invitation_row)
            .transpose()
    }

    fn enrol(
        &mut self,
        enrolment: &Enrolment<'_>,
        at: Instant,
    ) -> Result<std::result::Result<i64, EnrolRefused>> {
        let new = &enrolment.staff;
        let categories = categories_json(new.categories)?;
        let at = at.unix_seconds();
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        // Returning early drops `tx` uncommitted: rolled back, the link unused again.
        let claimed = tx.execute(
            "UPDATE staff_invitations SET used_at = $2 WHERE id = $1 AND used_at IS NULL",
            &[&enrolment.invitation_id, &at],
        )?;
        if claimed != 1 {
            return Ok(Err(EnrolRefused::LinkUsed));
        }
        let added = tx.query_opt(
            "INSERT INTO staff (name, email, role, locale, categories, created_at, user_handle)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id",
            &[
                &new.name,
                &new.email,
                &new.role.name(),
                &new.locale,
                &categories,
                &at,
                &enrolment.user_handle,
            ],
        )?;
        let Some(added) = added else {
            return Ok(Err(EnrolRefused::EmailTaken));
        };
        let staff_id: i64 = added.try_get(0)?;
        let key = tx.execute(
            "INSERT INTO staff_passkeys (staff_id, credential_id, passkey, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (credential_id) DO NOTHING",
            &[
                &staff_id,
                &enrolment.passkey.credential_id,
                &enrolment.passkey.passkey,
                &at,
            ],
        )?;
        if key != 1 {
            return Ok(Err(EnrolRefused::PasskeyTaken));
        }
        for code in enrolment.recovery_sha256 {
            tx.execute(
                "INSERT INTO staff_recovery_codes (staff_id, code_sha256) VALUES ($1, $2)",
                &[&staff_id, code],
            )?;
        }
        tx.commit()?;
        Ok(Ok(staff_id))
    }

    fn enrol_by_email(&mut self, email: &str, at: Instant) -> Result<OidcEnrolled> {
        let at = at.unix_seconds();
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        // The newest usable invitation, taken in the statement that finds it; a node taking the same one
        // at once waits for this transaction and then finds none.
        let taken = tx.query_opt(
            "UPDATE staff_invitations SET used_at = $2
             WHERE used_at IS NULL AND id = (
                 SELECT id FROM staff_invitations
                 WHERE lower(email) = lower($1) AND used_at IS NULL AND expires_at >= $2
                 ORDER BY id DESC LIMIT 1 FOR UPDATE)
             RETURNING id, name, email, role, categories",
            &[&email, &at],
        )?;
        let Some(taken) = taken else {
            return Ok(OidcEnrolled::NoInvitation);
        };
        let invitation_id: i64 = taken.try_get(0)?;
        let added = tx.query_opt(
            "INSERT INTO staff (name, email, role, categories, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
            &[
                &taken.try_get::<_, String>(1)?,
                &taken.try_get::<_, String>(2)?,
                &taken.try_get::<_, String>(3)?,
                &taken.try_get::<_, String>(4)?,
                &at,
            ],
        )?;
        let Some(added) = added else {
            return Ok(OidcEnrolled::NoInvitation);
        };
        let staff_id: i64 = added.try_get(0)?;
        tx.commit()?;
        Ok(OidcEnrolled::Created {
            staff_id,
            invitation_id,
        })
    }

    fn staff_by_email(&self, email: &str) -> Result<Option<i64>> {
        // Case-blind, as SQLite's COLLATE NOCASE column (and on the index staff_by_email).
        let row = self.connection()?.query_opt(
            "SELECT id FROM staff WHERE lower(email) = lower($1)",
            &[&email],
        )?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    fn staff_by_user_handle(&self, user_handle: &str) -> Result<Option<i64>> {
        let row = self.connection()?.query_opt(
            "SELECT id FROM staff WHERE user_handle = $1",
            &[&user_handle],
        )?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    fn user_handle(&mut self, staff_id: i64, fresh: &str) -> Result<String> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        // Two nodes asking at once: the second's UPDATE waits, then finds a handle and changes nothing.
        tx.execute(
            "UPDATE staff SET user_handle = $2 WHERE id = $1 AND user_handle IS NULL",
            &[&staff_id, &fresh],
        )?;
        let handle: String = tx
            .query_one("SELECT user_handle FROM staff WHERE id = $1", &[&staff_id])?
            .try_get(0)?;
        tx.commit()?;
        Ok(handle)
    }

    fn passkeys_of(&self, staff_id: i64) -> Result<Vec<PasskeyRecord>> {
        self.connection()?
            .query(
                &format!(
                    "SELECT {PASSKEY_COLUMNS} FROM staff_passkeys WHERE staff_id = $1 ORDER BY id"
                ),
                &[&staff_id],
            )?
            .iter()
            .map(passkey_row)
            .collect()
    }

    fn passkey(&self, credential_id: &str) -> Result<Option<PasskeyRecord>> {
        self.connection()?
            .query_opt(
                &format!("SELECT {PASSKEY_COLUMNS} FROM staff_passkeys WHERE credential_id = $1"),
                &[&credential_id],
            )?
            .as_ref()
            .map(passkey_row)
            .transpose()
    }

    fn add_passkey(&mut self, staff_id: i64, new: &NewPasskey<'_>, at: Instant) -> Result<bool> {
        Ok(self.connection()?.execute(
            "INSERT INTO staff_passkeys (staff_id, credential_id, passkey, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (credential_id) DO NOTHING",
            &[
                &staff_id,
                &new.credential_id,
                &new.passkey,
                &at.unix_seconds(),
            ],
        )? == 1)
    }

    fn passkey_used(&mut self, id: i64, passkey: &str, at: Instant) -> Result<()> {
        self.connection()?.execute(
            "UPDATE staff_passkeys SET passkey = $2, used_at = $3 WHERE id = $1",
            &[&id, &passkey, &at.unix_seconds()],
        )?;
        Ok(())
    }

    fn put_ceremony(
        &mut self,
        id: &str,
        state: &str,
        expires_at: Instant,
        now: Instant,
    ) -> Result<()> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM staff_ceremonies WHERE expires_at < $1",
            &[&now.unix_seconds()],
        )?;
        tx.execute(
            "INSERT INTO staff_ceremonies (id, state, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at",
            &[&id, &state, &expires_at.unix_seconds()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn take_ceremony(&mut self, id: &str, now: Instant) -> Result<Option<String>> {
        // Found and forgotten in one statement: a second node finishing the same ceremony finds nothing.
        let row = self.connection()?.query_opt(
            "DELETE FROM staff_ceremonies WHERE id = $1 RETURNING state, expires_at",
            &[&id],
        )?;
        let Some(row) = row else {
            return Ok(None);
        };
        let expires_at: i64 = row.try_get(1)?;
        Ok((expires_at >= now.unix_seconds())
            .then(|| row.try_get(0))
            .transpose()?)
    }

    fn use_recovery_code(&mut self, staff_id: i64, code_sha256: &str, at: Instant) -> Result<bool> {
        Ok(self.connection()?.execute(
            "UPDATE staff_recovery_codes SET used_at = $3
             WHERE staff_id = $1 AND code_sha256 = $2 AND used_at IS NULL",
            &[&staff_id, &code_sha256, &at.unix_seconds()],
        )? == 1)
    }

    fn audit_times(&self, actor: &str, action: &str, since: Instant) -> Result<Vec<Instant>> {
        self.connection()?
            .query(
                "SELECT at FROM audit_log WHERE actor = $1 AND action = $2 AND at >= $3 ORDER BY at",
                &[&actor, &action, &since.unix_seconds()],
            )?
            .iter()
            .map(|r| Ok(Instant::from_unix_seconds(r.try_get(0)?)))
            .collect()
    }
}
