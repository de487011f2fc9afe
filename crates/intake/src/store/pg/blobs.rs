//! `EvidenceStore` on PostgreSQL: the same tables as SQLite (each file once in `blobs`, under its SHA-256,
//! its bytes in the row or in the files place), read the same way. `bytes_used` is the database's size as
//! PostgreSQL counts it.
//!
//! Several nodes file and purge at once, so a file's row is locked by whoever makes or names it: a new
//! complaint naming a file another complaint's purge is removing either keeps the row (the purge, which
//! looks again once it holds the lock, leaves it) or finds it gone and writes the bytes again.

use std::collections::HashSet;

use complaint_domain::instant::Instant;
use postgres::{Row, Transaction};

use super::PgStore;
use crate::objects::evidence::Evidence;
use crate::store::{
    EvidenceStore, FileSource, Filed, FiledFile, NewAttachment, Result, StoredFile,
};

/// Keeps a file under its SHA-256, once however many complaints and replies name it: its bytes in the row,
/// or in the files place, written by the transaction that makes the row. The row is locked either way
/// (an upsert), so a purge on another node waits for this commit and then sees the new name.
pub(super) fn keep_blob(
    tx: &mut Transaction<'_>,
    evidence: &Evidence,
    file: &NewAttachment<'_>,
) -> Result<()> {
    let length = file.content.len() as i64;
    let content = (!evidence.in_files()).then_some(file.content);
    let made: bool = tx
        .query_one(
            "INSERT INTO blobs (sha256, content, length) VALUES ($1, $2, $3)
             ON CONFLICT (sha256) DO UPDATE SET sha256 = EXCLUDED.sha256
             RETURNING xmax = 0",
            &[&file.sha256, &content, &length],
        )?
        .try_get(0)?;
    if made && evidence.in_files() {
        evidence.keep(file.sha256, file.content)?;
    }
    Ok(())
}

/// Removes the files no complaint or reply names any more (after a deletion), and their objects in the files
/// place. The rows are locked first and looked at again by a second statement, which sees what a node that
/// held one of them committed meanwhile.
pub(super) fn drop_unnamed_blobs(tx: &mut Transaction<'_>, evidence: &Evidence) -> Result<()> {
    const UNNAMED: &str = "NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)
                       AND NOT EXISTS (SELECT 1 FROM reply_files f WHERE f.sha256 = b.sha256)";
    let locked: Vec<String> = tx
        .query(
            &format!("SELECT sha256 FROM blobs b WHERE {UNNAMED} FOR UPDATE"),
            &[],
        )?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    if locked.is_empty() {
        return Ok(());
    }
    let in_files: Vec<String> = tx
        .query(
            &format!(
                "DELETE FROM blobs b WHERE b.sha256 = ANY($1) AND {UNNAMED}
                 RETURNING b.sha256, b.content IS NULL"
            ),
            &[&locked],
        )?
        .iter()
        .filter_map(|r| match (r.try_get(0), r.try_get(1)) {
            (Ok(sha256), Ok(true)) => Some(Ok(sha256)),
            (Err(e), _) | (_, Err(e)) => Some(Err(e)),
            _ => None,
        })
        .collect::<std::result::Result<_, _>>()?;
    evidence.remove(&in_files)?;
    Ok(())
}

impl EvidenceStore for PgStore {
    fn filed(&self, id: i64) -> Result<Filed> {
        let mut conn = self.connection()?;
        let head = conn.query_one(
            "SELECT submission, pin, received_at FROM complaints WHERE id = $1",
            &[&id],
        )?;
        let mut files = Vec::new();
        for r in conn.query(
            "SELECT a.position, a.name, a.kind, a.sha256, b.length
             FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
             WHERE a.complaint_id = $1 ORDER BY a.position",
            &[&id],
        )? {
            let position: i64 = r.try_get(0)?;
            let source = FileSource::Complaint {
                complaint_id: id,
                position,
            };
            files.push(filed_file(&r, position + 1, source, 1)?);
        }
        for r in conn.query(
            "SELECT f.reply_id, f.position, f.name, f.kind, f.sha256, b.length
             FROM reply_files f JOIN replies r ON r.id = f.reply_id JOIN blobs b ON b.sha256 = f.sha256
             WHERE r.complaint_id = $1 ORDER BY r.id, f.position",
            &[&id],
        )? {
            let source = FileSource::Reply {
                reply_id: r.try_get(0)?,
                position: r.try_get(1)?,
            };
            files.push(filed_file(&r, files.len() as i64 + 1, source, 2)?);
        }
        Ok(Filed {
            submission: head.try_get(0)?,
            pin: head.try_get(1)?,
            received_at: Instant::from_unix_seconds(head.try_get(2)?),
            files,
        })
    }

    fn file_bytes(&self, source: FileSource) -> Result<Option<Vec<u8>>> {
        Ok(self.stored_file(source)?.map(|f| f.content))
    }

    fn bytes_used(&self) -> Result<u64> {
        let row = self
            .connection()?
            .query_one("SELECT pg_database_size(current_database())", &[])?;
        Ok(u64::try_from(row.try_get::<_, i64>(0)?).unwrap_or(0))
    }

    fn unstored_bytes(&self, files: &[NewAttachment<'_>]) -> Result<u64> {
        if self.evidence.in_files() {
            return Ok(0);
        }
        let mut conn = self.connection()?;
        let mut seen = HashSet::new();
        let mut total = 0u64;
        for file in files.iter().filter(|f| seen.insert(f.sha256)) {
            let kept: bool = conn
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $1)",
                    &[&file.sha256],
                )?
                .try_get(0)?;
            if !kept {
                total = total.saturating_add(file.content.len() as u64);
            }
        }
        Ok(total)
    }

    fn stored_file(&self, source: FileSource) -> Result<Option<StoredFile>> {
        let mut conn = self.connection()?;
        let row = match source {
            FileSource::Complaint {
                complaint_id,
                position,
            } => conn.query_opt(
                "SELECT a.name, a.kind, b.sha256, b.content
                 FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
                 WHERE a.complaint_id = $1 AND a.position = $2",
                &[&complaint_id, &position],
            )?,
            FileSource::Reply { reply_id, position } => conn.query_opt(
                "SELECT f.name, f.kind, b.sha256, b.content
                 FROM reply_files f JOIN blobs b ON b.sha256 = f.sha256
                 WHERE f.reply_id = $1 AND f.position = $2",
                &[&reply_id, &position],
            )?,
        };
        let Some(r) = row else { return Ok(None) };
        let sha256: String = r.try_get(2)?;
        let content = match r.try_get::<_, Option<Vec<u8>>>(3)? {
            Some(bytes) => bytes,
            None => self.evidence.read(&sha256)?,
        };
        Ok(Some(StoredFile {
            name: r.try_get(0)?,
            kind: r.try_get(1)?,
            content,
        }))
    }
}

/// A file's description from a row whose name, type, hash and size start at column `first`.
fn filed_file(r: &Row, number: i64, source: FileSource, first: usize) -> Result<FiledFile> {
    Ok(FiledFile {
        number,
        source,
        name: r.try_get(first)?,
        kind: r.try_get(first + 1)?,
        sha256: r.try_get(first + 2)?,
        bytes: r.try_get(first + 3)?,
    })
}
