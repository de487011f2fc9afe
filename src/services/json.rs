//! JSON through the browser's own `JSON.parse` and `JSON.stringify`, bridged to serde by
//! `serde-wasm-bindgen` (already in the module for IndexedDB), so no JSON parser ships in the Wasm.

use complaint_domain::json::{JsonError, JsonParser};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub struct BrowserJson;

impl JsonParser for BrowserJson {
    fn parse<T: DeserializeOwned>(&self, text: &str) -> Result<T, JsonError> {
        let value = js_sys::JSON::parse(text).map_err(|e| JsonError::Syntax(format!("{e:?}")))?;
        serde_wasm_bindgen::from_value(value).map_err(|e| JsonError::Shape(e.to_string()))
    }
}

pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    BrowserJson.parse(text)
}

/// Maps become JSON objects (not JS `Map`s), as `serde_json` would write them.
pub fn stringify<T: Serialize>(value: &T) -> Option<String> {
    let value = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()?;
    js_sys::JSON::stringify(&value).ok()?.as_string()
}
