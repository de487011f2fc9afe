//! `QuarantineStore` on PostgreSQL: held complaints listed, released (with their `complaint.filed` event
//! queued in the same transaction) or deleted with the bytes no other file names.

use super::complaints::load;
use super::PgStore;
use crate::store::webhooks::EventType;
use crate::store::{Complaint, QuarantineStore, Result};

impl QuarantineStore for PgStore {
    fn quarantined(&self) -> Result<Vec<Complaint>> {
        let mut conn = self.connection()?;
        let ids = conn
            .query(
                "SELECT id FROM complaints WHERE quarantine IS NOT NULL ORDER BY received_at, id",
                &[],
            )?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<Vec<i64>, _>>()?;
        ids.into_iter().map(|id| load(&mut *conn, id)).collect()
    }

    fn release(&mut self, id: i64) -> Result<bool> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE complaints SET quarantine = NULL, facts_revision = 0
             WHERE id = $1 AND quarantine IS NOT NULL",
            &[&id],
        )?;
        // Filed, as far as anyone outside can tell: held complaints were never told of.
        if changed == 1 {
            super::webhooks::queue_about(
                &mut tx,
                EventType::Filed,
                id,
                crate::zone::now(),
                serde_json::Map::new(),
            )?;
        }
        tx.commit()?;
        Ok(changed == 1)
    }

    fn delete_quarantined(&mut self, id: i64) -> Result<bool> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        let deleted = tx.execute(
            "DELETE FROM complaints WHERE id = $1 AND quarantine IS NOT NULL",
            &[&id],
        )?;
        super::blobs::drop_unnamed_blobs(&mut tx, &self.evidence)?;
        tx.commit()?;
        Ok(deleted == 1)
    }
}
