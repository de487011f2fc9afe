//! `ComplaintStore` on PostgreSQL, exactly once across nodes: the complaint, its files, its first stage and
//! its Idempotency-Key go in one transaction, the key with `ON CONFLICT DO NOTHING`. A second node sending the
//! same key waits on the key's unique index for the first node's transaction; when that commits, its own
//! insert does nothing, it rolls back its complaint and answers with the first node's stored answer.

use complaint_domain::calendar::Date;
use complaint_domain::i18n::Locale;
use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{
    DecidedOutcome, MessageKind, OrgMessage, ReplyEntry, ReplyKind, SetDeadline, Stage, StageEntry,
    StatusRecord, STATUS_SCHEMA,
};
use complaint_domain::tracking::normalise_reference;
use postgres::error::SqlState;
use postgres::GenericClient;

use super::PgStore;
use crate::store::complaints::KeyTable;
use crate::store::webhooks::EventType;
use crate::store::{
    corrupt, decision_name, parse_decision, parse_step, step_name, Complaint, ComplaintStore,
    NewComplaint, Recorded, Result, StoreError, StoredAnswer,
};

impl ComplaintStore for PgStore {
    fn answer_for(&self, key: &str) -> Result<Option<StoredAnswer>> {
        answer_for(&mut *self.connection()?, key)
    }

    fn record(&mut self, new: &NewComplaint<'_>) -> Result<Recorded> {
        let mut conn = self.connection()?;
        if let Some(answer) = answer_for(&mut *conn, new.key)? {
            return Ok(Recorded::KeyTaken(answer));
        }
        let mut tx = conn.transaction()?;
        let at = new.received_at.unix_seconds();
        let inserted = tx.query_one(
            "INSERT INTO complaints (reference, lookup, category, locale, received_at, submission, pin,
                                     status_key, updated_at, quarantine, consumer_country)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5, $9, $10) RETURNING id",
            &[
                &new.reference,
                &normalise_reference(new.reference),
                &new.category,
                &new.locale.tag(),
                &at,
                &new.submission,
                &new.pin,
                &new.status_key,
                &new.quarantine,
                &new.consumer_country,
            ],
        );
        let id: i64 = match inserted {
            Ok(row) => row.try_get(0)?,
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                return Ok(Recorded::ReferenceTaken)
            }
            Err(e) => return Err(e.into()),
        };
        let keys = tx.execute(
            "INSERT INTO idempotency_keys (key, fingerprint, status, body, complaint_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
            &[
                &new.key,
                &new.fingerprint,
                &i64::from(new.answer_status),
                &new.answer_body,
                &id,
                &at,
            ],
        )?;
        if keys == 0 {
            // Another node filed under this key meanwhile and committed: its answer stands, ours is undone.
            tx.rollback()?;
            return match answer_for(&mut *conn, new.key)? {
                Some(answer) => Ok(Recorded::KeyTaken(answer)),
                None => Err(StoreError::Conflict),
            };
        }
        for (position, file) in new.attachments.iter().enumerate() {
            super::blobs::keep_blob(&mut tx, &self.evidence, file)?;
            tx.execute(
                "INSERT INTO attachments (complaint_id, position, name, kind, sha256)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &id,
                    &(position as i64),
                    &file.name,
                    &file.kind,
                    &file.sha256,
                ],
            )?;
        }
        tx.execute(
            "INSERT INTO stages (complaint_id, seq, stage, at) VALUES ($1, 0, $2, $3)",
            &[&id, &Stage::Received.as_str(), &at],
        )?;
        // A held complaint is news to nobody until it is released.
        if new.quarantine.is_none() {
            super::webhooks::queue_about(
                &mut tx,
                EventType::Filed,
                id,
                new.received_at,
                serde_json::Map::new(),
            )?;
        }
        tx.commit()?;
        Ok(Recorded::New)
    }

    fn complaint(&self, reference: &str) -> Result<Option<Complaint>> {
        let mut conn = self.connection()?;
        let row = conn.query_opt(
            "SELECT id FROM complaints WHERE lookup = $1",
            &[&normalise_reference(reference)],
        )?;
        match row {
            Some(row) => Ok(Some(load(&mut *conn, row.try_get(0)?)?)),
            None => Ok(None),
        }
    }

    fn all(&self) -> Result<Vec<Complaint>> {
        self.load_all("SELECT id FROM complaints WHERE quarantine IS NULL ORDER BY received_at, id")
    }

    fn unpublished(&self) -> Result<Vec<Complaint>> {
        self.load_all(
            "SELECT id FROM complaints WHERE published_revision < revision AND quarantine IS NULL
             ORDER BY id",
        )
    }

    fn mark_published(&self, id: i64, revision: i64) -> Result<()> {
        self.connection()?.execute(
            "UPDATE complaints SET published_revision = GREATEST(published_revision, $2) WHERE id = $1",
            &[&id, &revision],
        )?;
        Ok(())
    }
}

impl PgStore {
    /// The complaints whose ids `sql` selects, in its order.
    fn load_all(&self, sql: &str) -> Result<Vec<Complaint>> {
        let mut conn = self.connection()?;
        let ids = conn
            .query(sql, &[])?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<Vec<i64>, _>>()?;
        ids.into_iter().map(|id| load(&mut *conn, id)).collect()
    }
}

pub(super) fn answer_for(conn: &mut impl GenericClient, key: &str) -> Result<Option<StoredAnswer>> {
    answer_in(conn, KeyTable::Complaints, key)
}

/// The first answer given to `key` in `table` (a complaint's keys or a reply's), if any.
pub(super) fn answer_in(
    conn: &mut impl GenericClient,
    table: KeyTable,
    key: &str,
) -> Result<Option<StoredAnswer>> {
    let query = match table {
        KeyTable::Complaints => {
            "SELECT fingerprint, status, body FROM idempotency_keys WHERE key = $1"
        }
        KeyTable::Replies => "SELECT fingerprint, status, body FROM reply_keys WHERE key = $1",
    };
    let row = conn.query_opt(query, &[&key])?;
    let Some(row) = row else {
        return Ok(None);
    };
    let status: i64 = row.try_get(1)?;
    Ok(Some(StoredAnswer {
        fingerprint: row.try_get(0)?,
        status: u16::try_from(status).map_err(|_| corrupt("answer status", &status.to_string()))?,
        body: row.try_get(2)?,
    }))
}

/// A complaint with its stages, deadlines, replies and messages, as SQLite's `load` reads it.
pub(super) fn load(conn: &mut impl GenericClient, id: i64) -> Result<Complaint> {
    let r = conn.query_one(
        "SELECT c.reference, c.category, c.locale, c.status_key, c.updated_at, c.next_step, c.decision,
                c.summary, c.revision, c.quarantine, survivor.reference, c.erased_at, c.consumer_country
         FROM complaints c LEFT JOIN complaints survivor ON survivor.id = c.merged_into
         WHERE c.id = $1",
        &[&id],
    )?;
    let locale: String = r.try_get(2)?;
    let decision: Option<String> = r.try_get(6)?;
    let summary: Option<String> = r.try_get(7)?;
    let outcome = decision
        .map(|d| {
            Ok::<_, StoreError>(DecidedOutcome {
                decision: parse_decision(&d).ok_or_else(|| corrupt("decision", &d))?,
                summary: summary.map(OrgText::from_stored),
            })
        })
        .transpose()?;
    let next_step: Option<String> = r.try_get(5)?;
    Ok(Complaint {
        id,
        status_key: r.try_get(3)?,
        locale: Locale::from_tag(&locale).ok_or_else(|| corrupt("language", &locale))?,
        revision: r.try_get(8)?,
        quarantine: r.try_get(9)?,
        erased_at: r
            .try_get::<_, Option<i64>>(11)?
            .map(Instant::from_unix_seconds),
        record: StatusRecord {
            schema_version: STATUS_SCHEMA,
            reference: r.try_get(0)?,
            category: r.try_get(1)?,
            updated_at: Instant::from_unix_seconds(r.try_get(4)?),
            history: stage_history(conn, id)?,
            next_step: next_step.map(OrgText::from_stored),
            deadlines: set_deadlines(conn, id)?,
            outcome,
            replies: reply_entries(conn, id)?,
            // Set from the organisation's config where the record is published or replied to.
            reopen_until: None,
            messages: messages(conn, id)?,
            merged_into: r.try_get(10)?,
            consumer_country: r.try_get(12)?,
            data_requests: super::data_requests::entries(conn, id)?,
        },
    })
}

fn stage_history(conn: &mut impl GenericClient, id: i64) -> Result<Vec<StageEntry>> {
    let rows = conn.query(
        "SELECT stage, at, message FROM stages WHERE complaint_id = $1 ORDER BY seq",
        &[&id],
    )?;
    rows.iter()
        .map(|r| {
            let stage: String = r.try_get(0)?;
            let message: Option<String> = r.try_get(2)?;
            Ok(StageEntry {
                stage: Stage::parse(&stage).ok_or_else(|| corrupt("stage", &stage))?,
                at: Instant::from_unix_seconds(r.try_get(1)?),
                message: message.map(OrgText::from_stored),
            })
        })
        .collect()
}

fn set_deadlines(conn: &mut impl GenericClient, id: i64) -> Result<Vec<SetDeadline>> {
    let rows = conn.query(
        "SELECT step, due, rule FROM deadlines WHERE complaint_id = $1 ORDER BY seq",
        &[&id],
    )?;
    rows.iter()
        .map(|r| {
            let step: String = r.try_get(0)?;
            let due: String = r.try_get(1)?;
            let rule: Option<String> = r.try_get(2)?;
            Ok(SetDeadline {
                step: parse_step(&step)?,
                due: Date::parse_iso(&due).ok_or_else(|| corrupt("date", &due))?,
                rule: rule.map(OrgText::from_stored),
            })
        })
        .collect()
}

fn reply_entries(conn: &mut impl GenericClient, id: i64) -> Result<Vec<ReplyEntry>> {
    let rows = conn.query(
        "SELECT kind, at, stars FROM replies WHERE complaint_id = $1 ORDER BY id",
        &[&id],
    )?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(0)?;
            let stars: Option<i64> = r.try_get(2)?;
            Ok(ReplyEntry {
                kind: ReplyKind::parse(&kind).ok_or_else(|| corrupt("reply kind", &kind))?,
                at: Instant::from_unix_seconds(r.try_get(1)?),
                stars: stars
                    .map(|s| u8::try_from(s).map_err(|_| corrupt("stars", &s.to_string())))
                    .transpose()?,
            })
        })
        .collect()
}

fn messages(conn: &mut impl GenericClient, id: i64) -> Result<Vec<OrgMessage>> {
    let rows = conn.query(
        "SELECT kind, at, text FROM messages WHERE complaint_id = $1 ORDER BY id",
        &[&id],
    )?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(0)?;
            Ok(OrgMessage {
                kind: MessageKind::parse(&kind).ok_or_else(|| corrupt("message kind", &kind))?,
                at: Instant::from_unix_seconds(r.try_get(1)?),
                text: OrgText::from_stored(r.try_get::<_, String>(2)?),
            })
        })
        .collect()
}

/// Replaces complaint `id`'s stages, deadlines, decision and messages with `record`'s, on the caller's
/// transaction (SQLite's `write_status`).
pub(super) fn write_status(
    tx: &mut impl GenericClient,
    id: i64,
    record: &StatusRecord,
) -> Result<()> {
    tx.execute("DELETE FROM stages WHERE complaint_id = $1", &[&id])?;
    for (seq, entry) in record.history.iter().enumerate() {
        tx.execute(
            "INSERT INTO stages (complaint_id, seq, stage, at, message) VALUES ($1, $2, $3, $4, $5)",
            &[
                &id,
                &(seq as i64),
                &entry.stage.as_str(),
                &entry.at.unix_seconds(),
                &entry.message.as_ref().map(OrgText::to_stored),
            ],
        )?;
    }
    tx.execute("DELETE FROM deadlines WHERE complaint_id = $1", &[&id])?;
    for (seq, deadline) in record.deadlines.iter().enumerate() {
        tx.execute(
            "INSERT INTO deadlines (complaint_id, seq, step, due, rule) VALUES ($1, $2, $3, $4, $5)",
            &[
                &id,
                &(seq as i64),
                &step_name(deadline.step),
                &deadline.due.to_string(),
                &deadline.rule.as_ref().map(OrgText::to_stored),
            ],
        )?;
    }
    tx.execute(
        "UPDATE complaints SET updated_at = $2, next_step = $3, decision = $4, summary = $5 WHERE id = $1",
        &[
            &id,
            &record.updated_at.unix_seconds(),
            &record.next_step.as_ref().map(OrgText::to_stored),
            &record.outcome.as_ref().map(|o| decision_name(o.decision)),
            &record
                .outcome
                .as_ref()
                .and_then(|o| o.summary.as_ref().map(OrgText::to_stored)),
        ],
    )?;
    super::work::write_messages(tx, id, record)
}
