//! `POST /api/v1/complaints` (`docs/submission.md`): the guards that need no body (rate, origin, key,
//! size), then the body within its time limit, then [`crate::intake`] does the rest off the async threads.

use std::time::Duration;

use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Extension;
use complaint_domain::submission::MAX_SUBMISSION_BYTES;

use super::{json, AppState, LogNote, Peer};
use crate::error::IntakeError;
use crate::intake::Received;

/// Long enough for a UUID and for other clients' own key formats; a longer header is not a key.
const KEY_MAX_CHARS: usize = 200;

pub(super) async fn receive(
    State(state): State<AppState>,
    Extension(Peer(peer)): Extension<Peer>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response<Body> {
    if let Err(wait) = state.limiter.allow(peer) {
        return close(IntakeError::RateLimited {
            retry_after_seconds: wait,
        });
    }
    if !state.cors.admits(&headers) {
        return close(IntakeError::OriginNotAllowed);
    }
    let key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(text) => return close(IntakeError::KeyInvalid(text)),
    };
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > state.body_limit) {
        return close(too_large(state.body_limit));
    }
    let multipart = match multipart {
        Ok(m) => m,
        Err(_) => return close(IntakeError::NotMultipart),
    };
    let Some(claim) = state.intake.claim(&key) else {
        return close(IntakeError::KeyInProgress);
    };
    let reading = async {
        let permit = state.uploads.acquire().await;
        read_parts(multipart, state.body_limit)
            .await
            .map(|received| (received, permit))
    };
    // The permit is held until the answer is ready: the bytes stay in memory until then.
    let (received, _permit) = match tokio::time::timeout(state.body_timeout, reading).await {
        Ok(Ok(read)) => read,
        Ok(Err(response)) => return close(response),
        Err(_) => return close(slow(state.body_timeout)),
    };
    let intake = std::sync::Arc::clone(&state.intake);
    let answer = tokio::task::spawn_blocking(move || intake.receive(claim, received))
        .await
        .unwrap_or(Err(IntakeError::Internal));
    let answer = match answer {
        Ok(answer) => answer,
        Err(refusal) => return refusal.into_response(),
    };
    let mut response = json(
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        answer.body,
    );
    response.extensions_mut().insert(LogNote {
        note: answer.note,
        reference: answer.reference,
    });
    response
}

/// The CORS preflight for a listed origin: the app sends `Idempotency-Key`, which is not a simple header.
pub(super) async fn preflight(State(state): State<AppState>, headers: HeaderMap) -> Response<Body> {
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .unwrap_or_default();
    if !state.cors.allows(origin) {
        return IntakeError::OriginNotAllowed.into_response();
    }
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let set = response.headers_mut();
    set.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, OPTIONS"),
    );
    set.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Idempotency-Key, Content-Type, Accept"),
    );
    set.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, &'static str> {
    let value = headers
        .get("idempotency-key")
        .ok_or("The Idempotency-Key header is missing: every complaint needs one, so a retry is never filed twice.")?;
    let key = value
        .to_str()
        .map(str::trim)
        .map_err(|_| "The Idempotency-Key header must be plain text.")?;
    if key.is_empty() || key.chars().count() > KEY_MAX_CHARS {
        return Err("The Idempotency-Key header must be 1 to 200 characters.");
    }
    Ok(key.to_owned())
}

/// The complaint part, then the attachment parts, as the contract orders them.
async fn read_parts(mut multipart: Multipart, limit: u64) -> Result<Received, Response<Body>> {
    let mut complaint: Option<Vec<u8>> = None;
    let mut files = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| unreadable(&e, limit))?
    {
        match (field.name(), &complaint) {
            (Some("complaint"), None) => {
                // Chunk by chunk, so an oversized part is refused at the cap, not after the whole body.
                let mut field = field;
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e, limit))? {
                    if bytes.len() + chunk.len() > MAX_SUBMISSION_BYTES {
                        return Err(IntakeError::ComplaintTooLarge.into_response());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                complaint = Some(bytes);
            }
            (Some("attachment"), Some(_)) => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|e| unreadable(&e, limit))?;
                files.push((name, bytes.to_vec()));
            }
            _ => {
                return Err(IntakeError::Malformed(
                    "The request must hold one \"complaint\" part followed by \"attachment\" parts, and nothing else.".into(),
                )
                .into_response())
            }
        }
    }
    let complaint = complaint.ok_or_else(|| {
        IntakeError::Malformed("The request has no \"complaint\" part.".into()).into_response()
    })?;
    Ok(Received { complaint, files })
}

fn unreadable(error: &MultipartError, limit: u64) -> Response<Body> {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(limit);
    }
    IntakeError::Malformed(format!(
        "The request could not be read as multipart/form-data ({error})."
    ))
    .into_response()
}

fn too_large(limit: u64) -> Response<Body> {
    IntakeError::TooLarge { limit_bytes: limit }.into_response()
}

fn slow(limit: Duration) -> Response<Body> {
    IntakeError::TooSlow { limit }.into_response()
}

/// The connection cannot be trusted to carry another request: its body may be unread or half read.
fn close(response: impl IntoResponse) -> Response<Body> {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
