//! Where evidence files' bytes are kept: in the database (`blobs.content`, the embedded default), or, with
//! `--files`, in the files place (a folder or `s3://bucket/prefix`) as `evidence/<sha256>`, so several nodes
//! share them and the database holds only records. The store is the one seam every reader goes through (the
//! staff desk's download, the customer's export, the dossier, the mail, the purge and the erasure): it keeps
//! each file's row in `blobs` (its hash and length, and its bytes only when they are in the database) and
//! calls [`Evidence`] to write, read and remove the bytes.
//!
//! Named by content: an object's name is its bytes' SHA-256, so it is written once, whole, and never
//! changed. Written put-if-absent, so two nodes writing the same file write the same bytes and the second is
//! a no-op. The hash is checked before writing and after every read: a file damaged or replaced in the
//! place is an error that names it, never bytes handed on as the customer's.

use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{Objects, PRIVATE};

/// Where the bytes of evidence files are kept, as the store sees it. Cheap to clone (one pointer).
#[derive(Clone, Default)]
pub struct Evidence {
    /// `None`: in the database. `Some`: in this place, under `evidence/`.
    place: Option<Arc<dyn Objects>>,
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            None => write!(f, "Evidence(in the database)"),
            Some(place) => write!(f, "Evidence({})", place.show("evidence/")),
        }
    }
}

/// Why an evidence file's bytes could not be written, read or removed in the files place.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// The row names bytes in the files place, and there is no object of that name.
    #[error("evidence file {at} is missing from the files place")]
    Missing { at: String },
    /// The object's bytes do not hash to its name: damaged or replaced in the place.
    #[error("evidence file {at} does not match its SHA-256: it was damaged in the files place")]
    Damaged { at: String },
    /// The database keeps this file's bytes in a files place, and none was given.
    #[error(
        "evidence file {sha256} is kept in the files place (--files), and this command was not given one; \
         run it with the --files the desk serves with"
    )]
    NoPlace { sha256: String },
    /// The bytes handed in do not hash to the name they came with (the intake checks before; a bug).
    #[error("the bytes given for evidence file {sha256} do not match its SHA-256")]
    Mismatch { sha256: String },
    /// The place did not answer or refused (a bucket down, a folder not writable).
    #[error("cannot reach evidence file {at}: {problem}")]
    Unreachable { at: String, problem: String },
}

fn name_of(sha256: &str) -> String {
    format!("evidence/{sha256}")
}

fn hash_of(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

impl Evidence {
    /// Bytes in the database, as before `--files` (the embedded default).
    pub fn in_database() -> Evidence {
        Evidence { place: None }
    }

    /// Bytes in `place`, under `evidence/<sha256>`.
    pub fn in_place(place: Arc<dyn Objects>) -> Evidence {
        Evidence { place: Some(place) }
    }

    /// Whether new files' bytes go to a files place (and the database keeps only their rows).
    pub fn in_files(&self) -> bool {
        self.place.is_some()
    }

    fn place(&self, sha256: &str) -> Result<&dyn Objects, EvidenceError> {
        self.place.as_deref().ok_or_else(|| EvidenceError::NoPlace {
            sha256: sha256.to_owned(),
        })
    }

    fn unreachable(place: &dyn Objects, sha256: &str, e: std::io::Error) -> EvidenceError {
        EvidenceError::Unreachable {
            at: place.show(&name_of(sha256)),
            problem: e.to_string(),
        }
    }

    /// Writes `bytes` under `sha256` unless an object of that name is there already (the same bytes,
    /// by their name). The hash is checked first, so a wrong name never lands.
    pub fn keep(&self, sha256: &str, bytes: &[u8]) -> Result<(), EvidenceError> {
        let place = self.place(sha256)?;
        if hash_of(bytes) != sha256 {
            return Err(EvidenceError::Mismatch {
                sha256: sha256.to_owned(),
            });
        }
        place
            .put_new(&name_of(sha256), bytes, PRIVATE)
            .map(|_| ())
            .map_err(|e| Evidence::unreachable(place, sha256, e))
    }

    /// The bytes kept under `sha256`, checked against it.
    pub fn read(&self, sha256: &str) -> Result<Vec<u8>, EvidenceError> {
        let place = self.place(sha256)?;
        let name = name_of(sha256);
        let bytes = place
            .get(&name)
            .map_err(|e| Evidence::unreachable(place, sha256, e))?
            .ok_or_else(|| EvidenceError::Missing {
                at: place.show(&name),
            })?;
        if hash_of(&bytes) != sha256 {
            return Err(EvidenceError::Damaged {
                at: place.show(&name),
            });
        }
        Ok(bytes)
    }

    /// Removes the objects of files no complaint or reply names any more; one already gone is fine.
    pub fn remove(&self, sha256s: &[String]) -> Result<(), EvidenceError> {
        for sha256 in sha256s {
            let place = self.place(sha256)?;
            place
                .delete(&name_of(sha256))
                .map_err(|e| Evidence::unreachable(place, sha256, e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::Folder;

    #[test]
    fn bytes_are_kept_once_under_their_hash_and_checked_when_read() {
        let dir = std::env::temp_dir().join(format!("evidence-folder-{}", std::process::id()));
        let folder = Arc::new(Folder::new(dir.clone()));
        let evidence = Evidence::in_place(folder.clone());
        let sha = hash_of(b"receipt");
        evidence.keep(&sha, b"receipt").unwrap();
        evidence.keep(&sha, b"receipt").unwrap();
        assert_eq!(evidence.read(&sha).unwrap(), b"receipt");
        assert!(matches!(
            evidence.keep(&sha, b"another"),
            Err(EvidenceError::Mismatch { .. })
        ));

        folder.put(&name_of(&sha), b"damaged", PRIVATE).unwrap();
        let damaged = evidence.read(&sha).unwrap_err();
        assert!(
            matches!(damaged, EvidenceError::Damaged { .. }),
            "{damaged}"
        );
        evidence.remove(std::slice::from_ref(&sha)).unwrap();
        evidence.remove(std::slice::from_ref(&sha)).unwrap();
        let missing = evidence.read(&sha).unwrap_err();
        assert!(
            missing.to_string().contains(&sha),
            "names the file: {missing}"
        );
        assert!(matches!(missing, EvidenceError::Missing { .. }));

        let none = Evidence::in_database().read(&sha).unwrap_err();
        assert!(none.to_string().contains("--files"), "{none}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn in_a_folder_the_bytes_are_the_services_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("evidence-private-{}", std::process::id()));
        let evidence = Evidence::in_place(Arc::new(Folder::new(dir.clone())));
        let sha = hash_of(b"photo");
        evidence.keep(&sha, b"photo").unwrap();
        let mode = std::fs::metadata(dir.join(name_of(&sha)))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "no one else reads a customer's file");
        let _ = std::fs::remove_dir_all(dir);
    }
}
