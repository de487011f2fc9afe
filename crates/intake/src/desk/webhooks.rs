//! Webhooks on the desk (issue #23, docs/webhooks.md): an admin adds an endpoint (its secret shown once),
//! lists and removes them, sends one a test event and reads its delivery log; each change is in the audit
//! log. And `serve`'s scan for deadlines breached, which queues `deadline.breached` once per complaint and
//! step. The events themselves are queued by the store with the change they tell of; `crate::webhooks`
//! delivers them.

use complaint_domain::instant::Instant;
use complaint_domain::service_levels::{Due, Timeliness};
use serde_json::json;

use super::{Actor, Desk, DeskError, Permission};
use crate::store::{DeliveryLine, Endpoint, EventType, NewEndpoint};
use crate::webhooks::address;

/// The most lines of a delivery log one read returns.
pub const DELIVERY_LOG_LINES: usize = 200;

/// Why a webhook request changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum WebhookRefusal {
    #[error(transparent)]
    Url(#[from] address::Refused),
    #[error("\"{0}\" is not an event one can subscribe to (complaint.filed, reply.received, stage.changed, deadline.breached)")]
    UnknownEvent(String),
    #[error("name at least one event to subscribe to")]
    NoEvents,
    #[error("no webhook has the id {0}")]
    NotFound(i64),
}

impl WebhookRefusal {
    /// The API's error code for it.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookRefusal::Url(refused) => refused.code(),
            WebhookRefusal::UnknownEvent(_) | WebhookRefusal::NoEvents => "unknown_event",
            WebhookRefusal::NotFound(_) => "not_found",
        }
    }
}

/// A new endpoint and its secret, which is never shown again.
pub struct AddedWebhook {
    pub endpoint: Endpoint,
    pub secret: String,
}

fn due_text(due: Due) -> String {
    match due {
        Due::At { at, .. } => at.to_string(),
        Due::EndOf(date) => date.to_string(),
    }
}

impl Desk {
    /// The endpoints not removed.
    pub fn webhooks(&self, actor: &Actor) -> Result<Vec<Endpoint>, DeskError> {
        actor.require(Permission::Integrations)?;
        Ok(self.store.endpoints()?)
    }

    /// Adds an endpoint for `events` at `url` (checked: [`address::check`]) with a new secret.
    pub fn add_webhook(
        &mut self,
        actor: &Actor,
        url: &str,
        events: &[String],
        allow_private: bool,
        address: Option<&str>,
    ) -> Result<AddedWebhook, DeskError> {
        actor.require(Permission::Integrations)?;
        let url = address::check(url, allow_private).map_err(WebhookRefusal::from)?;
        let mut types: Vec<EventType> = Vec::new();
        for name in events {
            let event = EventType::parse(name)
                .filter(|e| EventType::SUBSCRIBABLE.contains(e))
                .ok_or_else(|| WebhookRefusal::UnknownEvent(name.clone()))?;
            if !types.contains(&event) {
                types.push(event);
            }
        }
        if types.is_empty() {
            return Err(WebhookRefusal::NoEvents.into());
        }
        let secret = crate::webhooks::new_secret().map_err(|_| DeskError::NoRandomness)?;
        let key = actor.audit_key();
        let id = self.store.add_endpoint(&NewEndpoint {
            url: url.as_str(),
            events: &types,
            secret: &secret,
            created_by: &key,
            at: crate::zone::now(),
        })?;
        let endpoint = self
            .store
            .endpoint(id)?
            .ok_or(WebhookRefusal::NotFound(id))?;
        let detail = json!({ "webhook": id, "url": endpoint.url, "events": endpoint.events });
        self.audit(actor, "webhook_add", None, detail, address)?;
        Ok(AddedWebhook { endpoint, secret })
    }

    /// Removes endpoint `id`: nothing more is sent to it; its delivery log stays.
    pub fn remove_webhook(
        &mut self,
        actor: &Actor,
        id: i64,
        address: Option<&str>,
    ) -> Result<(), DeskError> {
        actor.require(Permission::Integrations)?;
        let endpoint = self.live_endpoint(id)?;
        self.store.remove_endpoint(id, crate::zone::now())?;
        let detail = json!({ "webhook": id, "url": endpoint.url });
        self.audit(actor, "webhook_remove", None, detail, address)
    }

    /// Queues a `test` event for endpoint `id`. Returns the event's id.
    pub fn test_webhook(
        &mut self,
        actor: &Actor,
        id: i64,
        address: Option<&str>,
    ) -> Result<String, DeskError> {
        actor.require(Permission::Integrations)?;
        self.live_endpoint(id)?;
        let event = self.store.queue_test(id, crate::zone::now())?;
        let detail = json!({ "webhook": id, "event": event });
        self.audit(actor, "webhook_test", None, detail, address)?;
        Ok(event)
    }

    /// The newest attempts to endpoint `id`, newest first (removed endpoints' too).
    pub fn webhook_deliveries(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<DeliveryLine>, DeskError> {
        actor.require(Permission::Integrations)?;
        if self.store.endpoint(id)?.is_none() {
            return Err(WebhookRefusal::NotFound(id).into());
        }
        Ok(self.store.deliveries(id, DELIVERY_LOG_LINES)?)
    }

    fn live_endpoint(&self, id: i64) -> Result<Endpoint, DeskError> {
        match self.store.endpoint(id)? {
            Some(endpoint) if endpoint.disabled_at.is_none() => Ok(endpoint),
            _ => Err(WebhookRefusal::NotFound(id).into()),
        }
    }

    /// Queues `deadline.breached` for each open complaint whose next step is overdue at `now`, once per
    /// complaint and step (the service's own scan, no one's action). Returns how many were new.
    pub fn scan_breaches(&mut self, now: Instant) -> Result<usize, DeskError> {
        let list = self.list(&Actor::CommandLine, now, false)?;
        let mut new = 0;
        for row in list.rows {
            let Some((stage, due, Timeliness::Overdue, _)) = row.next else {
                continue;
            };
            let Some(complaint) = self.store.complaint(&row.reference)? else {
                continue;
            };
            if self
                .store
                .note_breach(complaint.id, stage.as_str(), &due_text(due), now)?
            {
                new += 1;
            }
        }
        Ok(new)
    }
}
