//! `EvidenceStore` on PostgreSQL: the same tables as SQLite (each file's bytes once in `blobs`, under its
//! SHA-256), read the same way. `bytes_used` is the database's size as PostgreSQL counts it.

use std::collections::HashSet;

use complaint_domain::instant::Instant;
use postgres::Row;

use super::PgStore;
use crate::store::{
    EvidenceStore, FileSource, Filed, FiledFile, NewAttachment, Result, StoredFile,
};

impl EvidenceStore for PgStore {
    fn filed(&self, id: i64) -> Result<Filed> {
        let mut conn = self.connection()?;
        let head = conn.query_one(
            "SELECT submission, pin, received_at FROM complaints WHERE id = $1",
            &[&id],
        )?;
        let mut files = Vec::new();
        for r in conn.query(
            "SELECT a.position, a.name, a.kind, a.sha256, octet_length(b.content)::bigint
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
            "SELECT f.reply_id, f.position, f.name, f.kind, f.sha256, octet_length(b.content)::bigint
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
                "SELECT a.name, a.kind, b.content FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
                 WHERE a.complaint_id = $1 AND a.position = $2",
                &[&complaint_id, &position],
            )?,
            FileSource::Reply { reply_id, position } => conn.query_opt(
                "SELECT f.name, f.kind, b.content FROM reply_files f JOIN blobs b ON b.sha256 = f.sha256
                 WHERE f.reply_id = $1 AND f.position = $2",
                &[&reply_id, &position],
            )?,
        };
        row.map(|r| {
            Ok(StoredFile {
                name: r.try_get(0)?,
                kind: r.try_get(1)?,
                content: r.try_get(2)?,
            })
        })
        .transpose()
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
