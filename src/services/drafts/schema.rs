//! The database's shape, and the migrations that bring any earlier version of it up to date.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;

/// The IndexedDB schema version. Raise it with a new step in [`upgrade`], never by editing an old step.
pub const DB_VERSION: u32 = 4;

pub(super) const DRAFTS: &str = "drafts";
pub(super) const FILES: &str = "files";
pub(super) const OUTBOX: &str = "outbox";
pub(super) const SENT: &str = "sent";
pub(super) const REPLIES: &str = "replies";

/// Brings a database from `old_version` to [`DB_VERSION`], one step at a time; existing data is kept.
pub(super) fn upgrade(old_version: f64, db: &Database) -> indexed_db_futures::Result<()> {
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
    if old_version < 4.0 {
        // v4: the customer's replies on filed complaints, being written or waiting to be sent.
        db.create_object_store(REPLIES)
            .with_key_path(KeyPath::One("id"))
            .build()?;
    }
    Ok(())
}
