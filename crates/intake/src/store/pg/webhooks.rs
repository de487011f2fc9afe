//! The webhook outbox's writing side on PostgreSQL, as far as filing needs it: a `complaint.filed` event
//! queued for every endpoint that wants it, in the complaint's own transaction (SQLite's `queue_about`).

use complaint_domain::instant::Instant;
use postgres::GenericClient;
use serde_json::{Map, Value};

use crate::store::webhooks::{events_of, new_event_id, payload, EventType};
use crate::store::Result;

/// Queues `event` about complaint `id` for every endpoint subscribed to it; nothing when none is.
pub(super) fn queue_about(
    conn: &mut impl GenericClient,
    event: EventType,
    id: i64,
    at: Instant,
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
