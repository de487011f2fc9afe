//! Every refusal the service sends, typed: each has its HTTP status, a stable snake_case `code` for
//! programs (listed in `docs/submission.md`) and a `message` a customer can read. The body is the domain's
//! [`Rejected`], the same type the app reads, so both sides agree on its shape by construction.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use complaint_domain::status::ReplyRefused;
use complaint_domain::submission::{Rejected, MAX_SUBMISSION_BYTES};

use crate::ids::NoRandomness;
use crate::store::StoreError;

/// Its `Display` is written below (the code, then the customer's words); the derive gives `source` and `From`.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// Over the per-address rate limit; try again after this many seconds.
    RateLimited {
        retry_after_seconds: u64,
    },
    /// An `Origin` that is neither this service nor listed.
    OriginNotAllowed,
    /// No usable `Idempotency-Key`: the words say which rule it broke.
    KeyInvalid(&'static str),
    /// The whole body over the limit the config's file limits give.
    TooLarge {
        limit_bytes: u64,
    },
    /// The `complaint` part alone over [`MAX_SUBMISSION_BYTES`]: text, not files, so far smaller.
    ComplaintTooLarge,
    NotMultipart,
    /// Another request with this key is still being received.
    KeyInProgress,
    /// The body went silent (`silent`) or fell under the minimum rate; there is no limit on its total time.
    TooSlow {
        silent: bool,
    },
    /// This address already has as many request bodies (complaints, files, replies) arriving as it may;
    /// try again shortly.
    UploadsBusy,
    /// The service is overrun (no upload permit came free in time, or the disk would not take a file):
    /// nothing was saved; try again after `Retry-After`.
    Busy,
    /// A file the complaint names by its SHA-256 has not fully arrived (or was swept): send it, then retry.
    UploadMissing,
    /// This address has had as many bytes of files kept today as it may (`--address-daily-mb`).
    FilesBudget {
        retry_after_seconds: u64,
    },
    /// (Replies) the complaint has had as many replies in 24 hours as it may (`--replies-per-day`).
    TooManyReplies {
        retry_after_seconds: u64,
    },
    /// The database is at its ceiling (`--db-max-mb`): files wait; a complaint without files still goes in.
    StorageFull,
    /// A file sent inside the request does not match the SHA-256 the complaint gives for it.
    UploadMismatch {
        name: String,
    },
    /// The multipart framing is broken, or the parts are not one `complaint` then `attachment`s.
    Malformed(String),
    /// The complaint part is not JSON (serde's words, for developers).
    NotJson(String),
    /// JSON of the wrong shape: a missing field, a wrong type, a field the contract does not have.
    WrongShape(String),
    /// `draft_id` is not the `Idempotency-Key`.
    KeyMismatch,
    /// The app's own checks refuse it: sentences in the customer's language.
    Invalid(String),
    /// The key was used before for a different complaint (or reply).
    KeyReused,
    /// (Replies) no complaint with that reference and proof: unknown, held, or the proof is wrong or
    /// missing. One neutral answer for all, so it never says which part was wrong.
    NotFound,
    /// (Replies) the domain's rules refuse the reply now (a rating on an open complaint, say).
    ReplyRefused(ReplyRefused),
    /// The database failed: nothing was saved, and a retry may succeed (soon, when it was only not
    /// available: `503` with `Retry-After`).
    Store(#[from] StoreError),
    /// No randomness for a reference or PIN.
    NoRandomness(#[from] NoRandomness),
    /// Five random references in a row were taken (never seen; 40 bits each).
    NoFreeReference,
    /// The receiving task panicked or was cancelled.
    Internal,
}

impl IntakeError {
    pub fn status(&self) -> StatusCode {
        match self {
            IntakeError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            IntakeError::OriginNotAllowed => StatusCode::FORBIDDEN,
            IntakeError::KeyInvalid(_)
            | IntakeError::Malformed(_)
            | IntakeError::NotJson(_)
            | IntakeError::WrongShape(_)
            | IntakeError::KeyMismatch => StatusCode::BAD_REQUEST,
            IntakeError::TooLarge { .. } | IntakeError::ComplaintTooLarge => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            IntakeError::NotMultipart => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            IntakeError::KeyInProgress => StatusCode::CONFLICT,
            IntakeError::TooSlow { .. } => StatusCode::REQUEST_TIMEOUT,
            IntakeError::UploadsBusy => StatusCode::TOO_MANY_REQUESTS,
            IntakeError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            IntakeError::UploadMissing => StatusCode::CONFLICT,
            IntakeError::FilesBudget { .. } => StatusCode::TOO_MANY_REQUESTS,
            IntakeError::StorageFull => StatusCode::SERVICE_UNAVAILABLE,
            IntakeError::TooManyReplies { .. } => StatusCode::TOO_MANY_REQUESTS,
            IntakeError::UploadMismatch { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            IntakeError::Invalid(_) | IntakeError::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            IntakeError::NotFound => StatusCode::NOT_FOUND,
            IntakeError::ReplyRefused(ReplyRefused::Broken(_)) => StatusCode::SERVICE_UNAVAILABLE,
            IntakeError::ReplyRefused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            IntakeError::Store(_) | IntakeError::NoRandomness(_) | IntakeError::NoFreeReference => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            IntakeError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable across releases and languages: clients branch on this, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            IntakeError::RateLimited { .. } => "rate_limited",
            IntakeError::OriginNotAllowed => "origin_not_allowed",
            IntakeError::KeyInvalid(_) => "key_invalid",
            IntakeError::TooLarge { .. } | IntakeError::ComplaintTooLarge => "too_large",
            IntakeError::NotMultipart => "not_multipart",
            IntakeError::KeyInProgress => "key_in_progress",
            IntakeError::TooSlow { .. } => "too_slow",
            IntakeError::UploadsBusy => "uploads_busy",
            IntakeError::Busy => "busy",
            IntakeError::UploadMissing => "upload_missing",
            IntakeError::FilesBudget { .. } => "files_budget",
            IntakeError::StorageFull => "storage_full",
            IntakeError::TooManyReplies { .. } => "too_many_replies",
            IntakeError::UploadMismatch { .. } => "upload_corrupt",
            IntakeError::Malformed(_) => "malformed",
            IntakeError::NotJson(_) => "not_json",
            IntakeError::WrongShape(_) => "wrong_shape",
            IntakeError::KeyMismatch => "key_mismatch",
            IntakeError::Invalid(_) => "invalid",
            IntakeError::KeyReused => "key_reused",
            IntakeError::NotFound => "not_found",
            IntakeError::ReplyRefused(refused) => refused.code(),
            IntakeError::Store(_) | IntakeError::NoRandomness(_) | IntakeError::NoFreeReference => {
                "unavailable"
            }
            IntakeError::Internal => "internal",
        }
    }

    /// Plain words for the customer (the app shows them as text, never as HTML).
    pub fn message(&self) -> String {
        match self {
            IntakeError::RateLimited { .. } => "Too many complaints were sent from your connection just now. Please try again in a minute.".into(),
            IntakeError::OriginNotAllowed => "Complaints cannot be sent to this address from that website.".into(),
            IntakeError::KeyInvalid(words) => (*words).into(),
            IntakeError::TooLarge { limit_bytes } => format!(
                "The complaint and its files are larger than the {} MB this service accepts. Remove a file or choose smaller ones.",
                limit_bytes.div_ceil(1024 * 1024)
            ),
            IntakeError::ComplaintTooLarge => format!(
                "The complaint's answers are larger than the {} KB this service accepts. Nothing was saved.",
                MAX_SUBMISSION_BYTES / 1024
            ),
            IntakeError::NotMultipart => "A complaint must be sent as multipart/form-data with a \"complaint\" part.".into(),
            IntakeError::KeyInProgress => "This complaint is still being received from an earlier attempt. Please wait a moment and try again.".into(),
            IntakeError::TooSlow { silent: true } => "Nothing arrived for a while, so the complaint was not received. It will be sent again when your connection is better.".into(),
            IntakeError::TooSlow { silent: false } => "The complaint arrived too slowly to be received. It will be sent again when your connection is better.".into(),
            IntakeError::UploadsBusy => "Other sending from your connection is still arriving. This will be sent again shortly.".into(),
            IntakeError::Busy => "Many complaints are arriving just now, so yours was not saved yet. It is kept and will be sent again shortly.".into(),
            IntakeError::UploadMissing => "A file of this complaint has not fully arrived yet. It will be sent again.".into(),
            IntakeError::FilesBudget { .. } => "Your connection has sent as many files as we can keep today. Your complaint is kept and will be sent again later.".into(),
            IntakeError::StorageFull => "Files cannot be received just now. Your complaint is kept and will be sent again later.".into(),
            IntakeError::TooManyReplies { .. } => "This complaint has had as many replies today as we can take. Yours is kept and will be sent later.".into(),
            IntakeError::UploadMismatch { name } => format!(
                "The file \"{name}\" that arrived does not match its SHA-256. It will be sent again."
            ),
            IntakeError::Malformed(words) => words.clone(),
            IntakeError::NotJson(detail) => format!(
                "The complaint could not be read: it is not valid JSON ({detail}). Nothing was saved."
            ),
            IntakeError::WrongShape(detail) => format!(
                "The complaint has a missing or wrong answer ({detail}). Nothing was saved."
            ),
            IntakeError::KeyMismatch => "The Idempotency-Key header must equal the complaint's draft_id. Nothing was saved.".into(),
            IntakeError::Invalid(sentences) => sentences.clone(),
            IntakeError::KeyReused => "This Idempotency-Key was already used for a different complaint. Start a new complaint to send different answers.".into(),
            IntakeError::NotFound => "We could not find a complaint with those details.".into(),
            IntakeError::ReplyRefused(refused) => refused.to_string(),
            IntakeError::Store(_) | IntakeError::NoRandomness(_) | IntakeError::NoFreeReference => {
                "Your complaint could not be saved just now. It has not been lost: please try again shortly.".into()
            }
            IntakeError::Internal => "Something went wrong while saving your complaint. Please try again.".into(),
        }
    }

    /// The body every refusal has: `{"message": …, "code": …}`.
    pub fn body(&self) -> String {
        rejected_body(&self.message(), self.code())
    }
}

/// How long a sender waits when the database cannot be reached (`StoreError::Unavailable`): a server
/// restarting or failing over is back within seconds, and the app's outbox honours the header.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 5;

/// How long a sender waits when the database is at its ceiling: the operator has to act, which takes a while.
const STORAGE_FULL_RETRY_SECONDS: u64 = 3600;

/// `{"message": …, "code": …}` as the domain's [`Rejected`] serialises it.
pub fn rejected_body(message: &str, code: &str) -> String {
    let rejected = Rejected {
        message: Some(message.to_owned()),
        code: Some(code.to_owned()),
    };
    // Two strings into JSON cannot fail; an empty body still reads as a bare 4xx on the app's side.
    serde_json::to_string(&rejected).unwrap_or_default()
}

impl std::fmt::Display for IntakeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntakeError::Store(e) => write!(f, "{}: {e}", self.code()),
            IntakeError::NoRandomness(e) => write!(f, "{}: {e}", self.code()),
            IntakeError::NoFreeReference => {
                write!(f, "{}: no free reference after five draws", self.code())
            }
            other => write!(f, "{}: {}", other.code(), other.message()),
        }
    }
}

/// Builds the refusal and nothing else: the error goes with it in the response's extensions, and the log
/// layer (`http::layers`) writes its code, and for a 5xx its cause, on the request's line.
impl IntoResponse for IntakeError {
    fn into_response(self) -> Response<Body> {
        let retry_after = match self {
            IntakeError::RateLimited {
                retry_after_seconds,
            } => Some(retry_after_seconds),
            IntakeError::UploadsBusy => Some(10),
            IntakeError::Busy => Some(10),
            IntakeError::UploadMissing => Some(1),
            IntakeError::FilesBudget {
                retry_after_seconds,
            } => Some(retry_after_seconds),
            IntakeError::StorageFull => Some(STORAGE_FULL_RETRY_SECONDS),
            IntakeError::TooManyReplies {
                retry_after_seconds,
            } => Some(retry_after_seconds),
            // Only a database that cannot be reached just now is asked about again soon: another store
            // failure (a refusal, a corrupt value) will not heal in seconds, and the app's own growing pauses
            // suit it better than a fixed short one.
            IntakeError::Store(ref e) if e.is_unavailable() => Some(UNAVAILABLE_RETRY_SECONDS),
            _ => None,
        };
        let mut response = Response::new(Body::from(self.body()));
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        if let Some(seconds) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                headers.insert(header::RETRY_AFTER, value);
            }
        }
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}
