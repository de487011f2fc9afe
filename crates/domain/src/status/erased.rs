//! The status file of a complaint whose personal data was erased (issue #25, docs/status.md): only that it
//! was, and on which day, so the tracker can say so calmly instead of "not found" — and nothing about the
//! person, the complaint's words or its course.

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::json::JsonParser;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasedRecord {
    /// Always `true`: what tells this file from a status record.
    pub erased: bool,
    /// The day it was erased (UTC).
    pub on: Date,
}

impl ErasedRecord {
    pub fn new(on: Date) -> ErasedRecord {
        ErasedRecord { erased: true, on }
    }

    pub fn to_json(&self) -> String {
        // Plain data always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `Some` when `text` is an erased complaint's file; anything else (a status record) is `None`.
    pub fn from_json_with(text: &str, json: &impl JsonParser) -> Option<ErasedRecord> {
        json.parse::<ErasedRecord>(text)
            .ok()
            .filter(|record| record.erased)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::SerdeJson;

    #[test]
    fn the_erased_file_says_only_that_and_when() {
        let record = ErasedRecord::new(Date::parse_iso("2028-01-01").unwrap());
        assert_eq!(record.to_json(), r#"{"erased":true,"on":"2028-01-01"}"#);
        assert_eq!(
            ErasedRecord::from_json_with(&record.to_json(), &SerdeJson),
            Some(record)
        );
        let demo = include_str!("../../../../public/api/v1/status/94871dade5f2ea0215d70607c12abe53be5ff48f0b4c6e7d7a04d7d822997f27.json");
        assert_eq!(ErasedRecord::from_json_with(demo, &SerdeJson), None);
        assert_eq!(
            ErasedRecord::from_json_with(r#"{"erased":false,"on":"2028-01-01"}"#, &SerdeJson),
            None
        );
    }
}
