//! The file parts of a complaint sent in one request, written to a private folder beside the database
//! (`<db>-spool/`) as they arrive: a body that trickles in holds a file on disk, not memory, so it needs no
//! upload permit while it arrives (the permit is taken once the body is whole, for the moment its bytes are
//! read back and the complaint is filed). Each file is removed when its request ends, however it ends, and
//! whatever a stop left behind is removed at start.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::AsyncWriteExt;

pub struct Spool {
    dir: PathBuf,
    next: AtomicU64,
}

/// One part on its way in; removed from the disk when dropped.
pub(super) struct SpoolFile {
    path: PathBuf,
    file: tokio::fs::File,
}

impl Spool {
    /// The folder, for the service's user only, emptied of what an earlier run left.
    pub(super) fn open(dir: PathBuf) -> io::Result<Spool> {
        crate::private_files::create_dir(&dir)?;
        for entry in std::fs::read_dir(&dir)?.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(Spool {
            dir,
            next: AtomicU64::new(0),
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
        Ok(SpoolFile { path, file })
    }
}

impl SpoolFile {
    pub(super) async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
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
        let spool = Spool::open(dir.clone()).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        let mut file = spool.create().await.unwrap();
        file.write(b"%PDF-1.7 ").await.unwrap();
        file.write(b"in two pieces").await.unwrap();
        assert_eq!(file.read().await.unwrap(), b"%PDF-1.7 in two pieces");
        let dropped = spool.create().await.unwrap();
        drop(dropped);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(dir);
    }
}
