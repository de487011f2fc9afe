//! `POST {endpoint}/{reference}/{information|resolution|rating}` (`docs/replies.md`): the guards that need no
//! body (rate, origin, key, size), the JSON body at its pace, the address's bytes of files for the day
//! ([`crate::budget`], as named), then [`crate::replies`] off the async threads,
//! which reads the files the reply names from the uploads only once its proof and the complaint's state
//! admit it.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, Response};
use axum::response::IntoResponse;
use axum::Extension;

use super::complaints::close;
use super::guard::{Admitted, Gate};
use super::pace::{paced, CutFlag};
use super::{AppState, Peer};
use crate::error::IntakeError;
use crate::replies::{Action, ReplyBody, ReplyRequest, MAX_REPLY_BYTES};

/// The proof travels in a header, never in the URL: URLs end up in logs, histories and caches.
const PROOF_HEADER: &str = "reply-proof";

pub(super) async fn receive(
    State(state): State<AppState>,
    Extension(Peer(peer)): Extension<Peer>,
    Path((reference, action)): Path<(String, String)>,
    request: Request,
) -> Response<Body> {
    if action == "erasure" {
        return super::data_requests::erasure(state, peer, reference, request).await;
    }
    // The rate first, before anything is looked up: a wrong proof costs the same minute as a right one.
    let gate = Gate {
        limiter: &state.reply_limiter,
        cors: &state.cors,
        body_limit: MAX_REPLY_BYTES as u64,
    };
    let Admitted { key, named: action } =
        match gate.admit_named(peer, request.headers(), Action::parse(&action)) {
            Ok(admitted) => admitted,
            Err(refusal) => return close(refusal),
        };
    let proof = request
        .headers()
        .get(PROOF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let flag = CutFlag::default();
    let body = paced(request.into_body(), state.pace, flag.clone());
    let bytes = match axum::body::to_bytes(body, MAX_REPLY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return close(flag.refusal().unwrap_or(IntakeError::TooLarge {
                limit_bytes: MAX_REPLY_BYTES as u64,
            }))
        }
    };
    let body = match ReplyBody::parse(action, &bytes) {
        Ok(body) => body,
        Err(refusal) => return refusal.into_response(),
    };
    let intake = std::sync::Arc::clone(&state.intake);
    let request = ReplyRequest {
        reference,
        proof,
        key,
        body,
    };
    // The day's bytes of files for this address, as named; given back unless the reply is stored.
    let bytes = (request.body.files().iter()).fold(0u64, |sum, f| sum.saturating_add(f.bytes));
    let taken = match state.files_budget.take(peer, bytes) {
        Ok(taken) => taken,
        Err(wait) => {
            return IntakeError::FilesBudget {
                retry_after_seconds: wait,
            }
            .into_response()
        }
    };
    let uploads = state.uploads_store.clone();
    let response = super::answer_blocking(move || {
        crate::replies::handle(&intake, request, uploads.as_deref())
    })
    .await;
    if response.status() == axum::http::StatusCode::CREATED {
        taken.keep();
    }
    response
}

/// The CORS preflight: the proof and the key are not simple headers.
pub(super) async fn preflight(State(state): State<AppState>, headers: HeaderMap) -> Response<Body> {
    super::preflight(
        &state.cors,
        &headers,
        "GET, POST, OPTIONS",
        "Idempotency-Key, Reply-Proof, Content-Type, Accept",
    )
}
