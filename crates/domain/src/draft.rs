//! A complaint being written. Drafts are saved on the device as the customer types and outlive reloads,
//! crashes and closed tabs; the browser's drafts store keeps them, this module says what they hold.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::steps::Step;

/// The shape of a stored draft. Raise it when the shape changes, and teach the store to migrate.
pub const DRAFT_SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Unique per draft; doubles as the submission's Idempotency-Key, so a resent draft is one complaint.
    pub id: String,
    pub schema: u32,
    /// Bumped on every save, so a tab holding an older copy can tell it is stale.
    pub revision: u64,
    /// Milliseconds since the Unix epoch (the browser's clock).
    pub updated_at_ms: f64,
    pub step: Step,
    pub category: Option<String>,
    /// Free-text answers by question id, so a category's own questions need no new field here.
    pub answers: BTreeMap<String, String>,
}

impl Draft {
    pub fn new(id: impl Into<String>, now_ms: f64) -> Draft {
        Draft {
            id: id.into(),
            schema: DRAFT_SCHEMA,
            revision: 0,
            updated_at_ms: now_ms,
            step: Step::default(),
            category: None,
            answers: BTreeMap::new(),
        }
    }

    /// Records a change: the revision moves on and the time is stamped.
    pub fn touch(&mut self, now_ms: f64) {
        self.revision += 1;
        self.updated_at_ms = now_ms;
    }

    /// True until the customer has given any answer; empty drafts are not worth offering back.
    pub fn is_empty(&self) -> bool {
        self.category.is_none() && self.answers.values().all(|v| v.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_moves_the_revision_and_time_on() {
        let mut draft = Draft::new("d1", 1_000.0);
        assert!(draft.is_empty());
        draft.category = Some("billing".into());
        draft.touch(2_000.0);
        assert_eq!((draft.revision, draft.updated_at_ms), (1, 2_000.0));
        assert!(!draft.is_empty());
    }

    #[test]
    fn survives_a_json_round_trip_with_any_text() {
        let mut draft = Draft::new("d2", 0.0);
        draft.answers.insert(
            "description".into(),
            "깨졌어요 💔 zepsute \"quoted\"\n".repeat(1000),
        );
        let back: Draft = serde_json::from_str(&serde_json::to_string(&draft).unwrap()).unwrap();
        assert_eq!(back, draft);
    }
}
