//! What staff do to complaints, in the store (issue #23): who works one, since when the organisation waits for
//! the customer, internal notes, the messages published on the status file's timeline and the mark of a merged
//! duplicate. Every change here bumps the complaint's revision under the one it was read at, as a stage change
//! does ([`StoreError::Conflict`] when someone else changed it meanwhile); a note changes nothing the next
//! person edits, so it does not.

use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{MessageKind, OrgMessage, StatusRecord};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::complaints::write_status;
use super::{corrupt, Result, Store, StoreError};

/// Who works a complaint and whether the organisation waits for its customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkState {
    /// A staff id; `None`: its category's queue.
    pub assignee: Option<i64>,
    pub waiting_since: Option<Instant>,
}

/// What a saved change does to the wait for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    Keep,
    /// Asked for more information at this time.
    Since(Instant),
    /// Nothing more is awaited (decided, closed).
    Over,
}

/// An internal note as written.
pub struct NewNote<'a> {
    pub complaint_id: i64,
    /// A staff id; `None` for the command line or an integration.
    pub author: Option<i64>,
    pub at: Instant,
    pub text: &'a str,
    pub mentions: &'a [i64],
}

pub trait WorkStore {
    fn work_state(&self, complaint_id: i64) -> Result<WorkState>;

    /// Replaces a complaint's public status with `record` (already checked by the domain's rules), sets the
    /// wait for the customer with it, and marks it for publishing. Refused ([`StoreError::Conflict`]) if
    /// someone else changed the complaint since `seen_revision` was read. Returns the new revision.
    fn save_work(
        &mut self,
        complaint_id: i64,
        seen_revision: i64,
        record: &StatusRecord,
        waiting: Waiting,
    ) -> Result<i64>;

    /// Gives the complaint to `assignee` (`None`: back to its queue). Returns the new revision.
    fn assign(
        &mut self,
        complaint_id: i64,
        seen_revision: i64,
        assignee: Option<i64>,
    ) -> Result<i64>;

    /// Adds an internal note. Returns its id.
    fn add_note(&mut self, note: &NewNote<'_>) -> Result<i64>;
}

/// Checks the revision inside a write transaction: the complaint as read is the one changed.
fn at_revision(tx: &Transaction<'_>, id: i64, seen_revision: i64) -> Result<()> {
    let revision: i64 =
        tx.query_row("SELECT revision FROM complaints WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    if revision == seen_revision {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

impl WorkStore for Store {
    fn work_state(&self, complaint_id: i64) -> Result<WorkState> {
        let (assignee, waiting): (Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT assignee, waiting_since FROM complaints WHERE id = ?1",
            [complaint_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(WorkState {
            assignee,
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
        let tx = self.write()?;
        at_revision(&tx, complaint_id, seen_revision)?;
        // A new stage queues `stage.changed` for webhooks in the same transaction.
        let before = super::webhooks::current_stage(&tx, complaint_id)?;
        write_status(&tx, complaint_id, record)?;
        super::webhooks::queue_if_stage_changed(&tx, complaint_id, before, record.updated_at)?;
        match waiting {
            Waiting::Keep => 0,
            Waiting::Since(at) => tx.execute(
                "UPDATE complaints SET waiting_since = ?2 WHERE id = ?1",
                params![complaint_id, at.unix_seconds()],
            )?,
            Waiting::Over => tx.execute(
                "UPDATE complaints SET waiting_since = NULL WHERE id = ?1",
                [complaint_id],
            )?,
        };
        tx.execute(
            "UPDATE complaints SET revision = revision + 1 WHERE id = ?1",
            [complaint_id],
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
        let tx = self.write()?;
        at_revision(&tx, complaint_id, seen_revision)?;
        // The status file does not change: it stays published at the new revision.
        tx.execute(
            "UPDATE complaints SET assignee = ?2, revision = revision + 1,
                    published_revision = CASE WHEN published_revision = revision
                                              THEN revision + 1 ELSE published_revision END
             WHERE id = ?1",
            params![complaint_id, assignee],
        )?;
        tx.commit()?;
        Ok(seen_revision + 1)
    }

    fn add_note(&mut self, note: &NewNote<'_>) -> Result<i64> {
        let mentions =
            serde_json::to_string(note.mentions).map_err(|e| StoreError::Database(Box::new(e)))?;
        self.conn.execute(
            "INSERT INTO notes (complaint_id, author, at, text, mentions) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                note.complaint_id,
                note.author,
                note.at.unix_seconds(),
                note.text,
                mentions
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }
}

/// A complaint's messages to its customer, oldest first (for [`super::complaints::load`]).
pub(super) fn messages(conn: &Connection, id: i64) -> Result<Vec<OrgMessage>> {
    let mut statement =
        conn.prepare("SELECT kind, at, text FROM messages WHERE complaint_id = ?1 ORDER BY id")?;
    let rows = statement
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(kind, at, text)| {
            Ok(OrgMessage {
                kind: MessageKind::parse(&kind).ok_or_else(|| corrupt("message kind", &kind))?,
                at: Instant::from_unix_seconds(at),
                text: OrgText::from_stored(text),
            })
        })
        .collect()
}

/// The reference of the complaint `id` was merged into, if it was.
pub(super) fn merged_into(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT survivor.reference FROM complaints AS merged
             JOIN complaints AS survivor ON survivor.id = merged.merged_into
             WHERE merged.id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Writes what [`messages`] and [`merged_into`] read, as part of [`write_status`].
pub(super) fn write_messages(tx: &Transaction<'_>, id: i64, record: &StatusRecord) -> Result<()> {
    tx.execute("DELETE FROM messages WHERE complaint_id = ?1", [id])?;
    for message in &record.messages {
        tx.execute(
            "INSERT INTO messages (complaint_id, kind, at, text) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                message.kind.as_str(),
                message.at.unix_seconds(),
                message.text.to_stored()
            ],
        )?;
    }
    if let Some(survivor) = &record.merged_into {
        let survivor: i64 = tx
            .query_row(
                "SELECT id FROM complaints WHERE reference = ?1",
                [survivor],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| corrupt("merged into", survivor))?;
        tx.execute(
            "UPDATE complaints SET merged_into = ?2 WHERE id = ?1",
            params![id, survivor],
        )?;
    }
    Ok(())
}
