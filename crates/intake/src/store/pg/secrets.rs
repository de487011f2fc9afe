//! `SecretStore` on PostgreSQL: the first node to start makes the secret, every other reads it
//! (`ON CONFLICT DO NOTHING`, then read, in one transaction).

use complaint_domain::instant::Instant;
use complaint_domain::tracking::normalise_reference;

use super::PgStore;
use crate::store::{Result, SecretStore};

impl SecretStore for PgStore {
    fn secret(&mut self, name: &str, fresh: &[u8], at: Instant) -> Result<(Vec<u8>, Instant)> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
            &[&name, &fresh, &at.unix_seconds()],
        )?;
        let row = tx.query_one(
            "SELECT value, created_at FROM secrets WHERE name = $1",
            &[&name],
        )?;
        let (value, created_at): (Vec<u8>, i64) = (row.try_get(0)?, row.try_get(1)?);
        tx.commit()?;
        Ok((value, Instant::from_unix_seconds(created_at)))
    }

    fn proof_inputs(
        &self,
        reference: &str,
        older_before: Instant,
    ) -> Result<Option<(String, Option<String>)>> {
        // submission is always JSON here: the intake writes it serialised (SQLite's json_extract twin).
        let row = self.connection()?.query_opt(
            "SELECT status_key,
                    CASE WHEN received_at < $2 THEN
                        coalesce(nullif(trim(submission::jsonb #>> '{contact,email}'), ''), pin, '')
                    END
             FROM complaints WHERE lookup = $1 AND quarantine IS NULL",
            &[
                &normalise_reference(reference),
                &older_before.unix_seconds(),
            ],
        )?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }
}
