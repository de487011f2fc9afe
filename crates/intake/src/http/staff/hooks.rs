//! Webhooks (issue #23, docs/staff-api.md "Webhooks", docs/webhooks.md): an admin's endpoints, each added with
//! a secret shown once, removed, sent a test event, its delivery log read. The desk checks the permission
//! (`Permission::Integrations`) and records each change; `crate::webhooks` delivers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::super::AppState;
use super::{on_desk, Signed, StaffError, API};
use crate::store::{DeliveryLine, Endpoint};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{API}/webhooks"), get(list).post(add))
        .route(&format!("{API}/webhooks/{{id}}"), delete(remove))
        .route(&format!("{API}/webhooks/{{id}}/test"), post(test))
        .route(
            &format!("{API}/webhooks/{{id}}/deliveries"),
            get(deliveries),
        )
}

/// An endpoint as the API shows it (never its secret).
#[derive(Serialize)]
struct Webhook {
    id: i64,
    url: String,
    events: Vec<String>,
    created_by: String,
    created_at: String,
}

impl From<Endpoint> for Webhook {
    fn from(e: Endpoint) -> Webhook {
        Webhook {
            id: e.id,
            url: e.url,
            events: e.events,
            created_by: e.created_by,
            created_at: e.created_at.to_string(),
        }
    }
}

#[derive(Serialize)]
struct Webhooks {
    webhooks: Vec<Webhook>,
}

/// `GET /webhooks`
async fn list(State(state): State<AppState>, signed: Signed) -> Result<Json<Webhooks>, StaffError> {
    let endpoints = on_desk(&state, move |desk| desk.webhooks(&signed.actor)).await?;
    Ok(Json(Webhooks {
        webhooks: endpoints.into_iter().map(Webhook::from).collect(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewWebhook {
    url: String,
    events: Vec<String>,
}

#[derive(Serialize)]
struct Added {
    #[serde(flatten)]
    webhook: Webhook,
    /// The HMAC key, shown this once.
    secret: String,
}

/// `POST /webhooks` `{url, events}` → `201` with the secret.
async fn add(
    State(state): State<AppState>,
    signed: Signed,
    body: Bytes,
) -> Result<(StatusCode, Json<Added>), StaffError> {
    let new: NewWebhook = serde_json::from_slice(&body).map_err(|e| {
        StaffError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("the body must be {{\"url\": \"https://…\", \"events\": [\"complaint.filed\", …]}}: {e}"),
        )
    })?;
    let allow_private = state.webhooks.allow_private;
    let added = on_desk(&state, move |desk| {
        desk.add_webhook(
            &signed.actor,
            &new.url,
            &new.events,
            allow_private,
            Some(&signed.address),
        )
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Added {
            webhook: added.endpoint.into(),
            secret: added.secret,
        }),
    ))
}

/// An endpoint's id from the path; anything else names no endpoint.
fn endpoint_id(id: &str) -> Result<i64, StaffError> {
    id.parse().map_err(|_| {
        StaffError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no webhook has the id \"{id}\""),
        )
    })
}

/// `DELETE /webhooks/{id}` → `204`.
async fn remove(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<StatusCode, StaffError> {
    let id = endpoint_id(&id)?;
    on_desk(&state, move |desk| {
        desk.remove_webhook(&signed.actor, id, Some(&signed.address))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
struct Queued {
    event: String,
}

/// `POST /webhooks/{id}/test` → `202 {event}`.
async fn test(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Queued>), StaffError> {
    let id = endpoint_id(&id)?;
    let event = on_desk(&state, move |desk| {
        desk.test_webhook(&signed.actor, id, Some(&signed.address))
    })
    .await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { event })))
}

#[derive(Serialize)]
struct Delivery {
    event: String,
    #[serde(rename = "type")]
    event_type: String,
    attempt: i64,
    at: String,
    status: Option<u16>,
    error: Option<String>,
    milliseconds: i64,
    state: &'static str,
}

impl From<DeliveryLine> for Delivery {
    fn from(d: DeliveryLine) -> Delivery {
        Delivery {
            event: d.event_id,
            event_type: d.event_type,
            attempt: d.attempt,
            at: d.at.to_string(),
            status: d.status,
            error: d.error,
            milliseconds: d.milliseconds,
            state: d.state,
        }
    }
}

#[derive(Serialize)]
struct Deliveries {
    deliveries: Vec<Delivery>,
}

/// `GET /webhooks/{id}/deliveries`: the newest attempts first.
async fn deliveries(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Json<Deliveries>, StaffError> {
    let id = endpoint_id(&id)?;
    let lines = on_desk(&state, move |desk| {
        desk.webhook_deliveries(&signed.actor, id)
    })
    .await?;
    Ok(Json(Deliveries {
        deliveries: lines.into_iter().map(Delivery::from).collect(),
    }))
}
