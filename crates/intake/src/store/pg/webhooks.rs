//! `WebhookStore` on PostgreSQL, for several nodes sending from one webhook outbox: the same endpoints,
//! events, attempts and log as SQLite's (store/webhooks.rs, whose types these are). `claim_due` leases the
//! events it answers in one statement (`FOR UPDATE SKIP LOCKED`): a second node claiming at the same moment
//! skips them, and finds them due again only when the lease runs out (a node that died mid-send). The waits
//! between attempts are the worker's (`webhooks::worker::backoff`), the same whichever engine keeps them.
//!
//! Events about a complaint are queued by [`queue_about`] inside the transaction of the change they tell of,
//! as SQLite's; a stage change's by [`queue_if_stage_changed`].

use complaint_domain::instant::Instant;
use postgres::{GenericClient, Row};
use serde_json::{json, Map, Value};

use super::PgStore;
use crate::store::webhooks::{events_of, new_event_id, payload};
use crate::store::{
    corrupt, Attempt, Claimed, DeliveryLine, Endpoint, EventType, NewEndpoint, Next, Result,
    WebhookStore,
};

/// Queues `event` about complaint `id` for every endpoint subscribed to it; nothing when none is. `extra`
/// joins the data every event about a complaint has (reference, category, stage): a breached deadline's
/// step, a stage change's previous stage.
pub(super) fn queue_about(
    conn: &mut impl GenericClient,
    event: EventType,
    id: i64,
    at: Instant,
    extra: Map<String, Value>,
) -> Result<()> {
    let mut subscribed = Vec::new();
    for row in conn.query(
        "SELECT id, events FROM webhook_endpoints WHERE disabled_at IS NULL",
        &[],
    )? {
        let events: String = row.try_get(1)?;
        if events_of(&events).iter().any(|e| e == event.name()) {
            subscribed.push(row.try_get::<_, i64>(0)?);
        }
    }
    if subscribed.is_empty() {
        return Ok(());
    }
    let row = conn.query_one(
        "SELECT reference, category,
                (SELECT stage FROM stages WHERE complaint_id = complaints.id ORDER BY seq DESC LIMIT 1)
         FROM complaints WHERE id = $1",
        &[&id],
    )?;
    let mut data = Map::new();
    data.insert("reference".into(), row.try_get::<_, String>(0)?.into());
    data.insert("category".into(), row.try_get::<_, String>(1)?.into());
    data.insert("stage".into(), row.try_get::<_, Option<String>>(2)?.into());
    data.extend(extra);
    let event_id = new_event_id()?;
    let body = payload(&event_id, event, at, Value::Object(data));
    for endpoint in subscribed {
        insert(conn, endpoint, &event_id, event, &body, at)?;
    }
    Ok(())
}

fn insert(
    conn: &mut impl GenericClient,
    endpoint_id: i64,
    event_id: &str,
    event: EventType,
    body: &str,
    at: Instant,
) -> Result<()> {
    conn.execute(
        "INSERT INTO webhook_outbox (endpoint_id, event_id, type, payload, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
        &[&endpoint_id, &event_id, &event.name(), &body, &at.unix_seconds()],
    )?;
    Ok(())
}

const ENDPOINT_COLUMNS: &str = "id, url, events, created_by, created_at, disabled_at";

fn endpoint_row(r: &Row) -> Result<Endpoint> {
    let events: String = r.try_get(2)?;
    Ok(Endpoint {
        id: r.try_get(0)?,
        url: r.try_get(1)?,
        events: events_of(&events),
        created_by: r.try_get(3)?,
        created_at: Instant::from_unix_seconds(r.try_get(4)?),
        disabled_at: r
            .try_get::<_, Option<i64>>(5)?
            .map(Instant::from_unix_seconds),
    })
}

/// Leases the events due at `$1` (not delivered, not given up, for an endpoint not removed, not leased), the
/// `$4` that have waited longest, to `$2` until `$3`; rows another node is leasing right now are skipped.
const CLAIM: &str = "
    WITH due AS (
        SELECT o.id FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
        WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND e.disabled_at IS NULL
          AND o.next_attempt_at <= $1 AND (o.lease_until IS NULL OR o.lease_until <= $1)
        ORDER BY o.next_attempt_at, o.id LIMIT $4
        FOR UPDATE OF o SKIP LOCKED)
    UPDATE webhook_outbox o SET lease_owner = $2, lease_until = $3
    FROM due, webhook_endpoints e
    WHERE o.id = due.id AND e.id = o.endpoint_id
    RETURNING o.id, e.url, e.secret, o.event_id, o.payload, o.attempts, o.next_attempt_at";

impl WebhookStore for PgStore {
    fn add_endpoint(&mut self, new: &NewEndpoint<'_>) -> Result<i64> {
        let events: Vec<&str> = new.events.iter().map(|e| e.name()).collect();
        Ok(self
            .connection()?
            .query_one(
                "INSERT INTO webhook_endpoints (url, events, secret, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &new.url,
                    &serde_json::to_string(&events).unwrap_or_else(|_| "[]".into()),
                    &new.secret,
                    &new.created_by,
                    &new.at.unix_seconds(),
                ],
            )?
            .try_get(0)?)
    }

    fn endpoints(&self) -> Result<Vec<Endpoint>> {
        self.connection()?
            .query(
                &format!(
                    "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE disabled_at IS NULL
                     ORDER BY id"
                ),
                &[],
            )?
            .iter()
            .map(endpoint_row)
            .collect()
    }

    fn endpoint(&self, id: i64) -> Result<Option<Endpoint>> {
        self.connection()?
            .query_opt(
                &format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1"),
                &[&id],
            )?
            .as_ref()
            .map(endpoint_row)
            .transpose()
    }

    fn remove_endpoint(&mut self, id: i64, at: Instant) -> Result<bool> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE webhook_endpoints SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL",
            &[&id, &at.unix_seconds()],
        )?;
        // What was still waiting for it will never be sent: its log says so.
        tx.execute(
            "UPDATE webhook_outbox SET given_up_at = $2
             WHERE endpoint_id = $1 AND delivered_at IS NULL AND given_up_at IS NULL",
            &[&id, &at.unix_seconds()],
        )?;
        tx.commit()?;
        Ok(changed == 1)
    }

    fn queue_test(&mut self, id: i64, at: Instant) -> Result<String> {
        let event_id = new_event_id()?;
        let body = payload(&event_id, EventType::Test, at, json!({ "endpoint": id }));
        insert(
            &mut *self.connection()?,
            id,
            &event_id,
            EventType::Test,
            &body,
            at,
        )?;
        Ok(event_id)
    }

    fn note_breach(&mut self, id: i64, step: &str, due: &str, at: Instant) -> Result<bool> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        // Two nodes noticing the same breach: the second waits on the key, then inserts nothing.
        let new = tx.execute(
            "INSERT INTO webhook_breaches (complaint_id, step, due, noticed_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[&id, &step, &due, &at.unix_seconds()],
        )? == 1;
        if new {
            let mut extra = Map::new();
            extra.insert("step".into(), step.into());
            extra.insert("due".into(), due.into());
            queue_about(&mut tx, EventType::DeadlineBreached, id, at, extra)?;
        }
        tx.commit()?;
        Ok(new)
    }

    fn claim_due(
        &mut self,
        lease: &str,
        now: Instant,
        until: Instant,
        limit: usize,
    ) -> Result<Vec<Claimed>> {
        let rows = self.connection()?.query(
            CLAIM,
            &[
                &now.unix_seconds(),
                &lease,
                &until.unix_seconds(),
                &i64::try_from(limit).unwrap_or(i64::MAX),
            ],
        )?;
        let mut claimed = rows
            .iter()
            .map(|r| {
                let due: i64 = r.try_get(6)?;
                let event = Claimed {
                    outbox_id: r.try_get(0)?,
                    url: r.try_get(1)?,
                    secret: r.try_get(2)?,
                    event_id: r.try_get(3)?,
                    payload: r.try_get(4)?,
                    attempts: r.try_get(5)?,
                };
                Ok((due, event))
            })
            .collect::<Result<Vec<_>>>()?;
        // RETURNING keeps no order: the longest waiting first, as SQLite's.
        claimed.sort_by_key(|(due, event)| (*due, event.outbox_id));
        Ok(claimed.into_iter().map(|(_, event)| event).collect())
    }

    fn finish_attempt(&mut self, attempt: &Attempt<'_>) -> Result<()> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        // Locked: a node taking over a lease that ran out waits, and then finds the event moved on.
        let held = tx.query_opt(
            "SELECT endpoint_id, attempts FROM webhook_outbox
             WHERE id = $1 AND lease_owner = $2 AND delivered_at IS NULL AND given_up_at IS NULL
             FOR UPDATE",
            &[&attempt.outbox_id, &attempt.lease],
        )?;
        let Some(held) = held else {
            return Ok(());
        };
        let (endpoint_id, attempts): (i64, i64) = (held.try_get(0)?, held.try_get(1)?);
        let at = attempt.at.unix_seconds();
        tx.execute(
            "INSERT INTO webhook_deliveries (outbox_id, endpoint_id, attempt, at, status, error, milliseconds)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &attempt.outbox_id,
                &endpoint_id,
                &(attempts + 1),
                &at,
                &attempt.status.map(i64::from),
                &attempt.error,
                &attempt.milliseconds,
            ],
        )?;
        let (delivered, retry, given_up) = match attempt.next {
            Next::Delivered => (Some(at), None, None),
            Next::RetryAt(when) => (None, Some(when.unix_seconds()), None),
            Next::GiveUp => (None, None, Some(at)),
        };
        tx.execute(
            "UPDATE webhook_outbox SET attempts = attempts + 1, delivered_at = $2, given_up_at = $3,
                    next_attempt_at = COALESCE($4, next_attempt_at), lease_owner = NULL, lease_until = NULL
             WHERE id = $1",
            &[&attempt.outbox_id, &delivered, &given_up, &retry],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn deliveries(&self, id: i64, limit: usize) -> Result<Vec<DeliveryLine>> {
        self.connection()?
            .query(
                "SELECT o.event_id, o.type, d.attempt, d.at, d.status, d.error, d.milliseconds,
                        o.delivered_at IS NOT NULL, o.given_up_at IS NOT NULL
                 FROM webhook_deliveries d JOIN webhook_outbox o ON o.id = d.outbox_id
                 WHERE d.endpoint_id = $1 ORDER BY d.id DESC LIMIT $2",
                &[&id, &i64::try_from(limit).unwrap_or(i64::MAX)],
            )?
            .iter()
            .map(delivery_line)
            .collect()
    }

    fn prune_webhooks(&mut self, before: Instant) -> Result<usize> {
        // Their attempts go with them (ON DELETE CASCADE).
        let pruned = self.connection()?.execute(
            "DELETE FROM webhook_outbox WHERE delivered_at < $1 OR given_up_at < $1",
            &[&before.unix_seconds()],
        )?;
        Ok(usize::try_from(pruned).unwrap_or(usize::MAX))
    }
}

fn delivery_line(r: &Row) -> Result<DeliveryLine> {
    let state = match (r.try_get::<_, bool>(7)?, r.try_get::<_, bool>(8)?) {
        (true, _) => "delivered",
        (_, true) => "given_up",
        _ => "pending",
    };
    let status = r
        .try_get::<_, Option<i64>>(4)?
        .map(|s| u16::try_from(s).map_err(|_| corrupt("webhook answer status", &s.to_string())))
        .transpose()?;
    Ok(DeliveryLine {
        event_id: r.try_get(0)?,
        event_type: r.try_get(1)?,
        attempt: r.try_get(2)?,
        at: Instant::from_unix_seconds(r.try_get(3)?),
        status,
        error: r.try_get(5)?,
        milliseconds: r.try_get(6)?,
        state,
    })
}

/// The stage complaint `id` is at, as stored on `conn` (before a change is written, to compare after).
pub(super) fn current_stage(conn: &mut impl GenericClient, id: i64) -> Result<Option<String>> {
    let row = conn.query_opt(
        "SELECT stage FROM stages WHERE complaint_id = $1 ORDER BY seq DESC LIMIT 1",
        &[&id],
    )?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Queues `stage.changed` when complaint `id`'s stage is no longer `before` (on the caller's transaction).
pub(super) fn queue_if_stage_changed(
    conn: &mut impl GenericClient,
    id: i64,
    before: Option<String>,
    at: Instant,
) -> Result<()> {
    if current_stage(conn, id)? == before {
        return Ok(());
    }
    let mut extra = Map::new();
    extra.insert("previous_stage".into(), before.into());
    queue_about(conn, EventType::StageChanged, id, at, extra)
}
