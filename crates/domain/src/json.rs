//! Reading JSON without choosing the parser. Natively that is `serde_json`; in the browser the app passes
//! one built on the browser's own `JSON.parse`, so no JSON parser has to ship inside the Wasm module.

use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    /// Not JSON at all.
    Syntax(String),
    /// JSON, but not the shape the type wants (wrong types, missing fields).
    Shape(String),
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonError::Syntax(e) | JsonError::Shape(e) => f.write_str(e),
        }
    }
}

pub trait JsonParser {
    fn parse<T: DeserializeOwned>(&self, text: &str) -> Result<T, JsonError>;
}

/// `serde_json`, for native code and tests.
pub struct SerdeJson;

impl JsonParser for SerdeJson {
    fn parse<T: DeserializeOwned>(&self, text: &str) -> Result<T, JsonError> {
        serde_json::from_str(text).map_err(|e| {
            if e.is_data() {
                JsonError::Shape(e.to_string())
            } else {
                JsonError::Syntax(e.to_string())
            }
        })
    }
}
