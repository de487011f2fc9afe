//! The webhook outbox on PostgreSQL: SQLite's checks (`store::webhook_tests`) run here too, and two nodes
//! claiming at the same moment share the events out, each to exactly one.

use std::sync::{Arc, Barrier};

use complaint_domain::instant::Instant;

use super::tests::database;
use super::PgStore;
use crate::store::webhook_tests::{self as shared, Outbox};
use crate::store::{ComplaintStore, EventType, WebhookStore};

impl Outbox for PgStore {
    fn queued(&self, id: i64) -> Vec<String> {
        self.connection()
            .unwrap()
            .query(
                "SELECT type FROM webhook_outbox WHERE endpoint_id = $1 ORDER BY id",
                &[&id],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    fn waiting(&self, id: i64) -> i64 {
        self.connection()
            .unwrap()
            .query_one(
                "SELECT COUNT(*) FROM webhook_outbox
                 WHERE endpoint_id = $1 AND delivered_at IS NULL AND given_up_at IS NULL",
                &[&id],
            )
            .unwrap()
            .get(0)
    }
}

/// A store on a fresh database, or `None` where PostgreSQL is not installed (outside CI).
fn store(name: &str) -> Option<PgStore> {
    database(name).map(|url| PgStore::open(&url).unwrap())
}

#[test]
fn filed_events_go_to_those_who_asked_on_postgres() {
    if let Some(mut store) = store("hooks_filed") {
        shared::filed_events_go_to_those_who_asked(&mut store);
    }
}

#[test]
fn a_held_complaint_is_told_of_when_released_and_a_breach_once_on_postgres() {
    if let Some(mut store) = store("hooks_held") {
        shared::held_then_released_and_a_breach_once(&mut store);
    }
}

#[test]
fn a_claimed_event_is_sent_by_one_worker_and_each_attempt_is_logged_on_postgres() {
    if let Some(mut store) = store("hooks_lease") {
        shared::claimed_by_one_worker_and_logged(&mut store);
    }
}

#[test]
fn a_lease_that_ran_out_lets_another_worker_take_the_event_on_postgres() {
    if let Some(mut store) = store("hooks_expired") {
        shared::a_lease_runs_out(&mut store);
    }
}

/// Two nodes claiming due events at the same moment, in small batches until none is left: every event is
/// claimed by exactly one of them. Then, nobody having reported back, none is due within the lease and
/// every one after it.
#[test]
fn two_nodes_never_claim_the_same_event() {
    let Some(url) = database("hooks_race") else {
        return;
    };
    let mut first = PgStore::open(&url).unwrap();
    let id = shared::endpoint(&mut first, &[EventType::Filed]);
    first
        .record(&crate::store::tests::complaint("k1", "CMP-AAAA-BBBB"))
        .unwrap();
    let now = Instant::from_unix_seconds(1_795_000_010);
    for _ in 0..59 {
        first.queue_test(id, now).unwrap();
    }
    let until = now.plus_seconds(60);
    let start = Arc::new(Barrier::new(2));
    let nodes: Vec<_> = (0..2)
        .map(|n| {
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || {
                let mut node = PgStore::open(&url).unwrap();
                let lease = format!("lease-{n}");
                start.wait();
                let mut taken = Vec::new();
                loop {
                    let batch = node.claim_due(&lease, now, until, 3).unwrap();
                    if batch.is_empty() {
                        return taken;
                    }
                    taken.extend(batch.into_iter().map(|c| c.outbox_id));
                }
            })
        })
        .collect();
    let taken: Vec<Vec<i64>> = nodes.into_iter().map(|n| n.join().unwrap()).collect();
    let mut all: Vec<i64> = taken.concat();
    all.sort();
    let claims = all.len();
    all.dedup();
    assert_eq!((claims, all.len()), (60, 60), "each event claimed once");
    assert!(first
        .claim_due("lease-c", until.plus_seconds(-1), until, 100)
        .unwrap()
        .is_empty());
    assert_eq!(
        first
            .claim_due("lease-c", until, until.plus_seconds(60), 100)
            .unwrap()
            .len(),
        60
    );
}
