//! Status files: one static JSON file per complaint, named so only someone holding the reference and the
//! verifier can find it (`docs/status.md`), written so a reader never sees half of one. With the service's
//! key each is written twice: also under the name the customer's mail link finds, which needs no email
//! address ([`Publisher::link_name`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use complaint_domain::status::{ErasedRecord, StatusRecord};
use complaint_domain::tracking::status_key_input;
use sha2::{Digest, Sha256};

use crate::objects::{Folder, Objects, PUBLIC_JSON};
use crate::reply_proof::ReplyKey;
use crate::store::{Complaint, Storage, StoreError};

/// The file name's stem: lower-case hex SHA-256 of the documented key input.
pub fn status_key(reference: &str, verifier: &str) -> String {
    hex(&Sha256::digest(
        status_key_input(reference, verifier).as_bytes(),
    ))
}

pub use crate::ids::hex;

/// Whether `name` is a status file name the service could have written (`<64 hex>.json`); anything else
/// is never looked up, so no path can wander out of the folder.
pub fn is_status_file_name(name: &str) -> bool {
    name.strip_suffix(".json").is_some_and(|key| {
        key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[derive(Debug, Clone)]
pub struct Publisher {
    /// `--publish` as given: a folder, or an `s3://` bucket and prefix.
    dir: PathBuf,
    /// Where the files go ([`crate::objects`]).
    place: Arc<dyn Objects>,
    /// The config's `replies.reopen_days`: a closed complaint's file says until when it can be reopened.
    reopen_days: Option<u32>,
    /// The service's key for Reply-Proofs: with it, each file is written a second time under the name its
    /// proof gives in place of the verifier ([`Publisher::link_name`]), which the customer's mail links to.
    link_key: Option<ReplyKey>,
}

impl Publisher {
    /// Into a folder on this machine.
    pub fn new(dir: PathBuf) -> Publisher {
        let place: Arc<dyn Objects> = Arc::new(Folder::new(dir.clone()));
        Publisher::at(dir, place)
    }

    /// Into `place`, which `--publish` named as `dir`.
    pub fn at(dir: PathBuf, place: Arc<dyn Objects>) -> Publisher {
        Publisher {
            dir,
            place,
            reopen_days: complaint_domain::config::ReplyPolicy::default().reopen_days,
            link_key: None,
        }
    }

    /// Also under the name a mail link finds ([`Publisher::link_name`]).
    pub fn with_link_key(self, key: ReplyKey) -> Publisher {
        Publisher {
            link_key: Some(key),
            ..self
        }
    }

    /// The Reply-Proof of the complaint whose file is named `status_key`: what the customer's mail link
    /// carries in place of their email address; `None` without the key.
    pub fn link_proof(&self, status_key: &str) -> Option<String> {
        self.link_key.as_ref()?.proof(status_key)
    }

    /// The file's second name, for a link that holds no personal data: the documented name with the
    /// complaint's Reply-Proof as the verifier (`docs/status.md`), so the tracker finds it by the same rule
    /// from `#reference=…&proof=…`. Only the service can make the proof, and the name does not reveal it.
    pub fn link_name(&self, reference: &str, status_key: &str) -> Option<String> {
        Some(self::status_key(reference, &self.link_proof(status_key)?))
    }

    pub fn with_reopen_days(self, reopen_days: Option<u32>) -> Publisher {
        Publisher {
            reopen_days,
            ..self
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the status file is: a path, or an `s3://` address.
    pub fn path_for(&self, key: &str) -> PathBuf {
        PathBuf::from(self.place.show(&format!("{key}.json")))
    }

    /// The place the files go, for the marker that claims it ([`crate::objects::claim`]).
    pub fn place(&self) -> &dyn Objects {
        &*self.place
    }

    /// Writes the record whole ([`Objects::put`]): readers see the old file or the new, never a mix. In a
    /// folder the temporary file is dot-prefixed and never a valid status name, so it is never served; in
    /// a bucket it carries the `Cache-Control: no-cache` the tracker needs (`docs/status.md`).
    pub fn publish(&self, key: &str, record: &StatusRecord) -> std::io::Result<PathBuf> {
        let name = format!("{key}.json");
        self.place
            .put(&name, record.to_json().as_bytes(), PUBLIC_JSON)?;
        Ok(self.path_for(key))
    }

    /// Replaces a complaint's status file by its tombstone, whole, as [`Publisher::publish`] does.
    pub fn publish_erased(&self, key: &str, record: &ErasedRecord) -> std::io::Result<PathBuf> {
        let name = format!("{key}.json");
        self.place
            .put(&name, record.to_json().as_bytes(), PUBLIC_JSON)?;
        Ok(self.path_for(key))
    }
}

/// Why a status file is not current. The complaint itself is safe in the database either way: the file
/// is written again on the phone's retry, at the next start, or by `republish`.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot write {}: {source}", dir.display())]
    Write {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// Written, but the database could not record it, so it will be written again.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes one complaint's file (a tombstone once it is erased) and records that it is current.
pub fn publish_complaint(
    store: &dyn Storage,
    publisher: &Publisher,
    complaint: &Complaint,
) -> Result<PathBuf, PublishError> {
    let link_name = publisher.link_name(&complaint.record.reference, &complaint.status_key);
    let mut written = Ok(PathBuf::new());
    // The mail link's name first: the file the complaint is marked current by is written last.
    for key in link_name.iter().chain([&complaint.status_key]) {
        // Erased: only that, and when (issue #25); the tracker says so calmly.
        written = match complaint.erased_at {
            Some(at) => publisher.publish_erased(key, &ErasedRecord::new(at.utc_wall_clock().date)),
            None => publisher.publish(
                key,
                &complaint
                    .record
                    .clone()
                    .with_reopen_window(publisher.reopen_days),
            ),
        };
        if written.is_err() {
            break;
        }
    }
    let path = written.map_err(|source| PublishError::Write {
        dir: publisher.dir().to_owned(),
        source,
    })?;
    store.mark_published(complaint.id, complaint.revision)?;
    Ok(path)
}

/// Publishes every complaint whose file lags behind the database (after a crash between commit and
/// publish); `all` rewrites every file, e.g. into a new folder. Returns how many were written.
pub fn republish(
    store: &dyn Storage,
    publisher: &Publisher,
    all: bool,
) -> Result<usize, PublishError> {
    let complaints = if all {
        store.all()
    } else {
        store.unpublished()
    }?;
    for complaint in &complaints {
        publish_complaint(store, publisher, complaint)?;
    }
    Ok(complaints.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_key() {
        assert_eq!(
            status_key("CMP-7K4Q-2M9X", " Anna@Example.pl"),
            "57e2107e66afb667113a5de06a7183f0c453249d7fc4569b5a0d2cf99c81bb77"
        );
    }

    #[test]
    fn only_status_names_are_accepted() {
        let good = format!("{}.json", "a".repeat(64));
        assert!(is_status_file_name(&good));
        for bad in [
            "../config.json".to_owned(),
            format!("{}.json", "A".repeat(64)),
            format!("{}.json", "a".repeat(63)),
            format!(".{}.json", "a".repeat(63)),
            "a".repeat(64),
        ] {
            assert!(!is_status_file_name(&bad), "{bad}");
        }
    }

    #[test]
    fn publishing_replaces_the_file_whole_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("intake-publish-{}", std::process::id()));
        let publisher = Publisher::new(dir.clone());
        let record = StatusRecord::from_json(include_str!(
            "../../../public/api/v1/status/94871dade5f2ea0215d70607c12abe53be5ff48f0b4c6e7d7a04d7d822997f27.json"
        ))
        .unwrap();
        let key = status_key(&record.reference, "demo@example.com");
        let path = publisher.publish(&key, &record).unwrap();
        let mut changed = record.clone();
        changed.next_step = Some("Soon.".into());
        publisher.publish(&key, &changed).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(StatusRecord::from_json(&text), Ok(changed));
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [format!("{key}.json")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The file's shape for the organisation's words (docs/status.md, `$defs/org_text`): text in several
    /// languages is an object of language tags in the order given (the customer's language first), and a
    /// plain string stays a string, so files written before languages read as they did.
    #[test]
    fn texts_in_several_languages_are_published_as_objects_and_plain_ones_as_strings() {
        let dir = std::env::temp_dir().join(format!("intake-languages-{}", std::process::id()));
        let publisher = Publisher::new(dir.clone());
        let record = StatusRecord::from_json(include_str!(
            "../../../public/api/v1/status/94871dade5f2ea0215d70607c12abe53be5ff48f0b4c6e7d7a04d7d822997f27.json"
        ))
        .unwrap();
        let key = status_key(&record.reference, "demo@example.com");
        let read = |path: &Path| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
        };
        let file = read(&publisher.publish(&key, &record).unwrap());
        let tags = |text: &serde_json::Value| -> Vec<String> {
            text.as_object()
                .unwrap_or_else(|| panic!("not one text per language: {text}"))
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(tags(&file["next_step"]), ["en", "ko", "pl"]);
        assert_eq!(tags(&file["history"][1]["message"]), ["en", "ko", "pl"]);

        let mut korean_first = record.clone();
        korean_first.next_step = record
            .next_step
            .clone()
            .map(|text| text.first_in(complaint_domain::i18n::Locale::Ko));
        korean_first.history[1].message = Some("Written before languages.".into());
        let path = publisher.publish(&key, &korean_first).unwrap();
        let file = read(&path);
        assert_eq!(tags(&file["next_step"]), ["en", "ko", "pl"]);
        let text = std::fs::read_to_string(&path).unwrap();
        let next = &text[text.find("\"next_step\"").unwrap()..];
        assert!(
            next.find("\"ko\"") < next.find("\"en\""),
            "the customer's language first: {next}"
        );
        assert_eq!(file["history"][1]["message"], "Written before languages.");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
