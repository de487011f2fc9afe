//! Evidence files that arrive before the complaint that names them (`docs/submission.md`, "Uploads"): each
//! is named by its SHA-256 and its length, appended to as bytes arrive (so a connection that drops keeps
//! what it delivered), and becomes whole only when its content hashes to its name. Nothing here trusts the
//! client: a name that does not match its bytes is thrown away, a length over the limit is refused before a
//! byte is read, the folder as a whole has a ceiling, and each client (an IPv4 address or an IPv6 /64) may
//! hold only a share of it, so one address cannot fill it for everyone.
//!
//! On disk, in one folder beside the database: `<sha256>-<length>.part` while it arrives (created with its
//! first byte, so an empty or refused request leaves nothing), `<sha256>` once whole. Unfinished parts are
//! swept after [`PART_KEPT`], whole files after [`WHOLE_KEPT`] (the complaint keeps its own copy in SQLite;
//! a later retry that finds the file gone simply uploads it again). Who wrote what is known to the running
//! service only: after a restart the files still count against the ceiling, not against a client.
//!
//! With `serve --files s3://…` the parts and whole files are in a bucket instead ([`bucket`]), so every
//! node sees the same offset; the ceiling and shares then count what this node received since its last
//! sweep, and the bucket's lifecycle rule removes what is left (`docs/scaling.md`).

use std::collections::HashMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use tokio::sync::{Notify, OwnedMutexGuard};

use crate::objects::Objects;
use crate::publish::hex;

mod bucket;

pub const PART_KEPT: Duration = Duration::from_secs(2 * 24 * 3600);
/// Whole files wait this long for the complaint or reply that names them: the app sends that right after
/// its files, so hours are plenty, and unclaimed files do not hold the ceiling for days.
pub const WHOLE_KEPT: Duration = Duration::from_secs(6 * 3600);

/// One client may hold this fraction of the ceiling (and always at least one file at the size limit).
const SHARE_OF_CEILING: u64 = 16;

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
    /// This client holds its share of the ceiling: try later, when its older files are gone.
    #[error("this client's share of the upload folder is full")]
    OverShare,
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

/// One file being written: the only writer for its name until dropped. The entry goes with its last writer.
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
    /// What one client may hold.
    share: u64,
    ledger: Mutex<Ledger>,
    slots: Mutex<HashMap<String, Slot>>,
    /// `--files s3://…`: parts and whole files in the bucket ([`bucket`]), the folder unused.
    bucket: Option<Arc<dyn Objects>>,
}

/// Bytes each client wrote that are still in the folder, by file name on disk (since this start).
#[derive(Default)]
struct Ledger {
    files: HashMap<String, HashMap<IpAddr, u64>>,
    clients: HashMap<IpAddr, u64>,
}

impl Ledger {
    fn add(&mut self, file: &str, client: IpAddr, bytes: u64) {
        *self
            .files
            .entry(file.to_owned())
            .or_default()
            .entry(client)
            .or_insert(0) += bytes;
        *self.clients.entry(client).or_insert(0) += bytes;
    }

    fn held_by(&self, client: IpAddr) -> u64 {
        self.clients.get(&client).copied().unwrap_or(0)
    }

    /// The file is gone: its bytes leave their writers' shares.
    fn forget(&mut self, file: &str) {
        for (client, bytes) in self.files.remove(file).unwrap_or_default() {
            if let Some(held) = self.clients.get_mut(&client) {
                *held = held.saturating_sub(bytes);
                if *held == 0 {
                    self.clients.remove(&client);
                }
            }
        }
    }

    fn rename(&mut self, from: &str, to: &str) {
        if let Some(writers) = self.files.remove(from) {
            let into = self.files.entry(to.to_owned()).or_default();
            for (client, bytes) in writers {
                *into.entry(client).or_insert(0) += bytes;
            }
        }
    }
}

/// The right to append to one part, with the signal that another request wants it.
pub struct Writer {
    uploads: Arc<Uploads>,
    hash: String,
    length: u64,
    /// Who sends the bytes ([`crate::http`]'s client key), for its share.
    client: IpAddr,
    /// `None` until the first byte: the part is created by it.
    file: Option<std::fs::File>,
    /// Bytes in the part now.
    pub offset: u64,
    /// In a bucket: where this request's bytes start, and the bytes, kept as one part when it ends.
    start: u64,
    pending: Vec<u8>,
    pub stop: Arc<Notify>,
    /// Its entry among the writers (`<sha256>-<length>`).
    key: String,
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
            share: (ceiling / SHARE_OF_CEILING)
                .max(max_file_bytes)
                .min(ceiling),
            ledger: Mutex::new(Ledger::default()),
            slots: Mutex::new(HashMap::new()),
            bucket: None,
        };
        uploads.sweep(SystemTime::now());
        Ok(uploads)
    }

    /// Keeps parts and whole files in `bucket` instead of the folder, so every node sees them.
    pub fn in_bucket(self, bucket: Arc<dyn Objects>) -> Uploads {
        Uploads {
            bucket: Some(bucket),
            ..self
        }
    }

    /// The folder beside a database: `intake.sqlite3` keeps its uploads in `intake.sqlite3-uploads/`.
    pub fn beside(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push("-uploads");
        PathBuf::from(name)
    }

    fn part_name(hash: &str, length: u64) -> String {
        format!("{hash}-{length}.part")
    }

    fn part(&self, hash: &str, length: u64) -> PathBuf {
        self.dir.join(Self::part_name(hash, length))
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
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
        if let Some(objects) = &self.bucket {
            return bucket::standing(&**objects, hash, length);
        }
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

    /// Becomes the one writer of this part for `client`, stopping the one before (a dropped connection
    /// still being read).
    pub async fn writer(
        self: &Arc<Self>,
        hash: &str,
        length: u64,
        client: IpAddr,
    ) -> Result<Writer, UploadError> {
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
        let mut writer = Writer {
            uploads: Arc::clone(self),
            hash: hash.to_owned(),
            length,
            client,
            file: None,
            offset: 0,
            start: 0,
            pending: Vec::new(),
            stop,
            key,
            _guard: guard,
        };
        if let Some(objects) = &self.bucket {
            writer.offset = bucket::standing(&**objects, hash, length)?.offset;
            writer.start = writer.offset;
            return Ok(writer);
        }
        // An existing part goes on; none yet is made by the first byte ([`Writer::append`]).
        let path = self.part(hash, length);
        let file = match std::fs::OpenOptions::new().append(true).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(writer),
            Err(e) => return Err(io(e)),
        };
        let offset = file.metadata().map_err(io)?.len();
        if offset > length {
            // Longer than declared can only be damage: start again.
            drop(file);
            writer.discard();
            return Err(UploadError::Offset { stored: 0 });
        }
        writer.file = Some(file);
        writer.offset = offset;
        Ok(writer)
    }

    /// Writers' entries in use, for tests: each goes with its last writer.
    #[cfg(test)]
    fn writers(&self) -> usize {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// The bytes of a whole file, for the complaint that names it.
    pub fn read(&self, hash: &str, length: u64) -> Option<Vec<u8>> {
        if !is_hash(hash) {
            return None;
        }
        if let Some(objects) = &self.bucket {
            return bucket::read(&**objects, hash, length);
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
        let mut present = std::collections::HashSet::new();
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let kept = if name.ends_with(".part") {
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
                present.insert(name);
            }
        }
        self.held.store(held, Ordering::Relaxed);
        // Files gone (swept now, or removed by anyone since) no longer count against who wrote them.
        let mut ledger = self.ledger();
        let gone: Vec<String> = ledger
            .files
            .keys()
            .filter(|name| !present.contains(*name))
            .cloned()
            .collect();
        for name in gone {
            ledger.forget(&name);
        }
        removed
    }
}

impl Writer {
    /// Appends bytes as they arrive; refuses past the declared length, the folder's ceiling, or the
    /// client's share of it. The first byte creates the part.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), UploadError> {
        let room = self.length - self.offset;
        let n = bytes.len() as u64;
        if n > room {
            return Err(UploadError::TooLarge);
        }
        let held = self.uploads.held.load(Ordering::Relaxed);
        if held.saturating_add(n) > self.uploads.ceiling {
            return Err(UploadError::Full);
        }
        if self.uploads.ledger().held_by(self.client).saturating_add(n) > self.uploads.share {
            return Err(UploadError::OverShare);
        }
        if self.uploads.bucket.is_some() {
            self.pending.extend_from_slice(bytes);
            self.count(n);
            return Ok(());
        }
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                let mut options = std::fs::OpenOptions::new();
                options.create(true).append(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                let path = self.uploads.part(&self.hash, self.length);
                self.file.insert(options.open(path).map_err(io)?)
            }
        };
        file.write_all(bytes).map_err(io)?;
        self.count(n);
        Ok(())
    }

    /// `n` more bytes came, against the ceiling and the client's share.
    fn count(&mut self, n: u64) {
        self.offset += n;
        self.uploads.held.fetch_add(n, Ordering::Relaxed);
        self.uploads
            .ledger()
            .add(&Uploads::part_name(&self.hash, self.length), self.client, n);
    }

    /// Removes the part and takes its bytes off the counts.
    fn discard(&mut self) {
        self.file = None;
        let name = Uploads::part_name(&self.hash, self.length);
        let path = self.uploads.part(&self.hash, self.length);
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        if std::fs::remove_file(&path).is_ok() {
            let _ = self
                .uploads
                .held
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                    Some(held.saturating_sub(bytes))
                });
        }
        self.uploads.ledger().forget(&name);
        self.offset = 0;
    }

    /// After the request ends, however it ended: what came is on disk, and a whole file is checked and
    /// kept under its name (or thrown away when it does not match it).
    pub fn finish(mut self) -> Result<Standing, UploadError> {
        if let Some(objects) = self.uploads.bucket.clone() {
            let pending = std::mem::take(&mut self.pending);
            return bucket::save(&*objects, &self.hash, self.length, self.start, &pending);
        }
        if let Some(file) = &self.file {
            file.sync_data().map_err(io)?;
        }
        if self.offset < self.length {
            return Ok(Standing {
                offset: self.offset,
                whole: false,
            });
        }
        let part = self.uploads.part(&self.hash, self.length);
        let bytes = std::fs::read(&part).map_err(io)?;
        if hex(&Sha256::digest(&bytes)) != self.hash {
            self.discard();
            return Err(UploadError::Corrupt);
        }
        std::fs::rename(&part, self.uploads.whole(&self.hash)).map_err(io)?;
        self.uploads
            .ledger()
            .rename(&Uploads::part_name(&self.hash, self.length), &self.hash);
        Ok(Standing {
            offset: self.length,
            whole: true,
        })
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let mut slots = self.uploads.slots.lock().unwrap_or_else(|p| p.into_inner());
        // The map and this writer's own guard hold the lock: nobody else waits for it, so the entry goes.
        if slots
            .get(&self.key)
            .is_some_and(|slot| Arc::strong_count(&slot.lock) <= 2)
        {
            slots.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT_CEILING: u64 = 2 * 1024 * 1024 * 1024;
    const CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

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
        let mut w = uploads.writer(&hash, len, CLIENT).await.unwrap();
        w.append(&content[..10]).unwrap();
        assert_eq!(
            w.finish().unwrap(),
            Standing {
                offset: 10,
                whole: false
            }
        );
        assert_eq!(uploads.standing(&hash, len).unwrap().offset, 10);
        let mut w = uploads.writer(&hash, len, CLIENT).await.unwrap();
        assert_eq!(w.offset, 10);
        w.append(&content[10..]).unwrap();
        assert!(w.finish().unwrap().whole);
        assert_eq!(uploads.read(&hash, len), Some(content.clone()));

        // Bytes that do not match the name are thrown away.
        let wrong = hash_of(b"something else");
        let mut w = uploads.writer(&wrong, len, CLIENT).await.unwrap();
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
        let mut w = uploads.writer(&hash, 100, CLIENT).await.unwrap();
        assert_eq!(w.append(&[0; 101]).err(), Some(UploadError::TooLarge));
        w.append(&[0; 100]).unwrap();
        drop(w);
        let mut other = uploads.writer(&hash_of(b"y"), 100, CLIENT).await.unwrap();
        assert_eq!(other.append(&[0; 60]).err(), Some(UploadError::Full));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_new_writer_asks_the_old_one_to_stop() {
        let dir = folder("stop");
        let uploads = Arc::new(Uploads::open(dir.clone(), 100, DEFAULT_CEILING).unwrap());
        let hash = hash_of(b"z");
        let first = uploads.writer(&hash, 10, CLIENT).await.unwrap();
        let stop = Arc::clone(&first.stop);
        let holder = tokio::spawn(async move {
            stop.notified().await;
            drop(first);
        });
        let second = uploads.writer(&hash, 10, CLIENT).await;
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
            .writer(&hash_of(&content), content.len() as u64, CLIENT)
            .await
            .unwrap();
        w.append(&content).unwrap();
        assert!(w.finish().unwrap().whole);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(hash_of(&content))), 0o600);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_part_is_made_by_its_first_byte_and_a_writer_leaves_no_entry_behind() {
        let dir = folder("lazy");
        let uploads = Arc::new(Uploads::open(dir.clone(), 100, DEFAULT_CEILING).unwrap());
        for i in 0..20u8 {
            let w = uploads.writer(&hash_of(&[i]), 10, CLIENT).await.unwrap();
            assert!(w.finish().is_ok());
        }
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "no empty parts"
        );
        assert_eq!(uploads.writers(), 0, "no writers' entries");
        let mut w = uploads.writer(&hash_of(b"a"), 10, CLIENT).await.unwrap();
        w.append(b"abc").unwrap();
        drop(w);
        assert_eq!(uploads.standing(&hash_of(b"a"), 10).unwrap().offset, 3);
        assert_eq!(uploads.writers(), 0);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_client_holds_its_share_of_the_ceiling_and_gets_it_back_when_its_files_go() {
        let dir = folder("share");
        // A ceiling of 1,600 bytes: a share of 100, files up to 60.
        let uploads = Arc::new(Uploads::open(dir.clone(), 60, 1600).unwrap());
        let other = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));
        let mut w = uploads.writer(&hash_of(b"1"), 60, CLIENT).await.unwrap();
        w.append(&[0; 60]).unwrap();
        drop(w);
        let mut w = uploads.writer(&hash_of(b"2"), 60, CLIENT).await.unwrap();
        assert_eq!(w.append(&[0; 41]).err(), Some(UploadError::OverShare));
        w.append(&[0; 40]).unwrap();
        drop(w);
        // Another client is not held to it, and may go on with the first one's part.
        let mut w = uploads.writer(&hash_of(b"2"), 60, other).await.unwrap();
        w.append(&[0; 20]).unwrap();
        drop(w);
        std::fs::remove_file(dir.join(format!("{}-60.part", hash_of(b"1")))).unwrap();
        uploads.sweep(SystemTime::now());
        let mut w = uploads.writer(&hash_of(b"3"), 60, CLIENT).await.unwrap();
        w.append(&[0; 60]).unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn old_parts_and_files_are_swept() {
        let dir = folder("sweep");
        let uploads = Uploads::open(dir.clone(), 100, DEFAULT_CEILING).unwrap();
        std::fs::write(dir.join(format!("{}-5.part", hash_of(b"a"))), b"12345").unwrap();
        std::fs::write(dir.join(hash_of(b"b")), b"b").unwrap();
        assert_eq!(uploads.sweep(SystemTime::now()), 0);
        // Whole files go within hours; unfinished ones are kept longer, for a customer still sending.
        let minute = Duration::from_secs(60);
        assert_eq!(uploads.sweep(SystemTime::now() + WHOLE_KEPT + minute), 1);
        assert!(dir.join(format!("{}-5.part", hash_of(b"a"))).exists());
        assert_eq!(uploads.sweep(SystemTime::now() + PART_KEPT + minute), 1);
        let _ = std::fs::remove_dir_all(dir);
    }
}
