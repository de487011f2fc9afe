//! `POST /api/v1/complaints` (`docs/submission.md`): the guards that need no body (rate, origin, key,
//! size), then the body at its pace (silence and a minimum rate, never a total), the files uploaded ahead
//! of it, then [`crate::intake`] does the rest off the async threads.

use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use axum::Extension;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::pace::{paced, Cut, CutFlag};
use super::{json, message, message_with_code, AppState, LogNote, Peer};
use crate::intake::{Answer, Received};
use crate::publish::hex;

/// Long enough for a UUID and for other clients' own key formats; a longer header is not a key.
const KEY_MAX_CHARS: usize = 200;

/// 429 with `Retry-After`: the app keeps the complaint and tries again after that pause.
pub(super) fn rate_limited(wait: u64) -> Response<Body> {
    let mut response = message_with_code(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "Too many complaints were sent from your connection just now. Please try again in a minute.",
    );
    if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub(super) async fn receive(
    State(state): State<AppState>,
    Extension(Peer(peer)): Extension<Peer>,
    request: Request,
) -> Response<Body> {
    let headers = request.headers().clone();
    if let Err(wait) = state.limiter.allow(peer) {
        return close(rate_limited(wait));
    }
    if !state.cors.admits(&headers) {
        return close(message(
            StatusCode::FORBIDDEN,
            "Complaints cannot be sent to this address from that website.",
        ));
    }
    let key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(text) => return close(message(StatusCode::BAD_REQUEST, text)),
    };
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > state.body_limit) {
        return close(too_large(state.body_limit));
    }
    let flag = CutFlag::default();
    let (parts, body) = request.into_parts();
    let request = Request::from_parts(parts, paced(body, state.pace, flag.clone()));
    let multipart = match Multipart::from_request(request, &state).await {
        Ok(m) => m,
        Err(_) => {
            return close(message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "A complaint must be sent as multipart/form-data with a \"complaint\" part.",
            ))
        }
    };
    let Some(claim) = state.intake.claim(&key) else {
        return close(message(
            StatusCode::CONFLICT,
            "This complaint is still being received from an earlier attempt. Please wait a moment and try again.",
        ));
    };
    // A place for this address first, so that a few slow senders from one address cannot hold every
    // permit; then the permit, held until the answer is ready (the bytes stay in memory until then). The
    // body's pace is counted only from here.
    let Some(_place) = state.per_address.take(peer) else {
        let mut response = message_with_code(
            StatusCode::TOO_MANY_REQUESTS,
            "uploads_busy",
            "Another complaint from your connection is still arriving. This one will be sent again shortly.",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        return close(response);
    };
    let Ok(_permit) = state.permits.acquire().await else {
        return close(message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Your complaint could not be received just now. It has not been lost: please try again shortly.",
        ));
    };
    let mut received = match read_parts(multipart, state.body_limit).await {
        Ok(read) => read,
        Err(response) => return close(flag.get().map_or(response, slow)),
    };
    if let Err(response) = with_uploads(&state, &mut received).await {
        return close(response);
    }
    let intake = std::sync::Arc::clone(&state.intake);
    let answer = tokio::task::spawn_blocking(move || intake.receive(claim, received)).await;
    let answer = answer.unwrap_or_else(|_| {
        Answer::refuse(
            500,
            "Something went wrong while saving your complaint. Please try again.",
        )
    });
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
        return message(
            StatusCode::FORBIDDEN,
            "Complaints cannot be sent to this address from that website.",
        );
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
                let bytes = field.bytes().await.map_err(|e| unreadable(&e, limit))?;
                complaint = Some(bytes.to_vec());
            }
            (Some("attachment"), Some(_)) => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|e| unreadable(&e, limit))?;
                files.push((name, bytes.to_vec()));
            }
            _ => {
                return Err(message(
                    StatusCode::BAD_REQUEST,
                    "The request must hold one \"complaint\" part followed by \"attachment\" parts, and nothing else.",
                ))
            }
        }
    }
    let complaint = complaint.ok_or_else(|| {
        message(
            StatusCode::BAD_REQUEST,
            "The request has no \"complaint\" part.",
        )
    })?;
    Ok(Received { complaint, files })
}

fn unreadable(error: &MultipartError, limit: u64) -> Response<Body> {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(limit);
    }
    message(
        StatusCode::BAD_REQUEST,
        &format!("The request could not be read as multipart/form-data ({error})."),
    )
}

fn too_large(limit: u64) -> Response<Body> {
    message(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!(
            "The complaint and its files are larger than the {} MB this service accepts. Remove a file or choose smaller ones.",
            limit.div_ceil(1024 * 1024)
        ),
    )
}

fn slow(cut: Cut) -> Response<Body> {
    let text = match cut {
        Cut::Silent => "Nothing arrived for a while, so the complaint was not received. It will be sent again when your connection is better.",
        Cut::TooSlow => "The complaint arrived too slowly to be received. It will be sent again when your connection is better.",
    };
    message_with_code(StatusCode::REQUEST_TIMEOUT, "too_slow", text)
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
async fn with_uploads(state: &AppState, received: &mut Received) -> Result<(), Response<Body>> {
    let Ok(named) = serde_json::from_slice::<Named>(&received.complaint) else {
        // Not this step's business: the intake refuses it with its own words.
        return Ok(());
    };
    if !received.files.is_empty() {
        for (file, (_, bytes)) in named.attachments.iter().zip(&received.files) {
            if let Some(hash) = &file.sha256 {
                if hex(&Sha256::digest(bytes)) != *hash {
                    return Err(message_with_code(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "upload_corrupt",
                        &format!(
                            "The file \"{}\" that arrived does not match its SHA-256. It will be sent again.",
                            file.name
                        ),
                    ));
                }
            }
        }
        return Ok(());
    }
    let refs: Vec<(String, u64, String)> = named
        .attachments
        .iter()
        .filter_map(|f| Some((f.sha256.clone()?, f.bytes, f.name.clone())))
        .collect();
    if refs.is_empty() || refs.len() != named.attachments.len() {
        // No files, or parts expected: the intake's checks say what is missing.
        return Ok(());
    }
    let limit = state.intake.settings().config.limits.attachments.max_count;
    if refs.len() > limit {
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
    .flatten();
    match files {
        Some(files) => {
            received.files = files;
            Ok(())
        }
        None => {
            let mut response = message_with_code(
                StatusCode::CONFLICT,
                "upload_missing",
                "A file of this complaint has not fully arrived yet. It will be sent again.",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(response)
        }
    }
}

/// The connection cannot be trusted to carry another request: its body may be unread or half read.
pub(super) fn close(mut response: Response<Body>) -> Response<Body> {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
