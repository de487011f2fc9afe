//! The file parts of a complaint sent in one request, written to a private folder beside the database
//! (`<db>-spool/`) as they arrive: a body that trickles in holds a file on disk, not memory, so it needs no
//! upload permit while it arrives (the permit is taken once the body is whole, for the moment its bytes are
//! read back and the complaint is filed). Each file is removed when its request ends, however it ends, and
//! whatever a stop left behind is removed at start. The folder has a ceiling of its own: past it, a part
//! is refused (the caller answers `503`), so many addresses sending at once cannot fill the disk.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::AsyncWriteExt;

pub struct Spool {
    dir: PathBuf,
    next: AtomicU64,
    ceiling: u64,
    /// Bytes in the folder now.
    held: Arc<AtomicU64>,
}

/// One part on its way in; removed from the disk when dropped.
pub(super) struct SpoolFile {
    path: PathBuf,
    file: tokio::fs::File,
    ceiling: u64,
    held: Arc<AtomicU64>,
    /// Bytes of this part, counted in `held`.
    written: u64,
}

impl Spool {
    /// The folder, for the service's user only, emptied of what an earlier run left; it holds at most
    /// `ceiling` bytes at once.
    pub(super) fn open(dir: PathBuf, ceiling: u64) -> io::Result<Spool> {
        crate::private_files::create_dir(&dir)?;
        for entry in std::fs::read_dir(&dir)?.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(Spool {
            dir,
            next: AtomicU64::new(0),
            ceiling,
            held: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The folder beside a database: `intake.sqlite3` spools into `intake.sqlite3-spool/`.
    pub fn beside(db: &std::path::Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push("-spool");
        PathBuf::from(name)
    }

    pub(super) async fn create(&self) -> io::Result<SpoolFile> {
        let path = self.dir.join(format!(
            "{}.part",
            self.next.fetch_add(1, Ordering::Relaxed)
        ));
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(&path).await?;
        Ok(SpoolFile {
            path,
            file,
            ceiling: self.ceiling,
            held: Arc::clone(&self.held),
            written: 0,
        })
    }
}

impl SpoolFile {
    /// Appends, unless the folder would pass its ceiling.
    pub(super) async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        let n = bytes.len() as u64;
        let ceiling = self.ceiling;
        self.held
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                held.checked_add(n).filter(|total| *total <= ceiling)
            })
            .map_err(|_| io::Error::other("the spool folder is at its ceiling"))?;
        self.written += n;
        self.file.write_all(bytes).await
    }

    /// Everything written, read back whole (the file is removed when `self` goes).
    pub(super) async fn read(mut self) -> io::Result<Vec<u8>> {
        self.file.flush().await?;
        tokio::fs::read(&self.path).await
    }
}

impl Drop for SpoolFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        self.held.fetch_sub(self.written, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_part_is_read_back_whole_and_gone_with_its_request() {
        let dir = std::env::temp_dir().join(format!("spool-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("7.part"), b"left by a stop").unwrap();
        let spool = Spool::open(dir.clone(), 30).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        let mut file = spool.create().await.unwrap();
        file.write(b"%PDF-1.7 ").await.unwrap();
        file.write(b"in two pieces").await.unwrap();
        assert_eq!(file.read().await.unwrap(), b"%PDF-1.7 in two pieces");
        // 22 bytes held until that part went; now 30 may be written, and no more.
        let mut full = spool.create().await.unwrap();
        full.write(&[0; 30]).await.unwrap();
        let mut over = spool.create().await.unwrap();
        assert!(over.write(b"x").await.is_err());
        drop((full, over));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        spool.create().await.unwrap().write(&[0; 30]).await.unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }
}
