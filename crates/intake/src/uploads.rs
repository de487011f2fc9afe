//! Evidence files that arrive before the complaint that names them (`docs/submission.md`, "Uploads"): each
//! is named by its SHA-256 and its length, appended to as bytes arrive (so a connection that drops keeps
//! what it delivered), and becomes whole only when its content hashes to its name. Nothing here trusts the
//! client: a name that does not match its bytes is thrown away, a length over the limit is refused before a
//! byte is read, and the folder as a whole has a ceiling.
//!
//! On disk, in one folder beside the database: `<sha256>-<length>.part` while it arrives, `<sha256>` once
//! whole. Unfinished parts are swept after [`PART_KEPT`], whole files after [`WHOLE_KEPT`] (the complaint
//! keeps its own copy in SQLite; a later retry that finds the file gone simply uploads it again).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use tokio::sync::{Notify, OwnedMutexGuard};

use crate::publish::hex;

pub const PART_KEPT: Duration = Duration::from_secs(2 * 24 * 3600);
pub const WHOLE_KEPT: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// Not 64 lower-case hex digits.
    #[error("the upload name is not a SHA-256 in hex")]
    BadName,
    /// The declared length is over the organisation's file limit (or zero).
    #[error("the file is larger than the limit")]
    TooLarge,
    /// The folder is at its ceiling: try later.
    #[error("the upload folder is full")]
    Full,
    /// The client's offset is past what is stored: it must ask again.
    #[error("only {stored} bytes are stored")]
    Offset { stored: u64 },
    /// Another request for the same file could not be stopped in time.
    #[error("another request is writing this file")]
    Busy,
    /// All bytes came, but they do not hash to the name: the part is gone, start again.
    #[error("the bytes do not match the name")]
    Corrupt,
    #[error("{0}")]
    Io(String),
}

fn io(e: std::io::Error) -> UploadError {
    UploadError::Io(e.to_string())
}

pub fn is_hash(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// One file being written: the only writer for its name until dropped.
struct Slot {
    lock: Arc<tokio::sync::Mutex<()>>,
    /// Rung to ask the current writer to stop: a phone that lost its signal leaves a connection the server
    /// cannot yet tell from a slow one, and its retry must not wait for that one to time out.
    stop: Option<Arc<Notify>>,
}

pub struct Uploads {
    dir: PathBuf,
    max_file_bytes: u64,
    ceiling: u64,
    /// Bytes in the folder now; counted at start, kept up to date by writes and sweeps.
    held: AtomicU64,
    slots: Mutex<HashMap<String, Slot>>,
}

/// The right to append to one part, with the signal that another request wants it.
pub struct Writer {
    uploads: Arc<Uploads>,
    hash: String,
    length: u64,
    file: std::fs::File,
    /// Bytes in the part now.
    pub offset: u64,
    pub stop: Arc<Notify>,
    _guard: OwnedMutexGuard<()>,
}

/// Where a file stands: how many of its bytes are stored, and whether it is whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub offset: u64,
    pub whole: bool,
}

impl Uploads {
    pub fn open(dir: PathBuf, max_file_bytes: u64, ceiling: u64) -> Result<Uploads, UploadError> {
        // Customers' evidence: for the service's own user only, like the database.
        crate::private_files::create_dir(&dir).map_err(io)?;
        let uploads = Uploads {
            dir,
            max_file_bytes,
            ceiling,
            held: AtomicU64::new(0),
            slots: Mutex::new(HashMap::new()),
        };
        uploads.sweep(SystemTime::now());
        Ok(uploads)
    }

    /// The folder beside a database: `intake.sqlite3` keeps its uploads in `intake.sqlite3-uploads/`.
    pub fn beside(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push("-uploads");
        PathBuf::from(name)
    }

    fn part(&self, hash: &str, length: u64) -> PathBuf {
        self.dir.join(format!("{hash}-{length}.part"))
    }

    fn whole(&self, hash: &str) -> PathBuf {
        self.dir.join(hash)
    }

    fn check(&self, hash: &str, length: u64) -> Result<(), UploadError> {
        if !is_hash(hash) {
            return Err(UploadError::BadName);
        }
        if length == 0 || length > self.max_file_bytes {
            return Err(UploadError::TooLarge);
        }
        Ok(())
    }

    pub fn standing(&self, hash: &str, length: u64) -> Result<Standing, UploadError> {
        self.check(hash, length)?;
        if let Ok(meta) = std::fs::metadata(self.whole(hash)) {
            if meta.len() == length {
                return Ok(Standing {
                    offset: length,
                    whole: true,
                });
            }
        }
        let offset = std::fs::metadata(self.part(hash, length)).map_or(0, |m| m.len());
        Ok(Standing {
            offset: offset.min(length),
            whole: false,
        })
    }

    /// Becomes the one writer of this part, stopping the one before (a dropped connection still being read).
    pub async fn writer(self: &Arc<Self>, hash: &str, length: u64) -> Result<Writer, UploadError> {
        self.check(hash, length)?;
        let key = format!("{hash}-{length}");
        let lock = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            let slot = slots.entry(key.clone()).or_insert_with(|| Slot {
                lock: Arc::new(tokio::sync::Mutex::new(())),
                stop: None,
            });
            if let Some(stop) = &slot.stop {
                stop.notify_one();
            }
            Arc::clone(&slot.lock)
        };
        let guard = tokio::time::timeout(Duration::from_secs(10), lock.lock_owned())
            .await
            .map_err(|_| UploadError::Busy)?;
        let stop = Arc::new(Notify::new());
        if let Some(slot) = self
            .slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&key)
        {
            slot.stop = Some(Arc::clone(&stop));
        }
        let path = self.part(hash, length);
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(io)?;
        let offset = file.metadata().map_err(io)?.len();
        if offset > length {
            // Longer than declared can only be damage: start again.
            file.set_len(0).map_err(io)?;
            return Err(UploadError::Offset { stored: 0 });
        }
        Ok(Writer {
            uploads: Arc::clone(self),
            hash: hash.to_owned(),
            length,
            file,
            offset,
            stop,
            _guard: guard,
        })
    }

    /// The bytes of a whole file, for the complaint that names it.
    pub fn read(&self, hash: &str, length: u64) -> Option<Vec<u8>> {
        if !is_hash(hash) {
            return None;
        }
        let bytes = std::fs::read(self.whole(hash)).ok()?;
        (bytes.len() as u64 == length).then_some(bytes)
    }

    /// Removes what is past its time, and recounts what the folder holds.
    pub fn sweep(&self, now: SystemTime) -> usize {
        let mut removed = 0;
        let mut held = 0;
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let name = entry.file_name();
            let kept = if name.to_string_lossy().ends_with(".part") {
                PART_KEPT
            } else {
                WHOLE_KEPT
            };
            let age = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or_default();
            if age > kept && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            } else {
                held += meta.len();
            }
        }
        self.held.store(held, Ordering::Relaxed);
        removed
    }
}

impl Writer {
    /// Appends bytes as they arrive; refuses past the declared length or the folder's ceiling.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), UploadError> {
        let room = self.length - self.offset;
        if bytes.len() as u64 > room {
            return Err(UploadError::TooLarge);
        }
        let held = self.uploads.held.load(Ordering::Relaxed);
        if held.saturating_add(bytes.len() as u64) > self.uploads.ceiling {
            return Err(UploadError::Full);
        }
        self.file.write_all(bytes).map_err(io)?;
        self.offset += bytes.len() as u64;
        self.uploads
            .held
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// After the request ends, however it ended: what came is on disk, and a whole file is checked and
    /// kept under its name (or thrown away when it does not match it).
    pub fn finish(self) -> Result<Standing, UploadError> {
        self.file.sync_data().map_err(io)?;
        if self.offset < self.length {
            return Ok(Standing {
                offset: self.offset,
                whole: false,
            });
        }
        let part = self.uploads.part(&self.hash, self.length);
        let bytes = std::fs::read(&part).map_err(io)?;
        if hex(&Sha256::digest(&bytes)) != self.hash {
            let _ = std::fs::remove_file(&part);
            let _ = self
                .uploads
                .held
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                    Some(held.saturating_sub(self.length))
                });
            return Err(UploadError::Corrupt);
        }
        std::fs::rename(&part, self.uploads.whole(&self.hash)).map_err(io)?;
        Ok(Standing {
            offset: self.length,
            whole: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT_CEILING: u64 = 2 * 1024 * 1024 * 1024;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("uploads-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn hash_of(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    #[tokio::test]
    async fn a_file_sent_in_pieces_is_whole_only_when_its_bytes_match_its_name() {
        let dir = folder("pieces");
        let uploads = Arc::new(Uploads::open(dir.clone(), 1000, DEFAULT_CEILING).unwrap());
        let content = b"%PDF-1.7 a small file sent in three pieces".to_vec();
        let (hash, len) = (hash_of(&content), content.len() as u64);
        assert_eq!(uploads.standing(&hash, len).unwrap().offset, 0);
        let mut w = uploads.writer(&hash, len).await.unwrap();
        w.append(&content[..10]).unwrap();
        assert_eq!(
            w.finish().unwrap(),
            Standing {
                offset: 10,
                whole: false
            }
        );
        assert_eq!(uploads.standing(&hash, len).unwrap().offset, 10);
        let mut w = uploads.writer(&hash, len).await.unwrap();
        assert_eq!(w.offset, 10);
        w.append(&content[10..]).unwrap();
        assert!(w.finish().unwrap().whole);
        assert_eq!(uploads.read(&hash, len), Some(content.clone()));

        // Bytes that do not match the name are thrown away.
        let wrong = hash_of(b"something else");
        let mut w = uploads.writer(&wrong, len).await.unwrap();
        w.append(&content).unwrap();
        assert_eq!(w.finish().err(), Some(UploadError::Corrupt));
        assert_eq!(uploads.standing(&wrong, len).unwrap().offset, 0);
        assert_eq!(uploads.read(&wrong, len), None);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn limits_hold_before_a_byte_is_written() {
        let dir = folder("limits");
        let uploads = Arc::new(Uploads::open(dir.clone(), 100, 150).unwrap());
        let hash = hash_of(b"x");
        assert_eq!(
            uploads.standing("../etc", 10).err(),
            Some(UploadError::BadName)
        );
        assert_eq!(
            uploads.standing(&hash, 101).err(),
            Some(UploadError::TooLarge)
        );
        let mut w = uploads.writer(&hash, 100).await.unwrap();
        assert_eq!(w.append(&[0; 101]).err(), Some(UploadError::TooLarge));
        w.append(&[0; 100]).unwrap();
        drop(w);
        let mut other = uploads.writer(&hash_of(b"y"), 100).await.unwrap();
        assert_eq!(other.append(&[0; 60]).err(), Some(UploadError::Full));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_new_writer_asks_the_old_one_to_stop() {
        let dir = folder("stop");
        let uploads = Arc::new(Uploads::open(dir.clone(), 100, DEFAULT_CEILING).unwrap());
        let hash = hash_of(b"z");
        let first = uploads.writer(&hash, 10).await.unwrap();
        let stop = Arc::clone(&first.stop);
        let holder = tokio::spawn(async move {
            stop.notified().await;
            drop(first);
        });
        let second = uploads.writer(&hash, 10).await;
        assert!(second.is_ok());
        holder.await.unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn evidence_is_kept_for_the_service_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = folder("modes");
        let uploads = Arc::new(Uploads::open(dir.clone(), 100, DEFAULT_CEILING).unwrap());
        let content = b"%PDF-1.7 private".to_vec();
        let mut w = uploads
            .writer(&hash_of(&content), content.len() as u64)
            .await
            .unwrap();
        w.append(&content).unwrap();
        assert!(w.finish().unwrap().whole);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(hash_of(&content))), 0o600);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn old_parts_and_files_are_swept() {
        let dir = folder("sweep");
        let uploads = Uploads::open(dir.clone(), 100, DEFAULT_CEILING).unwrap();
        std::fs::write(dir.join(format!("{}-5.part", hash_of(b"a"))), b"12345").unwrap();
        std::fs::write(dir.join(hash_of(b"b")), b"b").unwrap();
        assert_eq!(uploads.sweep(SystemTime::now()), 0);
        let later = SystemTime::now() + PART_KEPT + Duration::from_secs(60);
        assert_eq!(uploads.sweep(later), 1);
        assert_eq!(uploads.sweep(later + WHOLE_KEPT), 1);
        let _ = std::fs::remove_dir_all(dir);
    }
}
