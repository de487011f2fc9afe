//! The customer's requests about their data (docs/api.md "Your data"): `GET`
//! `{endpoint}/{reference}/export` answers one zip of everything held about the complaint, and `POST
//! {endpoint}/{reference}/erasure` records a request to erase it, exactly once per Idempotency-Key. Both
//! take the same `Reply-Proof` header replies take, checked by [`crate::reply_proof::ReplyKey::admits`] with
//! the same read and hashes whether the complaint exists or not; a wrong proof and an unknown reference get
//! the same neutral `404`, counted as a status lookup that found nothing (`--status-misses`), so proofs
//! cannot be guessed faster here than there.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Extension;
use serde_json::json;

use super::complaints::close;
use super::guard::{Admitted, Gate};
use super::{AppState, Peer};
use crate::desk::DeskError;
use crate::error::IntakeError;
use crate::intake::Answer;

/// The proof travels in a header, never in the URL, as for replies.
const PROOF_HEADER: &str = "reply-proof";

/// An erasure request has no body worth reading; anything larger is refused unread.
const MAX_REQUEST_BYTES: u64 = 1024;

fn proof_of(headers: &HeaderMap) -> String {
    headers
        .get(PROOF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Whether the proof admits the request: the same work on every path ([`crate::reply_proof`]).
fn admitted(state: &AppState, reference: &str, proof: &str) -> Result<bool, IntakeError> {
    let intake = &state.intake;
    let store = intake.store();
    intake.reply_key().admits(&*store, reference, proof)
}

/// A desk refusal in the customer's words: a complaint gone meanwhile is the same `404` as any other.
fn refusal(e: DeskError) -> IntakeError {
    match e {
        DeskError::NotFound { .. } => IntakeError::NotFound,
        DeskError::Invalid(_) => IntakeError::KeyReused,
        other => {
            crate::log!("a data request failed: {other}");
            IntakeError::Internal
        }
    }
}

/// `GET {endpoint}/{reference}/export`: the zip, or the neutral `404`.
pub(super) async fn export(
    State(state): State<AppState>,
    Extension(Peer(peer)): Extension<Peer>,
    Path((reference, action)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response<Body> {
    if let Some(wait) = state.status_misses.exhausted(peer) {
        return super::files::too_many_lookups(wait);
    }
    if !state.cors.admits(&headers) {
        return IntakeError::OriginNotAllowed.into_response();
    }
    let proof = proof_of(&headers);
    let worker = state.clone();
    let answer = tokio::task::spawn_blocking(move || {
        if action != "export" || !admitted(&worker, &reference, &proof)? {
            return Err(IntakeError::NotFound);
        }
        let desk = worker
            .desk
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let zip = desk.customer_export(&reference).map_err(refusal)?;
        Ok((reference, zip))
    })
    .await
    .unwrap_or(Err(IntakeError::Internal));
    match answer {
        Ok((name, zip)) => zip_response(&name, zip),
        Err(refused) => {
            if matches!(refused, IntakeError::NotFound) {
                // Counted, not refused: this answer is the same 404 either way.
                let _ = state.status_misses.allow(peer);
            }
            refused.into_response()
        }
    }
}

fn zip_response(reference: &str, zip: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(zip));
    let set = response.headers_mut();
    set.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    // Personal data: kept by no cache on the way.
    set.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let name: String = reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.zip\"")) {
        set.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `POST {endpoint}/{reference}/erasure`: `201` with the day it is answered by, the same again for the same
/// key; the neutral `404` for a wrong proof or an unknown reference.
pub(super) async fn erasure(
    state: AppState,
    peer: std::net::IpAddr,
    reference: String,
    request: Request,
) -> Response<Body> {
    let gate = Gate {
        limiter: &state.reply_limiter,
        cors: &state.cors,
        body_limit: MAX_REQUEST_BYTES,
    };
    let Admitted { key, .. } = match gate.admit_named(peer, request.headers(), Some(())) {
        Ok(admitted) => admitted,
        Err(refusal) => return close(refusal),
    };
    let proof = proof_of(request.headers());
    let worker = state.clone();
    let response = super::answer_blocking(move || {
        if !admitted(&worker, &reference, &proof)? {
            return Err(IntakeError::NotFound);
        }
        let mut desk = worker
            .desk
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let recorded = desk.request_erasure(&reference, &key).map_err(refusal)?;
        for notice in &recorded.notices {
            crate::log!("{notice}");
        }
        let entry = &recorded.request.entry;
        Ok(Answer {
            status: 201,
            // A reply's answer's fields (`reply`, `at`, `stage`) too: the tracker sends this from its outbox of
            // replies, which reads them.
            body: json!({
                "reference": recorded.request.reference,
                "reply": "erasure",
                "at": entry.at.to_string(),
                "stage": recorded.stage.as_str(),
                "kind": entry.kind,
                "requested_at": entry.at.to_string(),
                "due_on": entry.due_on.to_string(),
                "state": entry.state,
            })
            .to_string(),
            note: if recorded.replayed {
                "replayed"
            } else {
                "erasure requested"
            },
            reference: Some(recorded.request.reference.clone()),
        })
    })
    .await;
    if response.status() == StatusCode::NOT_FOUND {
        let _ = state.status_misses.allow(peer);
    }
    response
}
