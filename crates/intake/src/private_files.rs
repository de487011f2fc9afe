//! Folders and files that hold personal data (the database, its WAL and shared-memory files) are created
//! for the service's own user only. SQLite gives its `-wal` and `-shm` files the mode of the database file,
//! so creating that one as 0600 is enough for all three.

use std::io;
use std::path::Path;

/// Creates `dir` and any missing parents as 0700; folders that already exist keep their mode (an operator
/// may have chosen it).
pub fn create_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Creates an empty `path` as 0600 unless it exists (SQLite takes an empty file for a new database); an
/// existing file keeps its mode.
pub fn create_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
