//! The one way the service replaces a file others read (status files, the published figures, a dossier
//! exported over an old one): a temporary file in the same folder, written, flushed to disk, renamed over
//! the name, and the folder flushed too, so a reader sees the old file or the new, never a mix, and a
//! crash leaves one of them.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` atomically, with the mode new files get (status files and figures are public).
/// The folder must exist.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write(path, bytes, false)
}

/// As [`write_atomically`], readable by this user only (0600 on unix); the name is replaced by rename, so a
/// symlink at `path` is replaced, never written through.
pub fn write_atomically_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write(path, bytes, true)
}

/// Temporary names taken in this process, so two writers of one name never share a temporary file.
static WRITES: AtomicU64 = AtomicU64::new(0);

/// A temporary file left by a crash keeps its name; a few more names are tried past it.
const TEMPORARY_ATTEMPTS: usize = 16;

fn write(path: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let dir = folder_of(path);
    let (temporary, mut file) = temporary_beside(path, dir, private)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&temporary, path));
    if let Err(e) = written {
        // The temporary file is dot-prefixed (never served); removing it is tidiness, and the error that
        // matters is the write's.
        let _ = fs::remove_file(&temporary);
        return Err(e);
    }
    sync_folder(dir)
}

/// The folder `path` is in (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A new, dot-prefixed file beside `path` (never a valid status file name, so a half-written one is never
/// served), created exclusively so nothing already there (a link planted under the name) is written through.
fn temporary_beside(path: &Path, dir: &Path, private: bool) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = io::Error::new(io::ErrorKind::AlreadyExists, "no free temporary name");
    for _ in 0..TEMPORARY_ATTEMPTS {
        let temporary = dir.join(format!(
            ".{name}.{}-{}.tmp",
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            if private {
                options.mode(0o600);
            }
        }
        #[cfg(not(unix))]
        let _ = private;
        match options.open(&temporary) {
            Ok(file) => return Ok((temporary, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// The rename lives in the folder's entry: flushed too, or a crash could bring the old file back.
#[cfg(unix)]
fn sync_folder(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Elsewhere a folder cannot be opened as a file to flush it (Windows refuses); NTFS journals the rename
/// itself, so there is nothing more to do.
#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_file_is_left() {
        let dir = std::env::temp_dir().join(format!("intake-files-{}", std::process::id()));
        let path = dir.join("sub").join("figures.json");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        write_atomically(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        let left: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("figures.json")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let private = dir.join("dossier.pdf");
            write_atomically_private(&private, b"x").unwrap();
            let mode = fs::metadata(&private).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
