//! How a store operation failed, told apart: storage missing, an open that never settles, a full device
//! (Chromium may abort a commit over quota without naming `QuotaExceededError`), or another failure.

use std::fmt;
use std::future::Future;

use indexed_db_futures::error::Error as IdbError;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::transaction::Transaction;
use wasm_bindgen::{JsCast, JsValue};

/// Room a write is assumed to need besides its Blob, when judging whether a failed write hit the quota.
/// A draft is a few kilobytes; a device this close to its quota is full for our purposes.
const ROOM_MARGIN_BYTES: f64 = 256.0 * 1024.0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// IndexedDB is missing or refused (private modes, blocked storage).
    Unavailable(String),
    /// `open()` never settled (a known Safari fault).
    TimedOut,
    /// The device has no room left for this write: the origin's storage quota is used up.
    Full,
    Read(String),
    Write(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unavailable(e) => write!(f, "storage unavailable: {e}"),
            StoreError::TimedOut => write!(f, "storage did not open in time"),
            StoreError::Full => write!(f, "no room left on the device"),
            StoreError::Read(e) => write!(f, "could not read from the device: {e}"),
            StoreError::Write(e) => write!(f, "could not save on the device: {e}"),
        }
    }
}

/// A request or transaction that failed, before it is told apart (full device, closed connection, other).
#[derive(Debug)]
pub(super) struct Failure {
    /// The DOMException's name, or empty when the library reported no exception (an aborted commit).
    pub(super) name: String,
    pub(super) detail: String,
}

impl From<IdbError> for Failure {
    fn from(e: IdbError) -> Self {
        let name = match &e {
            IdbError::DomException(d) => web_sys::DomException::from(d.clone()).name(),
            _ => String::new(),
        };
        Failure {
            name,
            detail: e.to_string(),
        }
    }
}

impl Failure {
    /// The connection had been closed under the request (deleted database, cleared site data).
    pub(super) fn closed_connection(&self) -> bool {
        self.name == "InvalidStateError"
    }

    /// Aborted with no stated reason: what Chromium reports for a commit over quota, among others.
    fn unexplained_abort(&self) -> bool {
        matches!(self.name.as_str(), "" | "AbortError" | "UnknownError")
    }
}

/// Whether a write needing `needed` bytes cannot fit in what the browser allows this origin.
pub fn lacks_room(usage: f64, quota: f64, needed: f64) -> bool {
    quota - usage < needed + ROOM_MARGIN_BYTES
}

/// This origin's usage and quota as the browser counts them (IndexedDB, the service worker's Cache Storage
/// and the rest share one quota).
async fn usage_and_quota() -> Option<(f64, f64)> {
    let promise = web_sys::window()?.navigator().storage().estimate().ok()?;
    let estimate: JsValue = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let estimate: web_sys::StorageEstimate = estimate.unchecked_into();
    Some((estimate.get_usage()?, estimate.get_quota()?))
}

/// Tells a full device apart from other write failures. Chromium may abort a commit over quota without
/// naming `QuotaExceededError` anywhere we can see, so an unexplained abort is checked against the quota.
pub(super) async fn write_error(failure: Failure, needed: f64) -> StoreError {
    if failure.name == "QuotaExceededError" {
        return StoreError::Full;
    }
    if failure.unexplained_abort() {
        if let Some((usage, quota)) = usage_and_quota().await {
            if lacks_room(usage, quota, needed) {
                return StoreError::Full;
            }
        }
    }
    StoreError::Write(failure.detail)
}

/// Commits, keeping the transaction's own error: the library reports an abort without its reason.
pub(super) async fn commit(tx: Transaction<'_>) -> Result<(), Failure> {
    let raw: web_sys::IdbTransaction = (**tx.as_sys()).clone();
    tx.commit().await.map_err(|e| {
        let mut failure = Failure::from(e);
        if let Some(reason) = raw.error() {
            failure.name = reason.name();
            failure.detail = format!("{}: {}", reason.name(), reason.message());
        }
        failure
    })
}

/// Gives up on `future` after `timeout_ms`, so the form is usable either way (an IndexedDB `open()` that
/// never settles is a known Safari fault).
pub async fn within<T>(
    future: impl Future<Output = Result<T, StoreError>>,
    timeout_ms: i32,
) -> Result<T, StoreError> {
    let future = std::pin::pin!(future);
    let timeout = std::pin::pin!(crate::services::device::sleep(timeout_ms));
    match futures::future::select(future, timeout).await {
        futures::future::Either::Left((result, _)) => result,
        futures::future::Either::Right(((), _)) => Err(StoreError::TimedOut),
    }
}
