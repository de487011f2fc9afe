//! What a node checks and makes of its places at start: every place it writes to is claimed for its desk
//! (the desk's id, kept in the database, against the marker `complaint-desk.id` in the place), and its own
//! folders (the spool, the uploads without `--files`) are found. `serve` calls these before it listens.

use std::path::{Path, PathBuf};

use crate::objects::{self, Objects};
use crate::store::{Address, Storage, StoreError};

/// Why a node did not start.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another desk's place (or this desk's place given another database), or a bucket that cannot be read.
    #[error("{0}")]
    Refused(String),
    #[error("the system's random source failed: {0}")]
    NoRandomness(String),
    /// `serve` on a database address without a folder of the node's own (an address has no "beside").
    #[error(
        "with --db {0}, give serve --node-dir DIR: a folder of this node's own for bodies being received \
         (and uploads, without --files); two nodes never share one"
    )]
    NodeDir(String),
}

/// This desk's id: made at its first start and kept in the database (the first node to store one wins).
fn desk_id(store: &mut dyn Storage) -> Result<String, PlaceError> {
    let fresh = crate::publish::hex(
        &crate::ids::new_secret().map_err(|e| PlaceError::NoRandomness(e.to_string()))?,
    );
    let (id, _) = store.secret("desk-id", fresh.as_bytes(), crate::zone::now())?;
    Ok(String::from_utf8_lossy(&id).into_owned())
}

/// Claims `place` for this desk (its marker names the database's desk id), so a place shared by mistake with
/// another desk, or a database that is another desk's, is refused before anything is written. A bucket that
/// cannot be read at start stops the start; a `folder` that cannot be written is only logged, as before (its
/// files follow when it can be, and its marker at the next start).
pub fn claim(store: &mut dyn Storage, place: &dyn Objects, folder: bool) -> Result<(), PlaceError> {
    let id = desk_id(store)?;
    match objects::claim(place, &id) {
        Ok(()) => Ok(()),
        Err(objects::Refused::Unreachable(e)) if folder => {
            crate::log!("{e}; the desk's marker will be written at the next start");
            Ok(())
        }
        Err(refused) => Err(PlaceError::Refused(refused.to_string())),
    }
}

/// This node's own folders: where bodies are spooled as they arrive, and uploads when `--files` names no
/// bucket. Beside a SQLite file unless `--node-dir` says; a database address has no "beside", so
/// PostgreSQL needs `--node-dir` (the spool is emptied at start, so two nodes must never share one).
pub struct NodeFolders {
    pub spool: PathBuf,
    pub uploads: PathBuf,
}

impl NodeFolders {
    pub fn of(node_dir: Option<&Path>, db: &Address) -> Result<NodeFolders, PlaceError> {
        match (node_dir, db) {
            (Some(dir), _) => Ok(NodeFolders {
                spool: dir.join("spool"),
                uploads: dir.join("uploads"),
            }),
            (None, Address::Sqlite(db)) => Ok(NodeFolders {
                spool: crate::http::Spool::beside(db),
                uploads: crate::uploads::Uploads::beside(db),
            }),
            (None, address) => Err(PlaceError::NodeDir(address.shown())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_keeps_its_folders_beside_a_sqlite_file_or_where_node_dir_says() {
        let sqlite = Address::Sqlite("var/intake.sqlite3".into());
        let beside = NodeFolders::of(None, &sqlite).unwrap();
        assert_eq!(beside.spool, PathBuf::from("var/intake.sqlite3-spool"));
        assert_eq!(beside.uploads, PathBuf::from("var/intake.sqlite3-uploads"));
        let own = NodeFolders::of(Some(Path::new("/srv/node-a")), &sqlite).unwrap();
        assert_eq!(own.spool, PathBuf::from("/srv/node-a/spool"));
        let postgres = Address::Postgres("postgres://desk:pw@db/intake".into());
        let refused = NodeFolders::of(None, &postgres).err().unwrap().to_string();
        assert!(refused.contains("--node-dir"), "{refused}");
        assert!(!refused.contains("pw"), "{refused}");
    }
}
