//! Complaints and replies waiting to be sent: kept on the device with their Idempotency-Key until the
//! organisation has them, retried with growing pauses, so a weak signal delays them but never loses or
//! doubles them. Both kinds keep their [`Attempts`] by one rule ([`Attempts::failed`]); what an answer means
//! is [`verdict`] (a reply's, [`reply_verdict`]); a refusal, from the answer to the screen, is [`Refused`].

use serde::{Deserialize, Serialize};

use crate::submission::Submission;

/// A complaint waiting in the device's outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredEntry", into = "StoredEntry")]
pub struct OutboxEntry {
    /// The draft's id, which is also the Idempotency-Key.
    pub id: String,
    pub endpoint: String,
    pub submission: Submission,
    /// Where its files are uploaded ahead of it, if the organisation takes them so.
    pub uploads: Option<String>,
    /// Its attempts so far, when the next is due, and whether it was refused (stored beside the fields
    /// above, as earlier releases wrote them: [`StoredEntry`]).
    pub attempts: Attempts,
}

/// The organisation refused an item as it stands: the answer's status, and its body (`{message, code}`,
/// docs/submission.md) as read from the wire. The one refusal type from the answer to the screen: a send
/// fails with it, the outbox keeps it, the customer is shown it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// Not in the answer's body: set from the answer's status.
    #[serde(default)]
    pub status: u16,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

/// An item's attempts at delivery (a complaint's or a reply's): how many failed in a row, when the next is
/// due, and the organisation's refusal once it has refused it. One rule for both kinds: [`Attempts::failed`].
/// Stored beside each record's own fields ([`StoredEntry`], [`StoredReply`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Attempts {
    /// Failed attempts since the last that moved bytes (stored as `attempts`).
    pub count: u32,
    pub queued_at_ms: f64,
    /// Not before this time (ms since the epoch) unless the customer presses "Try now" or the phone
    /// comes back online.
    pub next_attempt_ms: f64,
    /// The status of the last answer that said "later" (429: too many just now), for the customer's notice.
    pub last_status: Option<u16>,
    /// Refused as it stands while it waited: kept, not retried, until the customer has seen why and can
    /// change it.
    pub refused: Option<Refused>,
}

/// How an [`OutboxEntry`] is stored: its attempts' fields beside its own, as earlier releases wrote them
/// and still read them. (serde's `flatten` would store the same, at the cost of a second copy of the
/// complaint's deserialiser in the Wasm.)
#[derive(Serialize, Deserialize)]
struct StoredEntry {
    id: String,
    endpoint: String,
    submission: Submission,
    #[serde(default)]
    uploads: Option<String>,
    attempts: u32,
    queued_at_ms: f64,
    next_attempt_ms: f64,
    #[serde(default)]
    last_status: Option<u16>,
    #[serde(default)]
    refused: Option<Refused>,
}

/// How a [`ReplyOutbox`] is stored, as [`StoredEntry`] is for a complaint.
#[derive(Serialize, Deserialize)]
struct StoredReply {
    endpoint: String,
    #[serde(default)]
    uploads: Option<String>,
    attempts: u32,
    queued_at_ms: f64,
    next_attempt_ms: f64,
    #[serde(default)]
    last_status: Option<u16>,
    #[serde(default)]
    refused: Option<Refused>,
}

macro_rules! stored_beside {
    ($record:ident, $stored:ident, $($field:ident),*) => {
        impl From<$stored> for $record {
            fn from(s: $stored) -> $record {
                $record {
                    $($field: s.$field,)*
                    attempts: Attempts {
                        count: s.attempts,
                        queued_at_ms: s.queued_at_ms,
                        next_attempt_ms: s.next_attempt_ms,
                        last_status: s.last_status,
                        refused: s.refused,
                    },
                }
            }
        }

        impl From<$record> for $stored {
            fn from(r: $record) -> $stored {
                $stored {
                    $($field: r.$field,)*
                    attempts: r.attempts.count,
                    queued_at_ms: r.attempts.queued_at_ms,
                    next_attempt_ms: r.attempts.next_attempt_ms,
                    last_status: r.attempts.last_status,
                    refused: r.attempts.refused,
                }
            }
        }
    };
}

stored_beside!(OutboxEntry, StoredEntry, id, endpoint, submission, uploads);
stored_beside!(ReplyOutbox, StoredReply, endpoint, uploads);

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

impl Refused {
    /// How the app words it (the catalogue's message for its code, `submission::Rejected::words`).
    pub fn words(&self) -> crate::submission::RefusalWords {
        crate::submission::Rejected::words(self.code.as_deref())
    }
}

impl Attempts {
    pub fn new(now_ms: f64) -> Attempts {
        Attempts {
            count: 0,
            queued_at_ms: now_ms,
            next_attempt_ms: now_ms,
            last_status: None,
            refused: None,
        }
    }

    /// Records a failed attempt and when to try again: after our growing pause, or the one the server asked
    /// for (`asked_ms`, from [`asked_pause_ms`]). An attempt that moved bytes before it failed was no failure
    /// of the link as such: the pauses start again from the shortest and the next attempt comes within a
    /// second, so a signal that drops every minute still gets there soon.
    pub fn failed(
        &mut self,
        status: Option<u16>,
        asked_ms: Option<f64>,
        progressed: bool,
        now_ms: f64,
    ) {
        self.count = if progressed { 0 } else { self.count + 1 };
        self.last_status = status;
        let pause = asked_ms.unwrap_or_else(|| retry_delay_ms(self.count));
        self.next_attempt_ms = now_ms
            + if progressed {
                pause.min(1_000.0)
            } else {
                pause
            };
    }

    pub fn is_due(&self, now_ms: f64) -> bool {
        self.refused.is_none() && now_ms >= self.next_attempt_ms
    }
}

impl OutboxEntry {
    pub fn new(endpoint: String, submission: Submission, now_ms: f64) -> OutboxEntry {
        OutboxEntry {
            id: submission.draft_id.clone(),
            endpoint,
            submission,
            uploads: None,
            attempts: Attempts::new(now_ms),
        }
    }
}

/// A customer's reply waiting to be sent (`replies::ReplyDraft::outbox`): the same attempts as a
/// complaint's, and the same key on every attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredReply", into = "StoredReply")]
pub struct ReplyOutbox {
    /// `config.submission.endpoint`, and `submission.uploads` when the organisation takes files ahead.
    pub endpoint: String,
    pub uploads: Option<String>,
    /// Stored beside the fields above, as earlier releases wrote them ([`StoredReply`]).
    pub attempts: Attempts,
}

impl ReplyOutbox {
    pub fn new(endpoint: String, uploads: Option<String>, now_ms: f64) -> ReplyOutbox {
        ReplyOutbox {
            endpoint,
            uploads,
            attempts: Attempts::new(now_ms),
        }
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

    fn body() -> Submission {
        serde_json::from_value(serde_json::json!({
            "schema_version": 1, "draft_id": "k", "locale": "en", "category": "c", "description": "d",
            "happened_on": "2026-11-20", "details": {}, "outcome": "refund",
            "contact": {"name": "n", "email": "e@x.io", "preferred": "email", "consent": true},
            "attachments": [], "spam_signals": {"honeypot_filled": false, "fill_seconds": 9}
        }))
        .unwrap()
    }

    #[test]
    fn a_failure_pushes_the_next_attempt_back() {
        let mut entry = OutboxEntry::new("/api/v1/complaints".into(), body(), 1_000.0);
        assert_eq!(entry.id, "k");
        assert!(entry.attempts.is_due(1_000.0));
        entry.attempts.failed(Some(503), None, false, 2_000.0);
        assert!(!entry.attempts.is_due(6_999.0));
        assert!(entry.attempts.is_due(7_000.0));
        assert_eq!(entry.attempts.count, 1);
        entry
            .attempts
            .failed(Some(429), asked_pause_ms(Some("120")), false, 2_000.0);
        assert!(!entry.attempts.is_due(121_999.0));
        assert!(entry.attempts.is_due(122_000.0));
        entry.attempts.refused = Some(Refused {
            status: 422,
            message: None,
            code: None,
        });
        assert!(!entry.attempts.is_due(f64::MAX));
    }

    #[test]
    fn an_attempt_that_moved_bytes_starts_the_pauses_again_and_comes_within_a_second() {
        let mut attempts = Attempts::new(0.0);
        for _ in 0..4 {
            attempts.failed(None, None, false, 0.0);
        }
        assert_eq!(attempts.next_attempt_ms, 135_000.0);
        attempts.failed(Some(503), asked_pause_ms(Some("60")), true, 10_000.0);
        assert_eq!((attempts.count, attempts.next_attempt_ms), (0, 11_000.0));
        attempts.failed(None, None, false, 20_000.0);
        assert_eq!((attempts.count, attempts.next_attempt_ms), (1, 25_000.0));
    }

    #[test]
    fn an_entry_reads_and_writes_the_fields_earlier_releases_stored() {
        let mut stored = serde_json::to_value(OutboxEntry::new("/e".into(), body(), 5.0)).unwrap();
        for key in [
            "attempts",
            "queued_at_ms",
            "next_attempt_ms",
            "id",
            "endpoint",
        ] {
            assert!(stored.get(key).is_some(), "{key}");
        }
        stored["attempts"] = 2.into();
        stored["last_error"] = "HTTP 503".into();
        stored
            .as_object_mut()
            .unwrap()
            .retain(|k, _| k != "last_status" && k != "refused");
        let entry: OutboxEntry = serde_json::from_value(stored).unwrap();
        assert_eq!((entry.attempts.count, entry.attempts.refused), (2, None));
        let reply: ReplyOutbox = serde_json::from_value(serde_json::json!({
            "endpoint": "/e", "attempts": 1, "queued_at_ms": 1.0, "next_attempt_ms": 2.0,
            "last_status": 429, "refused": {"status": 404, "code": "not_found"}
        }))
        .unwrap();
        assert_eq!(reply.attempts.last_status, Some(429));
        assert_eq!(reply.attempts.refused.map(|r| r.status), Some(404));
        let refused: Refused =
            serde_json::from_str(r#"{"message": "m", "code": "invalid"}"#).unwrap();
        assert_eq!(
            (refused.status, refused.code.as_deref()),
            (0, Some("invalid"))
        );
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
        assert!(reply.attempts.is_due(1_000.0));
        reply.attempts.failed(None, None, false, 2_000.0);
        assert!(!reply.attempts.is_due(6_999.0) && reply.attempts.is_due(7_000.0));
        reply
            .attempts
            .failed(Some(429), asked_pause_ms(Some("60")), false, 2_000.0);
        assert_eq!(
            (reply.attempts.next_attempt_ms, reply.attempts.last_status),
            (62_000.0, Some(429))
        );
        assert_eq!(reply_verdict(404), Verdict::Refused);
        assert_eq!(reply_verdict(422), Verdict::Refused);
        assert_eq!(reply_verdict(429), Verdict::Later);
        assert_eq!(reply_verdict(409), Verdict::Later);
        assert_eq!(reply_verdict(201), Verdict::Accepted);
    }
}
