//! The service's own secrets in the store (the Reply-Proof's key, made at the first start and kept), and
//! the two short columns a Reply-Proof is checked against.

use complaint_domain::instant::Instant;
use complaint_domain::tracking::normalise_reference;

use rusqlite::params;
use rusqlite::OptionalExtension;

use super::{Result, Store};

/// The service's secrets, and what a Reply-Proof is checked against.
pub trait SecretStore {
    /// The secret `name`, made from `fresh` at `at` if there is none yet (the first start wins; a second
    /// process starting at the same time reads the first one's), with when it was made.
    fn secret(&mut self, name: &str, fresh: &[u8], at: Instant) -> Result<(Vec<u8>, Instant)>;

    /// What a reply's proof is checked against, in one indexed read of two short columns, so a reference that
    /// exists costs what one that does not does: the status file's name (which the keyed proof is made from)
    /// and, only for a complaint received before `older_before`, its verifier (the email address given, else
    /// the PIN), which the older proof is made from. `None` for an unknown reference or a held complaint.
    fn proof_inputs(
        &self,
        reference: &str,
        older_before: Instant,
    ) -> Result<Option<(String, Option<String>)>>;
}

impl SecretStore for Store {
    fn secret(&mut self, name: &str, fresh: &[u8], at: Instant) -> Result<(Vec<u8>, Instant)> {
        let tx = self.write()?;
        tx.execute(
            "INSERT OR IGNORE INTO secrets (name, value, created_at) VALUES (?1, ?2, ?3)",
            params![name, fresh, at.unix_seconds()],
        )?;
        let (value, created_at): (Vec<u8>, i64) = tx.query_row(
            "SELECT value, created_at FROM secrets WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.commit()?;
        Ok((value, Instant::from_unix_seconds(created_at)))
    }

    fn proof_inputs(
        &self,
        reference: &str,
        older_before: Instant,
    ) -> Result<Option<(String, Option<String>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT status_key,
                        CASE WHEN received_at < ?2 THEN
                            coalesce(nullif(trim(json_extract(submission, '$.contact.email')), ''), pin, '')
                        END
                 FROM complaints WHERE lookup = ?1 AND quarantine IS NULL",
                params![normalise_reference(reference), older_before.unix_seconds()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}
