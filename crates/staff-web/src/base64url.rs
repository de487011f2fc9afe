//! WebAuthn's binary fields: base64url (no padding) in the staff API's JSON, `ArrayBuffer`s in the browser's
//! `navigator.credentials`. The conversion is ours (not `PublicKeyCredential.parseCreationOptionsFromJSON`,
//! which older browsers lack).

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// Writes without padding; reads with or without (servers differ).
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

pub fn encode(bytes: &[u8]) -> String {
    ENGINE.encode(bytes)
}

pub fn decode(text: &str) -> Option<Vec<u8>> {
    ENGINE.decode(text.trim()).ok()
}

/// base64url text → a new `ArrayBuffer` with its bytes.
pub fn to_buffer(text: &str) -> Option<ArrayBuffer> {
    let bytes = decode(text)?;
    let array = Uint8Array::new_with_length(u32::try_from(bytes.len()).ok()?);
    array.copy_from(&bytes);
    Some(array.buffer())
}

/// An `ArrayBuffer` (or a typed array over one) → base64url; `None` for anything else (`null`, a string).
pub fn from_buffer(value: &JsValue) -> Option<String> {
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return Some(encode(&Uint8Array::new(buffer).to_vec()));
    }
    value
        .dyn_ref::<Uint8Array>()
        .map(|view| encode(&view.to_vec()))
}
