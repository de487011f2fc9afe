//! The device store: complaints being written (drafts), their evidence files (as Blobs, never base64), and
//! the outbox of complaints waiting to be sent. IndexedDB, so a reload, a crash or a closed tab loses nothing.
//!
//! Every write transaction is committed explicitly (indexed_db_futures rolls back otherwise), and no
//! non-IndexedDB future is awaited while a transaction is open (the browser would auto-commit it).

use std::cell::{Cell, RefCell};

use complaint_domain::draft::Draft;
use complaint_domain::my_complaints::SentComplaint;
use complaint_domain::outbox::OutboxEntry;
use complaint_domain::sorting::sort_by_number;
use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use js_sys::Object;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

mod failure;
mod files;
mod replies;
mod schema;
mod stored;

use failure::{commit, write_error, Failure};
pub use failure::{lacks_room, within, StoreError};
pub use schema::DB_VERSION;
use schema::{upgrade, DRAFTS, FILES, OUTBOX, REPLIES, SENT};
pub use stored::StoredDraft;

/// The database the app uses; tests open their own, uniquely named, so no test sees another's data.
pub const DEFAULT_DB_NAME: &str = "complaint-desk";

/// How long a reopen (after the browser closed the connection) may take before the write is given up.
const REOPEN_TIMEOUT_MS: i32 = 2_000;

/// An evidence file as stored: its bytes and which draft it belongs to.
pub struct StoredFile {
    pub id: String,
    pub draft_id: String,
    pub blob: Blob,
}

/// One open connection, and whether the browser has closed it since.
struct Connection {
    db: Database,
    closed: std::rc::Rc<Cell<bool>>,
    _on_versionchange: Closure<dyn FnMut()>,
    _on_close: Closure<dyn FnMut()>,
}

impl Connection {
    async fn open(name: &str) -> Result<Connection, StoreError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| upgrade(event.old_version(), &db))
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let raw: web_sys::IdbDatabase = (**db.as_sys()).clone();
        let closed = std::rc::Rc::new(Cell::new(false));
        // Another tab's upgrade or a `deleteDatabase` (the customer clearing the site's data) waits until every
        // connection closes: close at once, and open afresh on the next read or write.
        let on_versionchange = Closure::<dyn FnMut()>::new({
            let (raw, closed) = (raw.clone(), closed.clone());
            move || {
                raw.close();
                closed.set(true);
            }
        });
        // The browser closed the connection itself (site data cleared, storage evicted).
        let on_close = Closure::<dyn FnMut()>::new({
            let closed = closed.clone();
            move || closed.set(true)
        });
        raw.set_onversionchange(Some(on_versionchange.as_ref().unchecked_ref()));
        raw.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Connection {
            db,
            closed,
            _on_versionchange: on_versionchange,
            _on_close: on_close,
        })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // The handlers die with this value: detach them before the browser could call them.
        let raw: &web_sys::IdbDatabase = self.db.as_sys();
        raw.set_onversionchange(None);
        raw.set_onclose(None);
        raw.close();
    }
}

pub struct DraftStore {
    name: String,
    connection: RefCell<Connection>,
    reopened: Cell<u32>,
}

impl DraftStore {
    /// Opens (creating or upgrading) the named database.
    pub async fn open(name: &str) -> Result<DraftStore, StoreError> {
        Ok(DraftStore {
            name: name.to_owned(),
            connection: RefCell::new(Connection::open(name).await?),
            reopened: Cell::new(0),
        })
    }

    /// Like [`DraftStore::open`], but gives up after `timeout_ms`, so the form is usable either way.
    pub async fn open_within(name: &str, timeout_ms: i32) -> Result<DraftStore, StoreError> {
        within(DraftStore::open(name), timeout_ms).await
    }

    /// How many times the connection had to be opened afresh because the browser closed it. Each time, the
    /// database may have been emptied: whatever is kept only in memory should be written again.
    pub fn reopened(&self) -> u32 {
        self.reopened.get()
    }

    /// The open connection, opened afresh if the browser has closed it.
    async fn connection(&self) -> Result<Database, StoreError> {
        if !self.connection.borrow().closed.get() {
            return Ok(self.connection.borrow().db.clone());
        }
        let fresh = within(Connection::open(&self.name), REOPEN_TIMEOUT_MS).await?;
        let db = fresh.db.clone();
        // Dropping the old connection detaches its handlers.
        *self.connection.borrow_mut() = fresh;
        self.reopened.set(self.reopened.get() + 1);
        Ok(db)
    }

    /// A failed write, told apart. A connection closed under it is opened afresh by the next call (the autosave
    /// writes again on the next change, and rewrites the files after a reopen).
    async fn write_failed(&self, failure: Failure, needed: f64) -> StoreError {
        if failure.closed_connection() {
            self.connection.borrow().closed.set(true);
        }
        write_error(failure, needed).await
    }

    fn read_failed(&self, failure: Failure) -> StoreError {
        if failure.closed_connection() {
            self.connection.borrow().closed.set(true);
        }
        StoreError::Read(failure.detail)
    }

    /// Writes one serde record (keyed by its key path), replacing any with the same key.
    async fn put_record<T: serde::Serialize>(
        &self,
        store: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let db = self.connection().await?;
        let done = async {
            let tx = db
                .transaction(store)
                .with_mode(TransactionMode::Readwrite)
                .build()?;
            tx.object_store(store)?.put(value).serde()?.await?;
            commit(tx).await
        };
        match done.await {
            Ok(()) => Ok(()),
            Err(failure) => Err(self.write_failed(failure, 0.0).await),
        }
    }

    async fn all_records<T: serde::de::DeserializeOwned>(
        &self,
        store: &str,
    ) -> Result<Vec<T>, StoreError> {
        let db = self.connection().await?;
        let records = async {
            let tx = db.transaction(store).build()?;
            let records = tx.object_store(store)?.get_all::<T>().serde()?.await?;
            Ok::<_, Failure>(records.collect::<Result<Vec<T>, _>>()?)
        };
        records.await.map_err(|f| self.read_failed(f))
    }

    /// Deletes `keys[i]` from `stores[i]`, all in one transaction.
    async fn delete_records(&self, stores: &[&str], keys: &[&str]) -> Result<(), StoreError> {
        let db = self.connection().await?;
        let mut names: Vec<&str> = stores.to_vec();
        names.dedup();
        let done = async {
            let tx = db
                .transaction(names.as_slice())
                .with_mode(TransactionMode::Readwrite)
                .build()?;
            for (store, key) in stores.iter().zip(keys) {
                tx.object_store(store)?.delete(*key).await?;
            }
            commit(tx).await
        };
        match done.await {
            Ok(()) => Ok(()),
            Err(failure) => Err(self.write_failed(failure, 0.0).await),
        }
    }

    async fn get_record(&self, store: &str, key: &str) -> Result<Option<JsValue>, StoreError> {
        let db = self.connection().await?;
        let record = async {
            let tx = db.transaction(store).build()?;
            Ok::<_, Failure>(tx.object_store(store)?.get(key).primitive()?.await?)
        };
        record.await.map_err(|f| self.read_failed(f))
    }

    /// Saves the draft, replacing any earlier copy with the same id.
    pub async fn put(&self, draft: &Draft) -> Result<(), StoreError> {
        self.put_record(DRAFTS, draft).await
    }

    pub async fn get(&self, id: &str) -> Result<Option<Draft>, StoreError> {
        let db = self.connection().await?;
        let draft = async {
            let tx = db.transaction(DRAFTS).build()?;
            Ok::<_, Failure>(tx.object_store(DRAFTS)?.get(id).serde()?.await?)
        };
        draft.await.map_err(|f| self.read_failed(f))
    }

    /// Every stored draft, newest first.
    pub async fn all(&self) -> Result<Vec<Draft>, StoreError> {
        let mut drafts: Vec<Draft> = self.all_records(DRAFTS).await?;
        sort_by_number(&mut drafts, |d| -d.updated_at_ms);
        Ok(drafts)
    }

    /// Removes a draft and its files.
    pub async fn delete(&self, id: &str) -> Result<(), StoreError> {
        let files: Vec<String> = self
            .get(id)
            .await?
            .map(|d| d.attachments.into_iter().map(|a| a.id).collect())
            .unwrap_or_default();
        let mut stores = vec![DRAFTS];
        let mut keys = vec![id];
        for file in &files {
            stores.push(FILES);
            keys.push(file);
        }
        self.delete_records(&stores, &keys).await
    }

    /// Keeps an evidence file's bytes as a Blob (IndexedDB stores Blobs natively; no base64). WebKit refuses a
    /// Blob in a private or ephemeral session ("UnknownError: Error preparing Blob/File data to be stored");
    /// there the bytes go in as an ArrayBuffer with their type, which every engine stores, and
    /// [`DraftStore::get_file`] makes the Blob again.
    pub async fn put_file(&self, file: &StoredFile) -> Result<(), StoreError> {
        let db = self.connection().await?;
        let mut done = put_file_record(&db, files::as_blob(file)).await;
        if matches!(&done, Err(failure) if files::blob_refused(failure)) {
            done = match files::as_bytes(file).await {
                Ok(record) => put_file_record(&db, Ok(record)).await,
                Err(failure) => Err(failure),
            };
        }
        match done {
            Ok(()) => Ok(()),
            Err(failure) => Err(self.write_failed(failure, file.blob.size()).await),
        }
    }

    pub async fn get_file(&self, id: &str) -> Result<Option<Blob>, StoreError> {
        let record = self.get_record(FILES, id).await?;
        record.map(|r| files::blob_of(&r)).transpose()
    }

    pub async fn delete_file(&self, id: &str) -> Result<(), StoreError> {
        self.delete_records(&[FILES], &[id]).await
    }

    /// Puts a complaint in the outbox (or updates its attempt count).
    pub async fn queue(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.put_record(OUTBOX, entry).await
    }

    /// Complaints waiting to be sent, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut entries: Vec<OutboxEntry> = self.all_records(OUTBOX).await?;
        sort_by_number(&mut entries, |e| e.attempts.queued_at_ms);
        Ok(entries)
    }

    /// Whether a complaint is still waiting, as stored now (another tab may have sent it meanwhile), and how
    /// many attempts it has had.
    pub async fn waiting(&self, id: &str) -> Result<Option<OutboxEntry>, StoreError> {
        Ok(self.outbox().await?.into_iter().find(|e| e.id == id))
    }

    pub async fn unqueue(&self, id: &str) -> Result<(), StoreError> {
        self.delete_records(&[OUTBOX], &[id]).await
    }

    /// Empties every store: drafts, files, the outbox, the sent list and the replies.
    pub async fn clear_all(&self) -> Result<(), StoreError> {
        let db = self.connection().await?;
        let done = async {
            let tx = db
                .transaction([DRAFTS, FILES, OUTBOX, SENT, REPLIES])
                .with_mode(TransactionMode::Readwrite)
                .build()?;
            for name in [DRAFTS, FILES, OUTBOX, SENT, REPLIES] {
                tx.object_store(name)?.clear()?.await?;
            }
            commit(tx).await
        };
        match done.await {
            Ok(()) => Ok(()),
            Err(failure) => Err(self.write_failed(failure, 0.0).await),
        }
    }

    /// Remembers a complaint the organisation has accepted ("my complaints").
    pub async fn remember_sent(&self, sent: &SentComplaint) -> Result<(), StoreError> {
        self.put_record(SENT, sent).await
    }

    /// Complaints sent from this device, newest first.
    pub async fn sent(&self) -> Result<Vec<SentComplaint>, StoreError> {
        let mut sent: Vec<SentComplaint> = self.all_records(SENT).await?;
        sort_by_number(&mut sent, |s| -(s.sent_at_ms as f64));
        Ok(sent)
    }

    /// Closes the connection (it also closes when the store is dropped).
    pub fn close(self) {
        drop(self);
    }

    /// Removes the whole database ("clear everything stored on this device", and test clean-up).
    pub async fn delete_database(name: &str) -> Result<(), StoreError> {
        Database::delete_by_name(name)
            .map_err(|e| StoreError::Write(e.to_string()))?
            .await
            .map_err(|e| StoreError::Write(e.to_string()))
    }
}

/// Writes one evidence file's record in a transaction of its own.
async fn put_file_record(db: &Database, record: Result<Object, Failure>) -> Result<(), Failure> {
    let record = record?;
    let tx = db
        .transaction(FILES)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    tx.object_store(FILES)?.put(JsValue::from(record)).await?;
    commit(tx).await
}
