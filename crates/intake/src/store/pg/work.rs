//! `WorkStore` on PostgreSQL: assigning, the wait for the customer, notes and the messages on the status
//! file's timeline. Every change but a note bumps the revision under the one it was read at; the check locks
//! the complaint's row (`FOR UPDATE`), so two nodes saving at once take turns and the second is refused
//! ([`StoreError::Conflict`]), as on SQLite.

use complaint_domain::instant::Instant;
use complaint_domain::status::StatusRecord;
use postgres::GenericClient;

use super::complaints::write_status;
use super::webhooks::{current_stage, queue_if_stage_changed};
use super::PgStore;
use crate::store::{corrupt, NewNote, Result, StoreError, Waiting, WorkState, WorkStore};

/// Locks complaint `id`'s row in the caller's transaction and checks it is still at `seen_revision`.
fn at_revision(tx: &mut impl GenericClient, id: i64, seen_revision: i64) -> Result<()> {
    let revision: i64 = tx
        .query_one(
            "SELECT revision FROM complaints WHERE id = $1 FOR UPDATE",
            &[&id],
        )?
        .try_get(0)?;
    if revision == seen_revision {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

impl WorkStore for PgStore {
    fn work_state(&self, complaint_id: i64) -> Result<WorkState> {
        let row = self.connection()?.query_one(
            "SELECT assignee, waiting_since FROM complaints WHERE id = $1",
            &[&complaint_id],
        )?;
        let waiting: Option<i64> = row.try_get(1)?;
        Ok(WorkState {
            assignee: row.try_get(0)?,
            waiting_since: waiting.map(Instant::from_unix_seconds),
        })
    }

    fn save_work(
        &mut self,
        complaint_id: i64,
        seen_revision: i64,
        record: &StatusRecord,
        waiting: Waiting,
    ) -> Result<i64> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        at_revision(&mut tx, complaint_id, seen_revision)?;
        // A new stage queues `stage.changed` for webhooks in the same transaction.
        let before = current_stage(&mut tx, complaint_id)?;
        write_status(&mut tx, complaint_id, record)?;
        queue_if_stage_changed(&mut tx, complaint_id, before, record.updated_at)?;
        match waiting {
            Waiting::Keep => 0,
            Waiting::Since(at) => tx.execute(
                "UPDATE complaints SET waiting_since = $2 WHERE id = $1",
                &[&complaint_id, &at.unix_seconds()],
            )?,
            Waiting::Over => tx.execute(
                "UPDATE complaints SET waiting_since = NULL WHERE id = $1",
                &[&complaint_id],
            )?,
        };
        tx.execute(
            "UPDATE complaints SET revision = revision + 1 WHERE id = $1",
            &[&complaint_id],
        )?;
        tx.commit()?;
        Ok(seen_revision + 1)
    }

    fn assign(
        &mut self,
        complaint_id: i64,
        seen_revision: i64,
        assignee: Option<i64>,
    ) -> Result<i64> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        at_revision(&mut tx, complaint_id, seen_revision)?;
        // The status file does not change: it stays published at the new revision.
        tx.execute(
            "UPDATE complaints SET assignee = $2, revision = revision + 1,
                    published_revision = CASE WHEN published_revision = revision
                                              THEN revision + 1 ELSE published_revision END
             WHERE id = $1",
            &[&complaint_id, &assignee],
        )?;
        tx.commit()?;
        Ok(seen_revision + 1)
    }

    fn add_note(&mut self, note: &NewNote<'_>) -> Result<i64> {
        let mentions =
            serde_json::to_string(note.mentions).map_err(|e| StoreError::Database(Box::new(e)))?;
        let row = self.connection()?.query_one(
            "INSERT INTO notes (complaint_id, author, at, text, mentions)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[
                &note.complaint_id,
                &note.author,
                &note.at.unix_seconds(),
                &note.text,
                &mentions,
            ],
        )?;
        Ok(row.try_get(0)?)
    }
}

/// Writes a complaint's messages to its customer and the mark of a merged duplicate, as part of
/// [`write_status`].
pub(super) fn write_messages(
    tx: &mut impl GenericClient,
    id: i64,
    record: &StatusRecord,
) -> Result<()> {
    tx.execute("DELETE FROM messages WHERE complaint_id = $1", &[&id])?;
    for message in &record.messages {
        tx.execute(
            "INSERT INTO messages (complaint_id, kind, at, text) VALUES ($1, $2, $3, $4)",
            &[
                &id,
                &message.kind.as_str(),
                &message.at.unix_seconds(),
                &message.text.to_stored(),
            ],
        )?;
    }
    if let Some(survivor) = &record.merged_into {
        let survivor: i64 = tx
            .query_opt(
                "SELECT id FROM complaints WHERE reference = $1",
                &[survivor],
            )?
            .ok_or_else(|| corrupt("merged into", survivor))?
            .try_get(0)?;
        tx.execute(
            "UPDATE complaints SET merged_into = $2 WHERE id = $1",
            &[&id, &survivor],
        )?;
    }
    Ok(())
}
