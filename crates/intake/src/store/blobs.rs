//! Files in the store: each file once, under its SHA-256 (`blobs`), however many complaints and replies name
//! it, with its bytes in the row or, with `--files`, in the files place ([`Evidence`]: the row keeps the hash
//! and length, its content NULL); what a complaint and its replies carry, numbered as `show` lists them; the
//! bytes one at a time, from wherever they are; and how many bytes the database holds and a new file would
//! add (its ceiling, `--db-max-mb`).

use complaint_domain::instant::Instant;

use rusqlite::params;
use rusqlite::OptionalExtension;
use rusqlite::Transaction;

use super::complaints::NewAttachment;
use super::{Result, Store};
use crate::objects::evidence::Evidence;

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

/// One stored file with its bytes, as a mail attaches it.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub name: String,
    /// The type sniffed from its content when it was received.
    pub kind: String,
    pub content: Vec<u8>,
}

/// Keeps a file under its SHA-256, once however many complaints and replies name it: its bytes in the row,
/// or in the files place. Written there inside the transaction and only by the one that makes the row: a
/// purge that removed the last row (and the object) before this began leaves no row, so the bytes are
/// written again; a failed write undoes the complaint, which the sender retries.
pub(super) fn keep_blob(
    tx: &Transaction<'_>,
    evidence: &Evidence,
    file: &NewAttachment<'_>,
) -> Result<()> {
    let length = file.content.len() as i64;
    if !evidence.in_files() {
        tx.execute(
            "INSERT OR IGNORE INTO blobs (sha256, content, length) VALUES (?1, ?2, ?3)",
            params![file.sha256, file.content, length],
        )?;
        return Ok(());
    }
    let made = tx.execute(
        "INSERT OR IGNORE INTO blobs (sha256, content, length) VALUES (?1, NULL, ?2)",
        params![file.sha256, length],
    )?;
    if made == 1 {
        evidence.keep(file.sha256, file.content)?;
    }
    Ok(())
}

/// Removes the files no complaint or reply names any more (after a deletion), and their objects in the files
/// place. Last before the commit: a new complaint naming the same file waits for the commit and then finds
/// no row, so it writes the bytes again (see [`keep_blob`]).
pub(super) fn drop_unnamed_blobs(tx: &Transaction<'_>, evidence: &Evidence) -> Result<()> {
    let mut statement = tx.prepare(
        "DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM attachments)
                            AND sha256 NOT IN (SELECT sha256 FROM reply_files)
         RETURNING sha256, content IS NULL",
    )?;
    let gone = statement
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let in_files: Vec<String> = gone
        .into_iter()
        .filter_map(|(sha256, in_files)| in_files.then_some(sha256))
        .collect();
    evidence.remove(&in_files)?;
    Ok(())
}

/// Evidence files: what a complaint and its replies carry, their bytes, and the room they take.
pub trait EvidenceStore {
    /// What the customer sent with complaint `id`: the answers, the PIN, and the files' descriptions.
    fn filed(&self, id: i64) -> Result<Filed>;

    /// The bytes of one stored file.
    fn file_bytes(&self, source: FileSource) -> Result<Option<Vec<u8>>>;

    /// The bytes the database's pages in use take now: what `--db-max-mb` bounds.
    fn bytes_used(&self) -> Result<u64>;

    /// How many bytes these files would add to the database: a file kept before (or named twice) adds
    /// nothing, and none adds anything when their bytes go to the files place.
    fn unstored_bytes(&self, files: &[NewAttachment<'_>]) -> Result<u64>;

    /// One stored file with its name, type and bytes; `None` if it is gone.
    fn stored_file(&self, source: FileSource) -> Result<Option<StoredFile>>;
}

impl EvidenceStore for Store {
    fn filed(&self, id: i64) -> Result<Filed> {
        let (submission, pin, received_at): (String, Option<String>, i64) = self.conn.query_row(
            "SELECT submission, pin, received_at FROM complaints WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut statement = self.conn.prepare(
            "SELECT a.position, a.name, a.kind, a.sha256, b.length
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
            "SELECT f.reply_id, f.position, f.name, f.kind, f.sha256, b.length
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

    fn file_bytes(&self, source: FileSource) -> Result<Option<Vec<u8>>> {
        Ok(self.stored_file(source)?.map(|f| f.content))
    }

    fn bytes_used(&self) -> Result<u64> {
        let pragma = |name: &str| -> Result<i64> {
            Ok(self.conn.pragma_query_value(None, name, |r| r.get(0))?)
        };
        let pages = pragma("page_count")?.saturating_sub(pragma("freelist_count")?);
        Ok(u64::try_from(pages.saturating_mul(pragma("page_size")?)).unwrap_or(0))
    }

    fn unstored_bytes(&self, files: &[NewAttachment<'_>]) -> Result<u64> {
        if self.evidence.in_files() {
            return Ok(0);
        }
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

    fn stored_file(&self, source: FileSource) -> Result<Option<StoredFile>> {
        let read = |r: &rusqlite::Row<'_>| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<Vec<u8>>>(3)?,
            ))
        };
        let found = match source {
            FileSource::Complaint {
                complaint_id,
                position,
            } => self.conn.query_row(
                "SELECT a.name, a.kind, b.sha256, b.content
                 FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
                 WHERE a.complaint_id = ?1 AND a.position = ?2",
                params![complaint_id, position],
                read,
            ),
            FileSource::Reply { reply_id, position } => self.conn.query_row(
                "SELECT f.name, f.kind, b.sha256, b.content
                 FROM reply_files f JOIN blobs b ON b.sha256 = f.sha256
                 WHERE f.reply_id = ?1 AND f.position = ?2",
                params![reply_id, position],
                read,
            ),
        };
        let Some((name, kind, sha256, content)) = found.optional()? else {
            return Ok(None);
        };
        // Bytes in the row, or (content NULL) read and checked from the files place.
        let content = match content {
            Some(bytes) => bytes,
            None => self.evidence.read(&sha256)?,
        };
        Ok(Some(StoredFile {
            name,
            kind,
            content,
        }))
    }
}
