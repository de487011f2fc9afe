//! Customer replies in the store: recording one exactly once per Idempotency-Key with the status it leads
//! to, under the revision it was checked at; reading them back; which ones `show` has not shown yet; how
//! many came since a time (the per-day cap).

use complaint_domain::instant::Instant;
use complaint_domain::status::ReplyKind;
use complaint_domain::status::StatusRecord;

use rusqlite::params;
use rusqlite::OptionalExtension;

use super::blobs::keep_blob;
use super::complaints::write_status;
use super::complaints::NewAttachment;
use super::complaints::{answer_in, KeyTable, StoredAnswer};
use super::webhooks::{current_stage, queue_about, queue_if_stage_changed, EventType};
use super::{corrupt, Result, Store, StoreError};
use serde_json::Map;

/// One reply as the back office reads it.
#[derive(Debug, Clone)]
pub struct StoredReply {
    pub id: i64,
    pub kind: ReplyKind,
    pub at: Instant,
    /// The information, the reason for not being satisfied, or the rating's comment.
    pub text: Option<String>,
    pub stars: Option<u8>,
    /// Not yet shown by `show`.
    pub unread: bool,
}

/// Everything one accepted reply writes, in one transaction.
pub struct NewReply<'a> {
    pub key: &'a str,
    pub fingerprint: &'a str,
    pub complaint_id: i64,
    pub seen_revision: i64,
    /// The status after the reply, by the domain's rules.
    pub record: &'a StatusRecord,
    pub kind: ReplyKind,
    pub at: Instant,
    pub text: Option<&'a str>,
    pub stars: Option<u8>,
    pub files: Vec<NewAttachment<'a>>,
    pub answer_status: u16,
    pub answer_body: &'a str,
}

#[derive(Debug)]
pub enum Replied {
    /// Recorded as this reply (its files are `FileSource::Reply` with this id).
    New { reply_id: i64 },
    /// The key was recorded meanwhile (another process); its answer stands.
    KeyTaken(StoredAnswer),
}

/// Customer replies: recorded once per key, read back, marked read, counted.
pub trait ReplyStore {
    /// The customer's replies to complaint `id`, oldest first.
    fn replies(&self, id: i64) -> Result<Vec<StoredReply>>;

    /// Marks the replies to complaint `id` as read by the back office.
    fn mark_replies_read(&self, id: i64, at: Instant) -> Result<()>;

    /// How many replies to each complaint the back office has not seen yet.
    fn unread_replies(&self) -> Result<std::collections::HashMap<i64, i64>>;

    fn reply_answer_for(&self, key: &str) -> Result<Option<StoredAnswer>>;

    /// Records a reply with its key and first answer, the status it leads to and its webhook events
    /// (`reply.received`, and `stage.changed` when it reopened the complaint), in one transaction;
    /// refused ([`StoreError::Conflict`]) if the complaint changed since `seen_revision` was read.
    fn reply(&mut self, new: &NewReply<'_>) -> Result<Replied>;

    /// How many replies complaint `id` had since `since`, and when the first of them came.
    fn replies_since(&self, id: i64, since: Instant) -> Result<(i64, Option<Instant>)>;
}

impl ReplyStore for Store {
    fn replies(&self, id: i64) -> Result<Vec<StoredReply>> {
        let mut statement = self.conn.prepare(
            "SELECT id, kind, at, text, stars, read_at FROM replies WHERE complaint_id = ?1 ORDER BY id",
        )?;
        let rows = statement
            .query_map([id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<u8>>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ))
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, kind, at, text, stars, read_at)| {
                Ok(StoredReply {
                    id,
                    kind: ReplyKind::parse(&kind).ok_or_else(|| corrupt("reply kind", &kind))?,
                    at: Instant::from_unix_seconds(at),
                    text,
                    stars,
                    unread: read_at.is_none(),
                })
            })
            .collect()
    }

    fn mark_replies_read(&self, id: i64, at: Instant) -> Result<()> {
        self.conn.execute(
            "UPDATE replies SET read_at = ?2 WHERE complaint_id = ?1 AND read_at IS NULL",
            params![id, at.unix_seconds()],
        )?;
        Ok(())
    }

    fn unread_replies(&self) -> Result<std::collections::HashMap<i64, i64>> {
        let mut statement = self.conn.prepare(
            "SELECT complaint_id, COUNT(*) FROM replies WHERE read_at IS NULL GROUP BY complaint_id",
        )?;
        let counts = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(counts)
    }

    fn reply_answer_for(&self, key: &str) -> Result<Option<StoredAnswer>> {
        answer_in(&self.conn, KeyTable::Replies, key)
    }

    fn reply(&mut self, new: &NewReply<'_>) -> Result<Replied> {
        let evidence = self.evidence.clone();
        let tx = self.write()?;
        if let Some(answer) = tx
            .query_row(
                "SELECT fingerprint, status, body FROM reply_keys WHERE key = ?1",
                [new.key],
                |r| {
                    Ok(StoredAnswer {
                        fingerprint: r.get(0)?,
                        status: r.get(1)?,
                        body: r.get(2)?,
                    })
                },
            )
            .optional()?
        {
            return Ok(Replied::KeyTaken(answer));
        }
        let revision: i64 = tx.query_row(
            "SELECT revision FROM complaints WHERE id = ?1",
            [new.complaint_id],
            |r| r.get(0),
        )?;
        if revision != new.seen_revision {
            return Err(StoreError::Conflict);
        }
        let before = current_stage(&tx, new.complaint_id)?;
        write_status(&tx, new.complaint_id, new.record)?;
        let at = new.at.unix_seconds();
        tx.execute(
            "INSERT INTO replies (complaint_id, kind, at, text, stars) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new.complaint_id, new.kind.as_str(), at, new.text, new.stars],
        )?;
        let reply_id = tx.last_insert_rowid();
        for (position, file) in new.files.iter().enumerate() {
            keep_blob(&tx, &evidence, file)?;
            tx.execute(
                "INSERT INTO reply_files (reply_id, position, name, kind, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![reply_id, position as i64, file.name, file.kind, file.sha256],
            )?;
        }
        tx.execute(
            "INSERT INTO reply_keys (key, fingerprint, status, body, complaint_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                new.key,
                new.fingerprint,
                new.answer_status,
                new.answer_body,
                new.complaint_id,
                at
            ],
        )?;
        // The customer answered: the organisation waits for them no more (issue #23, `ask`).
        tx.execute(
            "UPDATE complaints SET revision = revision + 1, waiting_since = NULL WHERE id = ?1",
            [new.complaint_id],
        )?;
        // The kind only: the customer's words stay here (a receiver reads them through the staff API).
        let mut extra = Map::new();
        extra.insert("reply_kind".into(), new.kind.as_str().into());
        queue_about(
            &tx,
            EventType::ReplyReceived,
            new.complaint_id,
            new.at,
            extra,
        )?;
        queue_if_stage_changed(&tx, new.complaint_id, before, new.at)?;
        tx.commit()?;
        Ok(Replied::New { reply_id })
    }

    fn replies_since(&self, id: i64, since: Instant) -> Result<(i64, Option<Instant>)> {
        let (count, first): (i64, Option<i64>) = self.conn.query_row(
            "SELECT COUNT(*), MIN(at) FROM replies WHERE complaint_id = ?1 AND at >= ?2",
            params![id, since.unix_seconds()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((count, first.map(Instant::from_unix_seconds)))
    }
}
