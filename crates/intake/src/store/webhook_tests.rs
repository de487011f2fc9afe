//! The webhook outbox's own tests: events queued with the change they tell of (and only then), only to the
//! endpoints that asked for them, claimed under a lease no second worker can take, logged per attempt. Each
//! body runs on SQLite here and on PostgreSQL in `pg::webhook_tests`.

use super::tests::{complaint, temp_db};
use super::*;
use complaint_domain::instant::Instant;
use complaint_domain::status::{Stage, StageEntry};

/// What the tests look at inside the outbox, on either engine.
pub(super) trait Outbox: ComplaintStore + QuarantineStore + WebhookStore {
    /// The types queued for endpoint `id`, in order.
    fn queued(&self, id: i64) -> Vec<String>;
    /// How many events for endpoint `id` are neither delivered nor given up.
    fn waiting(&self, id: i64) -> i64;
}

impl Outbox for Store {
    fn queued(&self, id: i64) -> Vec<String> {
        let mut statement = self
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

    fn waiting(&self, id: i64) -> i64 {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM webhook_outbox
                 WHERE endpoint_id = ?1 AND delivered_at IS NULL AND given_up_at IS NULL",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    }
}

pub(super) fn endpoint(store: &mut impl WebhookStore, events: &[EventType]) -> i64 {
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

/// A filing tells those who asked, once per key; a removed endpoint is told nothing more, and what still
/// waited for it is given up.
pub(super) fn filed_events_go_to_those_who_asked(store: &mut impl Outbox) {
    let filed = endpoint(store, &[EventType::Filed]);
    let stages = endpoint(store, &[EventType::StageChanged]);
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    // A retry with the same key records nothing, so it tells of nothing.
    store.record(&complaint("k1", "CMP-CCCC-DDDD")).unwrap();
    assert_eq!(store.queued(filed), ["complaint.filed"]);
    assert!(store.queued(stages).is_empty());
    assert_eq!(store.waiting(filed), 1);
    let listed: Vec<i64> = store.endpoints().unwrap().iter().map(|e| e.id).collect();
    assert_eq!(listed, [filed, stages]);

    // Removed: told of nothing more, and not listed (but still readable, for its log).
    let at = Instant::from_unix_seconds(1_795_000_100);
    assert!(store.remove_endpoint(filed, at).unwrap());
    assert!(!store.remove_endpoint(filed, at).unwrap(), "removed once");
    store.record(&complaint("k2", "CMP-EEEE-FFFF")).unwrap();
    assert_eq!(store.queued(filed), ["complaint.filed"]);
    let listed: Vec<i64> = store.endpoints().unwrap().iter().map(|e| e.id).collect();
    assert_eq!(listed, [stages]);
    let removed = store.endpoint(filed).unwrap().unwrap();
    assert_eq!(
        (removed.events, removed.disabled_at),
        (vec!["complaint.filed".to_owned()], Some(at))
    );
    // What still waited for it is given up, not left pending for ever.
    assert_eq!(store.waiting(filed), 0);
}

#[test]
fn filed_events_go_to_those_who_asked_on_sqlite() {
    filed_events_go_to_those_who_asked(&mut Store::open(&temp_db("hooks-filed")).unwrap());
}

/// The stage-change half, SQLite only until PostgreSQL has `WorkStore`.
#[test]
fn a_stage_change_is_queued_with_its_save_and_only_then() {
    let mut store = Store::open(&temp_db("hooks-queue")).unwrap();
    let stages = endpoint(&mut store, &[EventType::StageChanged]);
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    assert!(store.queued(stages).is_empty());

    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    let mut record = found.record.clone();
    // A save that keeps the stage (a date set by hand, say) is no stage change.
    record.updated_at = record.updated_at.plus_seconds(30);
    let revision = store
        .save_work(found.id, found.revision, &record, Waiting::Keep)
        .unwrap();
    assert!(store.queued(stages).is_empty());
    record.history.push(StageEntry {
        stage: Stage::Acknowledged,
        at: record.updated_at.plus_seconds(60),
        message: None,
    });
    // A stale save is refused whole: no event for it either.
    assert!(store
        .save_work(found.id, found.revision, &record, Waiting::Keep)
        .is_err());
    assert!(store.queued(stages).is_empty());
    store
        .save_work(found.id, revision, &record, Waiting::Keep)
        .unwrap();
    assert_eq!(store.queued(stages), ["stage.changed"]);
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
}

/// A held complaint is news when released; a breached deadline is told of once per step.
pub(super) fn held_then_released_and_a_breach_once(store: &mut impl Outbox) {
    let id = endpoint(store, &[EventType::Filed, EventType::DeadlineBreached]);
    let mut held = complaint("k1", "CMP-AAAA-BBBB");
    held.quarantine = Some("sent 0 s after starting");
    store.record(&held).unwrap();
    assert!(store.queued(id).is_empty());
    let found = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap();
    store.release(found.id).unwrap();
    assert_eq!(store.queued(id), ["complaint.filed"]);

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
        store.queued(id),
        ["complaint.filed", "deadline.breached", "deadline.breached"]
    );
}

#[test]
fn a_held_complaint_is_told_of_when_released_and_a_breach_once() {
    held_then_released_and_a_breach_once(&mut Store::open(&temp_db("hooks-held")).unwrap());
}

/// One worker's claim keeps the others off; each attempt is logged; delivered is never claimed again.
pub(super) fn claimed_by_one_worker_and_logged(store: &mut impl Outbox) {
    let id = endpoint(store, &[EventType::Filed]);
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
fn a_claimed_event_is_sent_by_one_worker_and_each_attempt_is_logged() {
    claimed_by_one_worker_and_logged(&mut Store::open(&temp_db("hooks-lease")).unwrap());
}

/// A worker that died leaves its claim to another when the lease runs out.
pub(super) fn a_lease_runs_out(store: &mut impl Outbox) {
    endpoint(store, &[EventType::Filed]);
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

#[test]
fn a_lease_that_ran_out_lets_another_worker_take_the_event() {
    a_lease_runs_out(&mut Store::open(&temp_db("hooks-expired")).unwrap());
}
