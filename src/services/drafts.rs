//! The drafts store: complaints being written, kept in IndexedDB so a reload, a crash or a closed tab
//! loses nothing.
//!
//! Every write transaction is committed explicitly (indexed_db_futures rolls back otherwise), and no
//! non-IndexedDB future is awaited while a transaction is open (the browser would auto-commit it).

use std::fmt;

use complaint_domain::draft::Draft;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyPath;

/// The database the app uses; tests open their own, uniquely named, so no test sees another's data.
pub const DEFAULT_DB_NAME: &str = "complaint-desk";

/// The IndexedDB schema version. Raise it with a new arm in [`upgrade`], never by editing an old arm.
pub const DB_VERSION: u32 = 1;

const DRAFTS: &str = "drafts";

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
            StoreError::Read(e) => write!(f, "could not read drafts: {e}"),
            StoreError::Write(e) => write!(f, "could not save the draft: {e}"),
        }
    }
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

    /// Saves the draft, replacing any earlier copy with the same id.
    pub async fn put(&self, draft: &Draft) -> Result<(), StoreError> {
        let write = |e: indexed_db_futures::error::Error| StoreError::Write(e.to_string());
        let tx = self
            .db
            .transaction(DRAFTS)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(write)?;
        let store = tx.object_store(DRAFTS).map_err(write)?;
        store
            .put(draft)
            .serde()
            .map_err(write)?
            .await
            .map_err(write)?;
        tx.commit().await.map_err(write)
    }

    pub async fn get(&self, id: &str) -> Result<Option<Draft>, StoreError> {
        let read = |e: indexed_db_futures::error::Error| StoreError::Read(e.to_string());
        let tx = self.db.transaction(DRAFTS).build().map_err(read)?;
        let store = tx.object_store(DRAFTS).map_err(read)?;
        store.get(id).serde().map_err(read)?.await.map_err(read)
    }

    /// Every stored draft, newest first.
    pub async fn all(&self) -> Result<Vec<Draft>, StoreError> {
        let read = |e: indexed_db_futures::error::Error| StoreError::Read(e.to_string());
        let tx = self.db.transaction(DRAFTS).build().map_err(read)?;
        let store = tx.object_store(DRAFTS).map_err(read)?;
        let records = store
            .get_all::<Draft>()
            .serde()
            .map_err(read)?
            .await
            .map_err(read)?;
        let mut drafts = records.collect::<Result<Vec<Draft>, _>>().map_err(read)?;
        drafts.sort_by(|a, b| b.updated_at_ms.total_cmp(&a.updated_at_ms));
        Ok(drafts)
    }

    pub async fn delete(&self, id: &str) -> Result<(), StoreError> {
        let write = |e: indexed_db_futures::error::Error| StoreError::Write(e.to_string());
        let tx = self
            .db
            .transaction(DRAFTS)
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(write)?;
        let store = tx.object_store(DRAFTS).map_err(write)?;
        store.delete(id).await.map_err(write)?;
        tx.commit().await.map_err(write)
    }

    pub fn close(self) {
        self.db.close();
    }

    /// Removes the whole database ("clear everything stored on this device", and test clean-up).
    pub async fn delete_database(name: &str) -> Result<(), StoreError> {
        Database::delete_by_name(name)
            .map_err(|e| StoreError::Write(e.to_string()))?
            .await
            .map_err(|e| StoreError::Write(e.to_string()))
    }
}

/// Brings a database from `old_version` to [`DB_VERSION`], one step at a time.
fn upgrade(old_version: f64, db: &Database) -> indexed_db_futures::Result<()> {
    if old_version < 1.0 {
        db.create_object_store(DRAFTS)
            .with_key_path(KeyPath::One("id"))
            .build()?;
    }
    Ok(())
}
