//! Outgoing webhooks in the store (issue #23, docs/webhooks.md): the endpoints an admin added, the outbox of
//! events per endpoint, and the log of every attempt to deliver one. Events about a complaint are queued by
//! [`queue_about`] inside the transaction of the change they tell of (a complaint filed or released, a reply,
//! a stage change), so none is lost and none is sent for a change that was not saved.
//!
//! A payload names the complaint and never carries personal data: no names, addresses or words of the
//! customer. A receiver fetches the complaint through the staff API with its service token.

use complaint_domain::instant::Instant;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::{Result, Store, StoreError};

/// What an event tells of. Its name is the payload's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// A complaint was filed (or let out of quarantine: a held one is news to nobody until then).
    Filed,
    /// The customer replied to a complaint.
    ReplyReceived,
    /// A complaint moved to another stage.
    StageChanged,
    /// A complaint's next step passed its due time (sent once per complaint and step).
    DeadlineBreached,
    /// Sent by `POST /webhooks/{id}/test` to that endpoint only, whatever it subscribed to.
    Test,
}

impl EventType {
    /// The ones an endpoint may subscribe to.
    pub const SUBSCRIBABLE: [EventType; 4] = [
        EventType::Filed,
        EventType::ReplyReceived,
        EventType::StageChanged,
        EventType::DeadlineBreached,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EventType::Filed => "complaint.filed",
            EventType::ReplyReceived => "reply.received",
            EventType::StageChanged => "stage.changed",
            EventType::DeadlineBreached => "deadline.breached",
            EventType::Test => "test",
        }
    }

    pub fn parse(name: &str) -> Option<EventType> {
        EventType::SUBSCRIBABLE
            .into_iter()
            .chain([EventType::Test])
            .find(|t| t.name() == name)
    }
}

/// An endpoint as the admin sees it; its secret is shown once, at creation, and never read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub created_by: String,
    pub created_at: Instant,
    pub disabled_at: Option<Instant>,
}

/// An endpoint to add.
pub struct NewEndpoint<'a> {
    pub url: &'a str,
    pub events: &'a [EventType],
    pub secret: &'a str,
    pub created_by: &'a str,
    pub at: Instant,
}

/// One event for one endpoint, claimed by a worker under its lease.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub outbox_id: i64,
    pub url: String,
    pub secret: String,
    pub event_id: String,
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

/// What came of one attempt, and what follows it.
pub struct Attempt<'a> {
    pub outbox_id: i64,
    /// The lease it was claimed under; a worker whose lease ran out and was taken over records nothing.
    pub lease: &'a str,
    pub at: Instant,
    pub status: Option<u16>,
    pub error: Option<&'a str>,
    pub milliseconds: i64,
    pub next: Next,
}

/// After an attempt: delivered (never sent again), tried again at a time, or given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    RetryAt(Instant),
    GiveUp,
}

/// One line of an endpoint's delivery log.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryLine {
    pub event_id: String,
    pub event_type: String,
    /// 1 for the first attempt.
    pub attempt: i64,
    pub at: Instant,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub milliseconds: i64,
    /// Where the event stands now: `pending`, `delivered` or `given_up`.
    pub state: &'static str,
}

/// Webhooks: endpoints, their outbox, the delivery log, the deadlines found breached.
pub trait WebhookStore {
    fn add_endpoint(&mut self, new: &NewEndpoint<'_>) -> Result<i64>;
    /// Every endpoint not removed, oldest first.
    fn endpoints(&self) -> Result<Vec<Endpoint>>;
    /// One endpoint, removed ones too (their log stays readable).
    fn endpoint(&self, id: i64) -> Result<Option<Endpoint>>;
    /// Removes an endpoint: nothing more is sent to it, what waited for it is given up. `false` if there
    /// was none, or it was removed.
    fn remove_endpoint(&mut self, id: i64, at: Instant) -> Result<bool>;
    /// Queues a `test` event for endpoint `id`. Returns its event id.
    fn queue_test(&mut self, id: i64, at: Instant) -> Result<String>;
    /// Queues `deadline.breached` for complaint `id`'s `step` unless it was queued before. `true` if now.
    fn note_breach(&mut self, id: i64, step: &str, due: &str, at: Instant) -> Result<bool>;
    /// Up to `limit` events due at `now`, leased to `lease` until `until`: no other worker takes them
    /// meanwhile.
    fn claim_due(
        &mut self,
        lease: &str,
        now: Instant,
        until: Instant,
        limit: usize,
    ) -> Result<Vec<Claimed>>;
    /// Logs an attempt and moves its event on, if `attempt.lease` still holds it.
    fn finish_attempt(&mut self, attempt: &Attempt<'_>) -> Result<()>;
    /// The newest `limit` attempts to endpoint `id`, newest first.
    fn deliveries(&self, id: i64, limit: usize) -> Result<Vec<DeliveryLine>>;
    /// Forgets events delivered or given up before `before`, with their attempts. Returns how many.
    fn prune_webhooks(&mut self, before: Instant) -> Result<usize>;
}

/// A new event's id: `evt_` and 32 hex digits. Receivers dedupe by it.
pub(super) fn new_event_id() -> Result<String> {
    let bytes = crate::ids::new_secret().map_err(|e| StoreError::Database(Box::new(e)))?;
    Ok(bytes[..16].iter().fold(String::from("evt_"), |mut id, b| {
        id.push_str(&format!("{b:02x}"));
        id
    }))
}

/// The body sent: `{id, type, created_at, data}`.
pub(super) fn payload(event_id: &str, event: EventType, at: Instant, data: Value) -> String {
    json!({
        "id": event_id,
        "type": event.name(),
        "created_at": at.to_string(),
        "data": data,
    })
    .to_string()
}

fn insert(
    conn: &Connection,
    endpoint_id: i64,
    event_id: &str,
    event: EventType,
    body: &str,
    at: Instant,
) -> Result<()> {
    conn.execute(
        "INSERT INTO webhook_outbox (endpoint_id, event_id, type, payload, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![endpoint_id, event_id, event.name(), body, at.unix_seconds()],
    )?;
    Ok(())
}

/// Queues `event` about complaint `id` for every endpoint that subscribed to it, on `conn` (the caller's
/// transaction). `extra` joins the data every event about a complaint has: reference, category, stage.
pub(super) fn queue_about(
    conn: &Connection,
    event: EventType,
    id: i64,
    at: Instant,
    extra: Map<String, Value>,
) -> Result<()> {
    let subscribed: Vec<i64> = {
        let mut statement =
            conn.prepare("SELECT id, events FROM webhook_endpoints WHERE disabled_at IS NULL")?;
        let rows = statement
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        rows.into_iter()
            .filter(|(_, events)| events_of(events).iter().any(|e| e == event.name()))
            .map(|(id, _)| id)
            .collect()
    };
    if subscribed.is_empty() {
        return Ok(());
    }
    let (reference, category, stage): (String, String, Option<String>) = conn.query_row(
        "SELECT reference, category,
                (SELECT stage FROM stages WHERE complaint_id = complaints.id ORDER BY seq DESC LIMIT 1)
         FROM complaints WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut data = Map::new();
    data.insert("reference".into(), reference.into());
    data.insert("category".into(), category.into());
    data.insert("stage".into(), stage.into());
    data.extend(extra);
    let event_id = new_event_id()?;
    let body = payload(&event_id, event, at, Value::Object(data));
    for endpoint in subscribed {
        insert(conn, endpoint, &event_id, event, &body, at)?;
    }
    Ok(())
}

/// The stage complaint `id` is at, as stored on `conn` (before a change is written, to compare after).
pub(super) fn current_stage(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT stage FROM stages WHERE complaint_id = ?1 ORDER BY seq DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Queues `stage.changed` when complaint `id`'s stage is no longer `before` (on the caller's transaction).
pub(super) fn queue_if_stage_changed(
    conn: &Connection,
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

/// The event names in an endpoint's `events` column; a broken one subscribes to nothing.
pub(super) fn events_of(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// The events due at `?1`: not delivered, not given up, for an endpoint not removed, not leased.
const DUE: &str = "FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
     WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND e.disabled_at IS NULL
       AND o.next_attempt_at <= ?1 AND (o.lease_until IS NULL OR o.lease_until <= ?1)";

const ENDPOINT_COLUMNS: &str = "id, url, events, created_by, created_at, disabled_at";

fn endpoint_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Endpoint> {
    let events: String = r.get(2)?;
    Ok(Endpoint {
        id: r.get(0)?,
        url: r.get(1)?,
        events: events_of(&events),
        created_by: r.get(3)?,
        created_at: Instant::from_unix_seconds(r.get(4)?),
        disabled_at: r.get::<_, Option<i64>>(5)?.map(Instant::from_unix_seconds),
    })
}

impl WebhookStore for Store {
    fn add_endpoint(&mut self, new: &NewEndpoint<'_>) -> Result<i64> {
        let events: Vec<&str> = new.events.iter().map(|e| e.name()).collect();
        self.conn.execute(
            "INSERT INTO webhook_endpoints (url, events, secret, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                new.url,
                serde_json::to_string(&events).unwrap_or_else(|_| "[]".into()),
                new.secret,
                new.created_by,
                new.at.unix_seconds()
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn endpoints(&self) -> Result<Vec<Endpoint>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE disabled_at IS NULL ORDER BY id"
        ))?;
        let rows = statement.query_map([], endpoint_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn endpoint(&self, id: i64) -> Result<Option<Endpoint>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = ?1"),
                [id],
                endpoint_row,
            )
            .optional()?)
    }

    fn remove_endpoint(&mut self, id: i64, at: Instant) -> Result<bool> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE webhook_endpoints SET disabled_at = ?2 WHERE id = ?1 AND disabled_at IS NULL",
            params![id, at.unix_seconds()],
        )?;
        // What was still waiting for it will never be sent: its log says so.
        tx.execute(
            "UPDATE webhook_outbox SET given_up_at = ?2
             WHERE endpoint_id = ?1 AND delivered_at IS NULL AND given_up_at IS NULL",
            params![id, at.unix_seconds()],
        )?;
        tx.commit()?;
        Ok(changed == 1)
    }

    fn queue_test(&mut self, id: i64, at: Instant) -> Result<String> {
        let event_id = new_event_id()?;
        let data = json!({ "endpoint": id });
        let body = payload(&event_id, EventType::Test, at, data);
        insert(&self.conn, id, &event_id, EventType::Test, &body, at)?;
        Ok(event_id)
    }

    fn note_breach(&mut self, id: i64, step: &str, due: &str, at: Instant) -> Result<bool> {
        let tx = self.write()?;
        let new = tx.execute(
            "INSERT OR IGNORE INTO webhook_breaches (complaint_id, step, due, noticed_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![id, step, due, at.unix_seconds()],
        )? == 1;
        if new {
            let mut extra = Map::new();
            extra.insert("step".into(), step.into());
            extra.insert("due".into(), due.into());
            queue_about(&tx, EventType::DeadlineBreached, id, at, extra)?;
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
        // Looked at every second: the write lock only when there is something to claim.
        let due: bool = self.conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 {DUE})"),
            [now.unix_seconds()],
            |r| r.get(0),
        )?;
        if !due {
            return Ok(Vec::new());
        }
        let tx = self.write()?;
        let claimed = {
            let mut statement = tx.prepare(&format!(
                "SELECT o.id, e.url, e.secret, o.event_id, o.payload, o.attempts {DUE}
                 ORDER BY o.next_attempt_at, o.id LIMIT ?2"
            ))?;
            let rows = statement.query_map(
                params![now.unix_seconds(), i64::try_from(limit).unwrap_or(i64::MAX)],
                |r| {
                    Ok(Claimed {
                        outbox_id: r.get(0)?,
                        url: r.get(1)?,
                        secret: r.get(2)?,
                        event_id: r.get(3)?,
                        payload: r.get(4)?,
                        attempts: r.get(5)?,
                    })
                },
            )?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        for row in &claimed {
            tx.execute(
                "UPDATE webhook_outbox SET lease_owner = ?2, lease_until = ?3 WHERE id = ?1",
                params![row.outbox_id, lease, until.unix_seconds()],
            )?;
        }
        tx.commit()?;
        Ok(claimed)
    }

    fn finish_attempt(&mut self, attempt: &Attempt<'_>) -> Result<()> {
        let tx = self.write()?;
        let held: Option<(i64, i64)> = tx
            .query_row(
                "SELECT endpoint_id, attempts FROM webhook_outbox
                 WHERE id = ?1 AND lease_owner = ?2 AND delivered_at IS NULL AND given_up_at IS NULL",
                params![attempt.outbox_id, attempt.lease],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((endpoint_id, attempts)) = held else {
            return Ok(());
        };
        let at = attempt.at.unix_seconds();
        tx.execute(
            "INSERT INTO webhook_deliveries (outbox_id, endpoint_id, attempt, at, status, error, milliseconds)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                attempt.outbox_id,
                endpoint_id,
                attempts + 1,
                at,
                attempt.status,
                attempt.error,
                attempt.milliseconds
            ],
        )?;
        let (delivered, retry, given_up) = match attempt.next {
            Next::Delivered => (Some(at), None, None),
            Next::RetryAt(when) => (None, Some(when.unix_seconds()), None),
            Next::GiveUp => (None, None, Some(at)),
        };
        tx.execute(
            "UPDATE webhook_outbox SET attempts = attempts + 1, delivered_at = ?2, given_up_at = ?3,
                    next_attempt_at = COALESCE(?4, next_attempt_at), lease_owner = NULL, lease_until = NULL
             WHERE id = ?1",
            params![attempt.outbox_id, delivered, given_up, retry],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn deliveries(&self, id: i64, limit: usize) -> Result<Vec<DeliveryLine>> {
        let mut statement = self.conn.prepare(
            "SELECT o.event_id, o.type, d.attempt, d.at, d.status, d.error, d.milliseconds,
                    o.delivered_at IS NOT NULL, o.given_up_at IS NOT NULL
             FROM webhook_deliveries d JOIN webhook_outbox o ON o.id = d.outbox_id
             WHERE d.endpoint_id = ?1 ORDER BY d.id DESC LIMIT ?2",
        )?;
        let rows =
            statement.query_map(params![id, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                let state = match (r.get::<_, bool>(7)?, r.get::<_, bool>(8)?) {
                    (true, _) => "delivered",
                    (_, true) => "given_up",
                    _ => "pending",
                };
                Ok(DeliveryLine {
                    event_id: r.get(0)?,
                    event_type: r.get(1)?,
                    attempt: r.get(2)?,
                    at: Instant::from_unix_seconds(r.get(3)?),
                    status: r.get(4)?,
                    error: r.get(5)?,
                    milliseconds: r.get(6)?,
                    state,
                })
            })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn prune_webhooks(&mut self, before: Instant) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM webhook_outbox WHERE delivered_at < ?1 OR given_up_at < ?1",
            [before.unix_seconds()],
        )?)
    }
}
