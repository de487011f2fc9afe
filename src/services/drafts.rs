//! The device store: complaints being written (drafts), their evidence files (as Blobs, never base64), and
//! the outbox of complaints waiting to be sent. IndexedDB, so a reload, a crash or a closed tab loses nothing.
//!
//! Every write transaction is committed explicitly (indexed_db_futures rolls back otherwise), and no
//! non-IndexedDB future is awaited while a transaction is open (the browser would auto-commit it).

use std::fmt;

use complaint_domain::draft::Draft;
use complaint_domain::my_complaints::SentComplaint;
use complaint_domain::outbox::OutboxEntry;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use indexed_db_futures::KeyPath;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

/// The database the app uses; tests open their own, uniquely named, so no test sees another's data.
pub const DEFAULT_DB_NAME: &str = "complaint-desk";

/// The IndexedDB schema version. Raise it with a new step in [`upgrade`], never by editing an old step.
pub const DB_VERSION: u32 = 3;

const DRAFTS: &str = "drafts";
const FILES: &str = "files";
const OUTBOX: &str = "outbox";
const SENT: &str = "sent";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// IndexedDB is missing or refused (private modes, blocked storage).
    Unavailable(String),
    /// `open()` never settled (a known Safari fault).
    TimedOut,
    Read(String),
    Write(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unavailable(e) => write!(f, "storage unavailable: {e}"),
            StoreError::TimedOut => write!(f, "storage did not open in time"),
            StoreError::Read(e) => write!(f, "could not read from the device: {e}"),
            StoreError::Write(e) => write!(f, "could not save on the device: {e}"),
        }
    }
}

fn read(e: impl fmt::Display) -> StoreError {
    StoreError::Read(e.to_string())
}

fn write(e: impl fmt::Display) -> StoreError {
    StoreError::Write(e.to_string())
}

/// An evidence file as stored: its bytes and which draft it belongs to.
pub struct StoredFile {
    pub id: String,
    pub draft_id: String,
    pub blob: Blob,
}

pub struct DraftStore {
    db: Database,
}

impl DraftStore {
    /// Opens (creating or upgrading) the named database.
    pub async fn open(name: &str) -> Result<DraftStore, StoreError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| upgrade(event.old_version(), &db))
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(DraftStore { db })
    }

    /// Like [`DraftStore::open`], but gives up after `timeout_ms`, so the form is usable either way.
    pub async fn open_within(name: &str, timeout_ms: i32) -> Result<DraftStore, StoreError> {
        let open = std::pin::pin!(DraftStore::open(name));
        let timeout = std::pin::pin!(crate::services::device::sleep(timeout_ms));
        match futures::future::select(open, timeout).await {
            futures::future::Either::Left((result, _)) => result,
            futures::future::Either::Right(((), _)) => Err(StoreError::TimedOut),
        }
    }

    fn writing(&self, store: &str) -> Result<Transaction<'_>, StoreError> {
        self.db
            .transaction(store)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(write)
    }

    fn reading(&self, store: &str) -> Result<Transaction<'_>, StoreError> {
        self.db.transaction(store).build().map_err(read)
    }

    /// Writes one serde record (keyed by its key path), replacing any with the same key.
    async fn put_record<T: serde::Serialize>(
        &self,
        store: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let tx = self.writing(store)?;
        tx.object_store(store)
            .map_err(write)?
            .put(value)
            .serde()
            .map_err(write)?
            .await
            .map_err(write)?;
        tx.commit().await.map_err(write)
    }

    async fn all_records<T: serde::de::DeserializeOwned>(
        &self,
        store: &str,
    ) -> Result<Vec<T>, StoreError> {
        let tx = self.reading(store)?;
        let records = tx
            .object_store(store)
            .map_err(read)?
            .get_all::<T>()
            .serde()
            .map_err(read)?
            .await
            .map_err(read)?;
        records.collect::<Result<Vec<T>, _>>().map_err(read)
    }

    async fn delete_record(&self, store: &str, key: &str) -> Result<(), StoreError> {
        let tx = self.writing(store)?;
        tx.object_store(store)
            .map_err(write)?
            .delete(key)
            .await
            .map_err(write)?;
        tx.commit().await.map_err(write)
    }

    /// Saves the draft, replacing any earlier copy with the same id.
    pub async fn put(&self, draft: &Draft) -> Result<(), StoreError> {
        self.put_record(DRAFTS, draft).await
    }

    pub async fn get(&self, id: &str) -> Result<Option<Draft>, StoreError> {
        let tx = self.reading(DRAFTS)?;
        tx.object_store(DRAFTS)
            .map_err(read)?
            .get(id)
            .serde()
            .map_err(read)?
            .await
            .map_err(read)
    }

    /// Every stored draft, newest first.
    pub async fn all(&self) -> Result<Vec<Draft>, StoreError> {
        let mut drafts: Vec<Draft> = self.all_records(DRAFTS).await?;
        drafts.sort_by(|a, b| b.updated_at_ms.total_cmp(&a.updated_at_ms));
        Ok(drafts)
    }

    /// Removes a draft and its files.
    pub async fn delete(&self, id: &str) -> Result<(), StoreError> {
        let files: Vec<String> = self
            .get(id)
            .await?
            .map(|d| d.attachments.into_iter().map(|a| a.id).collect())
            .unwrap_or_default();
        let tx = self
            .db
            .transaction([DRAFTS, FILES])
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(write)?;
        tx.object_store(DRAFTS)
            .map_err(write)?
            .delete(id)
            .await
            .map_err(write)?;
        let file_store = tx.object_store(FILES).map_err(write)?;
        for file_id in &files {
            let key: &str = file_id;
            file_store.delete(key).await.map_err(write)?;
        }
        tx.commit().await.map_err(write)
    }

    /// Keeps an evidence file's bytes as a Blob (IndexedDB stores Blobs natively; no base64).
    pub async fn put_file(&self, file: &StoredFile) -> Result<(), StoreError> {
        let record = Object::new();
        let set =
            |key: &str, value: &JsValue| Reflect::set(&record, &key.into(), value).map(|_| ());
        set("id", &file.id.as_str().into())
            .and_then(|()| set("draft_id", &file.draft_id.as_str().into()))
            .and_then(|()| set("blob", &file.blob))
            .map_err(|e| StoreError::Write(format!("{e:?}")))?;
        let tx = self.writing(FILES)?;
        tx.object_store(FILES)
            .map_err(write)?
            .put(JsValue::from(record))
            .await
            .map_err(write)?;
        tx.commit().await.map_err(write)
    }

    pub async fn get_file(&self, id: &str) -> Result<Option<Blob>, StoreError> {
        let tx = self.reading(FILES)?;
        let record: Option<JsValue> = tx
            .object_store(FILES)
            .map_err(read)?
            .get(id)
            .primitive()
            .map_err(read)?
            .await
            .map_err(read)?;
        Ok(record
            .and_then(|r| Reflect::get(&r, &"blob".into()).ok())
            .and_then(|b| b.dyn_into::<Blob>().ok()))
    }

    pub async fn delete_file(&self, id: &str) -> Result<(), StoreError> {
        self.delete_record(FILES, id).await
    }

    /// Puts a complaint in the outbox (or updates its attempt count).
    pub async fn queue(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.put_record(OUTBOX, entry).await
    }

    /// Complaints waiting to be sent, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut entries: Vec<OutboxEntry> = self.all_records(OUTBOX).await?;
        entries.sort_by(|a, b| a.queued_at_ms.total_cmp(&b.queued_at_ms));
        Ok(entries)
    }

    pub async fn unqueue(&self, id: &str) -> Result<(), StoreError> {
        self.delete_record(OUTBOX, id).await
    }

    /// Empties every store: drafts, files, the outbox and the sent list.
    pub async fn clear_all(&self) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([DRAFTS, FILES, OUTBOX, SENT])
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(write)?;
        for name in [DRAFTS, FILES, OUTBOX, SENT] {
            tx.object_store(name)
                .map_err(write)?
                .clear()
                .map_err(write)?
                .await
                .map_err(write)?;
        }
        tx.commit().await.map_err(write)
    }

    /// Remembers a complaint the organisation has accepted ("my complaints").
    pub async fn remember_sent(&self, sent: &SentComplaint) -> Result<(), StoreError> {
        self.put_record(SENT, sent).await
    }

    /// Complaints sent from this device, newest first.
    pub async fn sent(&self) -> Result<Vec<SentComplaint>, StoreError> {
        let mut sent: Vec<SentComplaint> = self.all_records(SENT).await?;
        sent.sort_by_key(|s| std::cmp::Reverse(s.sent_at_ms));
        Ok(sent)
    }

    pub fn close(self) {
        self.db.close();
    }

    /// Removes the whole database ("clear everything stored on this device", and test clean-up).
    pub async fn delete_database(name: &str) -> Result<(), StoreError> {
        Database::delete_by_name(name)
            .map_err(write)?
            .await
            .map_err(write)
    }
}

/// Brings a database from `old_version` to [`DB_VERSION`], one step at a time; existing data is kept.
fn upgrade(old_version: f64, db: &Database) -> indexed_db_futures::Result<()> {
    if old_version < 1.0 {
        db.create_object_store(DRAFTS)
            .with_key_path(KeyPath::One("id"))
            .build()?;
    }
    if old_version < 2.0 {
        // v2: evidence files as Blobs beside their drafts, and the outbox.
        db.create_object_store(FILES)
            .with_key_path(KeyPath::One("id"))
            .build()?;
        db.create_object_store(OUTBOX)
            .with_key_path(KeyPath::One("id"))
            .build()?;
    }
    if old_version < 3.0 {
        // v3: complaints sent from this device.
        db.create_object_store(SENT)
            .with_key_path(KeyPath::One("reference"))
            .build()?;
    }
    Ok(())
}
