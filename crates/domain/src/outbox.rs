//! Complaints waiting to be sent: kept on the device with their Idempotency-Key until the organisation has
//! them, retried with growing pauses, so a weak signal delays a complaint but never loses or doubles it.

use serde::{Deserialize, Serialize};

use crate::submission::Submission;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The draft's id, which is also the Idempotency-Key.
    pub id: String,
    pub endpoint: String,
    pub submission: Submission,
    pub attempts: u32,
    pub queued_at_ms: f64,
    /// Not before this time (ms since the epoch) unless the customer presses "Try now" or the phone
    /// comes back online.
    pub next_attempt_ms: f64,
    #[serde(default)]
    pub last_error: Option<String>,
}

/// Pauses between automatic attempts: 5 s, 15 s, 45 s, … capped at 15 minutes.
pub fn retry_delay_ms(attempts: u32) -> f64 {
    const BASE_MS: f64 = 5_000.0;
    const CAP_MS: f64 = 15.0 * 60_000.0;
    (BASE_MS * 3f64.powi(attempts.saturating_sub(1).min(10) as i32)).min(CAP_MS)
}

impl OutboxEntry {
    pub fn new(endpoint: String, submission: Submission, now_ms: f64) -> OutboxEntry {
        OutboxEntry {
            id: submission.draft_id.clone(),
            endpoint,
            submission,
            attempts: 0,
            queued_at_ms: now_ms,
            next_attempt_ms: now_ms,
            last_error: None,
        }
    }

    /// Records a failed attempt and when to try again.
    pub fn failed(&mut self, error: String, now_ms: f64) {
        self.attempts += 1;
        self.last_error = Some(error);
        self.next_attempt_ms = now_ms + retry_delay_ms(self.attempts);
    }

    pub fn is_due(&self, now_ms: f64) -> bool {
        now_ms >= self.next_attempt_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_threefold_and_stop_at_fifteen_minutes() {
        let delays: Vec<f64> = (1..=7).map(retry_delay_ms).collect();
        assert_eq!(
            delays,
            [5_000.0, 15_000.0, 45_000.0, 135_000.0, 405_000.0, 900_000.0, 900_000.0]
        );
        assert_eq!(retry_delay_ms(u32::MAX), 900_000.0);
    }

    #[test]
    fn a_failure_pushes_the_next_attempt_back() {
        let body: Submission = serde_json::from_value(serde_json::json!({
            "schema_version": 1, "draft_id": "k", "locale": "en", "category": "c", "description": "d",
            "happened_on": "2026-11-20", "details": {}, "outcome": "refund",
            "contact": {"name": "n", "email": "e@x.io", "preferred": "email", "consent": true},
            "attachments": [], "spam_signals": {"honeypot_filled": false, "fill_seconds": 9}
        }))
        .unwrap();
        let mut entry = OutboxEntry::new("/api/v1/complaints".into(), body, 1_000.0);
        assert_eq!(entry.id, "k");
        assert!(entry.is_due(1_000.0));
        entry.failed("HTTP 503".into(), 2_000.0);
        assert!(!entry.is_due(6_999.0));
        assert!(entry.is_due(7_000.0));
        assert_eq!(entry.attempts, 1);
    }
}
