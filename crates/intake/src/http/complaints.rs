//! `POST /api/v1/complaints` (`docs/submission.md`): the guards that need no body (rate, origin, key,
//! size), then the body at its pace (silence and a minimum rate), its file parts written to disk as they
//! arrive ([`super::spool`]); once it is whole, an upload permit for the bytes in memory (waited for a
//! few seconds at most, else `503` with `Retry-After`), the files uploaded ahead of it, the address's bytes
//! of files for the day ([`crate::budget`]), then [`crate::intake`] does the rest off the async threads.

use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Extension;
use complaint_domain::submission::MAX_SUBMISSION_BYTES;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::guard::Gate;
use super::pace::{paced_within, CutFlag};
use super::spool::{Spool, SpoolFile};
use super::{AppState, Peer};
use crate::error::IntakeError;
use crate::intake::Received;
use crate::publish::hex;

pub(super) async fn receive(
    State(state): State<AppState>,
    Extension(Peer(peer)): Extension<Peer>,
    request: Request,
) -> Response<Body> {
    let gate = Gate {
        limiter: &state.limiter,
        cors: &state.cors,
        body_limit: state.body_limit,
    };
    let key = match gate.admit(peer, request.headers()) {
        Ok(key) => key,
        Err(refusal) => return close(refusal),
    };
    let flag = CutFlag::default();
    let (parts, body) = request.into_parts();
    let request = Request::from_parts(
        parts,
        paced_within(body, state.pace, flag.clone(), state.body_limit),
    );
    let multipart = match Multipart::from_request(request, &state).await {
        Ok(m) => m,
        Err(_) => return close(IntakeError::NotMultipart),
    };
    let Some(claim) = state.intake.claim(&key) else {
        return close(IntakeError::KeyInProgress);
    };
    // A place for this address first, so that a few slow senders from one address cannot take every
    // place; the body is read in it, its files to disk, so a slow body holds no permit.
    let Some(_place) = state.per_address.take(peer) else {
        return close(IntakeError::UploadsBusy);
    };
    let spooled = match read_parts(multipart, state.body_limit, &state.spool).await {
        Ok(read) => read,
        Err(response) => {
            return close(flag.refusal().map_or(response, IntoResponse::into_response))
        }
    };
    // The whole body is here: a permit for its bytes in memory while it is filed. Filing takes moments,
    // so a permit not free within a few seconds means the service is overrun: come back later.
    let _permit = match tokio::time::timeout(PERMIT_WAIT, state.permits.acquire()).await {
        Ok(Ok(permit)) => permit,
        Ok(Err(_)) => return close(IntakeError::Internal),
        Err(_) => return IntakeError::Busy.into_response(),
    };
    let mut received = match spooled.load().await {
        Ok(received) => received,
        Err(e) => {
            crate::log!("a complaint's spooled files could not be read back: {e}");
            return IntakeError::Busy.into_response();
        }
    };
    if let Err(refusal) = with_uploads(&state, &mut received).await {
        return close(refusal);
    }
    // The day's bytes of files for this address; given back unless the complaint is stored.
    let bytes = received.files.iter().map(|(_, b)| b.len() as u64).sum();
    let taken = match state.files_budget.take(peer, bytes) {
        Ok(taken) => taken,
        Err(wait) => {
            return IntakeError::FilesBudget {
                retry_after_seconds: wait,
            }
            .into_response()
        }
    };
    let intake = std::sync::Arc::clone(&state.intake);
    let response = super::answer_blocking(move || intake.receive(claim, received)).await;
    if response.status() == StatusCode::CREATED {
        taken.keep();
    }
    response
}

/// The CORS preflight for a listed origin: the app sends `Idempotency-Key`, which is not a simple header.
pub(super) async fn preflight(State(state): State<AppState>, headers: HeaderMap) -> Response<Body> {
    super::preflight(
        &state.cors,
        &headers,
        "POST, OPTIONS",
        "Idempotency-Key, Content-Type, Accept",
    )
}

/// How long a whole body waits for an upload permit before it is told to come back (`503`).
const PERMIT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A body read whole: the complaint part in memory (at most [`MAX_SUBMISSION_BYTES`]), its files on disk.
struct Spooled {
    complaint: Vec<u8>,
    files: Vec<(String, SpoolFile)>,
}

impl Spooled {
    /// The files read back, for the intake.
    async fn load(self) -> std::io::Result<Received> {
        let mut files = Vec::with_capacity(self.files.len());
        for (name, file) in self.files {
            files.push((name, file.read().await?));
        }
        Ok(Received {
            complaint: self.complaint,
            files,
        })
    }
}

/// The complaint part, then the attachment parts, as the contract orders them.
async fn read_parts(
    mut multipart: Multipart,
    limit: u64,
    spool: &Spool,
) -> Result<Spooled, Response<Body>> {
    let mut complaint: Option<Vec<u8>> = None;
    let mut files = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| unreadable(&e, limit))?
    {
        match (field.name(), &complaint) {
            (Some("complaint"), None) => {
                // Chunk by chunk, so an oversized part is refused at the cap, not after the whole body.
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
                let mut file = spool.create().await.map_err(spool_failed)?;
                while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e, limit))? {
                    file.write(&chunk).await.map_err(spool_failed)?;
                }
                files.push((name, file));
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
    Ok(Spooled { complaint, files })
}

/// The disk would not take a file part: the operator needs the cause, the customer a later retry.
fn spool_failed(error: std::io::Error) -> Response<Body> {
    crate::log!("a complaint's file could not be spooled: {error}");
    IntakeError::Busy.into_response()
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

/// What the `complaint` part says of its files, read before the whole is parsed: enough to find the
/// files that were uploaded ahead of it.
#[derive(Deserialize)]
struct Named {
    #[serde(default)]
    attachments: Vec<NamedFile>,
}

#[derive(Deserialize)]
struct NamedFile {
    #[serde(default)]
    name: String,
    #[serde(default)]
    bytes: u64,
    #[serde(default)]
    sha256: Option<String>,
}

/// A complaint whose files came ahead of it carries no file parts: each is read from the uploads by its
/// hash and length, so the checks that follow see exactly what a one-request complaint gives them. A file
/// sent as a part that names a hash must match it.
async fn with_uploads(state: &AppState, received: &mut Received) -> Result<(), IntakeError> {
    let Ok(named) = serde_json::from_slice::<Named>(&received.complaint) else {
        // Not this step's business: the intake refuses it with its own words.
        return Ok(());
    };
    if !received.files.is_empty() {
        for (file, (_, bytes)) in named.attachments.iter().zip(&received.files) {
            if file
                .sha256
                .as_ref()
                .is_some_and(|hash| hex(&Sha256::digest(bytes)) != *hash)
            {
                return Err(IntakeError::UploadMismatch {
                    name: file.name.clone(),
                });
            }
        }
        return Ok(());
    }
    let refs: Vec<(String, u64, String)> = named
        .attachments
        .iter()
        .filter_map(|f| Some((f.sha256.clone()?, f.bytes, f.name.clone())))
        .collect();
    let limit = state.intake.settings().config.limits.attachments.max_count;
    // No files, parts expected, or too many: the intake's own checks say what is wrong.
    if refs.is_empty() || refs.len() != named.attachments.len() || refs.len() > limit {
        return Ok(());
    }
    let Some(store) = state.uploads_store.clone() else {
        return Ok(());
    };
    let files = tokio::task::spawn_blocking(move || {
        refs.into_iter()
            .map(|(hash, length, name)| store.read(&hash, length).map(|b| (name, b)))
            .collect::<Option<Vec<_>>>()
    })
    .await
    .ok()
    .flatten()
    .ok_or(IntakeError::UploadMissing)?;
    received.files = files;
    Ok(())
}

/// 429 with `Retry-After`, for the uploads' own limit.
pub(super) fn rate_limited(wait: u64) -> Response<Body> {
    IntakeError::RateLimited {
        retry_after_seconds: wait,
    }
    .into_response()
}

/// The connection cannot be trusted to carry another request: its body may be unread or half read.
pub(super) fn close(response: impl IntoResponse) -> Response<Body> {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
