//! Sends a complaint to the organisation's endpoint: one multipart request with an Idempotency-Key, so a
//! retry or a double tap can never create a second complaint.

use complaint_domain::submission::{Accepted, Rejected, Submission};
use gloo_net::http::Request;
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, FormData};

use super::{device, json};

/// How long to wait for an answer before treating the network as gone.
const TIMEOUT_MS: i32 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// 4xx: the organisation refused this complaint as it is; its message, if it gave one.
    Rejected {
        status: u16,
        message: Option<String>,
    },
    /// 5xx, a timeout or no network: worth trying again later, unchanged.
    Unavailable(String),
}

/// A file to upload with the complaint, in the order of `submission.attachments`.
pub struct Upload {
    pub name: String,
    pub blob: Blob,
}

pub async fn send(
    endpoint: &str,
    submission: &Submission,
    uploads: &[Upload],
) -> Result<Accepted, SendError> {
    let body =
        form_data(submission, uploads).map_err(|e| SendError::Unavailable(format!("{e:?}")))?;
    let abort =
        web_sys::AbortController::new().map_err(|e| SendError::Unavailable(format!("{e:?}")))?;
    let timer = device::abort_after(&abort, TIMEOUT_MS);
    let result = Request::post(endpoint)
        .header("Idempotency-Key", &submission.draft_id)
        .header("Accept", "application/json")
        .abort_signal(Some(&abort.signal()))
        .body(JsValue::from(body))
        .map_err(|e| SendError::Unavailable(e.to_string()))?
        .send()
        .await;
    if let (Some(window), Some(timer)) = (web_sys::window(), timer) {
        window.clear_timeout_with_handle(timer);
    }
    let response = result.map_err(|e| SendError::Unavailable(e.to_string()))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    match status {
        200..=299 => json::parse::<Accepted>(&text).map_err(|e| {
            SendError::Unavailable(format!("the server's answer could not be read: {e}"))
        }),
        400..=499 => Err(SendError::Rejected {
            status,
            message: json::parse::<Rejected>(&text).ok().and_then(|r| r.message),
        }),
        _ => Err(SendError::Unavailable(format!("HTTP {status}"))),
    }
}

fn form_data(submission: &Submission, uploads: &[Upload]) -> Result<FormData, JsValue> {
    let form = FormData::new()?;
    let json = json::stringify(submission).ok_or("the complaint could not be written as JSON")?;
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    let parts = js_sys::Array::of1(&JsValue::from_str(&json));
    let complaint = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    form.append_with_blob_and_filename("complaint", &complaint, "complaint.json")?;
    for upload in uploads {
        form.append_with_blob_and_filename("attachment", &upload.blob, &upload.name)?;
    }
    Ok(form)
}
