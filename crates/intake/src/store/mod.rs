//! The durable record: complaints, their evidence (each file's bytes once, under its SHA-256, however many
//! complaints and replies name it), stage history, deadlines set by hand, replies, the mail outbox, and the
//! Idempotency-Keys with the first answer given for each. SQLite in WAL mode with `synchronous=FULL`, so a
//! committed transaction survives a crash or a power cut; the schema moves forward by `PRAGMA user_version`.
//!
//! The storage seam: one trait per concern, each in its own file with its SQLite implementation on [`Store`]:
//! [`complaints`] (`ComplaintStore`), [`blobs`] (`EvidenceStore`, evidence files), [`replies`]
//! (`ReplyStore`), [`outbox`] (`OutboxStore`, the mail outbox), [`quarantine`] (`QuarantineStore`),
//! [`secrets`] (`SecretStore`), [`webhooks`] (`WebhookStore`, outgoing webhooks), [`facts`] (`FactStore`,
//! the figures' inputs), [`figures`] (`FigureStore`, the grouped counts the figures and the return are made
//! of), [`search`] (`SearchStore`, the staff desk's lists and full-text search) and [`retention`]
//! (`RetentionStore`: keep_until, legal holds, erasure), with [`Storage`] for all
//! of them; and [`migrations`], the schema. No SQL and no driver type in a trait's signature, so another
//! database ([`pg`], PostgreSQL, issue #24) implements them without touching the desk or the insights; a
//! driver's error reaches callers only as text inside [`StoreError::Database`], or, when the database cannot
//! be reached or cannot answer just now, inside [`StoreError::Unavailable`], which callers answer with
//! "try again shortly". [`db`]: `open_storage`, the
//! one place `--db` chooses an engine, and [`Db`], the record as `serve` shares it (why a trait object, and
//! how each engine is shared, is said there). [`copy`]: `migrate`, a whole SQLite desk copied into
//! PostgreSQL and checked. Here: opening the file, the write transaction, the error type and the names of the
//! domain's values as stored.

mod audit;
mod blobs;
mod complaints;
mod copy;
mod data_requests;
mod db;
mod facts;
mod figures;
mod migrations;
mod outbox;
mod passkeys;
pub mod pg;
mod quarantine;
mod replies;
mod retention;
mod search;
mod secrets;
mod staff;
mod templates;
#[cfg(test)]
mod tests;
mod tokens;
#[cfg(test)]
mod webhook_tests;
mod webhooks;
mod work;

pub use audit::{AuditEntry, AuditStore};
pub use blobs::{EvidenceStore, FileSource, Filed, FiledFile, StoredFile};
pub use complaints::{
    Complaint, ComplaintStore, NewAttachment, NewComplaint, Recorded, StoredAnswer,
};
pub use copy::{migrate, MigrateError, TableCheck};
pub use data_requests::{DataRequest, DataRequestStore, NewDataRequest, RequestRecorded};
pub use db::{open_storage, Address, Db, Handle};
pub use facts::{FactStore, Facts};
pub use figures::{CauseCount, CauseWindows, ClosedCounts, FigureCounts, FigureStore};
pub use outbox::{MailFile, OutboxStore, Outgoing, QueuedMail, MAX_ATTEMPTS};
pub use quarantine::QuarantineStore;
pub use replies::{NewReply, Replied, ReplyStore, StoredReply};
pub use retention::{Erased, Erasure, Hold, Keeping, RetentionStore, Unscheduled};
pub use search::{DeskFacts, DeskRow, NoteRecord, RowFilter, SearchStore};
pub use templates::{NewTemplate, Template, TemplateKind, TemplateStore};
pub use work::{NewNote, Waiting, WorkState, WorkStore};

use std::path::Path;
use std::path::PathBuf;

use complaint_domain::status::DeadlineStep;
use complaint_domain::status::Decision;

use rusqlite::Connection;
use rusqlite::Transaction;

use crate::objects::evidence::Evidence;
use rusqlite::TransactionBehavior;

pub use passkeys::{
    EnrolRefused, Enrolment, InvitationRecord, NewInvitation, NewPasskey, OidcEnrolled,
    PasskeyRecord, PasskeyStore,
};
pub use secrets::SecretStore;
#[allow(unused_imports)] // Scaffold of issue #23: the auth room uses them.
pub use staff::{NewStaff, SessionRecord, StaffRecord, StaffStore};
pub use tokens::{TokenRecord, TokenStore};
pub use webhooks::{
    Attempt, Claimed, DeliveryLine, Endpoint, EventType, NewEndpoint, Next, WebhookStore,
};

/// Everything the service keeps, one trait per concern; SQLite ([`Store`]) and PostgreSQL ([`pg::PgStore`])
/// implement it. No SQL and no driver type in any signature: domain types and small records in,
/// [`StoreError`] out, so either engine serves its callers unchanged.
pub trait Storage:
    ComplaintStore
    + EvidenceStore
    + ReplyStore
    + OutboxStore
    + QuarantineStore
    + SecretStore
    + FactStore
    + FigureStore
    + StaffStore
    + AuditStore
    + SearchStore
    + WebhookStore
    + PasskeyStore
    + TokenStore
    + WorkStore
    + TemplateStore
    + RetentionStore
    + DataRequestStore
{
}

impl<T> Storage for T where
    T: ComplaintStore
        + EvidenceStore
        + ReplyStore
        + OutboxStore
        + QuarantineStore
        + SecretStore
        + FactStore
        + FigureStore
        + StaffStore
        + AuditStore
        + SearchStore
        + WebhookStore
        + PasskeyStore
        + TokenStore
        + WorkStore
        + TemplateStore
        + RetentionStore
        + DataRequestStore
{
}

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
    #[error("cannot open {}: {problem}", path.display())]
    Open { path: PathBuf, problem: DriverError },
    /// A database server that did not answer at start (PostgreSQL), named without its password.
    #[error("cannot reach the database {address}: {problem}")]
    Unreachable {
        address: String,
        problem: DriverError,
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
    /// The database cannot be reached or cannot answer just now: a server restarting or gone, a lost
    /// connection, no connection free in time, SQLite's file busy or failing to be read or written. Nothing
    /// was saved, so the same request may succeed shortly: callers say "try again" (HTTP `503` with
    /// `Retry-After`), never "failed". Each engine's file says which of its driver's errors these are.
    #[error("the database is not available just now: {0}")]
    Unavailable(DriverError),
    /// The database's own refusal, as its driver words it.
    #[error("database: {0}")]
    Database(DriverError),
    /// An evidence file's bytes in the files place (`--files`): missing, damaged, or out of reach.
    #[error(transparent)]
    Evidence(#[from] crate::objects::evidence::EvidenceError),
}

impl StoreError {
    /// Whether this is [`StoreError::Unavailable`]: worth trying again shortly, nothing was saved.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

/// A database driver's error, whichever driver: the seam's callers print it, never look into it.
pub type DriverError = Box<dyn std::error::Error + Send + Sync>;

/// SQLite's busy, locked, I/O and full-disk failures are the file not available just now (another
/// process held the write lock past the busy timeout, a disk that failed a read or a write, or filled up);
/// anything else is its refusal of what was asked.
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(
                ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::SystemIoFailure
                | ErrorCode::DiskFull
                | ErrorCode::CannotOpen,
            ) => StoreError::Unavailable(Box::new(e)),
            _ => StoreError::Database(Box::new(e)),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub struct Store {
    conn: Connection,
    /// Where evidence files' bytes go and are read from: the database, or the files place.
    evidence: Evidence,
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
        let mut conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: path.to_owned(),
            problem: Box::new(e),
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
        // Deleted content is overwritten, so an erased complaint's words are not left in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        // The back-office CLI and the server share the file; a writer waits rather than failing.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            evidence: Evidence::in_database(),
        })
    }

    /// The same store, keeping new evidence files' bytes where `evidence` says (`--files`).
    pub fn with_evidence(self, evidence: Evidence) -> Store {
        Store { evidence, ..self }
    }

    /// Takes the write lock at once: a transaction that reads and then writes could otherwise find another
    /// process's commit in between and fail instead of waiting.
    pub(super) fn write(&mut self) -> Result<Transaction<'_>> {
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

    /// For tests that set up a state no store call makes (a decision or a rating written straight into
    /// the facts); nothing outside the store reaches the connection otherwise.
    #[cfg(test)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}
