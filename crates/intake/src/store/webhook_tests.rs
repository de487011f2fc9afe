//! The webhook outbox's own tests: events queued with the change they tell of (and only then), only to the
//! endpoints that asked for them, claimed under a lease no second worker can take, logged per attempt.

use super::tests::{complaint, temp_db};
use super::*;
use complaint_domain::instant::Instant;
use complaint_domain::status::{Stage, StageEntry};

fn endpoint(store: &mut Store, events: &[EventType]) -> i64 {
    store
        .add_endpoint(&NewEndpoint {
            url: "https://hooks.example.com/in",
            events,
            secret: "whsec_test",
            created_by: "cli",
            at: Instant::from_unix_seconds(1_795_000_000),
        })
        .unwrap()
}

/// The types queued for endpoint `id`, in order.
fn queued(store: &Store, id: i64) -> Vec<String> {
    let mut statement = store
        .conn
        .prepare("SELECT type FROM webhook_outbox WHERE endpoint_id = ?1 ORDER BY id")
        .unwrap();
    let types = statement
        .query_map([id], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<String>>>()
        .unwrap();
    types
}

#[test]
fn events_are_queued_with_their_change_and_only_for_those_who_asked() {
    let mut store = Store::open(&temp_db("hooks-queue")).unwrap();
    let filed = endpoint(&mut store, &[EventType::Filed]);
    let stages = endpoint(&mut store, &[EventType::StageChanged]);
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    // A retry with the same key records nothing, so it tells of nothing.
    store.record(&complaint("k1", "CMP-CCCC-DDDD")).unwrap();
    assert_eq!(queued(&store, filed), ["complaint.filed"]);
    assert!(queued(&store, stages).is_empty());

    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    let mut record = found.record.clone();
    // A save that keeps the stage (a date set by hand, say) is no stage change.
    record.updated_at = record.updated_at.plus_seconds(30);
    let revision = store
        .save_work(found.id, found.revision, &record, Waiting::Keep)
        .unwrap();
    assert!(queued(&store, stages).is_empty());
    record.history.push(StageEntry {
        stage: Stage::Acknowledged,
        at: record.updated_at.plus_seconds(60),
        message: None,
    });
    // A stale save is refused whole: no event for it either.
    assert!(store
        .save_work(found.id, found.revision, &record, Waiting::Keep)
        .is_err());
    assert!(queued(&store, stages).is_empty());
    store
        .save_work(found.id, revision, &record, Waiting::Keep)
        .unwrap();
    assert_eq!(queued(&store, stages), ["stage.changed"]);
    let payload: String = store
        .conn
        .query_row(
            "SELECT payload FROM webhook_outbox WHERE endpoint_id = ?1",
            [stages],
            |r| r.get(0),
        )
        .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["data"]["stage"], "acknowledged");
    assert_eq!(payload["data"]["previous_stage"], "received");
    assert_eq!(payload["data"]["reference"], "CMP-AAAA-BBBB");

    // Removed: told of nothing more.
    assert!(store
        .remove_endpoint(filed, Instant::from_unix_seconds(1_795_000_100))
        .unwrap());
    store.record(&complaint("k2", "CMP-EEEE-FFFF")).unwrap();
    assert_eq!(queued(&store, filed), ["complaint.filed"]);
    // What still waited for it is given up, not left pending for ever.
    let waiting: i64 = store
        .conn
        .query_row(
            "SELECT COUNT(*) FROM webhook_outbox WHERE endpoint_id = ?1 AND given_up_at IS NULL",
            [filed],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(waiting, 0);
}

#[test]
fn a_held_complaint_is_told_of_when_released_and_a_breach_once() {
    let mut store = Store::open(&temp_db("hooks-held")).unwrap();
    let id = endpoint(&mut store, &[EventType::Filed, EventType::DeadlineBreached]);
    let mut held = complaint("k1", "CMP-AAAA-BBBB");
    held.quarantine = Some("sent 0 s after starting");
    store.record(&held).unwrap();
    assert!(queued(&store, id).is_empty());
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    store.release(found.id).unwrap();
    assert_eq!(queued(&store, id), ["complaint.filed"]);

    let at = Instant::from_unix_seconds(1_796_000_000);
    assert!(store
        .note_breach(found.id, "acknowledged", "2026-11-24", at)
        .unwrap());
    assert!(!store
        .note_breach(found.id, "acknowledged", "2026-11-24", at)
        .unwrap());
    assert!(store
        .note_breach(found.id, "responded", "2027-01-08", at)
        .unwrap());
    assert_eq!(
        queued(&store, id),
        ["complaint.filed", "deadline.breached", "deadline.breached"]
    );
}

#[test]
fn a_claimed_event_is_sent_by_one_worker_and_each_attempt_is_logged() {
    let mut store = Store::open(&temp_db("hooks-lease")).unwrap();
    let id = endpoint(&mut store, &[EventType::Filed]);
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    let now = Instant::from_unix_seconds(1_795_000_010);
    let until = now.plus_seconds(60);
    let first = store.claim_due("lease-a", now, until, 10).unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        store
            .claim_due("lease-b", now, until, 10)
            .unwrap()
            .is_empty(),
        "leased to a"
    );
    // A worker whose lease was taken over records nothing.
    let attempt = |lease, next| Attempt {
        outbox_id: first[0].outbox_id,
        lease,
        at: now,
        status: None,
        error: Some("connection refused"),
        milliseconds: 3,
        next,
    };
    store
        .finish_attempt(&attempt("lease-b", Next::Delivered))
        .unwrap();
    assert!(store.deliveries(id, 10).unwrap().is_empty());

    let retry_at = now.plus_seconds(30);
    store
        .finish_attempt(&attempt("lease-a", Next::RetryAt(retry_at)))
        .unwrap();
    assert!(store
        .claim_due("lease-b", now, until, 10)
        .unwrap()
        .is_empty());
    let again = store
        .claim_due("lease-b", retry_at, retry_at.plus_seconds(60), 10)
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 1);
    store
        .finish_attempt(&Attempt {
            lease: "lease-b",
            status: Some(204),
            error: None,
            at: retry_at,
            ..attempt("lease-b", Next::Delivered)
        })
        .unwrap();
    let log = store.deliveries(id, 10).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].attempt, log[0].status, log[0].state),
        (2, Some(204), "delivered")
    );
    assert_eq!(log[1].error.as_deref(), Some("connection refused"));
    // Delivered: never claimed again.
    let later = retry_at.plus_seconds(86_400);
    assert!(store
        .claim_due("lease-c", later, later.plus_seconds(60), 10)
        .unwrap()
        .is_empty());
    // Kept a while, then forgotten with its attempts.
    assert_eq!(store.prune_webhooks(retry_at).unwrap(), 0);
    assert_eq!(store.prune_webhooks(later).unwrap(), 1);
    assert!(store.deliveries(id, 10).unwrap().is_empty());
}

#[test]
fn a_lease_that_ran_out_lets_another_worker_take_the_event() {
    let mut store = Store::open(&temp_db("hooks-expired")).unwrap();
    endpoint(&mut store, &[EventType::Filed]);
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    let now = Instant::from_unix_seconds(1_795_000_010);
    assert_eq!(
        store
            .claim_due("lease-a", now, now.plus_seconds(60), 10)
            .unwrap()
            .len(),
        1
    );
    let later = now.plus_seconds(61);
    assert_eq!(
        store
            .claim_due("lease-b", later, later.plus_seconds(60), 10)
            .unwrap()
            .len(),
        1
    );
}
