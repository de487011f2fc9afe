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
    /// Where its files are uploaded ahead of it, if the organisation takes them so.
    #[serde(default)]
    pub uploads: Option<String>,
    /// The organisation refused it as it stands (a definitive 4xx met while it waited): kept, not
    /// retried, until the customer has seen why and can change it.
    #[serde(default)]
    pub refused: Option<Refused>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub status: u16,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

/// What an answer's status means for a complaint being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    /// Refused as it stands: the body itself is wrong or too large. Only this leaves the outbox.
    Refused,
    /// Anything else — a timeout (408), the same key still in progress (409), too early (425), too many
    /// (429), a server or proxy fault (5xx), or a status we do not know — is worth trying again unchanged.
    Later,
}

pub fn verdict(status: u16) -> Verdict {
    match status {
        200..=299 => Verdict::Accepted,
        400 | 413 | 415 | 422 => Verdict::Refused,
        _ => Verdict::Later,
    }
}

/// The pause a server asked for with `Retry-After` in seconds (an HTTP date is left to our own pauses),
/// kept between one second and one hour so a wrong header can neither hammer nor park a complaint.
pub fn asked_pause_ms(retry_after: Option<&str>) -> Option<f64> {
    let seconds: u32 = retry_after?.trim().parse().ok()?;
    Some((f64::from(seconds) * 1000.0).clamp(1_000.0, 3_600_000.0))
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
            uploads: None,
            refused: None,
        }
    }

    /// Records a failed attempt and when to try again.
    pub fn failed(&mut self, error: String, now_ms: f64) {
        self.attempts += 1;
        self.last_error = Some(error);
        self.next_attempt_ms = now_ms + retry_delay_ms(self.attempts);
    }

    /// A failed attempt after which the server asked for a pause: that pause, not ours.
    pub fn failed_asked(&mut self, error: String, now_ms: f64, asked_ms: Option<f64>) {
        self.failed(error, now_ms);
        if let Some(asked) = asked_ms {
            self.next_attempt_ms = now_ms + asked;
        }
    }

    /// An attempt that moved bytes before it failed was no failure of the link as such: the pauses
    /// start again from the shortest, so a signal that drops every minute still gets there soon.
    pub fn made_progress(&mut self) {
        self.attempts = 0;
    }

    pub fn is_due(&self, now_ms: f64) -> bool {
        self.refused.is_none() && now_ms >= self.next_attempt_ms
    }
}

/// A customer's reply waiting to be sent (`replies::ReplyDraft::outbox`): the same pauses as a complaint,
/// and the same key on every attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyOutbox {
    /// `config.submission.endpoint`, and `submission.uploads` when the organisation takes files ahead.
    pub endpoint: String,
    #[serde(default)]
    pub uploads: Option<String>,
    pub attempts: u32,
    pub queued_at_ms: f64,
    pub next_attempt_ms: f64,
    /// The status of the last answer that said "later" (429: too many just now), for the customer's notice.
    #[serde(default)]
    pub last_status: Option<u16>,
    /// Refused as it stands while it waited: kept, not retried, until the customer has seen why.
    #[serde(default)]
    pub refused: Option<Refused>,
}

impl ReplyOutbox {
    pub fn new(endpoint: String, uploads: Option<String>, now_ms: f64) -> ReplyOutbox {
        ReplyOutbox {
            endpoint,
            uploads,
            attempts: 0,
            queued_at_ms: now_ms,
            next_attempt_ms: now_ms,
            last_status: None,
            refused: None,
        }
    }

    /// A failed attempt: our growing pause, or the one the server asked for.
    pub fn failed(&mut self, status: Option<u16>, now_ms: f64, asked_ms: Option<f64>) {
        self.attempts += 1;
        self.last_status = status;
        self.next_attempt_ms = now_ms + asked_ms.unwrap_or_else(|| retry_delay_ms(self.attempts));
    }

    pub fn is_due(&self, now_ms: f64) -> bool {
        self.refused.is_none() && now_ms >= self.next_attempt_ms
    }
}

/// What an answer to a reply means. Unlike a complaint, a reply's 404 is final: it is the neutral answer
/// to a wrong proof or an unknown reference, and sending it again would only count against the rate limit.
pub fn reply_verdict(status: u16) -> Verdict {
    match status {
        404 => Verdict::Refused,
        other => verdict(other),
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
        entry.failed_asked("HTTP 429".into(), 2_000.0, asked_pause_ms(Some("120")));
        assert!(!entry.is_due(121_999.0));
        assert!(entry.is_due(122_000.0));
        entry.refused = Some(Refused {
            status: 422,
            message: None,
            code: None,
        });
        assert!(!entry.is_due(f64::MAX));
    }

    #[test]
    fn only_a_refusal_of_the_body_itself_is_final() {
        for status in [400, 413, 415, 422] {
            assert_eq!(verdict(status), Verdict::Refused, "{status}");
        }
        for status in [408, 409, 425, 429, 500, 502, 503, 504, 404, 401, 0] {
            assert_eq!(verdict(status), Verdict::Later, "{status}");
        }
        assert_eq!(verdict(201), Verdict::Accepted);
        assert_eq!(asked_pause_ms(Some(" 30 ")), Some(30_000.0));
        assert_eq!(asked_pause_ms(Some("0")), Some(1_000.0));
        assert_eq!(asked_pause_ms(Some("999999")), Some(3_600_000.0));
        assert_eq!(asked_pause_ms(Some("Wed, 21 Oct 2026 07:28:00 GMT")), None);
        assert_eq!(asked_pause_ms(None), None);
    }

    #[test]
    fn a_waiting_reply_pauses_as_asked_and_a_neutral_404_ends_it() {
        let mut reply = ReplyOutbox::new("/api/v1/complaints".into(), None, 1_000.0);
        assert!(reply.is_due(1_000.0));
        reply.failed(None, 2_000.0, None);
        assert!(!reply.is_due(6_999.0) && reply.is_due(7_000.0));
        reply.failed(Some(429), 2_000.0, asked_pause_ms(Some("60")));
        assert_eq!(
            (reply.next_attempt_ms, reply.last_status),
            (62_000.0, Some(429))
        );
        assert_eq!(reply_verdict(404), Verdict::Refused);
        assert_eq!(reply_verdict(422), Verdict::Refused);
        assert_eq!(reply_verdict(429), Verdict::Later);
        assert_eq!(reply_verdict(409), Verdict::Later);
        assert_eq!(reply_verdict(201), Verdict::Accepted);
    }
}
