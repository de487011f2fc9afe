//! The durable record: complaints, their evidence (each file's bytes once, under its SHA-256, however many
//! complaints and replies name it), stage history, deadlines set by hand, replies, the mail outbox, and the
//! Idempotency-Keys with the first answer given for each. SQLite in WAL mode with `synchronous=FULL`, so a
//! committed transaction survives a crash or a power cut; the schema moves forward by `PRAGMA user_version`.

use std::path::{Path, PathBuf};

use complaint_domain::calendar::Date;
use complaint_domain::i18n::Locale;
use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{
    DeadlineStep, DecidedOutcome, Decision, ReplyEntry, ReplyKind, SetDeadline, Stage, StageEntry,
    StatusRecord, STATUS_SCHEMA,
};
use complaint_domain::tracking::normalise_reference;
use rusqlite::{
    params, Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior,
};

/// Each entry moves the schema one version on; never edit one that has shipped, add another.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,
    reference     TEXT NOT NULL UNIQUE,
    -- The reference as letters and digits only, upper case: what people type in the back office.
    lookup        TEXT NOT NULL UNIQUE,
    category      TEXT NOT NULL,
    locale        TEXT NOT NULL,
    received_at   INTEGER NOT NULL,
    -- The complaint part exactly as received. It holds personal data; the status file never does.
    submission    TEXT NOT NULL,
    -- Only for customers who gave no email address: with the reference, it names their status file.
    pin           TEXT,
    status_key    TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    next_step     TEXT,
    decision      TEXT,
    summary       TEXT,
    -- Bumped by every change; the status file is current when published_revision catches up.
    revision      INTEGER NOT NULL DEFAULT 1,
    published_revision INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE attachments (
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    PRIMARY KEY (complaint_id, position)
);
CREATE TABLE stages (
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    stage         TEXT NOT NULL,
    at            INTEGER NOT NULL,
    message       TEXT,
    PRIMARY KEY (complaint_id, seq)
);
CREATE TABLE deadlines (
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    step          TEXT NOT NULL,
    due           TEXT NOT NULL,
    rule          TEXT,
    PRIMARY KEY (complaint_id, seq)
);
-- Kept as long as the complaint they created, so a retry days later still gets the first answer.
CREATE TABLE idempotency_keys (
    key           TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL
);
"#,
    r#"
-- Why a complaint that looked automated (the hidden field filled, sent implausibly fast) is held back; NULL for
-- every other. A held complaint is kept whole, with its key and first answer, but has no status file until the
-- back office releases it: a real customer is never silently lost, and a bot learns nothing. (From this version
-- on, `submission` holds the complaint as parsed and serialised again, not the bytes as sent.)
ALTER TABLE complaints ADD COLUMN quarantine TEXT;
"#,
    r#"
-- What customers sent on their filed complaints (docs/replies.md): information, "resolves it", "not
-- satisfied" with a reason, a rating. Their words and files are personal data and stay here; the status file
-- shows only that they replied. read_at is NULL until `show` has shown the reply to the back office.
CREATE TABLE replies (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    text          TEXT,
    stars         INTEGER,
    read_at       INTEGER
);
CREATE INDEX replies_by_complaint ON replies (complaint_id, id);
CREATE TABLE reply_files (
    reply_id      INTEGER NOT NULL REFERENCES replies(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    PRIMARY KEY (reply_id, position)
);
-- A reply's Idempotency-Key with its first answer, kept as long as the complaint, as for filing.
CREATE TABLE reply_keys (
    key           TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL
);
"#,
    r#"
-- Mail waiting for the relay (docs/intake.md, Mail): added by whoever has news, sent by `serve` in the
-- background, tried again after next_at until sent_at is set. Kept after sending, with the complaint.
CREATE TABLE mail_outbox (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    to_addr       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       INTEGER NOT NULL,
    sent_at       INTEGER,
    last_error    TEXT
);
CREATE INDEX mail_due ON mail_outbox (next_at) WHERE sent_at IS NULL;
"#,
    r#"
-- What the published insights count (docs/insights.md), one column per fact, filled from the complaint's
-- status by the domain's rules whenever it changed (facts_revision catches up with revision), so the figures
-- are computed in SQL over the indexes below and never by loading every complaint. Times are Unix seconds;
-- a *_due_at is the first second that is late (promises counted in the organisation's zone and business days).
ALTER TABLE complaints ADD COLUMN received_week TEXT;
ALTER TABLE complaints ADD COLUMN ack_due_at INTEGER;
ALTER TABLE complaints ADD COLUMN acknowledged_at INTEGER;
ALTER TABLE complaints ADD COLUMN decide_due_at INTEGER;
ALTER TABLE complaints ADD COLUMN decided_at INTEGER;
ALTER TABLE complaints ADD COLUMN decision_seconds INTEGER;
ALTER TABLE complaints ADD COLUMN closed_at INTEGER;
ALTER TABLE complaints ADD COLUMN closed_in_3_days INTEGER;
ALTER TABLE complaints ADD COLUMN closed_in_8_weeks INTEGER;
ALTER TABLE complaints ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN rating INTEGER;
ALTER TABLE complaints ADD COLUMN next_due_at INTEGER;
ALTER TABLE complaints ADD COLUMN facts_revision INTEGER NOT NULL DEFAULT 0;
-- A held complaint (quarantine) has no facts at all, so none of these counts it; releasing one marks its facts
-- stale. Every index covers its query, so no table row is read for the figures.
CREATE INDEX facts_stale ON complaints (id) WHERE facts_revision < revision;
CREATE INDEX insights_by_week ON complaints (received_week, category, ack_due_at, acknowledged_at,
    decide_due_at, decided_at, decision, reopened, rating);
CREATE INDEX decisions_by_week ON complaints (received_week, category, decision_seconds);
CREATE INDEX decisions_by_week_all ON complaints (received_week, decision_seconds);
CREATE INDEX overdue_by_due ON complaints (next_due_at, category);
CREATE INDEX opened_by_time ON complaints (received_at, category, received_week);
CREATE INDEX closed_by_time ON complaints (closed_at, category, closed_in_3_days, closed_in_8_weeks, decision);
-- The root causes the organisation found (respond --cause), from the config's list; at is the response.
CREATE TABLE complaint_causes (
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    cause         TEXT NOT NULL,
    at            INTEGER NOT NULL,
    PRIMARY KEY (complaint_id, cause)
);
CREATE INDEX causes_by_time ON complaint_causes (at, cause);
"#,
    r#"
-- The files an organisation's mail carries (docs/intake.md, Mail), named here, never copied: their bytes are
-- read from attachments or reply_files as the mail is sent, so the outbox stays small however large they are.
CREATE TABLE mail_files (
    mail_id       INTEGER NOT NULL REFERENCES mail_outbox(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    -- N of `attachment REF N` (as `show` numbers the files), which starts the file's name in the mail.
    number        INTEGER NOT NULL,
    -- NULL for one of the mail's complaint's own files (attachments), else the reply it came with (reply_files).
    reply_id      INTEGER REFERENCES replies(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    PRIMARY KEY (mail_id, seq)
);
-- The body with every file listed instead of attached, for a mail with files: sent in their place if the relay
-- refuses the mail with them for good (too large for it), so the organisation still hears of the complaint.
ALTER TABLE mail_outbox ADD COLUMN body_without_files TEXT;
"#,
    r#"
-- Each file's bytes once, named by their SHA-256 (what the attachment's and the reply file's sha256 hold): one
-- upload named by ten complaints, or a photo sent again with a reply, is stored once, not once per naming.
-- A blob no complaint or reply names any more is removed with the last that did (`Store::drop_unnamed_blobs`).
CREATE TABLE blobs (
    sha256        TEXT PRIMARY KEY,
    content       BLOB NOT NULL
);
INSERT OR IGNORE INTO blobs (sha256, content) SELECT sha256, content FROM attachments;
INSERT OR IGNORE INTO blobs (sha256, content) SELECT sha256, content FROM reply_files;
ALTER TABLE attachments DROP COLUMN content;
ALTER TABLE reply_files DROP COLUMN content;
CREATE INDEX attachments_by_blob ON attachments (sha256);
CREATE INDEX reply_files_by_blob ON reply_files (sha256);
"#,
    r#"
-- An organisation's mail about replies tells what is new (docs/intake.md, Mail): the replies from this one on
-- (NULL for every other mail). One still waiting to be sent takes the replies that follow it, so a storm of
-- replies is one mail, not one each.
ALTER TABLE mail_outbox ADD COLUMN replies_from INTEGER;
CREATE INDEX mail_by_complaint ON mail_outbox (complaint_id, id);
-- Which mails carried a reply's file (and the cascade when a reply goes), without reading every mail's files.
CREATE INDEX mail_files_by_reply ON mail_files (reply_id, position);
"#,
    r#"
-- The service's own secrets, made at the first start that needs one (`reply-proof`: 32 random bytes the
-- Reply-Proof is keyed with, docs/replies.md). created_at tells complaints received before it, whose devices
-- only know the older, unkeyed proof.
CREATE TABLE secrets (
    name          TEXT PRIMARY KEY,
    value         BLOB NOT NULL,
    created_at    INTEGER NOT NULL
);
"#,
];

/// Why the database could not do what was asked. [`StoreError::Conflict`] is the one a caller handles
/// (read again and retry); the others are failures of the file or its contents.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else changed the complaint between reading it and saving it.
    #[error("the complaint was changed by someone else meanwhile; run the command again")]
    Conflict,
    #[error("cannot create {}: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// A file system without shared memory (some network mounts): WAL, which the crash promise needs, is off.
    #[error("{} cannot use write-ahead logging (journal mode {mode})", path.display())]
    NoWriteAheadLog { path: PathBuf, mode: String },
    /// The database was written by a newer program; reading it with this one could misread it.
    #[error(
        "the database is at schema version {found}, newer than this program knows ({known}); \
         use a newer complaint-intake"
    )]
    NewerSchema { found: i64, known: i64 },
    /// A value this program never writes (a hand edit, or a newer program's value).
    #[error("the database holds an unknown {what} \"{value}\"")]
    Corrupt { what: &'static str, value: String },
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

pub type Result<T> = std::result::Result<T, StoreError>;

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
}

/// Where a stored file's bytes are: with the complaint, or with one of the customer's replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileSource {
    Complaint { complaint_id: i64, position: i64 },
    Reply { reply_id: i64, position: i64 },
}

/// One stored file, without its bytes (those are read one at a time when exported).
#[derive(Debug, Clone)]
pub struct FiledFile {
    /// 1-based: the complaint's files in the order attached, then those of each reply in turn. What
    /// `attachment REF N` takes.
    pub number: i64,
    pub source: FileSource,
    pub name: String,
    pub kind: String,
    pub sha256: String,
    pub bytes: i64,
}

/// What the customer sent, as the back office reads it: personal data, never published.
#[derive(Debug, Clone)]
pub struct Filed {
    /// The complaint part as parsed and serialised again (`Submission::to_canonical_json`).
    pub submission: String,
    pub pin: Option<String>,
    pub received_at: Instant,
    pub files: Vec<FiledFile>,
}

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

/// What the published insights count about one complaint (`crate::insights::facts`), as Unix seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub received_week: String,
    pub ack_due_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub decide_due_at: Option<i64>,
    pub decided_at: Option<i64>,
    /// From receipt to the first decision.
    pub decision_seconds: Option<i64>,
    pub closed_at: Option<i64>,
    pub closed_in_3_days: Option<bool>,
    pub closed_in_8_weeks: Option<bool>,
    pub reopened: bool,
    pub rating: Option<u8>,
    pub next_due_at: Option<i64>,
}

/// A mail in the outbox, due to be sent.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: i64,
    pub attempts: i64,
    pub outgoing: crate::mail::Outgoing,
}

/// One stored file with its bytes, as a mail attaches it.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub name: String,
    /// The type sniffed from its content when it was received.
    pub kind: String,
    pub content: Vec<u8>,
}

pub struct Store {
    conn: Connection,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private_files::create_dir(dir).map_err(|source| StoreError::CreateFolder {
                path: dir.to_owned(),
                source,
            })?;
        }
        // Created private before SQLite opens it (its -wal and -shm files follow its mode).
        crate::private_files::create_file(path).map_err(|source| StoreError::CreateFolder {
            path: path.to_owned(),
            source,
        })?;
        let mut conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::NoWriteAheadLog {
                path: path.to_owned(),
                mode,
            });
        }
        // FULL: a commit is on disk before we tell a customer their complaint is received.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // The back-office CLI and the server share the file; a writer waits rather than failing.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// Takes the write lock at once: a transaction that reads and then writes could otherwise find another
    /// process's commit in between and fail instead of waiting.
    fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    #[cfg(test)]
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub fn answer_for(&self, key: &str) -> Result<Option<StoredAnswer>> {
        answer_for(&self.conn, key)
    }

    pub fn record(&mut self, new: &NewComplaint<'_>) -> Result<Recorded> {
        let tx = self.write()?;
        if let Some(answer) = answer_for(&tx, new.key)? {
            return Ok(Recorded::KeyTaken(answer));
        }
        let at = new.received_at.unix_seconds();
        let inserted = tx.execute(
            "INSERT INTO complaints (reference, lookup, category, locale, received_at, submission, pin,
                                     status_key, updated_at, quarantine)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?5, ?9)",
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
            keep_blob(&tx, file)?;
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
        tx.commit()?;
        Ok(Recorded::New)
    }

    /// By reference, however it is typed (`cmp-7k4q 2m9x` finds `CMP-7K4Q-2M9X`).
    pub fn complaint(&self, reference: &str) -> Result<Option<Complaint>> {
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

    /// The secret `name`, made from `fresh` at `at` if there is none yet (the first start wins; a second
    /// process starting at the same time reads the first one's), with when it was made.
    pub fn secret(&mut self, name: &str, fresh: &[u8], at: Instant) -> Result<(Vec<u8>, Instant)> {
        let tx = self.write()?;
        tx.execute(
            "INSERT OR IGNORE INTO secrets (name, value, created_at) VALUES (?1, ?2, ?3)",
            params![name, fresh, at.unix_seconds()],
        )?;
        let (value, created_at): (Vec<u8>, i64) = tx.query_row(
            "SELECT value, created_at FROM secrets WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.commit()?;
        Ok((value, Instant::from_unix_seconds(created_at)))
    }

    /// What a reply's proof is checked against, in one indexed read of two short columns, so a reference that
    /// exists costs what one that does not does: the status file's name (which the keyed proof is made from)
    /// and, only for a complaint received before `older_before`, its verifier (the email address given, else
    /// the PIN), which the older proof is made from. `None` for an unknown reference or a held complaint.
    pub fn proof_inputs(
        &self,
        reference: &str,
        older_before: Instant,
    ) -> Result<Option<(String, Option<String>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT status_key,
                        CASE WHEN received_at < ?2 THEN
                            coalesce(nullif(trim(json_extract(submission, '$.contact.email')), ''), pin, '')
                        END
                 FROM complaints WHERE lookup = ?1 AND quarantine IS NULL",
                params![normalise_reference(reference), older_before.unix_seconds()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// What the customer sent with complaint `id`: the answers, the PIN, and the files' descriptions.
    pub fn filed(&self, id: i64) -> Result<Filed> {
        let (submission, pin, received_at): (String, Option<String>, i64) = self.conn.query_row(
            "SELECT submission, pin, received_at FROM complaints WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut statement = self.conn.prepare(
            "SELECT a.position, a.name, a.kind, a.sha256, length(b.content)
             FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
             WHERE a.complaint_id = ?1 ORDER BY a.position",
        )?;
        let files = statement
            .query_map([id], |r| {
                let position: i64 = r.get(0)?;
                Ok(FiledFile {
                    number: position + 1,
                    source: FileSource::Complaint {
                        complaint_id: id,
                        position,
                    },
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    sha256: r.get(3)?,
                    bytes: r.get(4)?,
                })
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut files = files;
        let mut statement = self.conn.prepare(
            "SELECT f.reply_id, f.position, f.name, f.kind, f.sha256, length(b.content)
             FROM reply_files f JOIN replies r ON r.id = f.reply_id JOIN blobs b ON b.sha256 = f.sha256
             WHERE r.complaint_id = ?1 ORDER BY r.id, f.position",
        )?;
        let from_replies = statement
            .query_map([id], |r| {
                Ok(FiledFile {
                    number: 0,
                    source: FileSource::Reply {
                        reply_id: r.get(0)?,
                        position: r.get(1)?,
                    },
                    name: r.get(2)?,
                    kind: r.get(3)?,
                    sha256: r.get(4)?,
                    bytes: r.get(5)?,
                })
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        for mut file in from_replies {
            file.number = files.len() as i64 + 1;
            files.push(file);
        }
        Ok(Filed {
            submission,
            pin,
            received_at: Instant::from_unix_seconds(received_at),
            files,
        })
    }

    /// The bytes of one stored file.
    pub fn file_bytes(&self, source: FileSource) -> Result<Option<Vec<u8>>> {
        let found = match source {
            FileSource::Complaint {
                complaint_id,
                position,
            } => self.conn.query_row(
                "SELECT b.content FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
                 WHERE a.complaint_id = ?1 AND a.position = ?2",
                params![complaint_id, position],
                |r| r.get(0),
            ),
            FileSource::Reply { reply_id, position } => self.conn.query_row(
                "SELECT b.content FROM reply_files f JOIN blobs b ON b.sha256 = f.sha256
                 WHERE f.reply_id = ?1 AND f.position = ?2",
                params![reply_id, position],
                |r| r.get(0),
            ),
        };
        Ok(found.optional()?)
    }

    /// The bytes the database's pages in use take now: what `--db-max-mb` bounds.
    pub fn bytes_used(&self) -> Result<u64> {
        let pragma = |name: &str| -> Result<i64> {
            Ok(self.conn.pragma_query_value(None, name, |r| r.get(0))?)
        };
        let pages = pragma("page_count")?.saturating_sub(pragma("freelist_count")?);
        Ok(u64::try_from(pages.saturating_mul(pragma("page_size")?)).unwrap_or(0))
    }

    /// How many of these files' bytes are not stored yet: a file kept before (or named twice) adds nothing.
    pub fn unstored_bytes(&self, files: &[NewAttachment<'_>]) -> Result<u64> {
        let mut seen = std::collections::HashSet::new();
        let mut total = 0u64;
        for file in files {
            if !seen.insert(file.sha256) {
                continue;
            }
            let kept: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?1)",
                [file.sha256],
                |r| r.get(0),
            )?;
            if !kept {
                total = total.saturating_add(file.content.len() as u64);
            }
        }
        Ok(total)
    }

    /// The customer's replies to complaint `id`, oldest first.
    pub fn replies(&self, id: i64) -> Result<Vec<StoredReply>> {
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

    /// Marks the replies to complaint `id` as read by the back office.
    pub fn mark_replies_read(&self, id: i64, at: Instant) -> Result<()> {
        self.conn.execute(
            "UPDATE replies SET read_at = ?2 WHERE complaint_id = ?1 AND read_at IS NULL",
            params![id, at.unix_seconds()],
        )?;
        Ok(())
    }

    /// How many replies to each complaint the back office has not seen yet.
    pub fn unread_replies(&self) -> Result<std::collections::HashMap<i64, i64>> {
        let mut statement = self.conn.prepare(
            "SELECT complaint_id, COUNT(*) FROM replies WHERE read_at IS NULL GROUP BY complaint_id",
        )?;
        let counts = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(counts)
    }

    pub fn reply_answer_for(&self, key: &str) -> Result<Option<StoredAnswer>> {
        Ok(self
            .conn
            .query_row(
                "SELECT fingerprint, status, body FROM reply_keys WHERE key = ?1",
                [key],
                |r| {
                    Ok(StoredAnswer {
                        fingerprint: r.get(0)?,
                        status: r.get(1)?,
                        body: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records a reply with its key and first answer and the status it leads to, in one transaction;
    /// refused ([`StoreError::Conflict`]) if the complaint changed since `seen_revision` was read.
    pub fn reply(&mut self, new: &NewReply<'_>) -> Result<Replied> {
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
        write_status(&tx, new.complaint_id, new.record)?;
        let at = new.at.unix_seconds();
        tx.execute(
            "INSERT INTO replies (complaint_id, kind, at, text, stars) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new.complaint_id, new.kind.as_str(), at, new.text, new.stars],
        )?;
        let reply_id = tx.last_insert_rowid();
        for (position, file) in new.files.iter().enumerate() {
            keep_blob(&tx, file)?;
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
        tx.execute(
            "UPDATE complaints SET revision = revision + 1 WHERE id = ?1",
            [new.complaint_id],
        )?;
        tx.commit()?;
        Ok(Replied::New { reply_id })
    }

    /// Adds a mail and the files it names (not their bytes) to the outbox, due now.
    pub fn enqueue_mail(
        &self,
        complaint_id: i64,
        mail: &crate::mail::Outgoing,
        now: Instant,
    ) -> Result<()> {
        self.enqueue_mail_at(complaint_id, mail, now, now, None)
    }

    /// Adds a mail and the files it names (not their bytes) to the outbox, in one transaction, due at
    /// `due`; `replies_from` for a mail about the replies from that one on.
    pub fn enqueue_mail_at(
        &self,
        complaint_id: i64,
        mail: &crate::mail::Outgoing,
        now: Instant,
        due: Instant,
        replies_from: Option<i64>,
    ) -> Result<()> {
        // `&self` like every other outbox call (a command holds the store shared); nothing else runs on this
        // connection meanwhile, which is what the unchecked transaction needs.
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO mail_outbox (complaint_id, to_addr, subject, body, created_at, next_at,
                                      body_without_files, replies_from)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                complaint_id,
                mail.to,
                mail.subject,
                mail.body,
                now.unix_seconds(),
                due.unix_seconds(),
                mail.body_without_files,
                replies_from,
            ],
        )?;
        let mail_id = tx.last_insert_rowid();
        for (seq, file) in mail.files.iter().enumerate() {
            let (reply_id, position) = match file.source {
                FileSource::Complaint { position, .. } => (None, position),
                FileSource::Reply { reply_id, position } => (Some(reply_id), position),
            };
            tx.execute(
                "INSERT INTO mail_files (mail_id, seq, number, reply_id, position)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![mail_id, seq as i64, file.number, reply_id, position],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Unsent mail whose time has come, oldest first, at most `limit`, with the files each names.
    pub fn due_mail(&self, now: Instant, max_attempts: i64, limit: i64) -> Result<Vec<QueuedMail>> {
        let mut statement = self.conn.prepare(
            "SELECT id, attempts, to_addr, subject, body, complaint_id, body_without_files FROM mail_outbox
             WHERE sent_at IS NULL AND next_at <= ?1 AND attempts < ?2 ORDER BY id LIMIT ?3",
        )?;
        let rows = statement
            .query_map(params![now.unix_seconds(), max_attempts, limit], |r| {
                Ok((
                    QueuedMail {
                        id: r.get(0)?,
                        attempts: r.get(1)?,
                        outgoing: crate::mail::Outgoing {
                            to: r.get(2)?,
                            subject: r.get(3)?,
                            body: r.get(4)?,
                            files: Vec::new(),
                            body_without_files: r.get(6)?,
                        },
                    },
                    r.get::<_, i64>(5)?,
                ))
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut files = self.conn.prepare(
            "SELECT number, reply_id, position FROM mail_files WHERE mail_id = ?1 ORDER BY seq",
        )?;
        let mut due = Vec::with_capacity(rows.len());
        for (mut queued, complaint_id) in rows {
            queued.outgoing.files = files
                .query_map([queued.id], |r| {
                    let position: i64 = r.get(2)?;
                    Ok(crate::mail::MailFile {
                        number: r.get(0)?,
                        source: match r.get::<_, Option<i64>>(1)? {
                            Some(reply_id) => FileSource::Reply { reply_id, position },
                            None => FileSource::Complaint {
                                complaint_id,
                                position,
                            },
                        },
                    })
                })?
                .collect::<std::result::Result<Vec<_>, _>>()?;
            due.push(queued);
        }
        Ok(due)
    }

    /// One stored file with its name, type and bytes; `None` if it is gone.
    pub fn stored_file(&self, source: FileSource) -> Result<Option<StoredFile>> {
        let read = |r: &rusqlite::Row<'_>| {
            Ok(StoredFile {
                name: r.get(0)?,
                kind: r.get(1)?,
                content: r.get(2)?,
            })
        };
        let found = match source {
            FileSource::Complaint {
                complaint_id,
                position,
            } => self.conn.query_row(
                "SELECT a.name, a.kind, b.content FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
                 WHERE a.complaint_id = ?1 AND a.position = ?2",
                params![complaint_id, position],
                read,
            ),
            FileSource::Reply { reply_id, position } => self.conn.query_row(
                "SELECT f.name, f.kind, b.content FROM reply_files f JOIN blobs b ON b.sha256 = f.sha256
                 WHERE f.reply_id = ?1 AND f.position = ?2",
                params![reply_id, position],
                read,
            ),
        };
        Ok(found.optional()?)
    }

    /// The mail to `to` about complaint `complaint_id`'s replies that is still waiting for its time (never
    /// tried, due after `now` with a second to spare, so the outbox cannot be sending it): its id, the first
    /// reply it tells of, and when it is due.
    pub fn gathering_mail(
        &self,
        complaint_id: i64,
        to: &str,
        now: Instant,
    ) -> Result<Option<(i64, i64, Instant)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, replies_from, next_at FROM mail_outbox
                 WHERE complaint_id = ?1 AND to_addr = ?2 AND replies_from IS NOT NULL
                   AND sent_at IS NULL AND attempts = 0 AND next_at > ?3
                 ORDER BY id DESC LIMIT 1",
                params![complaint_id, to, now.unix_seconds() + 1],
                |r| Ok((r.get(0)?, r.get(1)?, Instant::from_unix_seconds(r.get(2)?))),
            )
            .optional()?)
    }

    /// When the last mail to `to` about complaint `complaint_id`'s replies was queued.
    pub fn last_reply_mail(&self, complaint_id: i64, to: &str) -> Result<Option<Instant>> {
        let at: Option<i64> = self.conn.query_row(
            "SELECT MAX(created_at) FROM mail_outbox
             WHERE complaint_id = ?1 AND to_addr = ?2 AND replies_from IS NOT NULL",
            params![complaint_id, to],
            |r| r.get(0),
        )?;
        Ok(at.map(Instant::from_unix_seconds))
    }

    /// Removes a mail not yet sent (another takes its place).
    pub fn drop_mail(&self, id: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM mail_outbox WHERE id = ?1 AND sent_at IS NULL",
            [id],
        )?;
        Ok(())
    }

    /// Whether a mail to `to` carries (or carried) a file with these bytes: the complaint's reference and the
    /// file's number there, for the note that stands in for attaching it again.
    pub fn mailed_before(&self, to: &str, sha256: &str) -> Result<Option<(String, i64)>> {
        // From the bytes' name to the files that have them (by index), then to the mails that carried
        // those files; the earliest such mail, not given up on, wins.
        let live = "(m.sent_at IS NOT NULL OR m.attempts < ?3)";
        let as_complaint_file = format!(
            "SELECT m.id, c.reference, f.number FROM attachments a
             JOIN mail_outbox m ON m.complaint_id = a.complaint_id
             JOIN mail_files f ON f.mail_id = m.id AND f.reply_id IS NULL AND f.position = a.position
             JOIN complaints c ON c.id = m.complaint_id
             WHERE a.sha256 = ?2 AND m.to_addr = ?1 AND {live}
             ORDER BY m.id LIMIT 1"
        );
        let as_reply_file = format!(
            "SELECT m.id, c.reference, f.number FROM reply_files r
             JOIN mail_files f ON f.reply_id = r.reply_id AND f.position = r.position
             JOIN mail_outbox m ON m.id = f.mail_id
             JOIN complaints c ON c.id = m.complaint_id
             WHERE r.sha256 = ?2 AND m.to_addr = ?1 AND {live}
             ORDER BY m.id LIMIT 1"
        );
        let mut found: Option<(i64, String, i64)> = None;
        for sql in [as_complaint_file, as_reply_file] {
            let hit: Option<(i64, String, i64)> = self
                .conn
                .query_row(&sql, params![to, sha256, crate::mail::MAX_ATTEMPTS], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            if let Some(hit) = hit {
                if found.as_ref().is_none_or(|f| hit.0 < f.0) {
                    found = Some(hit);
                }
            }
        }
        Ok(found.map(|(_, reference, number)| (reference, number)))
    }

    /// How many replies complaint `id` had since `since`, and when the first of them came.
    pub fn replies_since(&self, id: i64, since: Instant) -> Result<(i64, Option<Instant>)> {
        let (count, first): (i64, Option<i64>) = self.conn.query_row(
            "SELECT COUNT(*), MIN(at) FROM replies WHERE complaint_id = ?1 AND at >= ?2",
            params![id, since.unix_seconds()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((count, first.map(Instant::from_unix_seconds)))
    }

    pub fn mail_sent(&self, id: i64, now: Instant) -> Result<()> {
        self.conn.execute(
            "UPDATE mail_outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
            params![id, now.unix_seconds()],
        )?;
        Ok(())
    }

    /// Turns mail `id` into its copy without files (the body that lists them), due at `now`: the relay
    /// refused it with them for good.
    pub fn mail_without_files(&self, id: i64, now: Instant, error: &str) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE mail_outbox SET body = body_without_files, body_without_files = NULL, next_at = ?2,
                                    last_error = ?3
             WHERE id = ?1 AND body_without_files IS NOT NULL",
            params![id, now.unix_seconds(), error],
        )?;
        tx.execute("DELETE FROM mail_files WHERE mail_id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    pub fn mail_failed(&self, id: i64, attempts: i64, next_at: Instant, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE mail_outbox SET attempts = ?2, next_at = ?3, last_error = ?4 WHERE id = ?1",
            params![id, attempts, next_at.unix_seconds(), error],
        )?;
        Ok(())
    }

    /// Every complaint not held in quarantine, oldest first.
    pub fn all(&self) -> Result<Vec<Complaint>> {
        self.ids("SELECT id FROM complaints WHERE quarantine IS NULL ORDER BY received_at, id")?
            .into_iter()
            .map(|id| load(&self.conn, id))
            .collect()
    }

    /// Complaints held in quarantine, oldest first.
    pub fn quarantined(&self) -> Result<Vec<Complaint>> {
        self.ids("SELECT id FROM complaints WHERE quarantine IS NOT NULL ORDER BY received_at, id")?
            .into_iter()
            .map(|id| load(&self.conn, id))
            .collect()
    }

    /// Complaints whose status file lags behind the database (a crash between commit and publish). Held
    /// ones never have a file, so they are never behind.
    pub fn unpublished(&self) -> Result<Vec<Complaint>> {
        self.ids(
            "SELECT id FROM complaints WHERE published_revision < revision AND quarantine IS NULL
             ORDER BY id",
        )?
        .into_iter()
        .map(|id| load(&self.conn, id))
        .collect()
    }

    /// Lets a held complaint out of quarantine; `false` if it was not held. Its status file is then due.
    pub fn release(&mut self, id: i64) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE complaints SET quarantine = NULL, facts_revision = 0
             WHERE id = ?1 AND quarantine IS NOT NULL",
            [id],
        )?;
        Ok(changed == 1)
    }

    /// Deletes a held complaint with its files, stages and key; `false` if it was not held. Only held ones:
    /// deleting a customer's complaint is a retention decision, not a back-office slip.
    pub fn delete_quarantined(&mut self, id: i64) -> Result<bool> {
        let tx = self.write()?;
        let deleted = tx.execute(
            "DELETE FROM complaints WHERE id = ?1 AND quarantine IS NOT NULL",
            [id],
        )?;
        drop_unnamed_blobs(&tx)?;
        tx.commit()?;
        Ok(deleted == 1)
    }

    fn ids(&self, sql: &str) -> Result<Vec<i64>> {
        let mut statement = self.conn.prepare(sql)?;
        let ids = statement
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<Vec<i64>, _>>()?;
        Ok(ids)
    }

    /// Replaces a complaint's public status with `record` (already checked), and marks it for publishing.
    /// Refused if someone else changed the complaint since `seen_revision` was read.
    pub fn save(&mut self, id: i64, seen_revision: i64, record: &StatusRecord) -> Result<i64> {
        let tx = self.write()?;
        let revision: i64 =
            tx.query_row("SELECT revision FROM complaints WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        if revision != seen_revision {
            return Err(StoreError::Conflict);
        }
        write_status(&tx, id, record)?;
        tx.execute(
            "UPDATE complaints SET revision = revision + 1 WHERE id = ?1",
            [id],
        )?;
        tx.commit()?;
        Ok(revision + 1)
    }

    /// Complaints whose insight facts lag behind their status (changed since, or never filled), at most
    /// `limit`, by id.
    pub fn stale_facts(&self, limit: i64) -> Result<Vec<Complaint>> {
        let mut statement = self.conn.prepare(
            "SELECT id FROM complaints WHERE facts_revision < revision ORDER BY id LIMIT ?1",
        )?;
        let ids = statement
            .query_map([limit], |r| r.get(0))?
            .collect::<std::result::Result<Vec<i64>, _>>()?;
        ids.into_iter().map(|id| load(&self.conn, id)).collect()
    }

    /// Records the facts of each complaint as of `revision`, in one transaction; a complaint changed
    /// meanwhile keeps lagging and is filled again next time.
    pub fn set_facts(&mut self, facts: &[(i64, i64, Facts)]) -> Result<()> {
        let tx = self.write()?;
        {
            let mut statement = tx.prepare(
                "UPDATE complaints SET received_week = ?3, ack_due_at = ?4, acknowledged_at = ?5,
                        decide_due_at = ?6, decided_at = ?7, closed_at = ?8, closed_in_3_days = ?9,
                        closed_in_8_weeks = ?10, reopened = ?11, rating = ?12, next_due_at = ?13,
                        decision_seconds = ?14, facts_revision = ?2
                 WHERE id = ?1 AND revision = ?2",
            )?;
            for (id, revision, f) in facts {
                statement.execute(params![
                    id,
                    revision,
                    (!f.received_week.is_empty()).then_some(&f.received_week),
                    f.ack_due_at,
                    f.acknowledged_at,
                    f.decide_due_at,
                    f.decided_at,
                    f.closed_at,
                    f.closed_in_3_days,
                    f.closed_in_8_weeks,
                    f.reopened,
                    f.rating,
                    f.next_due_at,
                    f.decision_seconds,
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Replaces the causes complaint `id` is tagged with.
    pub fn set_causes(&mut self, id: i64, causes: &[String], at: Instant) -> Result<()> {
        let tx = self.write()?;
        tx.execute("DELETE FROM complaint_causes WHERE complaint_id = ?1", [id])?;
        for cause in causes {
            tx.execute(
                "INSERT OR IGNORE INTO complaint_causes (complaint_id, cause, at) VALUES (?1, ?2, ?3)",
                params![id, cause, at.unix_seconds()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The causes complaint `id` is tagged with, by name.
    pub fn causes(&self, id: i64) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare("SELECT cause FROM complaint_causes WHERE complaint_id = ?1 ORDER BY cause")?;
        let causes = statement
            .query_map([id], |r| r.get(0))?
            .collect::<std::result::Result<Vec<String>, _>>()?;
        Ok(causes)
    }

    /// Read-only access for the insights' own queries.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn mark_published(&self, id: i64, revision: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE complaints SET published_revision = MAX(published_revision, ?2) WHERE id = ?1",
            params![id, revision],
        )?;
        Ok(())
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::NewerSchema {
            found: version,
            known,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Keeps a file's bytes under their SHA-256, once however many complaints and replies name them.
fn keep_blob(tx: &Transaction<'_>, file: &NewAttachment<'_>) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO blobs (sha256, content) VALUES (?1, ?2)",
        params![file.sha256, file.content],
    )?;
    Ok(())
}

/// Removes the bytes no complaint or reply names any more (after a deletion).
fn drop_unnamed_blobs(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(
        "DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM attachments)
                            AND sha256 NOT IN (SELECT sha256 FROM reply_files)",
        [],
    )?;
    Ok(())
}

fn answer_for(conn: &Connection, key: &str) -> Result<Option<StoredAnswer>> {
    Ok(conn
        .query_row(
            "SELECT fingerprint, status, body FROM idempotency_keys WHERE key = ?1",
            [key],
            |r| {
                Ok(StoredAnswer {
                    fingerprint: r.get(0)?,
                    status: r.get(1)?,
                    body: r.get(2)?,
                })
            },
        )
        .optional()?)
}

fn corrupt(what: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        what,
        value: value.to_owned(),
    }
}

fn step_name(step: DeadlineStep) -> &'static str {
    match step {
        DeadlineStep::Acknowledge => "acknowledge",
        DeadlineStep::Decide => "decide",
    }
}

fn parse_step(name: &str) -> Result<DeadlineStep> {
    match name {
        "acknowledge" => Ok(DeadlineStep::Acknowledge),
        "decide" => Ok(DeadlineStep::Decide),
        other => Err(corrupt("deadline step", other)),
    }
}

pub fn decision_name(decision: Decision) -> &'static str {
    match decision {
        Decision::Upheld => "upheld",
        Decision::PartlyUpheld => "partly_upheld",
        Decision::NotUpheld => "not_upheld",
    }
}

pub fn parse_decision(name: &str) -> Option<Decision> {
    [
        Decision::Upheld,
        Decision::PartlyUpheld,
        Decision::NotUpheld,
    ]
    .into_iter()
    .find(|d| decision_name(*d) == name)
}

fn load(conn: &Connection, id: i64) -> Result<Complaint> {
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
    );
    let (reference, category, locale, status_key, updated_at, next_step, decision, summary, revision, quarantine): Row =
        conn.query_row(
            "SELECT reference, category, locale, status_key, updated_at, next_step, decision, summary, revision,
                    quarantine
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
                ))
            },
        )?;
    let mut statement =
        conn.prepare("SELECT stage, at, message FROM stages WHERE complaint_id = ?1 ORDER BY seq")?;
    let history = statement
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
    let mut statement =
        conn.prepare("SELECT step, due, rule FROM deadlines WHERE complaint_id = ?1 ORDER BY seq")?;
    let deadlines = statement
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
    let mut statement =
        conn.prepare("SELECT kind, at, stars FROM replies WHERE complaint_id = ?1 ORDER BY id")?;
    let replies = statement
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
        },
    })
}

fn write_status(tx: &Transaction<'_>, id: i64, record: &StatusRecord) -> Result<()> {
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "intake-store-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        dir.join("intake.sqlite3")
    }

    fn complaint<'a>(key: &'a str, reference: &'a str) -> NewComplaint<'a> {
        NewComplaint {
            key,
            fingerprint: "fp",
            reference,
            category: "delivery",
            locale: Locale::Pl,
            received_at: Instant::from_unix_seconds(1_795_000_000),
            submission: "{}",
            pin: None,
            status_key: "ab",
            attachments: vec![NewAttachment {
                name: "a.pdf",
                kind: "application/pdf",
                sha256: "00",
                content: b"%PDF-1.4",
            }],
            answer_status: 201,
            answer_body: "{\"reference\":\"CMP-AAAA-BBBB\"}",
            quarantine: None,
        }
    }

    #[test]
    fn migrates_a_new_file_and_reopens_it_unchanged() {
        let path = temp_db("migrate");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        drop(store);
        let again = Store::open(&path).unwrap();
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_newer_database_is_refused_rather_than_misread() {
        let path = temp_db("newer");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Store::open(&path).err().unwrap();
        assert!(
            matches!(err, StoreError::NewerSchema { found: 99, .. }),
            "{err}"
        );
    }

    #[test]
    fn a_complaint_is_recorded_once_per_key_and_reads_back_as_received() {
        let mut store = Store::open(&temp_db("record")).unwrap();
        assert!(matches!(
            store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap(),
            Recorded::New
        ));
        let Recorded::KeyTaken(answer) = store.record(&complaint("k1", "CMP-CCCC-DDDD")).unwrap()
        else {
            panic!("the key was free");
        };
        assert_eq!(answer.body, "{\"reference\":\"CMP-AAAA-BBBB\"}");
        assert!(matches!(
            store.record(&complaint("k2", "CMP-AAAA-BBBB")).unwrap(),
            Recorded::ReferenceTaken
        ));
        let found = store.complaint("cmp aaaa-bbbb").unwrap().unwrap();
        assert_eq!(found.record.history.len(), 1);
        assert_eq!(found.record.history[0].stage, Stage::Received);
        assert_eq!(found.locale, Locale::Pl);
        assert_eq!(found.record.check(), Ok(()));
        assert_eq!(store.all().unwrap().len(), 1);
        assert_eq!(store.unpublished().unwrap().len(), 1);
        store.mark_published(found.id, found.revision).unwrap();
        assert!(store.unpublished().unwrap().is_empty());
    }

    #[test]
    fn saving_a_status_round_trips_and_a_stale_edit_is_refused() {
        let mut store = Store::open(&temp_db("save")).unwrap();
        store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
        let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
        let mut record = found.record.clone();
        record.history.push(StageEntry {
            stage: Stage::Responded,
            at: record.updated_at.plus_seconds(60),
            message: Some("Zwrot wysłany.".into()),
        });
        record.updated_at = record.updated_at.plus_seconds(60);
        record.outcome = Some(DecidedOutcome {
            decision: Decision::PartlyUpheld,
            summary: None,
        });
        record.deadlines.push(SetDeadline {
            step: DeadlineStep::Decide,
            due: Date::parse_iso("2027-01-08").unwrap(),
            rule: Some("Extended".into()),
        });
        let revision = store.save(found.id, found.revision, &record).unwrap();
        let back = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
        assert_eq!(back.record, record);
        assert_eq!(back.revision, revision);
        assert!(matches!(
            store.save(found.id, found.revision, &record),
            Err(StoreError::Conflict)
        ));
    }

    #[test]
    fn a_held_complaint_is_kept_but_never_listed_or_published_until_released() {
        let mut store = Store::open(&temp_db("quarantine")).unwrap();
        let mut held = complaint("k1", "CMP-AAAA-BBBB");
        held.quarantine = Some("the hidden field was filled in");
        store.record(&held).unwrap();
        let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
        assert_eq!(
            found.quarantine.as_deref(),
            Some("the hidden field was filled in")
        );
        assert!(store.all().unwrap().is_empty());
        assert!(store.unpublished().unwrap().is_empty());
        assert_eq!(store.quarantined().unwrap().len(), 1);
        assert!(store.answer_for("k1").unwrap().is_some(), "its key is kept");

        assert!(store.release(found.id).unwrap());
        assert!(!store.release(found.id).unwrap(), "released once");
        assert_eq!(store.unpublished().unwrap().len(), 1);
        assert!(
            !store.delete_quarantined(found.id).unwrap(),
            "a released complaint is not deleted here"
        );

        let mut bot = complaint("k2", "CMP-CCCC-DDDD");
        bot.quarantine = Some("sent 0 s after starting");
        store.record(&bot).unwrap();
        let id = store.complaint("CMP-CCCC-DDDD").unwrap().unwrap().id;
        assert!(store.delete_quarantined(id).unwrap());
        assert!(store.complaint("CMP-CCCC-DDDD").unwrap().is_none());
        assert!(
            store.answer_for("k2").unwrap().is_none(),
            "its key goes with it"
        );
    }

    #[test]
    fn a_reply_is_recorded_once_per_key_and_refused_on_a_stale_revision() {
        let mut store = Store::open(&temp_db("reply")).unwrap();
        store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
        let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
        let at = found.record.updated_at.plus_seconds(60);
        let record = found
            .record
            .replied(complaint_domain::status::CustomerReply::Information, at, 14)
            .unwrap();
        let reply = |key: &'static str, seen: i64| NewReply {
            key,
            fingerprint: "fp",
            complaint_id: found.id,
            seen_revision: seen,
            record: &record,
            kind: ReplyKind::Information,
            at,
            text: Some("More."),
            stars: None,
            files: vec![NewAttachment {
                name: "b.pdf",
                kind: "application/pdf",
                sha256: "01",
                content: b"%PDF-1.7",
            }],
            answer_status: 201,
            answer_body: "{}",
        };
        let Replied::New { reply_id } = store.reply(&reply("r1", found.revision)).unwrap() else {
            panic!("the first reply with its key is new");
        };
        assert!(matches!(
            store.reply(&reply("r1", found.revision)).unwrap(),
            Replied::KeyTaken(_)
        ));
        assert!(matches!(
            store.reply(&reply("r2", found.revision)),
            Err(StoreError::Conflict)
        ));
        let back = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
        assert_eq!(back.record.replies, record.replies);
        assert_eq!(store.unread_replies().unwrap().get(&found.id), Some(&1));
        let filed = store.filed(found.id).unwrap();
        assert_eq!(
            filed.files.len(),
            2,
            "the complaint's file, then the reply's"
        );
        assert_eq!(filed.files[1].number, 2);
        assert_eq!(
            store.file_bytes(filed.files[1].source).unwrap().as_deref(),
            Some(&b"%PDF-1.7"[..])
        );
        assert_eq!(
            filed.files[1].source,
            FileSource::Reply {
                reply_id,
                position: 0
            }
        );

        // A mail names both files; the outbox gives the names back, and the bytes are read from where they are.
        let files: Vec<crate::mail::MailFile> = filed
            .files
            .iter()
            .map(|f| crate::mail::MailFile {
                number: f.number,
                source: f.source,
            })
            .collect();
        let mail = crate::mail::Outgoing {
            to: "in@example.com".into(),
            subject: "New complaint: CMP-AAAA-BBBB".into(),
            body: "…".into(),
            files: files.clone(),
            body_without_files: Some("… (files listed)".into()),
        };
        store.enqueue_mail(found.id, &mail, at).unwrap();
        // The inbox has both files' bytes now, the complaint's and the reply's; another address has neither.
        for (sha256, number) in [("00", 1), ("01", 2)] {
            assert_eq!(
                store.mailed_before("in@example.com", sha256).unwrap(),
                Some(("CMP-AAAA-BBBB".to_owned(), number))
            );
            assert_eq!(
                store.mailed_before("other@example.com", sha256).unwrap(),
                None
            );
        }
        let due = store.due_mail(at, 20, 10).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].outgoing, mail);
        let stored = store.stored_file(files[1].source).unwrap().unwrap();
        assert_eq!(
            (
                stored.name.as_str(),
                stored.kind.as_str(),
                &stored.content[..]
            ),
            ("b.pdf", "application/pdf", &b"%PDF-1.7"[..])
        );
        let missing = FileSource::Reply {
            reply_id,
            position: 7,
        };
        assert!(store.stored_file(missing).unwrap().is_none());
        // Refused with its files: the same mail, due now, without them and with the body that lists them.
        store
            .mail_without_files(due[0].id, at, "552 too large")
            .unwrap();
        let again = store.due_mail(at, 20, 10).unwrap();
        assert_eq!(again[0].outgoing.body, "… (files listed)");
        assert!(again[0].outgoing.files.is_empty());
        assert_eq!(again[0].outgoing.body_without_files, None);
        store.mark_replies_read(found.id, at).unwrap();
        assert!(store.unread_replies().unwrap().is_empty());
        assert!(!store.replies(found.id).unwrap()[0].unread);
    }

    /// A database left at `version` by an older intake, holding one received complaint.
    fn old_database(name: &str, version: usize) -> std::path::PathBuf {
        let path = temp_db(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let conn = Connection::open(&path).unwrap();
        for migration in &MIGRATIONS[..version] {
            conn.execute_batch(migration).unwrap();
        }
        conn.pragma_update(None, "user_version", version as i64)
            .unwrap();
        conn.execute(
            "INSERT INTO complaints (reference, lookup, category, locale, received_at, submission, status_key,
                                     updated_at)
             VALUES ('CMP-AAAA-BBBB', 'CMPAAAABBBB', 'delivery', 'en', 0, '{}', 'ab', 0)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO stages (complaint_id, seq, stage, at) VALUES (1, 0, 'received', 0)",
            [],
        )
        .unwrap();
        path
    }

    #[test]
    fn a_version_6_database_keeps_its_files_bytes_once_in_blobs() {
        let path = old_database("v6", 6);
        let conn = Connection::open(&path).unwrap();
        for position in 0..2 {
            conn.execute(
                "INSERT INTO attachments (complaint_id, position, name, kind, sha256, content)
                 VALUES (1, ?1, 'a.pdf', 'application/pdf', 'ab12', x'25504446')",
                [position],
            )
            .unwrap();
        }
        drop(conn);
        let mut store = Store::open(&path).unwrap();
        let id = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap().id;
        let filed = store.filed(id).unwrap();
        assert_eq!(filed.files.len(), 2);
        assert_eq!(filed.files[1].bytes, 4);
        assert_eq!(
            store.file_bytes(filed.files[1].source).unwrap().as_deref(),
            Some(&b"%PDF"[..])
        );
        let blobs: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM blobs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(blobs, 1, "named twice, kept once");
        store
            .conn
            .execute("UPDATE complaints SET quarantine = 'x'", [])
            .unwrap();
        assert!(store.delete_quarantined(id).unwrap());
        let blobs: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM blobs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(blobs, 0, "bytes no one names go with the last that did");
    }

    #[test]
    fn a_version_2_database_moves_to_version_3_with_no_replies() {
        let store = Store::open(&old_database("v2", 2)).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
        assert!(found.record.replies.is_empty());
        assert!(store.replies(found.id).unwrap().is_empty());
    }

    #[test]
    fn a_version_1_database_moves_to_version_2_and_its_complaints_are_not_held() {
        let store = Store::open(&old_database("v1", 1)).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
        assert_eq!(found.quarantine, None);
        assert_eq!(store.all().unwrap().len(), 1);
    }
}
