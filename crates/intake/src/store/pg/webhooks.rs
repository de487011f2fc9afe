//! The webhook outbox's writing side on PostgreSQL: an event about a complaint queued for every endpoint that
//! wants it, in the transaction of the change it tells of (SQLite's `queue_about` and
//! `queue_if_stage_changed`).

use complaint_domain::instant::Instant;
use postgres::GenericClient;
use serde_json::{Map, Value};

use crate::store::webhooks::{events_of, new_event_id, payload, EventType};
use crate::store::Result;

/// Queues `event` about complaint `id` for every endpoint subscribed to it; nothing when none is. `extra`
/// joins the data every event about a complaint has: reference, category, stage.
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
        conn.execute(
            "INSERT INTO webhook_outbox (endpoint_id, event_id, type, payload, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
            &[&endpoint, &event_id, &event.name(), &body, &at.unix_seconds()],
        )?;
    }
    Ok(())
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
