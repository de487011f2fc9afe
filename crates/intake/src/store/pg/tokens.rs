//! `TokenStore` on PostgreSQL: service tokens as SQLite keeps them (their SHA-256, never the secret).
//! Revoking is one `UPDATE … WHERE revoked_at IS NULL`, so two nodes revoking at once say so once.

use complaint_domain::instant::Instant;
use postgres::Row;

use super::PgStore;
use crate::desk::Role;
use crate::store::{corrupt, Result, TokenRecord, TokenStore};

const COLUMNS: &str =
    "id, name, role, created_by, created_at, last_used_at, revoked_at, expires_at";

fn token_row(r: &Row) -> Result<TokenRecord> {
    let role: String = r.try_get(2)?;
    let time = |i: usize| -> Result<Option<Instant>> {
        Ok(r.try_get::<_, Option<i64>>(i)?
            .map(Instant::from_unix_seconds))
    };
    Ok(TokenRecord {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        role: Role::parse(&role).ok_or_else(|| corrupt("token role", &role))?,
        created_by: r.try_get(3)?,
        created_at: Instant::from_unix_seconds(r.try_get(4)?),
        last_used_at: time(5)?,
        revoked_at: time(6)?,
        expires_at: time(7)?,
    })
}

impl TokenStore for PgStore {
    fn add_token(
        &mut self,
        name: &str,
        role: Role,
        token_sha256: &str,
        created_by: &str,
        at: Instant,
        expires_at: Option<Instant>,
    ) -> Result<i64> {
        Ok(self
            .connection()?
            .query_one(
                "INSERT INTO service_tokens (name, role, token_sha256, created_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &name,
                    &role.name(),
                    &token_sha256,
                    &created_by,
                    &at.unix_seconds(),
                    &expires_at.map(Instant::unix_seconds),
                ],
            )?
            .try_get(0)?)
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>> {
        self.connection()?
            .query(
                &format!("SELECT {COLUMNS} FROM service_tokens ORDER BY id DESC"),
                &[],
            )?
            .iter()
            .map(token_row)
            .collect()
    }

    fn token_by_secret(&self, token_sha256: &str) -> Result<Option<TokenRecord>> {
        self.connection()?
            .query_opt(
                &format!("SELECT {COLUMNS} FROM service_tokens WHERE token_sha256 = $1"),
                &[&token_sha256],
            )?
            .as_ref()
            .map(token_row)
            .transpose()
    }

    fn token_used(&mut self, id: i64, at: Instant) -> Result<()> {
        self.connection()?.execute(
            "UPDATE service_tokens SET last_used_at = $2 WHERE id = $1",
            &[&id, &at.unix_seconds()],
        )?;
        Ok(())
    }

    fn revoke_token(&mut self, id: i64, at: Instant) -> Result<bool> {
        Ok(self.connection()?.execute(
            "UPDATE service_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&id, &at.unix_seconds()],
        )? == 1)
    }
}
