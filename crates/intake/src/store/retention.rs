//! Retention and erasure in the store (issue #25, docs/retention.md): until when a closed complaint's personal
//! data is kept, the legal hold that stops its erasure, and the erasure itself: one transaction that takes out
//! every word and file the customer or staff wrote about them, keeps the anonymous facts the published figures
//! count (category, dates, stages, decision, causes, rating), marks the status file for a tombstone, and
//! writes the audit line, so an erasure is whole or not at all, and never unrecorded.

use complaint_domain::calendar::Date;
use complaint_domain::instant::Instant;

use rusqlite::params;
use rusqlite::Connection;
use rusqlite::OptionalExtension;

use super::audit::AuditEntry;
use super::blobs::drop_unnamed_blobs;
use super::{corrupt, Result, Store};

/// A legal hold: while it is on, neither the schedule nor anyone's erasure touches the complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub since: Instant,
    /// Who put it on, as an audit key (`cli`, `staff:ID`, `token:ID`).
    pub by: String,
    pub reason: String,
}

/// Where a complaint stands on retention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keeping {
    /// The last day its personal data is kept; `None` while it is open.
    pub keep_until: Option<Date>,
    pub hold: Option<Hold>,
    /// When its personal data was erased.
    pub erased_at: Option<Instant>,
}

/// One erasure, as the desk prepared it.
pub struct Erasure<'a> {
    pub id: i64,
    /// The complaint part with every personal field emptied (`Submission::erased`), in place of the old one.
    pub submission: &'a str,
    pub at: Instant,
    /// The audit line written in the same transaction.
    pub audit: &'a AuditEntry,
    /// The customer's erasure request this answers (its id), marked done in the same transaction, by the
    /// audit line's actor: a request is never done with the data still held, nor the data gone with the
    /// request still open. Not open any more: nothing is erased ([`super::StoreError::Conflict`]).
    pub answers: Option<i64>,
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erased {
    Done,
    /// Erased before (a second run, another node): nothing to do, nothing written.
    Already(Instant),
    /// On legal hold: nothing changed.
    Held(Hold),
}

/// A closed complaint that has no `keep_until` yet (closed by the customer, or before retention existed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unscheduled {
    pub id: i64,
    pub category: String,
    pub closed_at: Instant,
}

/// Retention, holds and erasure.
pub trait RetentionStore {
    fn keeping(&self, id: i64) -> Result<Keeping>;

    /// Sets (or, for a complaint no longer closed, clears) the last day it is kept.
    fn set_keep_until(&mut self, id: i64, keep_until: Option<Date>) -> Result<()>;

    /// Closed complaints, neither erased nor scheduled, at most `limit`.
    fn unscheduled(&self, limit: i64) -> Result<Vec<Unscheduled>>;

    /// Complaints kept until before `today`, neither erased nor held, at most `limit`, by id: (id, reference).
    fn due_for_erasure(&self, today: Date, limit: i64) -> Result<Vec<(i64, String)>>;

    /// Puts a hold on (`Some`) or takes it off (`None`), with its audit line, in one transaction. False when
    /// it already was so (nothing written).
    fn set_hold(&mut self, id: i64, hold: Option<&Hold>, audit: &AuditEntry) -> Result<bool>;

    /// Erases one complaint's personal data in one transaction (see the module's words).
    fn erase(&mut self, erasure: &Erasure<'_>) -> Result<Erased>;

    /// References of complaints whose customer gave `email` (any case), oldest first.
    fn references_by_email(&self, email: &str) -> Result<Vec<String>>;
}

fn keeping_of(conn: &Connection, id: i64) -> Result<Keeping> {
    type Row = (
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let (keep_until, erased_at, hold_since, hold_by, hold_reason): Row = conn.query_row(
        "SELECT keep_until, erased_at, hold_since, hold_by, hold_reason FROM complaints WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let keep_until = keep_until
        .map(|d| Date::parse_iso(&d).ok_or_else(|| corrupt("date", &d)))
        .transpose()?;
    Ok(Keeping {
        keep_until,
        hold: hold_since.map(|since| Hold {
            since: Instant::from_unix_seconds(since),
            by: hold_by.unwrap_or_default(),
            reason: hold_reason.unwrap_or_default(),
        }),
        erased_at: erased_at.map(Instant::from_unix_seconds),
    })
}

/// The audit line, inside the transaction of the change it records.
fn append(conn: &Connection, entry: &AuditEntry) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, actor_name, action, complaint_id, detail, address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            entry.at.unix_seconds(),
            entry.actor,
            entry.actor_name,
            entry.action,
            entry.complaint_id,
            entry.detail.to_string(),
            entry.address
        ],
    )?;
    Ok(())
}

/// The statements that take a complaint's personal data out, in the order run (`?1`: its id). What stays:
/// the row's category, locale, dates and facts, the stages without their messages, the deadlines, the
/// replies' kinds, times and stars, the causes, the audit log (which never holds the words), the webhook
/// outbox (reference, category and stage only).
const ERASE: &[&str] = &[
    "UPDATE stages SET message = NULL WHERE complaint_id = ?1",
    "DELETE FROM messages WHERE complaint_id = ?1",
    // Notes are internal, but they are about the person and often quote them: they go too.
    "DELETE FROM notes WHERE complaint_id = ?1",
    "DELETE FROM mail_outbox WHERE complaint_id = ?1",
    "DELETE FROM reply_files WHERE reply_id IN (SELECT id FROM replies WHERE complaint_id = ?1)",
    "UPDATE replies SET text = NULL WHERE complaint_id = ?1",
    "DELETE FROM attachments WHERE complaint_id = ?1",
    "DELETE FROM idempotency_keys WHERE complaint_id = ?1",
    "DELETE FROM reply_keys WHERE complaint_id = ?1",
    "DELETE FROM search_text WHERE complaint_id = ?1",
];

impl RetentionStore for Store {
    fn keeping(&self, id: i64) -> Result<Keeping> {
        keeping_of(&self.conn, id)
    }

    fn set_keep_until(&mut self, id: i64, keep_until: Option<Date>) -> Result<()> {
        self.conn.execute(
            "UPDATE complaints SET keep_until = ?2 WHERE id = ?1",
            params![id, keep_until.map(|d| d.to_string())],
        )?;
        Ok(())
    }

    fn unscheduled(&self, limit: i64) -> Result<Vec<Unscheduled>> {
        let mut statement = self.conn.prepare(
            "SELECT id, category, last.stage, last.at FROM complaints
             JOIN stages AS last ON last.complaint_id = complaints.id
                  AND last.seq = (SELECT max(seq) FROM stages WHERE complaint_id = complaints.id)
             WHERE keep_until IS NULL AND erased_at IS NULL AND last.stage = 'closed'
             ORDER BY id LIMIT ?1",
        )?;
        let rows = statement.query_map([limit], |r| {
            Ok(Unscheduled {
                id: r.get(0)?,
                category: r.get(1)?,
                closed_at: Instant::from_unix_seconds(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn due_for_erasure(&self, today: Date, limit: i64) -> Result<Vec<(i64, String)>> {
        let mut statement = self.conn.prepare(
            "SELECT id, reference FROM complaints
             WHERE keep_until < ?1 AND erased_at IS NULL AND hold_since IS NULL ORDER BY id LIMIT ?2",
        )?;
        let rows = statement.query_map(params![today.to_string(), limit], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn set_hold(&mut self, id: i64, hold: Option<&Hold>, audit: &AuditEntry) -> Result<bool> {
        let tx = self.write()?;
        let changed = match hold {
            Some(hold) => tx.execute(
                "UPDATE complaints SET hold_since = ?2, hold_by = ?3, hold_reason = ?4
                 WHERE id = ?1 AND hold_since IS NULL",
                params![id, hold.since.unix_seconds(), hold.by, hold.reason],
            )?,
            None => tx.execute(
                "UPDATE complaints SET hold_since = NULL, hold_by = NULL, hold_reason = NULL
                 WHERE id = ?1 AND hold_since IS NOT NULL",
                [id],
            )?,
        };
        if changed == 0 {
            return Ok(false);
        }
        append(&tx, audit)?;
        tx.commit()?;
        Ok(true)
    }

    fn erase(&mut self, erasure: &Erasure<'_>) -> Result<Erased> {
        let evidence = self.evidence.clone();
        let tx = self.write()?;
        let keeping = keeping_of(&tx, erasure.id)?;
        if let Some(at) = keeping.erased_at {
            return Ok(Erased::Already(at));
        }
        if let Some(hold) = keeping.hold {
            return Ok(Erased::Held(hold));
        }
        for statement in ERASE {
            tx.execute(statement, [erasure.id])?;
        }
        // A new revision, so the status file is replaced by the tombstone (now, or by `republish` after a
        // crash); the facts, current before, stay current: nothing they count has changed.
        tx.execute(
            "UPDATE complaints SET submission = ?2, pin = NULL, summary = NULL, next_step = NULL,
                    erased_at = ?3, revision = revision + 1,
                    facts_revision = CASE WHEN facts_revision = revision THEN revision + 1
                                          ELSE facts_revision END
             WHERE id = ?1",
            params![erasure.id, erasure.submission, erasure.at.unix_seconds()],
        )?;
        if let Some(request) = erasure.answers {
            let answered = tx.execute(
                "UPDATE data_requests SET state = 'done', answered_by = ?3, answered_at = ?4
                 WHERE id = ?1 AND complaint_id = ?2 AND state = 'open'",
                params![
                    request,
                    erasure.id,
                    erasure.audit.actor,
                    erasure.at.unix_seconds()
                ],
            )?;
            if answered != 1 {
                return Err(super::StoreError::Conflict);
            }
        }
        append(&tx, erasure.audit)?;
        drop_unnamed_blobs(&tx, &evidence)?;
        tx.commit()?;
        Ok(Erased::Done)
    }

    fn references_by_email(&self, email: &str) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare(
            "SELECT reference FROM complaints
             WHERE json_valid(submission)
               AND lower(trim(json_extract(submission, '$.contact.email'))) = lower(trim(?1))
             ORDER BY received_at, id",
        )?;
        let rows = statement.query_map([email], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// For `ComplaintStore::complaint`'s readers: whether a complaint was erased, without the rest.
pub(super) fn erased_at(conn: &Connection, id: i64) -> Result<Option<Instant>> {
    let at: Option<i64> = conn
        .query_row(
            "SELECT erased_at FROM complaints WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(at.map(Instant::from_unix_seconds))
}
