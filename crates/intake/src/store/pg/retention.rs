//! `RetentionStore` on PostgreSQL, as SQLite's (`crate::store::retention`): keep-until, legal holds, and the
//! erasure in one transaction that locks the complaint's row first (`FOR UPDATE`), so two nodes purging at
//! once erase it once and the second finds it erased.

use complaint_domain::calendar::Date;
use complaint_domain::instant::Instant;
use postgres::GenericClient;

use super::PgStore;
use crate::store::{
    corrupt, AuditEntry, Erased, Erasure, Hold, Keeping, Result, RetentionStore, Unscheduled,
};

fn keeping_of(conn: &mut impl GenericClient, id: i64, lock: bool) -> Result<Keeping> {
    let query = format!(
        "SELECT keep_until, erased_at, hold_since, hold_by, hold_reason FROM complaints WHERE id = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let r = conn.query_one(&query, &[&id])?;
    let keep_until: Option<String> = r.try_get(0)?;
    let hold_since: Option<i64> = r.try_get(2)?;
    Ok(Keeping {
        keep_until: keep_until
            .map(|d| Date::parse_iso(&d).ok_or_else(|| corrupt("date", &d)))
            .transpose()?,
        hold: match hold_since {
            Some(since) => Some(Hold {
                since: Instant::from_unix_seconds(since),
                by: r.try_get::<_, Option<String>>(3)?.unwrap_or_default(),
                reason: r.try_get::<_, Option<String>>(4)?.unwrap_or_default(),
            }),
            None => None,
        },
        erased_at: r
            .try_get::<_, Option<i64>>(1)?
            .map(Instant::from_unix_seconds),
    })
}

fn append(conn: &mut impl GenericClient, entry: &AuditEntry) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, actor_name, action, complaint_id, detail, address)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &entry.at.unix_seconds(),
            &entry.actor,
            &entry.actor_name,
            &entry.action,
            &entry.complaint_id,
            &entry.detail.to_string(),
            &entry.address,
        ],
    )?;
    Ok(())
}

/// SQLite's list, in PostgreSQL's words.
const ERASE: &[&str] = &[
    "UPDATE stages SET message = NULL WHERE complaint_id = $1",
    "DELETE FROM messages WHERE complaint_id = $1",
    "DELETE FROM notes WHERE complaint_id = $1",
    "DELETE FROM mail_outbox WHERE complaint_id = $1",
    "DELETE FROM reply_files WHERE reply_id IN (SELECT id FROM replies WHERE complaint_id = $1)",
    "UPDATE replies SET text = NULL WHERE complaint_id = $1",
    "DELETE FROM attachments WHERE complaint_id = $1",
    "DELETE FROM idempotency_keys WHERE complaint_id = $1",
    "DELETE FROM reply_keys WHERE complaint_id = $1",
    "DELETE FROM search_text WHERE complaint_id = $1",
];

impl RetentionStore for PgStore {
    fn keeping(&self, id: i64) -> Result<Keeping> {
        keeping_of(&mut *self.connection()?, id, false)
    }

    fn set_keep_until(&mut self, id: i64, keep_until: Option<Date>) -> Result<()> {
        self.connection()?.execute(
            "UPDATE complaints SET keep_until = $2 WHERE id = $1",
            &[&id, &keep_until.map(|d| d.to_string())],
        )?;
        Ok(())
    }

    fn unscheduled(&self, limit: i64) -> Result<Vec<Unscheduled>> {
        let rows = self.connection()?.query(
            "SELECT c.id, c.category, last.at FROM complaints c
             JOIN stages last ON last.complaint_id = c.id
                  AND last.seq = (SELECT max(seq) FROM stages WHERE complaint_id = c.id)
             WHERE c.keep_until IS NULL AND c.erased_at IS NULL AND last.stage = 'closed'
             ORDER BY c.id LIMIT $1",
            &[&limit],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Unscheduled {
                    id: r.try_get(0)?,
                    category: r.try_get(1)?,
                    closed_at: Instant::from_unix_seconds(r.try_get(2)?),
                })
            })
            .collect()
    }

    fn due_for_erasure(&self, today: Date, limit: i64) -> Result<Vec<(i64, String)>> {
        let rows = self.connection()?.query(
            "SELECT id, reference FROM complaints
             WHERE keep_until < $1 AND erased_at IS NULL AND hold_since IS NULL ORDER BY id LIMIT $2",
            &[&today.to_string(), &limit],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    fn set_hold(&mut self, id: i64, hold: Option<&Hold>, audit: &AuditEntry) -> Result<bool> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        let changed = match hold {
            Some(hold) => tx.execute(
                "UPDATE complaints SET hold_since = $2, hold_by = $3, hold_reason = $4
                 WHERE id = $1 AND hold_since IS NULL",
                &[&id, &hold.since.unix_seconds(), &hold.by, &hold.reason],
            )?,
            None => tx.execute(
                "UPDATE complaints SET hold_since = NULL, hold_by = NULL, hold_reason = NULL
                 WHERE id = $1 AND hold_since IS NOT NULL",
                &[&id],
            )?,
        };
        if changed == 0 {
            return Ok(false);
        }
        append(&mut tx, audit)?;
        tx.commit()?;
        Ok(true)
    }

    fn erase(&mut self, erasure: &Erasure<'_>) -> Result<Erased> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        let keeping = keeping_of(&mut tx, erasure.id, true)?;
        if let Some(at) = keeping.erased_at {
            return Ok(Erased::Already(at));
        }
        if let Some(hold) = keeping.hold {
            return Ok(Erased::Held(hold));
        }
        for statement in ERASE {
            tx.execute(*statement, &[&erasure.id])?;
        }
        tx.execute(
            "UPDATE complaints SET submission = $2, pin = NULL, summary = NULL, next_step = NULL,
                    erased_at = $3, revision = revision + 1,
                    facts_revision = CASE WHEN facts_revision = revision THEN revision + 1
                                          ELSE facts_revision END
             WHERE id = $1",
            &[&erasure.id, &erasure.submission, &erasure.at.unix_seconds()],
        )?;
        if let Some(request) = erasure.answers {
            let answered = tx.execute(
                "UPDATE data_requests SET state = 'done', answered_by = $3, answered_at = $4
                 WHERE id = $1 AND complaint_id = $2 AND state = 'open'",
                &[
                    &request,
                    &erasure.id,
                    &erasure.audit.actor,
                    &erasure.at.unix_seconds(),
                ],
            )?;
            if answered != 1 {
                return Err(crate::store::StoreError::Conflict);
            }
        }
        append(&mut tx, erasure.audit)?;
        super::blobs::drop_unnamed_blobs(&mut tx, &self.evidence)?;
        tx.commit()?;
        Ok(Erased::Done)
    }

    fn references_by_email(&self, email: &str) -> Result<Vec<String>> {
        let rows = self.connection()?.query(
            "SELECT reference FROM complaints
             WHERE lower(trim(submission::jsonb -> 'contact' ->> 'email')) = lower(trim($1))
             ORDER BY received_at, id",
            &[&email],
        )?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }
}
