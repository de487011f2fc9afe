//! The files seam: where the service keeps whole files others read (status files, the published figures)
//! and, with `--files`, evidence files' bytes ([`evidence`]). Two places behind one small trait: a folder on this machine (the default, what
//! `./scripts/serve` uses) and an S3-compatible bucket (`s3://bucket/prefix`, through the `object_store`
//! crate), so several intakes can share one place.
//!
//! Blocking on purpose: its callers (publishing, the store) already run off the async threads. The bucket
//! keeps its own small runtime and hands each request to it, so a call never needs to know whose runtime,
//! if any, it is on.
//!
//! Every put is whole: a folder's by rename ([`crate::files`]), a bucket's because S3 shows an object only
//! once all its bytes are in.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
};

mod connector;
pub mod evidence;

/// How an object is served from a bucket (a folder's files get theirs from `http/files.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub content_type: &'static str,
    pub cache_control: &'static str,
}

/// Status files and the figures: replaced in place, so every reader revalidates (`docs/status.md`).
pub const PUBLIC_JSON: Kind = Kind {
    content_type: "application/json; charset=utf-8",
    cache_control: "no-cache",
};

/// The desk's marker and other files nobody but the service reads.
pub const PRIVATE: Kind = Kind {
    content_type: "application/octet-stream",
    cache_control: "private, no-store",
};

/// One place for whole files, named by `/`-separated names relative to the place.
pub trait Objects: fmt::Debug + Send + Sync {
    /// Replaces `name` with `bytes`, whole: a reader sees the old object or the new.
    fn put(&self, name: &str, bytes: &[u8], kind: Kind) -> io::Result<()>;
    /// Writes `name` only if nothing is there yet; `false` if something was (another node won).
    fn put_new(&self, name: &str, bytes: &[u8], kind: Kind) -> io::Result<bool>;
    /// The object's bytes; `None` if there is none.
    fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>>;
    /// The object's length; `None` if there is none.
    fn len(&self, name: &str) -> io::Result<Option<u64>>;
    /// Removes the object; one already gone is not an error.
    fn delete(&self, name: &str) -> io::Result<()>;
    /// The names (relative to the place) that start with `prefix`, in order.
    fn list(&self, prefix: &str) -> io::Result<Vec<String>>;
    /// Where `name` is, for messages: a path, or an `s3://` address.
    fn show(&self, name: &str) -> String;
}

/// Where a flag points: a folder, or a bucket with a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Folder(PathBuf),
    Bucket { bucket: String, prefix: String },
}

impl Place {
    /// `s3://bucket/prefix` is a bucket; anything else is a folder's path, as before.
    pub fn parse(path: &Path) -> Result<Place, String> {
        let Some(rest) = path.to_str().and_then(|p| p.strip_prefix("s3://")) else {
            return Ok(Place::Folder(path.to_owned()));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("{} names no bucket", path.display()));
        }
        Ok(Place::Bucket {
            bucket: bucket.to_owned(),
            prefix: prefix.trim_matches('/').to_owned(),
        })
    }

    /// The place opened: a folder as it is (created when first written), a bucket with the credentials
    /// and endpoint from the environment (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`).
    pub fn open(&self) -> io::Result<Arc<dyn Objects>> {
        Ok(match self {
            Place::Folder(dir) => Arc::new(Folder { dir: dir.clone() }),
            Place::Bucket { bucket, prefix } => Arc::new(Bucket::open(bucket, prefix)?),
        })
    }
}

/// A folder on this machine.
#[derive(Debug, Clone)]
pub struct Folder {
    dir: PathBuf,
}

impl Folder {
    pub fn new(dir: PathBuf) -> Folder {
        Folder { dir }
    }

    fn path(&self, name: &str) -> io::Result<PathBuf> {
        let relative = Path::new(name);
        let plain = relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain || name.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{name:?} is not a plain name"),
            ));
        }
        Ok(self.dir.join(relative))
    }
}

impl Objects for Folder {
    /// A [`PRIVATE`] file is readable by this user only (the desk's marker, evidence files).
    fn put(&self, name: &str, bytes: &[u8], kind: Kind) -> io::Result<()> {
        let path = self.path(name)?;
        std::fs::create_dir_all(crate::files::folder_of(&path))?;
        if kind == PRIVATE {
            crate::files::write_atomically_private(&path, bytes)
        } else {
            crate::files::write_atomically(&path, bytes)
        }
    }

    /// Checked, then written: a folder is one machine's, and its one writer of a name at a time is the
    /// caller's lock (the uploads' slot); only a bucket is shared by several nodes.
    fn put_new(&self, name: &str, bytes: &[u8], kind: Kind) -> io::Result<bool> {
        if self.len(name)?.is_some() {
            return Ok(false);
        }
        self.put(name, bytes, kind).map(|()| true)
    }

    fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.path(name)?) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn len(&self, name: &str) -> io::Result<Option<u64>> {
        match std::fs::metadata(self.path(name)?) {
            Ok(meta) => Ok(Some(meta.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn delete(&self, name: &str) -> io::Result<()> {
        match std::fs::remove_file(self.path(name)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(prefix) && !n.starts_with('.'))
            .collect();
        names.sort();
        Ok(names)
    }

    fn show(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
}

/// How long one request to the bucket may take, retries included, before the caller hears it failed.
const REQUEST_DEADLINE: Duration = Duration::from_secs(20);

/// An S3-compatible bucket, under a prefix.
pub struct Bucket {
    store: Arc<AmazonS3>,
    bucket: String,
    prefix: String,
    /// Always `Some` until dropped: taken then to shut it down without waiting, which is allowed even on
    /// an async thread (dropping a runtime there is not).
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Bucket {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bucket(s3://{}/{})", self.bucket, self.prefix)
    }
}

fn failed(e: object_store::Error) -> io::Error {
    match e {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, e),
        e => io::Error::other(e),
    }
}

impl Bucket {
    fn open(bucket: &str, prefix: &str) -> io::Result<Bucket> {
        let retry = object_store::RetryConfig {
            max_retries: 2,
            retry_timeout: Duration::from_secs(10),
            ..Default::default()
        };
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_retry(retry)
            .with_http_connector(connector::Reqwest)
            .build()
            .map_err(io::Error::other)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("objects")
            .enable_all()
            .build()?;
        Ok(Bucket {
            store: Arc::new(store),
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            runtime: Some(runtime),
        })
    }

    fn key(&self, name: &str) -> io::Result<Key> {
        let full = if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.prefix)
        };
        Key::parse(&full).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    }

    /// Runs one request on the bucket's own runtime and waits for it, from any thread.
    fn run<T, F>(&self, work: impl FnOnce(Arc<AmazonS3>) -> F) -> io::Result<T>
    where
        T: Send + 'static,
        F: std::future::Future<Output = io::Result<T>> + Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::channel();
        let future = work(Arc::clone(&self.store));
        let Some(runtime) = &self.runtime else {
            return Err(io::Error::other("the object storage runtime stopped"));
        };
        runtime.spawn(async move {
            let answer = tokio::time::timeout(REQUEST_DEADLINE, future)
                .await
                .unwrap_or_else(|_| Err(io::Error::from(io::ErrorKind::TimedOut)));
            let _ = tx.send(answer);
        });
        rx.recv()
            .map_err(|_| io::Error::other("the object storage runtime stopped"))?
    }

    fn put_with(&self, name: &str, bytes: &[u8], kind: Kind, mode: PutMode) -> io::Result<bool> {
        let key = self.key(name)?;
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, kind.content_type.into());
        attributes.insert(Attribute::CacheControl, kind.cache_control.into());
        let options = PutOptions {
            mode,
            attributes,
            ..Default::default()
        };
        let payload = PutPayload::from(bytes.to_vec());
        self.run(move |store| async move {
            match store.put_opts(&key, payload, options).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::AlreadyExists { .. })
                | Err(object_store::Error::Precondition { .. }) => Ok(false),
                Err(e) => Err(failed(e)),
            }
        })
    }
}

impl Objects for Bucket {
    fn put(&self, name: &str, bytes: &[u8], kind: Kind) -> io::Result<()> {
        self.put_with(name, bytes, kind, PutMode::Overwrite)
            .map(|_| ())
    }

    fn put_new(&self, name: &str, bytes: &[u8], kind: Kind) -> io::Result<bool> {
        self.put_with(name, bytes, kind, PutMode::Create)
    }

    fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        let key = self.key(name)?;
        self.run(move |store| async move {
            match store.get(&key).await {
                Ok(found) => Ok(Some(found.bytes().await.map_err(failed)?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(failed(e)),
            }
        })
    }

    fn len(&self, name: &str) -> io::Result<Option<u64>> {
        let key = self.key(name)?;
        self.run(move |store| async move {
            match store.head(&key).await {
                Ok(meta) => Ok(Some(meta.size)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(failed(e)),
            }
        })
    }

    fn delete(&self, name: &str) -> io::Result<()> {
        let key = self.key(name)?;
        self.run(move |store| async move {
            match store.delete(&key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(failed(e)),
            }
        })
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        use futures_util::TryStreamExt;
        // Listed by folder (`a/b/` for `a/b/c`), not the whole bucket.
        let within = prefix.rsplit_once('/').map_or("", |(folder, _)| folder);
        let folder = [self.prefix.as_str(), within]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/");
        let folder = (!folder.is_empty()).then(|| Key::from(folder.as_str()));
        let strip = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let prefix = prefix.to_owned();
        self.run(move |store| async move {
            let found: Vec<_> = store
                .list(folder.as_ref())
                .try_collect()
                .await
                .map_err(failed)?;
            let mut names: Vec<String> = found
                .into_iter()
                .filter_map(|m| m.location.as_ref().strip_prefix(&strip).map(str::to_owned))
                .filter(|n| n.starts_with(&prefix))
                .collect();
            names.sort();
            Ok(names)
        })
    }

    fn show(&self, name: &str) -> String {
        match self.prefix.as_str() {
            "" => format!("s3://{}/{name}", self.bucket),
            prefix => format!("s3://{}/{prefix}/{name}", self.bucket),
        }
    }
}

/// Writes one whole file a flag names (`--insights`): a path (its folder created), or
/// `s3://bucket/prefix/name`.
pub fn put_at(path: &Path, bytes: &[u8], kind: Kind) -> io::Result<()> {
    let place = Place::parse(path).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    match place {
        Place::Folder(file) => {
            std::fs::create_dir_all(crate::files::folder_of(&file))?;
            crate::files::write_atomically(&file, bytes)
        }
        Place::Bucket { bucket, prefix } => {
            let (folder, name) = prefix.rsplit_once('/').unwrap_or(("", &prefix));
            Bucket::open(&bucket, folder)?.put(name, bytes, kind)
        }
    }
}

/// Reads one whole file a flag names (`--insights`): a path or `s3://bucket/prefix/name`; `None` if there
/// is none.
pub fn get_at(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let place = Place::parse(path).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    match place {
        Place::Folder(file) => match std::fs::read(&file) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        },
        Place::Bucket { bucket, prefix } => {
            let (folder, name) = prefix.rsplit_once('/').unwrap_or(("", &prefix));
            Bucket::open(&bucket, folder)?.get(name)
        }
    }
}

/// The name of the marker that says which desk a place belongs to.
pub const MARKER: &str = "complaint-desk.id";

/// Claims `place` for the desk `desk_id` at its first start, and refuses a place another desk claimed:
/// two desks writing status files into one bucket would overwrite each other's.
pub fn claim(place: &dyn Objects, desk_id: &str) -> Result<(), Refused> {
    let unreachable =
        |e: io::Error| Refused::Unreachable(format!("cannot reach {}: {e}", place.show(MARKER)));
    place
        .put_new(MARKER, desk_id.as_bytes(), PRIVATE)
        .map_err(unreachable)?;
    let found = place.get(MARKER).map_err(unreachable)?.unwrap_or_default();
    if found != desk_id.as_bytes() {
        return Err(Refused::AnotherDesk(format!(
            "{} holds another desk's files (its {} names desk {:?}, this database is desk {desk_id:?}); \
             give this desk a place of its own, or --db this place's own database (if that desk is gone \
             for good, remove {})",
            place.show(""),
            MARKER,
            String::from_utf8_lossy(&found),
            place.show(MARKER)
        )));
    }
    Ok(())
}

/// Why a place was not claimed: it could not be read or written, or it is another desk's.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("{0}")]
    Unreachable(String),
    #[error("{0}")]
    AnotherDesk(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_is_a_folder_unless_it_names_a_bucket() {
        assert_eq!(
            Place::parse(Path::new("var/status")),
            Ok(Place::Folder("var/status".into()))
        );
        assert_eq!(
            Place::parse(Path::new("s3://desk/api/v1/status/")),
            Ok(Place::Bucket {
                bucket: "desk".into(),
                prefix: "api/v1/status".into()
            })
        );
        assert!(Place::parse(Path::new("s3:///status")).is_err());
    }

    #[test]
    fn a_folder_is_claimed_once_and_refused_to_another_desk() {
        let dir = std::env::temp_dir().join(format!("objects-claim-{}", std::process::id()));
        let folder = Folder { dir: dir.clone() };
        claim(&folder, "desk-a").unwrap();
        claim(&folder, "desk-a").unwrap();
        let refused = claim(&folder, "desk-b").unwrap_err().to_string();
        assert!(refused.contains("another desk"), "{refused}");
        assert!(folder.get("../x").is_err(), "no name leaves the folder");
        folder.put("b-1", b"12", PRIVATE).unwrap();
        folder.put("b-2", b"3", PRIVATE).unwrap();
        assert_eq!(folder.list("b-").unwrap(), ["b-1", "b-2"]);
        assert_eq!(folder.len("b-1").unwrap(), Some(2));
        folder.delete("b-1").unwrap();
        folder.delete("b-1").unwrap();
        assert_eq!(folder.list("b-").unwrap(), ["b-2"]);
        assert_eq!(folder.get("b-1").unwrap(), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
