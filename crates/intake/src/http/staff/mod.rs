//! The staff API under `/staff/api/v1/` (issue #23, docs/staff-api.md): the desk in the browser and an
//! organisation's integrations call it. Handlers are thin: they read the request, ask the desk
//! (`crate::desk`, where every permission is checked) and shape its answer as JSON.
//!
//! Rooms, one per concern: [`signed`] (who is asking: the session cookie or a service token, and CSRF),
//! [`auth`] (sign-in, enrolment, recovery codes, sessions, staff accounts, tokens), [`queues`] (queues,
//! lists, search, one complaint, its files, the audit log), [`actions`] (every action on complaints,
//! templates, merge, bulk), [`hooks`] (webhooks), [`privacy`] (legal holds, a person's export and erasure)
//! and [`operations`] (export, the report, republishing, the figures).

mod accounts;
mod actions;
mod auth;
mod data_requests;
mod hooks;
mod oidc;
mod operations;
mod privacy;
mod queues;
mod served_file;
pub(super) mod signed;

use axum::body::Body;
use axum::http::{Response, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::AppState;
use crate::desk::{Actor, Desk, DeskError};
pub(super) use oidc::callback_url as oidc_callback_url;
pub(super) use signed::Signed;

/// Where the API lives.
pub(super) const API: &str = "/staff/api/v1";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{API}/me"), get(me))
        .merge(auth::routes())
        .merge(queues::routes())
        .merge(data_requests::routes())
        .merge(actions::routes())
        .merge(hooks::routes())
        .merge(privacy::routes())
        .merge(operations::routes())
}

/// Why a staff request did nothing: its status and `{"code", "message"}` (docs/staff-api.md, Errors).
#[derive(Debug)]
pub(super) struct StaffError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for `Retry-After` (a `429`, a `503`).
    pub retry_after: Option<u64>,
    /// Fields beside `code` and `message` (`changed`: who changed the complaint, when, its revision now).
    pub more: serde_json::Map<String, serde_json::Value>,
}

impl StaffError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> StaffError {
        StaffError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            more: serde_json::Map::new(),
        }
    }

    pub fn internal() -> StaffError {
        StaffError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the service failed; nothing was changed",
        )
    }
}

impl StaffError {
    /// The database cannot be reached just now: `503 unavailable` with `Retry-After`; nothing was changed.
    pub fn unavailable() -> StaffError {
        let mut error = StaffError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the database cannot be reached just now; nothing was changed; try again in a moment",
        );
        error.retry_after = Some(crate::error::UNAVAILABLE_RETRY_SECONDS);
        error
    }
}

impl From<DeskError> for StaffError {
    fn from(e: DeskError) -> StaffError {
        if e.is_unavailable() {
            crate::log!("staff API: {e}");
            return StaffError::unavailable();
        }
        let (status, code) = match &e {
            DeskError::Forbidden { .. } => (StatusCode::FORBIDDEN, "forbidden"),
            DeskError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            DeskError::Refused { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
            DeskError::Quarantined { .. } => (StatusCode::CONFLICT, "quarantined"),
            DeskError::NotQuarantined { .. } => (StatusCode::CONFLICT, "not_quarantined"),
            DeskError::OnHold { .. } => (StatusCode::CONFLICT, "on_hold"),
            DeskError::UnknownCause(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unknown_cause"),
            DeskError::Webhook(refusal) => {
                let status = match refusal {
                    crate::desk::webhooks::WebhookRefusal::NotFound(_) => StatusCode::NOT_FOUND,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                (status, refusal.code())
            }
            DeskError::Store(crate::store::StoreError::Conflict) => {
                (StatusCode::CONFLICT, "changed")
            }
            DeskError::Auth(refusal) => return auth::refused(refusal),
            DeskError::NotYours { .. } => (StatusCode::FORBIDDEN, "forbidden"),
            DeskError::Changed {
                by, at, revision, ..
            } => {
                let mut error = StaffError::new(StatusCode::CONFLICT, "changed", e.to_string());
                error.more.insert("changed_by".into(), by.as_str().into());
                error.more.insert(
                    "changed_at".into(),
                    serde_json::to_value(at).unwrap_or_default(),
                );
                error.more.insert("revision".into(), (*revision).into());
                return error;
            }
            DeskError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            DeskError::TemplateLanguage { language, .. } => {
                let mut error = StaffError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "template_language",
                    e.to_string(),
                );
                error.more.insert("language".into(), language.tag().into());
                return error;
            }
            DeskError::NoTemplate(_) => (StatusCode::NOT_FOUND, "not_found"),
            _ => {
                crate::log!("staff API: {e}");
                return StaffError::internal();
            }
        };
        StaffError::new(status, code, e.to_string())
    }
}

impl IntoResponse for StaffError {
    fn into_response(self) -> Response<Body> {
        let mut body = self.more;
        body.insert("code".into(), self.code.into());
        body.insert("message".into(), self.message.into());
        let mut response = (self.status, Json(body)).into_response();
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// Runs `work` on the desk off the async threads (SQLite, fsync), one request at a time.
pub(super) async fn on_desk<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&mut Desk) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, StaffError> {
    let desk = std::sync::Arc::clone(&state.desk);
    tokio::task::spawn_blocking(move || {
        let mut desk = desk
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        work(&mut desk)
    })
    .await
    .map_err(|_| StaffError::internal())?
    .map_err(StaffError::from)
}

#[derive(Serialize)]
struct Me {
    id: Option<i64>,
    name: String,
    role: &'static str,
    categories: Vec<String>,
    /// Echo it in `X-CSRF-Token` on every state-changing request (sessions only).
    csrf: Option<String>,
}

/// `GET /staff/api/v1/me`: who is signed in.
async fn me(signed: Signed) -> Json<Me> {
    let (id, categories) = match &signed.actor {
        Actor::Staff(member) => (Some(member.id), member.categories.clone()),
        Actor::Service { id, .. } => (Some(*id), Vec::new()),
        Actor::CommandLine => (None, Vec::new()),
    };
    Json(Me {
        id,
        name: signed.actor.audit_name().to_owned(),
        role: signed.actor.role().name(),
        categories,
        csrf: signed.csrf,
    })
}
