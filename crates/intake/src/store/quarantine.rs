//! Quarantine in the store: complaints held as possibly automated, never listed or published until
//! released, or deleted with their files and key.

use super::blobs::drop_unnamed_blobs;
use super::complaints::load;
use super::complaints::Complaint;
use super::webhooks::{queue_about, EventType};
use super::{Result, Store};
use serde_json::Map;

/// Quarantine: the held complaints, released or deleted.
pub trait QuarantineStore {
    /// Complaints held in quarantine, oldest first.
    fn quarantined(&self) -> Result<Vec<Complaint>>;

    /// Lets a held complaint out of quarantine; `false` if it was not held. Its status file is then due,
    /// and its `complaint.filed` webhook event is queued with the release.
    fn release(&mut self, id: i64) -> Result<bool>;

    /// Deletes a held complaint with its files, stages and key; `false` if it was not held. Only held ones:
    /// deleting a customer's complaint is a retention decision, not a back-office slip.
    fn delete_quarantined(&mut self, id: i64) -> Result<bool>;
}

impl QuarantineStore for Store {
    fn quarantined(&self) -> Result<Vec<Complaint>> {
        self.ids("SELECT id FROM complaints WHERE quarantine IS NOT NULL ORDER BY received_at, id")?
            .into_iter()
            .map(|id| load(&self.conn, id))
            .collect()
    }

    fn release(&mut self, id: i64) -> Result<bool> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE complaints SET quarantine = NULL, facts_revision = 0
             WHERE id = ?1 AND quarantine IS NOT NULL",
            [id],
        )?;
        // Filed, as far as anyone outside can tell: held complaints were never told of.
        if changed == 1 {
            queue_about(&tx, EventType::Filed, id, crate::zone::now(), Map::new())?;
        }
        tx.commit()?;
        Ok(changed == 1)
    }

    fn delete_quarantined(&mut self, id: i64) -> Result<bool> {
        let evidence = self.evidence.clone();
        let tx = self.write()?;
        let deleted = tx.execute(
            "DELETE FROM complaints WHERE id = ?1 AND quarantine IS NOT NULL",
            [id],
        )?;
        drop_unnamed_blobs(&tx, &evidence)?;
        tx.commit()?;
        Ok(deleted == 1)
    }
}

impl Store {
    pub(super) fn ids(&self, sql: &str) -> Result<Vec<i64>> {
        let mut statement = self.conn.prepare(sql)?;
        let ids = statement
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<Vec<i64>, _>>()?;
        Ok(ids)
    }
}
