//! `ReplyStore` on PostgreSQL: a reply recorded once per Idempotency-Key across nodes. The key goes in with
//! `ON CONFLICT DO NOTHING` in the reply's own transaction, after the complaint's row is locked, so two nodes
//! given one key (or two replies to one complaint) take turns: the second finds the first's key, or the
//! revision it read moved on ([`StoreError::Conflict`]), as on SQLite.

use std::collections::HashMap;

use complaint_domain::instant::Instant;
use complaint_domain::status::ReplyKind;
use serde_json::Map;

use super::complaints::{answer_in, write_status};
use super::webhooks::{current_stage, queue_about, queue_if_stage_changed};
use super::PgStore;
use crate::store::complaints::KeyTable;
use crate::store::webhooks::EventType;
use crate::store::{
    corrupt, NewReply, Replied, ReplyStore, Result, StoreError, StoredAnswer, StoredReply,
};

impl ReplyStore for PgStore {
    fn replies(&self, id: i64) -> Result<Vec<StoredReply>> {
        let rows = self.connection()?.query(
            "SELECT id, kind, at, text, stars, read_at FROM replies WHERE complaint_id = $1 ORDER BY id",
            &[&id],
        )?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(1)?;
                let stars: Option<i64> = r.try_get(4)?;
                Ok(StoredReply {
                    id: r.try_get(0)?,
                    kind: ReplyKind::parse(&kind).ok_or_else(|| corrupt("reply kind", &kind))?,
                    at: Instant::from_unix_seconds(r.try_get(2)?),
                    text: r.try_get(3)?,
                    stars: stars
                        .map(|s| u8::try_from(s).map_err(|_| corrupt("stars", &s.to_string())))
                        .transpose()?,
                    unread: r.try_get::<_, Option<i64>>(5)?.is_none(),
                })
            })
            .collect()
    }

    fn mark_replies_read(&self, id: i64, at: Instant) -> Result<()> {
        self.connection()?.execute(
            "UPDATE replies SET read_at = $2 WHERE complaint_id = $1 AND read_at IS NULL",
            &[&id, &at.unix_seconds()],
        )?;
        Ok(())
    }

    fn unread_replies(&self) -> Result<HashMap<i64, i64>> {
        let rows = self.connection()?.query(
            "SELECT complaint_id, COUNT(*) FROM replies WHERE read_at IS NULL GROUP BY complaint_id",
            &[],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    fn reply_answer_for(&self, key: &str) -> Result<Option<StoredAnswer>> {
        answer_in(&mut *self.connection()?, KeyTable::Replies, key)
    }

    fn reply(&mut self, new: &NewReply<'_>) -> Result<Replied> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        // The complaint's row locked first: another node's reply to it waits here until this one commits.
        let revision: i64 = tx
            .query_one(
                "SELECT revision FROM complaints WHERE id = $1 FOR UPDATE",
                &[&new.complaint_id],
            )?
            .try_get(0)?;
        if let Some(answer) = answer_in(&mut tx, KeyTable::Replies, new.key)? {
            return Ok(Replied::KeyTaken(answer));
        }
        if revision != new.seen_revision {
            return Err(StoreError::Conflict);
        }
        let before = current_stage(&mut tx, new.complaint_id)?;
        write_status(&mut tx, new.complaint_id, new.record)?;
        let at = new.at.unix_seconds();
        let reply_id: i64 = tx
            .query_one(
                "INSERT INTO replies (complaint_id, kind, at, text, stars)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &new.complaint_id,
                    &new.kind.as_str(),
                    &at,
                    &new.text,
                    &new.stars.map(i64::from),
                ],
            )?
            .try_get(0)?;
        for (position, file) in new.files.iter().enumerate() {
            super::blobs::keep_blob(&mut tx, &self.evidence, file)?;
            tx.execute(
                "INSERT INTO reply_files (reply_id, position, name, kind, sha256)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &reply_id,
                    &(position as i64),
                    &file.name,
                    &file.kind,
                    &file.sha256,
                ],
            )?;
        }
        let keys = tx.execute(
            "INSERT INTO reply_keys (key, fingerprint, status, body, complaint_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
            &[
                &new.key,
                &new.fingerprint,
                &i64::from(new.answer_status),
                &new.answer_body,
                &new.complaint_id,
                &at,
            ],
        )?;
        if keys == 0 {
            // The key was used meanwhile for another complaint's reply, on another node: its answer stands.
            tx.rollback()?;
            return match answer_in(&mut *conn, KeyTable::Replies, new.key)? {
                Some(answer) => Ok(Replied::KeyTaken(answer)),
                None => Err(StoreError::Conflict),
            };
        }
        // The customer answered: the organisation waits for them no more (issue #23, `ask`).
        tx.execute(
            "UPDATE complaints SET revision = revision + 1, waiting_since = NULL WHERE id = $1",
            &[&new.complaint_id],
        )?;
        // The kind only: the customer's words stay here (a receiver reads them through the staff API).
        let mut extra = Map::new();
        extra.insert("reply_kind".into(), new.kind.as_str().into());
        queue_about(
            &mut tx,
            EventType::ReplyReceived,
            new.complaint_id,
            new.at,
            extra,
        )?;
        queue_if_stage_changed(&mut tx, new.complaint_id, before, new.at)?;
        tx.commit()?;
        Ok(Replied::New { reply_id })
    }

    fn replies_since(&self, id: i64, since: Instant) -> Result<(i64, Option<Instant>)> {
        let row = self.connection()?.query_one(
            "SELECT COUNT(*), MIN(at) FROM replies WHERE complaint_id = $1 AND at >= $2",
            &[&id, &since.unix_seconds()],
        )?;
        let first: Option<i64> = row.try_get(1)?;
        Ok((row.try_get(0)?, first.map(Instant::from_unix_seconds)))
    }
}
