//! The tracker's client: the status file's private name (SHA-256 by the browser's own Web Crypto, so no
//! hashing code ships in the Wasm), a fetch bounded in time and size, and the last good answer kept on the
//! device so the tracker still shows something offline, "as of" when it was fetched.

use std::fmt;

use complaint_domain::calendar::Date;
use complaint_domain::status::{ErasedRecord, StatusProblem, StatusRecord, MAX_STATUS_BYTES};
use complaint_domain::tracking::{reply_proof_input, status_key_input, status_path};
use gloo_net::http::Request;
use js_sys::{JsString, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::device;
use super::json::{self, BrowserJson};

/// A status host that has not answered by then is treated as unreachable.
const TIMEOUT_MS: i32 = 10_000;

/// localStorage keys of saved status files; the shared `complaint-desk.` prefix puts them under "clear
/// everything stored on this device" (`snapshot::clear_all`).
pub const SAVED_PREFIX: &str = "complaint-desk.status.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusError {
    /// 404/410: no such complaint, or a wrong verifier; the two are never told apart.
    NotFound,
    /// No answer in time, no network, or a 5xx: worth trying again.
    Unreachable(String),
    /// An answer that is not a status record we can show.
    Unreadable(StatusProblem),
    /// This browser cannot hash (no Web Crypto outside a secure context).
    NoCrypto,
    /// The complaint's personal data was erased on that day (issue #25): its file says only that.
    Erased(Date),
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusError::NotFound => write!(f, "not found"),
            StatusError::Unreachable(e) => write!(f, "unreachable: {e}"),
            StatusError::Unreadable(p) => write!(f, "unreadable status file: {p}"),
            StatusError::NoCrypto => write!(f, "Web Crypto is not available"),
            StatusError::Erased(on) => write!(f, "erased on {on}"),
        }
    }
}

/// The lower-case hex name of a complaint's status file (`docs/status.md`).
pub async fn status_key(reference: &str, verifier: &str) -> Result<String, StatusError> {
    sha256_hex(&status_key_input(reference, verifier)).await
}

/// The proof a reply carries in its `Reply-Proof` header (`docs/replies.md`): the same pair under its own
/// label, so the status file's name is never enough to act on a complaint.
pub async fn reply_proof(reference: &str, verifier: &str) -> Result<String, StatusError> {
    sha256_hex(&reply_proof_input(reference, verifier)).await
}

async fn sha256_hex(input: &str) -> Result<String, StatusError> {
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or(StatusError::NoCrypto)?;
    let promise = subtle
        .digest_with_str_and_u8_array("SHA-256", input.as_bytes())
        .map_err(|_| StatusError::NoCrypto)?;
    let digest = JsFuture::from(promise)
        .await
        .map_err(|_| StatusError::NoCrypto)?;
    Ok(Uint8Array::new(&digest)
        .to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Fetches and checks the status file named `key` under `base`; a good answer is saved on the device. The
/// request stops when `cancel` aborts.
pub async fn fetch_status(
    base: &str,
    key: &str,
    cancel: Option<&web_sys::AbortSignal>,
) -> Result<StatusRecord, StatusError> {
    let text = fetch_text(&status_path(base, key), cancel).await?;
    if let Some(erased) = ErasedRecord::from_json_with(&text, &BrowserJson) {
        // Nothing of it is kept on this device either.
        forget(key);
        return Err(StatusError::Erased(erased.on));
    }
    let record =
        StatusRecord::from_json_with(&text, &BrowserJson).map_err(StatusError::Unreadable)?;
    save(key, &text);
    Ok(record)
}

async fn fetch_text(
    url: &str,
    cancel: Option<&web_sys::AbortSignal>,
) -> Result<String, StatusError> {
    let unreachable = |e: &dyn fmt::Display| StatusError::Unreachable(e.to_string());
    let abort = web_sys::AbortController::new().map_err(|e| unreachable(&format!("{e:?}")))?;
    let timer = device::abort_after(&abort, TIMEOUT_MS);
    let _follow = cancel.map(|cancel| Follow::new(cancel, &abort));
    let result = async {
        let response = Request::get(url)
            .header("Accept", "application/json")
            .abort_signal(Some(&abort.signal()))
            .send()
            .await
            .map_err(|e| unreachable(&e))?;
        match response.status() {
            200..=299 => {}
            404 | 410 => return Err(StatusError::NotFound),
            code => return Err(unreachable(&format!("HTTP {code}"))),
        }
        // Refuse an oversized answer before reading it, when the server says how large it is.
        let declared = response
            .headers()
            .get("content-length")
            .and_then(|l| l.trim().parse::<usize>().ok());
        if declared.is_some_and(|bytes| bytes > MAX_STATUS_BYTES) {
            return Err(StatusError::Unreadable(StatusProblem::TooLarge));
        }
        let raw: web_sys::Response = response.into();
        let promise = raw.text().map_err(|e| unreachable(&format!("{e:?}")))?;
        let text: JsString = JsFuture::from(promise)
            .await
            .map_err(|e| unreachable(&format!("{e:?}")))?
            .dyn_into()
            .map_err(|_| StatusError::Unreadable(StatusProblem::NotJson))?;
        // Checked while still a JS string, so a huge body is never copied into the Wasm memory.
        if text.length() as usize > MAX_STATUS_BYTES {
            return Err(StatusError::Unreadable(StatusProblem::TooLarge));
        }
        Ok(String::from(text))
    }
    .await;
    if let (Some(window), Some(timer)) = (web_sys::window(), timer) {
        window.clear_timeout_with_handle(timer);
    }
    result
}

/// Aborts a request's own controller when `cancel` aborts; the listener goes when this is dropped.
struct Follow {
    cancel: web_sys::AbortSignal,
    on_abort: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Follow {
    fn new(cancel: &web_sys::AbortSignal, abort: &web_sys::AbortController) -> Follow {
        if cancel.aborted() {
            abort.abort();
        }
        let on_abort = wasm_bindgen::closure::Closure::<dyn FnMut()>::new({
            let abort = abort.clone();
            move || abort.abort()
        });
        let _ = cancel.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        Follow {
            cancel: cancel.clone(),
            on_abort,
        }
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        let _ = self
            .cancel
            .remove_event_listener_with_callback("abort", self.on_abort.as_ref().unchecked_ref());
    }
}

/// The last good status fetched for `key` on this device, with when it was fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedStatus {
    pub record: StatusRecord,
    pub fetched_at_ms: f64,
}

#[derive(Serialize, Deserialize)]
struct SavedEntry {
    fetched_at_ms: f64,
    text: String,
}

fn save(key: &str, text: &str) {
    let entry = SavedEntry {
        fetched_at_ms: device::now_ms(),
        text: text.to_owned(),
    };
    if let (Some(storage), Some(json)) = (device::local_storage(), json::stringify(&entry)) {
        // A full or blocked storage only costs the offline copy.
        let _ = storage.set_item(&format!("{SAVED_PREFIX}{key}"), &json);
    }
}

/// Drops the saved copy of a status file (its complaint was erased).
fn forget(key: &str) {
    if let Some(storage) = device::local_storage() {
        let _ = storage.remove_item(&format!("{SAVED_PREFIX}{key}"));
    }
}

/// Checked again on the way out: a saved copy is as untrusted as the network.
pub fn saved(key: &str) -> Option<SavedStatus> {
    let json = device::local_storage()?
        .get_item(&format!("{SAVED_PREFIX}{key}"))
        .ok()??;
    let entry: SavedEntry = json::parse(&json).ok()?;
    Some(SavedStatus {
        record: StatusRecord::from_json_with(&entry.text, &BrowserJson).ok()?,
        fetched_at_ms: entry.fetched_at_ms,
    })
}
