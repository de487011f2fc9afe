//! Complaints in the store: recording one exactly once per Idempotency-Key (with the first answer, kept for
//! a retry days later), reading one back by its reference as typed, every one, the ones whose status file
//! lags. A change is saved under the revision it was read at (a stale edit is a `Conflict`) by
//! `super::work`'s `save_work`, with what staff change beside the status.

use complaint_domain::calendar::Date;
use complaint_domain::i18n::Locale;
use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::DecidedOutcome;
use complaint_domain::status::ReplyEntry;
use complaint_domain::status::ReplyKind;
use complaint_domain::status::SetDeadline;
use complaint_domain::status::Stage;
use complaint_domain::status::StageEntry;
use complaint_domain::status::StatusRecord;
use complaint_domain::status::STATUS_SCHEMA;
use complaint_domain::tracking::normalise_reference;

use rusqlite::params;
use rusqlite::Connection;
use rusqlite::ErrorCode;
use rusqlite::OptionalExtension;
use rusqlite::Transaction;

use super::blobs::keep_blob;
use super::webhooks::{queue_about, EventType};
use super::{
    corrupt, decision_name, parse_decision, parse_step, step_name, Result, Store, StoreError,
};
use serde_json::Map;

/// The first answer given for an Idempotency-Key, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub fingerprint: String,
    pub status: u16,
    pub body: String,
}

/// One file to record. `sha256` must be the SHA-256 of `content` in lower-case hex: it names the bytes, which
/// are kept once under it however many complaints and replies carry them.
#[derive(Clone, Copy)]
pub struct NewAttachment<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
}

/// Everything one accepted complaint writes, in one transaction.
pub struct NewComplaint<'a> {
    pub key: &'a str,
    pub fingerprint: &'a str,
    pub reference: &'a str,
    pub category: &'a str,
    pub locale: Locale,
    pub received_at: Instant,
    pub submission: &'a str,
    /// Where the customer lives, when the form asked: which statutory deadlines apply.
    pub consumer_country: Option<&'a str>,
    pub pin: Option<&'a str>,
    pub status_key: &'a str,
    pub attachments: Vec<NewAttachment<'a>>,
    pub answer_status: u16,
    pub answer_body: &'a str,
    /// Held back, and why (`docs/intake.md`, quarantine).
    pub quarantine: Option<&'a str>,
}

#[derive(Debug)]
pub enum Recorded {
    New,
    /// Another request with the same key got there first (another process, or a race the in-memory
    /// claim could not see); its answer stands.
    KeyTaken(StoredAnswer),
    /// The random reference is already in use: draw another.
    ReferenceTaken,
}

/// A complaint as the back office and the publisher see it.
#[derive(Debug, Clone)]
pub struct Complaint {
    pub id: i64,
    pub status_key: String,
    pub locale: Locale,
    pub record: StatusRecord,
    pub revision: i64,
    /// Why it is held back from publishing, while it is.
    pub quarantine: Option<String>,
    /// When its personal data was erased (`super::retention`): its status file is a tombstone since.
    pub erased_at: Option<Instant>,
}

pub(super) fn answer_for(conn: &Connection, key: &str) -> Result<Option<StoredAnswer>> {
    answer_in(conn, KeyTable::Complaints, key)
}

/// Where an Idempotency-Key's first answer is kept: a complaint's or a reply's.
pub(super) enum KeyTable {
    Complaints,
    Replies,
}

/// The first answer given to `key` in `table`, if any.
pub(super) fn answer_in(
    conn: &Connection,
    table: KeyTable,
    key: &str,
) -> Result<Option<StoredAnswer>> {
    let query = match table {
        KeyTable::Complaints => {
            "SELECT fingerprint, status, body FROM idempotency_keys WHERE key = ?1"
        }
        KeyTable::Replies => "SELECT fingerprint, status, body FROM reply_keys WHERE key = ?1",
    };
    Ok(conn
        .query_row(query, [key], |r| {
            Ok(StoredAnswer {
                fingerprint: r.get(0)?,
                status: r.get(1)?,
                body: r.get(2)?,
            })
        })
        .optional()?)
}

pub(super) fn load(conn: &Connection, id: i64) -> Result<Complaint> {
    type Row = (
        String,
        String,
        String,
        String,
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        Option<String>,
        Option<String>,
    );
    let (reference, category, locale, status_key, updated_at, next_step, decision, summary, revision, quarantine, consumer_country): Row =
        conn.query_row(
            "SELECT reference, category, locale, status_key, updated_at, next_step, decision, summary, revision,
                    quarantine, consumer_country
             FROM complaints WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            },
        )?;
    let history = stage_history(conn, id)?;
    let deadlines = set_deadlines(conn, id)?;
    let replies = reply_entries(conn, id)?;
    let outcome = decision
        .map(|d| {
            Ok::<_, StoreError>(DecidedOutcome {
                decision: parse_decision(&d).ok_or_else(|| corrupt("decision", &d))?,
                summary: summary.clone().map(OrgText::from_stored),
            })
        })
        .transpose()?;
    Ok(Complaint {
        id,
        status_key,
        locale: Locale::from_tag(&locale).ok_or_else(|| corrupt("language", &locale))?,
        revision,
        quarantine,
        erased_at: super::retention::erased_at(conn, id)?,
        record: StatusRecord {
            schema_version: STATUS_SCHEMA,
            reference,
            category,
            updated_at: Instant::from_unix_seconds(updated_at),
            history,
            next_step: next_step.map(OrgText::from_stored),
            deadlines,
            outcome,
            replies,
            // Set from the organisation's config where the record is published or replied to.
            reopen_until: None,
            messages: super::work::messages(conn, id)?,
            merged_into: super::work::merged_into(conn, id)?,
            consumer_country,
            data_requests: super::data_requests::entries(conn, id)?,
        },
    })
}
/// A complaint's stages, oldest first.
fn stage_history(conn: &Connection, id: i64) -> Result<Vec<StageEntry>> {
    let mut statement =
        conn.prepare("SELECT stage, at, message FROM stages WHERE complaint_id = ?1 ORDER BY seq")?;
    let entries = statement
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(stage, at, message)| {
            Ok(StageEntry {
                stage: Stage::parse(&stage).ok_or_else(|| corrupt("stage", &stage))?,
                at: Instant::from_unix_seconds(at),
                message: message.map(OrgText::from_stored),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(entries)
}

/// The dates a complaint's staff set by hand, in the order set.
fn set_deadlines(conn: &Connection, id: i64) -> Result<Vec<SetDeadline>> {
    let mut statement =
        conn.prepare("SELECT step, due, rule FROM deadlines WHERE complaint_id = ?1 ORDER BY seq")?;
    let entries = statement
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(step, due, rule)| {
            Ok(SetDeadline {
                step: parse_step(&step)?,
                due: Date::parse_iso(&due).ok_or_else(|| corrupt("date", &due))?,
                rule: rule.map(OrgText::from_stored),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(entries)
}

/// What the status record tells of a complaint's replies (kind, time, stars), oldest first.
fn reply_entries(conn: &Connection, id: i64) -> Result<Vec<ReplyEntry>> {
    let mut statement =
        conn.prepare("SELECT kind, at, stars FROM replies WHERE complaint_id = ?1 ORDER BY id")?;
    let entries = statement
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<u8>>(2)?,
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(kind, at, stars)| {
            Ok(ReplyEntry {
                kind: ReplyKind::parse(&kind).ok_or_else(|| corrupt("reply kind", &kind))?,
                at: Instant::from_unix_seconds(at),
                stars,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(entries)
}

pub(super) fn write_status(tx: &Transaction<'_>, id: i64, record: &StatusRecord) -> Result<()> {
    tx.execute("DELETE FROM stages WHERE complaint_id = ?1", [id])?;
    for (seq, entry) in record.history.iter().enumerate() {
        tx.execute(
            "INSERT INTO stages (complaint_id, seq, stage, at, message) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                seq as i64,
                entry.stage.as_str(),
                entry.at.unix_seconds(),
                entry.message.as_ref().map(OrgText::to_stored)
            ],
        )?;
    }
    tx.execute("DELETE FROM deadlines WHERE complaint_id = ?1", [id])?;
    for (seq, deadline) in record.deadlines.iter().enumerate() {
        tx.execute(
            "INSERT INTO deadlines (complaint_id, seq, step, due, rule) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                seq as i64,
                step_name(deadline.step),
                deadline.due.to_string(),
                deadline.rule.as_ref().map(OrgText::to_stored)
            ],
        )?;
    }
    tx.execute(
        "UPDATE complaints SET updated_at = ?2, next_step = ?3, decision = ?4, summary = ?5 WHERE id = ?1",
        params![
            id,
            record.updated_at.unix_seconds(),
            record.next_step.as_ref().map(OrgText::to_stored),
            record.outcome.as_ref().map(|o| decision_name(o.decision)),
            record.outcome.as_ref().and_then(|o| o.summary.as_ref().map(OrgText::to_stored)),
        ],
    )?;
    // Reopened: no longer kept until a day; closing again sets it anew (`desk::retention`).
    if record.current().map(|e| e.stage) != Some(Stage::Closed) {
        tx.execute(
            "UPDATE complaints SET keep_until = NULL WHERE id = ?1",
            [id],
        )?;
    }
    super::work::write_messages(tx, id, record)
}

/// Complaints: recorded once per key, read back, saved under a revision, published.
pub trait ComplaintStore {
    fn answer_for(&self, key: &str) -> Result<Option<StoredAnswer>>;

    /// Records a complaint with its files, key and first answer, and (unless held) its `complaint.filed`
    /// webhook event, in one transaction.
    fn record(&mut self, new: &NewComplaint<'_>) -> Result<Recorded>;

    /// By reference, however it is typed (`cmp-7k4q 2m9x` finds `CMP-7K4Q-2M9X`).
    fn complaint(&self, reference: &str) -> Result<Option<Complaint>>;

    /// Every complaint not held in quarantine, oldest first.
    fn all(&self) -> Result<Vec<Complaint>>;

    /// Complaints whose status file lags behind the database (a crash between commit and publish). Held
    /// ones never have a file, so they are never behind.
    fn unpublished(&self) -> Result<Vec<Complaint>>;

    fn mark_published(&self, id: i64, revision: i64) -> Result<()>;
}

impl ComplaintStore for Store {
    fn answer_for(&self, key: &str) -> Result<Option<StoredAnswer>> {
        answer_for(&self.conn, key)
    }

    fn record(&mut self, new: &NewComplaint<'_>) -> Result<Recorded> {
        let evidence = self.evidence.clone();
        let tx = self.write()?;
        if let Some(answer) = answer_for(&tx, new.key)? {
            return Ok(Recorded::KeyTaken(answer));
        }
        let at = new.received_at.unix_seconds();
        let inserted = tx.execute(
            "INSERT INTO complaints (reference, lookup, category, locale, received_at, submission, pin,
                                     status_key, updated_at, quarantine, consumer_country)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?5, ?9, ?10)",
            params![
                new.reference,
                normalise_reference(new.reference),
                new.category,
                new.locale.tag(),
                at,
                new.submission,
                new.pin,
                new.status_key,
                new.quarantine,
                new.consumer_country,
            ],
        );
        match inserted {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                return Ok(Recorded::ReferenceTaken)
            }
            other => other?,
        };
        let id = tx.last_insert_rowid();
        for (position, file) in new.attachments.iter().enumerate() {
            keep_blob(&tx, &evidence, file)?;
            tx.execute(
                "INSERT INTO attachments (complaint_id, position, name, kind, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, position as i64, file.name, file.kind, file.sha256],
            )?;
        }
        tx.execute(
            "INSERT INTO stages (complaint_id, seq, stage, at) VALUES (?1, 0, ?2, ?3)",
            params![id, Stage::Received.as_str(), at],
        )?;
        tx.execute(
            "INSERT INTO idempotency_keys (key, fingerprint, status, body, complaint_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![new.key, new.fingerprint, new.answer_status, new.answer_body, id, at],
        )?;
        // A held complaint is news to nobody until it is released (`QuarantineStore::release`).
        if new.quarantine.is_none() {
            queue_about(&tx, EventType::Filed, id, new.received_at, Map::new())?;
        }
        tx.commit()?;
        Ok(Recorded::New)
    }

    fn complaint(&self, reference: &str) -> Result<Option<Complaint>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM complaints WHERE lookup = ?1",
                [normalise_reference(reference)],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|id| load(&self.conn, id)).transpose()
    }

    fn all(&self) -> Result<Vec<Complaint>> {
        self.ids("SELECT id FROM complaints WHERE quarantine IS NULL ORDER BY received_at, id")?
            .into_iter()
            .map(|id| load(&self.conn, id))
            .collect()
    }

    fn unpublished(&self) -> Result<Vec<Complaint>> {
        self.ids(
            "SELECT id FROM complaints WHERE published_revision < revision AND quarantine IS NULL
             ORDER BY id",
        )?
        .into_iter()
        .map(|id| load(&self.conn, id))
        .collect()
    }

    fn mark_published(&self, id: i64, revision: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE complaints SET published_revision = MAX(published_revision, ?2) WHERE id = ?1",
            params![id, revision],
        )?;
        Ok(())
    }
}
