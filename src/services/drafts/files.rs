//! An evidence file's record: `{id, draft_id, blob}`, or `{id, draft_id, bytes, type}` where the engine
//! refuses to store a Blob (WebKit in a private or ephemeral session), read back as a Blob either way.

use js_sys::{Array, ArrayBuffer, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag};

use super::failure::Failure;
use super::{StoreError, StoredFile};

/// The record with its bytes as the Blob itself.
pub(super) fn as_blob(file: &StoredFile) -> Result<Object, Failure> {
    record(file, &[("blob", &file.blob)])
}

/// The record with its bytes read into an ArrayBuffer, and the Blob's type beside them.
pub(super) async fn as_bytes(file: &StoredFile) -> Result<Object, Failure> {
    let bytes: JsValue = JsFuture::from(file.blob.array_buffer())
        .await
        .map_err(failed)?;
    record(
        file,
        &[("bytes", &bytes), ("type", &file.blob.type_().into())],
    )
}

/// WebKit's refusal of a Blob: an `UnknownError` (or a `DataCloneError`) on the put itself.
pub(super) fn blob_refused(failure: &Failure) -> bool {
    matches!(failure.name.as_str(), "UnknownError" | "DataCloneError")
}

/// The file's bytes as a Blob, from either kind of record.
pub(super) fn blob_of(record: &JsValue) -> Result<Blob, StoreError> {
    let field = |key: &str| Reflect::get(record, &key.into()).unwrap_or(JsValue::UNDEFINED);
    if let Ok(blob) = field("blob").dyn_into::<Blob>() {
        return Ok(blob);
    }
    let bytes = field("bytes")
        .dyn_into::<ArrayBuffer>()
        .map_err(|_| StoreError::Read("a stored file has neither a Blob nor bytes".into()))?;
    let options = BlobPropertyBag::new();
    options.set_type(&field("type").as_string().unwrap_or_default());
    Blob::new_with_buffer_source_sequence_and_options(&Array::of1(&bytes), &options)
        .map_err(|e| StoreError::Read(format!("{e:?}")))
}

fn record(file: &StoredFile, fields: &[(&str, &JsValue)]) -> Result<Object, Failure> {
    let record = Object::new();
    let set = |key: &str, value: &JsValue| Reflect::set(&record, &key.into(), value).map(|_| ());
    set("id", &file.id.as_str().into())
        .and_then(|()| set("draft_id", &file.draft_id.as_str().into()))
        .and_then(|()| fields.iter().try_for_each(|(key, value)| set(key, value)))
        .map_err(failed)?;
    Ok(record)
}

fn failed(e: JsValue) -> Failure {
    Failure {
        name: String::new(),
        detail: format!("{e:?}"),
    }
}
