//! Service tokens as stored (issue #23): an integration's bearer token, kept as its SHA-256 only, with the
//! role it acts as; revoked ones stay listed (the audit log names them).

use complaint_domain::instant::Instant;
use rusqlite::{params, OptionalExtension};

use super::{corrupt, Result, Store};
use crate::desk::Role;

/// A service token as stored (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_by: String,
    pub created_at: Instant,
    pub last_used_at: Option<Instant>,
    pub revoked_at: Option<Instant>,
    /// Refused from this time on; `None`: until revoked.
    pub expires_at: Option<Instant>,
}

pub trait TokenStore {
    fn add_token(
        &mut self,
        name: &str,
        role: Role,
        token_sha256: &str,
        created_by: &str,
        at: Instant,
        expires_at: Option<Instant>,
    ) -> Result<i64>;
    /// Every token, revoked ones too, newest first.
    fn tokens(&self) -> Result<Vec<TokenRecord>>;
    /// The token whose secret has this SHA-256, revoked or not.
    fn token_by_secret(&self, token_sha256: &str) -> Result<Option<TokenRecord>>;
    fn token_used(&mut self, id: i64, at: Instant) -> Result<()>;
    /// `false` when no unrevoked token has this id.
    fn revoke_token(&mut self, id: i64, at: Instant) -> Result<bool>;
}

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(TokenRecord, String)> {
    Ok((
        TokenRecord {
            id: r.get(0)?,
            name: r.get(1)?,
            role: Role::Agent,
            created_by: r.get(3)?,
            created_at: Instant::from_unix_seconds(r.get(4)?),
            last_used_at: r.get::<_, Option<i64>>(5)?.map(Instant::from_unix_seconds),
            revoked_at: r.get::<_, Option<i64>>(6)?.map(Instant::from_unix_seconds),
            expires_at: r.get::<_, Option<i64>>(7)?.map(Instant::from_unix_seconds),
        },
        r.get(2)?,
    ))
}

fn finish((mut record, role): (TokenRecord, String)) -> Result<TokenRecord> {
    record.role = Role::parse(&role).ok_or_else(|| corrupt("token role", &role))?;
    Ok(record)
}

const COLUMNS: &str =
    "id, name, role, created_by, created_at, last_used_at, revoked_at, expires_at";

impl TokenStore for Store {
    fn add_token(
        &mut self,
        name: &str,
        role: Role,
        token_sha256: &str,
        created_by: &str,
        at: Instant,
        expires_at: Option<Instant>,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO service_tokens (name, role, token_sha256, created_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                name,
                role.name(),
                token_sha256,
                created_by,
                at.unix_seconds(),
                expires_at.map(Instant::unix_seconds)
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM service_tokens ORDER BY id DESC"
        ))?;
        let rows = statement.query_map([], token_row)?;
        rows.map(|row| finish(row?)).collect()
    }

    fn token_by_secret(&self, token_sha256: &str) -> Result<Option<TokenRecord>> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM service_tokens WHERE token_sha256 = ?1"),
                [token_sha256],
                token_row,
            )
            .optional()?
            .map(finish)
            .transpose()
    }

    fn token_used(&mut self, id: i64, at: Instant) -> Result<()> {
        self.conn.execute(
            "UPDATE service_tokens SET last_used_at = ?2 WHERE id = ?1",
            params![id, at.unix_seconds()],
        )?;
        Ok(())
    }

    fn revoke_token(&mut self, id: i64, at: Instant) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE service_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, at.unix_seconds()],
        )? == 1)
    }
}
