//! The ways into the staff desk as stored (issue #23): enrolment links, passkeys, the WebAuthn ceremonies
//! between their start and finish, and recovery codes. Links and codes are kept as their SHA-256 only; a
//! passkey is its public key (webauthn-rs's `Passkey` as JSON, which the store never looks into).

use complaint_domain::instant::Instant;
use rusqlite::{params, OptionalExtension};

use super::staff::NewStaff;
use super::{corrupt, Result, Store, StoreError};
use crate::desk::Role;

/// What an enrolment link is for.
pub struct NewInvitation<'a> {
    pub token_sha256: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub categories: &'a [String],
    /// An audit key (`cli`, `staff:ID`).
    pub invited_by: &'a str,
    pub expires_at: Instant,
}

/// An enrolment link as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub categories: Vec<String>,
    pub expires_at: Instant,
    pub used_at: Option<Instant>,
}

/// One passkey of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyRecord {
    pub id: i64,
    pub staff_id: i64,
    /// base64url, as the browser names it.
    pub credential_id: String,
    /// webauthn-rs's `Passkey`, as JSON.
    pub passkey: String,
    pub created_at: Instant,
    pub used_at: Option<Instant>,
}

/// A new passkey: its credential's id and the JSON kept for it.
pub struct NewPasskey<'a> {
    pub credential_id: &'a str,
    pub passkey: &'a str,
}

/// An enrolment's finish, all at once: the account, its user handle, its first passkey, its recovery codes.
pub struct Enrolment<'a> {
    pub invitation_id: i64,
    pub staff: NewStaff<'a>,
    pub user_handle: &'a str,
    pub passkey: NewPasskey<'a>,
    pub recovery_sha256: &'a [String],
}

/// Why an enrolment was not saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolRefused {
    /// The link was used meanwhile.
    LinkUsed,
    /// The email address has an account already.
    EmailTaken,
    /// The passkey is registered already (to someone).
    PasskeyTaken,
}

/// What a first sign-in with the organisation's provider found for an address without an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcEnrolled {
    /// An unused, unexpired invitation for it became this account (the invitation is used up).
    Created {
        staff_id: i64,
        invitation_id: i64,
    },
    NoInvitation,
}

/// Enrolment links, passkeys, ceremonies and recovery codes.
pub trait PasskeyStore {
    fn add_invitation(&mut self, new: &NewInvitation<'_>, at: Instant) -> Result<i64>;
    fn invitation(&self, token_sha256: &str) -> Result<Option<InvitationRecord>>;
    /// Creates the account from the link and marks the link used, in one transaction. Returns the new id.
    fn enrol(
        &mut self,
        enrolment: &Enrolment<'_>,
        at: Instant,
    ) -> Result<std::result::Result<i64, EnrolRefused>>;
    /// The newest unused, unexpired invitation for `email` (case-insensitive) becomes its account, with no
    /// passkey, and is used up, in one transaction.
    fn enrol_by_email(&mut self, email: &str, at: Instant) -> Result<OidcEnrolled>;
    fn staff_by_email(&self, email: &str) -> Result<Option<i64>>;
    fn staff_by_user_handle(&self, user_handle: &str) -> Result<Option<i64>>;
    /// The account's user handle, made from `fresh` the first time it is asked for.
    fn user_handle(&mut self, staff_id: i64, fresh: &str) -> Result<String>;
    fn passkeys_of(&self, staff_id: i64) -> Result<Vec<PasskeyRecord>>;
    fn passkey(&self, credential_id: &str) -> Result<Option<PasskeyRecord>>;
    /// `false` when the credential is registered already.
    fn add_passkey(&mut self, staff_id: i64, new: &NewPasskey<'_>, at: Instant) -> Result<bool>;
    /// A passkey after a sign-in with it: its new JSON (counter), used at `at`.
    fn passkey_used(&mut self, id: i64, passkey: &str, at: Instant) -> Result<()>;
    /// Keeps a ceremony's state until `expires_at` (replacing one of the same id); forgets expired ones.
    fn put_ceremony(
        &mut self,
        id: &str,
        state: &str,
        expires_at: Instant,
        now: Instant,
    ) -> Result<()>;
    /// The ceremony's state, once: it is gone after this. `None` when unknown or expired at `now`.
    fn take_ceremony(&mut self, id: &str, now: Instant) -> Result<Option<String>>;
    /// Uses up one recovery code; `false` when it is not one of the account's unused codes.
    fn use_recovery_code(&mut self, staff_id: i64, code_sha256: &str, at: Instant) -> Result<bool>;
    /// When `actor` did `action` since `since`, oldest first (the audit log: sign-in failures).
    fn audit_times(&self, actor: &str, action: &str, since: Instant) -> Result<Vec<Instant>>;
}

fn categories_json(categories: &[String]) -> Result<String> {
    serde_json::to_string(categories).map_err(|e| StoreError::Database(Box::new(e)))
}

fn passkey_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PasskeyRecord> {
    Ok(PasskeyRecord {
        id: r.get(0)?,
        staff_id: r.get(1)?,
        credential_id: r.get(2)?,
        passkey: r.get(3)?,
        created_at: Instant::from_unix_seconds(r.get(4)?),
        used_at: r.get::<_, Option<i64>>(5)?.map(Instant::from_unix_seconds),
    })
}

const PASSKEY_COLUMNS: &str = "id, staff_id, credential_id, passkey, created_at, used_at";

impl PasskeyStore for Store {
    fn add_invitation(&mut self, new: &NewInvitation<'_>, at: Instant) -> Result<i64> {
        let categories = categories_json(new.categories)?;
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO staff_invitations
                 (token_sha256, name, email, role, categories, invited_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                new.token_sha256,
                new.name,
                new.email,
                new.role.name(),
                categories,
                new.invited_by,
                at.unix_seconds(),
                new.expires_at.unix_seconds()
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    fn invitation(&self, token_sha256: &str) -> Result<Option<InvitationRecord>> {
        let row = self
            .conn
            .query_row(
                "SELECT id, name, email, role, categories, expires_at, used_at
                 FROM staff_invitations WHERE token_sha256 = ?1",
                [token_sha256],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, name, email, role, categories, expires_at, used_at)) = row else {
            return Ok(None);
        };
        Ok(Some(InvitationRecord {
            id,
            name,
            email,
            role: Role::parse(&role).ok_or_else(|| corrupt("invitation role", &role))?,
            categories: serde_json::from_str(&categories)
                .map_err(|_| corrupt("invitation categories", &categories))?,
            expires_at: Instant::from_unix_seconds(expires_at),
            used_at: used_at.map(Instant::from_unix_seconds),
        }))
    }

    fn enrol(
        &mut self,
        enrolment: &Enrolment<'_>,
        at: Instant,
    ) -> Result<std::result::Result<i64, EnrolRefused>> {
        let new = &enrolment.staff;
        let categories = categories_json(new.categories)?;
        let tx = self.write()?;
        let claimed = tx.execute(
            "UPDATE staff_invitations SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
            params![enrolment.invitation_id, at.unix_seconds()],
        )?;
        if claimed != 1 {
            return Ok(Err(EnrolRefused::LinkUsed));
        }
        let added = tx.execute(
            "INSERT OR IGNORE INTO staff (name, email, role, locale, categories, created_at, user_handle)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                new.name,
                new.email,
                new.role.name(),
                new.locale,
                categories,
                at.unix_seconds(),
                enrolment.user_handle
            ],
        )?;
        if added != 1 {
            return Ok(Err(EnrolRefused::EmailTaken));
        }
        let staff_id = tx.last_insert_rowid();
        let key = tx.execute(
            "INSERT OR IGNORE INTO staff_passkeys (staff_id, credential_id, passkey, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                staff_id,
                enrolment.passkey.credential_id,
                enrolment.passkey.passkey,
                at.unix_seconds()
            ],
        )?;
        if key != 1 {
            return Ok(Err(EnrolRefused::PasskeyTaken));
        }
        for code in enrolment.recovery_sha256 {
            tx.execute(
                "INSERT INTO staff_recovery_codes (staff_id, code_sha256) VALUES (?1, ?2)",
                params![staff_id, code],
            )?;
        }
        tx.commit()?;
        Ok(Ok(staff_id))
    }

    fn enrol_by_email(&mut self, email: &str, at: Instant) -> Result<OidcEnrolled> {
        let tx = self.write()?;
        let found = tx
            .query_row(
                "SELECT id, name, email, role, categories FROM staff_invitations
                 WHERE email = ?1 COLLATE NOCASE AND used_at IS NULL AND expires_at >= ?2
                 ORDER BY id DESC LIMIT 1",
                params![email, at.unix_seconds()],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((invitation_id, name, email, role, categories)) = found else {
            return Ok(OidcEnrolled::NoInvitation);
        };
        tx.execute(
            "UPDATE staff_invitations SET used_at = ?2 WHERE id = ?1",
            params![invitation_id, at.unix_seconds()],
        )?;
        let added = tx.execute(
            "INSERT OR IGNORE INTO staff (name, email, role, categories, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, email, role, categories, at.unix_seconds()],
        )?;
        if added != 1 {
            return Ok(OidcEnrolled::NoInvitation);
        }
        let staff_id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(OidcEnrolled::Created {
            staff_id,
            invitation_id,
        })
    }

    fn staff_by_email(&self, email: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT id FROM staff WHERE email = ?1", [email], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn staff_by_user_handle(&self, user_handle: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM staff WHERE user_handle = ?1",
                [user_handle],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn user_handle(&mut self, staff_id: i64, fresh: &str) -> Result<String> {
        let tx = self.write()?;
        tx.execute(
            "UPDATE staff SET user_handle = ?2 WHERE id = ?1 AND user_handle IS NULL",
            params![staff_id, fresh],
        )?;
        let handle: String = tx.query_row(
            "SELECT user_handle FROM staff WHERE id = ?1",
            [staff_id],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(handle)
    }

    fn passkeys_of(&self, staff_id: i64) -> Result<Vec<PasskeyRecord>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {PASSKEY_COLUMNS} FROM staff_passkeys WHERE staff_id = ?1 ORDER BY id"
        ))?;
        let rows = statement.query_map([staff_id], passkey_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn passkey(&self, credential_id: &str) -> Result<Option<PasskeyRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {PASSKEY_COLUMNS} FROM staff_passkeys WHERE credential_id = ?1"),
                [credential_id],
                passkey_row,
            )
            .optional()?)
    }

    fn add_passkey(&mut self, staff_id: i64, new: &NewPasskey<'_>, at: Instant) -> Result<bool> {
        Ok(self.conn.execute(
            "INSERT OR IGNORE INTO staff_passkeys (staff_id, credential_id, passkey, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![staff_id, new.credential_id, new.passkey, at.unix_seconds()],
        )? == 1)
    }

    fn passkey_used(&mut self, id: i64, passkey: &str, at: Instant) -> Result<()> {
        self.conn.execute(
            "UPDATE staff_passkeys SET passkey = ?2, used_at = ?3 WHERE id = ?1",
            params![id, passkey, at.unix_seconds()],
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
        let tx = self.write()?;
        tx.execute(
            "DELETE FROM staff_ceremonies WHERE expires_at < ?1",
            [now.unix_seconds()],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO staff_ceremonies (id, state, expires_at) VALUES (?1, ?2, ?3)",
            params![id, state, expires_at.unix_seconds()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn take_ceremony(&mut self, id: &str, now: Instant) -> Result<Option<String>> {
        let tx = self.write()?;
        let found: Option<(String, i64)> = tx
            .query_row(
                "SELECT state, expires_at FROM staff_ceremonies WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        tx.execute("DELETE FROM staff_ceremonies WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(found
            .filter(|(_, expires_at)| *expires_at >= now.unix_seconds())
            .map(|(state, _)| state))
    }

    fn use_recovery_code(&mut self, staff_id: i64, code_sha256: &str, at: Instant) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE staff_recovery_codes SET used_at = ?3
             WHERE staff_id = ?1 AND code_sha256 = ?2 AND used_at IS NULL",
            params![staff_id, code_sha256, at.unix_seconds()],
        )? == 1)
    }

    fn audit_times(&self, actor: &str, action: &str, since: Instant) -> Result<Vec<Instant>> {
        let mut statement = self.conn.prepare(
            "SELECT at FROM audit_log WHERE actor = ?1 AND action = ?2 AND at >= ?3 ORDER BY at",
        )?;
        let rows = statement.query_map(params![actor, action, since.unix_seconds()], |r| {
            r.get::<_, i64>(0).map(Instant::from_unix_seconds)
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
