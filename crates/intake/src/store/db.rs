//! The record as a running program holds it, whichever database `--db` names: [`open_storage`] is the one
//! place that turns the address into a database, and [`Db`] is what `serve` shares between its threads
//! (new complaints, replies, the mail and webhook outboxes) and the command line opens.
//!
//! Why a trait object and not generics: the database is chosen at start, from a flag, so every front end
//! (the axum state, the workers, the command line) would otherwise be generic over it, or written twice,
//! for nothing a call through one pointer costs next to a query. So the rest of the program sees
//! `dyn Storage + Send` and never an engine's type.
//!
//! Why two kinds of sharing: SQLite has one writer at a time anyway, so its one connection is taken in
//! turn, as before (a second connection would only wait on the file's lock). PostgreSQL keeps a pool, and
//! a pool is only useful if callers do not queue in front of it: each caller takes a handle of its own
//! (a clone of the store, which is a clone of the pool), and its calls run side by side with the others'.

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::{Result, Storage, Store};
use crate::objects::evidence::Evidence;

/// Where the record is, as `--db` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A SQLite file (`--db PATH` or `--db sqlite:PATH`).
    Sqlite(PathBuf),
    /// A PostgreSQL database (`--db postgres://user@host:port/name`).
    Postgres(String),
}

impl Address {
    /// `postgres://…` (or `postgresql://…`) names a PostgreSQL database; `sqlite:PATH` or a plain path a
    /// SQLite file, as before.
    pub fn parse(text: &Path) -> Address {
        let shown = text.to_string_lossy();
        if shown.starts_with("postgres://") || shown.starts_with("postgresql://") {
            return Address::Postgres(shown.into_owned());
        }
        match shown.strip_prefix("sqlite:") {
            Some(path) => Address::Sqlite(PathBuf::from(path)),
            None => Address::Sqlite(text.to_owned()),
        }
    }

    /// The address for messages and logs: a path, or a URL without its password.
    pub fn shown(&self) -> String {
        match self {
            Address::Sqlite(path) => path.display().to_string(),
            Address::Postgres(url) => super::pg::without_password(url),
        }
    }

    /// The address as `--db` takes it again (for the figures' run `serve` starts).
    pub fn flag(&self) -> std::ffi::OsString {
        match self {
            Address::Sqlite(path) => path.clone().into_os_string(),
            Address::Postgres(url) => url.into(),
        }
    }
}

/// The record, shared: hands each piece of work a [`Handle`].
pub struct Db(Kind);

enum Kind {
    /// SQLite: the one connection, taken in turn; the path to open another (the desk's own), and where
    /// its evidence files' bytes are.
    Sqlite {
        path: PathBuf,
        evidence: Evidence,
        one: Mutex<Store>,
    },
    /// A pooled database: a fresh handle on the pool for each taker.
    Pooled(Box<dyn Fn() -> Box<dyn Storage + Send> + Send + Sync>),
}

/// One piece of work's access to the record; deref to `dyn Storage`. Held no longer than the work:
/// on SQLite, others wait while it is held.
pub enum Handle<'a> {
    Taken(MutexGuard<'a, Store>),
    Own(Box<dyn Storage + Send>),
}

impl Deref for Handle<'_> {
    type Target = dyn Storage + Send;

    fn deref(&self) -> &Self::Target {
        match self {
            Handle::Taken(store) => &**store,
            Handle::Own(store) => &**store,
        }
    }
}

impl DerefMut for Handle<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Handle::Taken(store) => &mut **store,
            Handle::Own(store) => &mut **store,
        }
    }
}

/// Opens the record `--db` names, bringing its schema up to date (or refusing one newer than this
/// program), with new evidence files' bytes kept where `evidence` says (`--files`). The one place that
/// chooses an engine.
pub fn open_storage(address: &Address, evidence: Evidence) -> Result<Db> {
    match address {
        Address::Sqlite(path) => Ok(Db(Kind::Sqlite {
            path: path.clone(),
            one: Mutex::new(Store::open(path)?.with_evidence(evidence.clone())),
            evidence,
        })),
        Address::Postgres(url) => Ok(Db::pooled(
            super::pg::PgStore::open(url)?.with_evidence(evidence),
        )),
    }
}

impl Db {
    /// A database with a pool behind `store`: each taker works on a clone of it.
    pub fn pooled<S>(store: S) -> Db
    where
        S: Storage + Clone + Send + Sync + 'static,
    {
        Db(Kind::Pooled(Box::new(move || Box::new(store.clone()))))
    }

    /// Access for one piece of work. A poisoned lock only means another request panicked while holding
    /// it; the data is still whole (SQLite rolls back an unfinished transaction), so carry on rather than
    /// refuse every later request.
    pub fn handle(&self) -> Handle<'_> {
        match &self.0 {
            Kind::Sqlite { one, .. } => Handle::Taken(
                one.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            ),
            Kind::Pooled(take) => Handle::Own(take()),
        }
    }

    /// A store of its own, to keep (the desk's): on SQLite a second connection, so a long back-office
    /// action never holds the one filing takes; on a pool, a handle like any other.
    pub fn own(&self) -> Result<Box<dyn Storage + Send>> {
        match &self.0 {
            Kind::Sqlite { path, evidence, .. } => {
                Ok(Box::new(Store::open(path)?.with_evidence(evidence.clone())))
            }
            Kind::Pooled(take) => Ok(take()),
        }
    }

    /// The store itself, for a command that needs only one.
    pub fn into_own(self) -> Box<dyn Storage + Send> {
        match self.0 {
            Kind::Sqlite { one, .. } => Box::new(
                one.into_inner()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            ),
            Kind::Pooled(take) => take(),
        }
    }
}
