//! `HEAD` and `PATCH {submission.uploads}{sha256}` (`docs/submission.md`, "Uploads"): evidence sent ahead
//! of its complaint, resumable at any byte. HEAD says how much of the file is stored; PATCH appends from
//! there. What a dropped connection delivered stays, so a weak signal never starts a file again from zero.
//! Both count against the client's upload requests a minute.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Response, StatusCode};
use axum::Extension;
use http_body_util::BodyExt;

use super::pace::{paced_within, CutFlag};
use super::{message_with_code, AppState, Peer};
use crate::uploads::{Standing, UploadError, Uploads, Writer};

pub const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
pub const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");

fn number(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn uploads(state: &AppState) -> Option<&Arc<Uploads>> {
    state.uploads_store.as_ref()
}

/// `HEAD`: `Upload-Offset` is how many bytes of the file (named by hash and `Upload-Length`) are stored.
pub(super) async fn head(
    State(state): State<AppState>,
    Extension(Peer(peer)): Extension<Peer>,
    UrlPath(hash): UrlPath<String>,
    headers: HeaderMap,
) -> Response<Body> {
    let Some(store) = uploads(&state) else {
        return empty(StatusCode::NOT_FOUND);
    };
    // Each costs a look at the disk: counted with the PATCHes, so asking is not free either.
    if let Err(wait) = state.upload_limiter.allow(peer) {
        let mut response = super::complaints::rate_limited(wait);
        expose(response.headers_mut());
        return response;
    }
    let Some(length) = number(&headers, &UPLOAD_LENGTH) else {
        return refuse(&UploadError::BadName, Some("Upload-Length is missing"));
    };
    let store = Arc::clone(store);
    let standing = tokio::task::spawn_blocking(move || store.standing(&hash, length)).await;
    match standing {
        // The PATCH that follows goes on a connection of its own: a browser resends a request whose reused
        // connection broke from its first byte, which would send again what the server already has.
        Ok(Ok(standing)) => super::complaints::close(stood(StatusCode::OK, standing, length)),
        Ok(Err(e)) => refuse(&e, None),
        Err(_) => refuse(&UploadError::Io("the check stopped".into()), None),
    }
}

/// `PATCH`: bytes from `Upload-Offset` on. An offset behind what is stored skips the overlap (the bytes
/// are the same file's, and the hash checks it at the end); one ahead gets 409 with the stored offset.
pub(super) async fn patch(
    State(state): State<AppState>,
    Extension(Peer(peer)): Extension<Peer>,
    UrlPath(hash): UrlPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Response<Body> {
    let Some(store) = uploads(&state) else {
        return empty(StatusCode::NOT_FOUND);
    };
    if !state.cors.admits(&headers) {
        return super::complaints::close(message_with_code(
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
            "Files cannot be sent to this address from that website.",
        ));
    }
    if let Err(wait) = state.upload_limiter.allow(peer) {
        return super::complaints::close(super::complaints::rate_limited(wait));
    }
    let (Some(offset), Some(length)) = (
        number(&headers, &UPLOAD_OFFSET),
        number(&headers, &UPLOAD_LENGTH),
    ) else {
        return super::complaints::close(refuse(
            &UploadError::BadName,
            Some("Upload-Offset and Upload-Length are required"),
        ));
    };
    // Already whole (a retry that did not hear the last answer): nothing to write.
    if let Ok(standing) = store.standing(&hash, length) {
        if standing.whole {
            return super::complaints::close(stood(StatusCode::NO_CONTENT, standing, length));
        }
    }
    let mut writer = match store.writer(&hash, length, peer).await {
        Ok(w) => w,
        Err(e) => return super::complaints::close(refuse(&e, None)),
    };
    if offset > writer.offset {
        let stored = writer.offset;
        drop(writer);
        return super::complaints::close(refuse(&UploadError::Offset { stored }, None));
    }
    let skip = writer.offset - offset;
    let flag = CutFlag::default();
    // Chunked, it may bring at most the file's length (an overlap it resends is skipped, not more).
    let body = paced_within(body, state.pace, flag.clone(), length);
    let failed = append_body(body, &mut writer, skip).await;
    let finished = tokio::task::spawn_blocking(move || writer.finish()).await;
    let standing = match (failed, finished) {
        (Some(e), _) | (None, Ok(Err(e))) => return super::complaints::close(refuse(&e, None)),
        (None, Err(_)) => {
            return super::complaints::close(refuse(
                &UploadError::Io("the write stopped".into()),
                None,
            ))
        }
        (None, Ok(Ok(standing))) => standing,
    };
    if flag.get().is_some() {
        let mut response = stood(StatusCode::REQUEST_TIMEOUT, standing, length);
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    stood(StatusCode::NO_CONTENT, standing, length)
}

/// Appends the body's bytes to the part, the first `skip` of them left out (an overlap already stored), until
/// the body ends, is cut for its pace, or another request for the same file stops this one. What came is kept
/// either way; only a failed write is returned.
async fn append_body(mut body: Body, writer: &mut Writer, mut skip: u64) -> Option<UploadError> {
    let stop = Arc::clone(&writer.stop);
    loop {
        let frame = tokio::select! {
            frame = body.frame() => frame,
            () = stop.notified() => return None,
        };
        let data = match frame {
            None => return None,
            // Cut for pace, or the client went away: what came is kept either way.
            Some(Err(_)) => return None,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
        };
        let mut data = &data[..];
        if skip > 0 {
            let n = skip.min(data.len() as u64) as usize;
            data = &data[n..];
            skip -= n as u64;
        }
        if data.is_empty() {
            continue;
        }
        if let Err(e) = writer.append(data) {
            return Some(e);
        }
    }
}

/// The preflight for a listed origin: PATCH and the upload headers are not simple.
pub(super) async fn preflight(State(state): State<AppState>, headers: HeaderMap) -> Response<Body> {
    super::preflight(
        &state.cors,
        &headers,
        "HEAD, PATCH, OPTIONS",
        "Upload-Offset, Upload-Length, Content-Type",
    )
}

fn stood(status: StatusCode, standing: Standing, length: u64) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    let set = response.headers_mut();
    set.insert(UPLOAD_OFFSET, HeaderValue::from(standing.offset));
    set.insert(UPLOAD_LENGTH, HeaderValue::from(length));
    set.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    expose(set);
    response
}

/// A page on another origin must be able to read the offset and the pause.
fn expose(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Upload-Offset, Upload-Length, Retry-After"),
    );
}

fn refuse(error: &UploadError, detail: Option<&str>) -> Response<Body> {
    let (status, code, text) = match error {
        UploadError::BadName => (
            StatusCode::BAD_REQUEST,
            "bad_upload",
            "The upload must be named by the file's SHA-256 and give Upload-Length (and Upload-Offset to write).",
        ),
        UploadError::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "This file is larger than the organisation accepts.",
        ),
        UploadError::Full => (
            StatusCode::SERVICE_UNAVAILABLE,
            "uploads_full",
            "Files cannot be received just now. Your complaint is kept and will be sent again shortly.",
        ),
        UploadError::OverShare => (
            StatusCode::TOO_MANY_REQUESTS,
            "uploads_share_full",
            "Your connection has sent as many files as can be kept for it just now. Your complaint is kept and will be sent again later.",
        ),
        UploadError::Offset { .. } => (
            StatusCode::CONFLICT,
            "offset_mismatch",
            "The file continues from another point: ask again where it stands.",
        ),
        UploadError::Busy => (
            StatusCode::CONFLICT,
            "upload_in_progress",
            "This file is still being received from an earlier attempt.",
        ),
        UploadError::Corrupt => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "upload_corrupt",
            "The file that arrived does not match its name, so it was not kept. Send it again from the start.",
        ),
        UploadError::Io(e) => {
            crate::log!("an upload could not be written: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The file could not be saved just now. Your complaint is kept and will be sent again shortly.",
            )
        }
    };
    let text = detail.map_or_else(|| text.to_owned(), |d| format!("{text} ({d})"));
    let mut response = message_with_code(status, code, &text);
    let set = response.headers_mut();
    if let UploadError::Offset { stored } = error {
        set.insert(UPLOAD_OFFSET, HeaderValue::from(*stored));
    }
    if matches!(
        error,
        UploadError::Full | UploadError::Io(_) | UploadError::Busy
    ) {
        set.insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    }
    // Its share frees as its older files are filed or swept: not within seconds.
    if matches!(error, UploadError::OverShare) {
        set.insert(header::RETRY_AFTER, HeaderValue::from_static("600"));
    }
    expose(set);
    response
}

fn empty(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}
