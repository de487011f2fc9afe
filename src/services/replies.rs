//! Sends a customer's reply on a filed complaint (`docs/replies.md`): its files uploaded ahead (resumed as a
//! complaint's are), the proof the server gave when the complaint was filed (else, for a complaint filed
//! before servers gave one, the older proof made by Web Crypto from the reference and verifier), then one JSON
//! request with the reply's own Idempotency-Key, so every attempt is the same reply.

use std::rc::Rc;

use complaint_domain::outbox::{reply_verdict, ReplyOutbox, Verdict};
use complaint_domain::replies::{reply_url, ReplyAccepted, ReplyAction, ReplyDraft};
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag};

use super::submit::{self, Progress, SendError, Upload};
use super::transfer::{self, Payload, Request};
use super::{json, status};

/// Nothing moving for this long and the attempt is given up, as for a complaint.
const SILENCE_MS: f64 = 30_000.0;

/// One attempt. `uploads` are the draft's files in the order of its `attachments` (only those the device
/// still has are named); `issued` is the proof the server gave for the complaint, if this device kept one.
pub async fn send(
    draft: &ReplyDraft,
    outbox: &ReplyOutbox,
    issued: Option<&str>,
    uploads: &[Upload],
    on_progress: Rc<dyn Fn(Progress)>,
) -> Result<ReplyAccepted, SendError> {
    let hashes = match (draft.action, outbox.uploads.as_deref()) {
        (ReplyAction::Information, Some(base)) if !uploads.is_empty() => {
            submit::upload_ahead(base, uploads, on_progress).await?
        }
        _ => Vec::new(),
    };
    let proof = match issued {
        Some(proof) => proof.to_owned(),
        None => status::reply_proof(&draft.reference, &draft.verifier)
            .await
            .map_err(|e| SendError::unavailable(e.to_string()))?,
    };
    let text = json::stringify(&draft.body(&hashes))
        .ok_or_else(|| SendError::unavailable("the reply could not be written as JSON"))?;
    let body = json_blob(&text).map_err(|e| SendError::unavailable(format!("{e:?}")))?;
    let url = reply_url(&outbox.endpoint, &draft.reference, draft.action);
    let reply = transfer::exchange(
        Request {
            method: "POST",
            url: &url,
            headers: &[
                ("Idempotency-Key", &draft.id),
                ("Reply-Proof", &proof),
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
            ],
            body: Some(&Payload::Blob(body)),
            silence_ms: SILENCE_MS,
        },
        Rc::new(|_| {}),
    )
    .await
    .map_err(|e| SendError::unavailable(e.to_string()))?;
    match reply_verdict(reply.status) {
        Verdict::Accepted => json::parse::<ReplyAccepted>(&reply.text).map_err(|e| {
            SendError::unavailable(format!("the server's answer could not be read: {e}"))
        }),
        Verdict::Refused => Err(submit::rejected(&reply)),
        Verdict::Later => Err(submit::later(&reply)),
    }
}

fn json_blob(text: &str) -> Result<Blob, JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&JsValue::from_str(text)), &options)
}
