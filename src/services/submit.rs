//! Sends a complaint to the organisation (`docs/submission.md`). Where the organisation takes uploads, each
//! file goes first, on its own, named by its SHA-256, and resumes from the byte the server has after any
//! break; the complaint follows and names them. Otherwise the files travel inside the complaint's request
//! (the first contract, still honoured). Either way the only time limit is silence, every byte sent is
//! reported, and the Idempotency-Key makes every attempt the same complaint.

use std::rc::Rc;

use complaint_domain::outbox::{asked_pause_ms, verdict, Refused, Verdict};
use complaint_domain::submission::{Accepted, Submission};
use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, FormData};

use super::transfer::{self, Moving, Payload, Reply, Request, TransferError};
use super::{device, json};

/// Nothing moving for this long, either way, and an attempt is given up (the server allows as long).
const SILENCE_MS: f64 = 30_000.0;

/// After this long with nothing moving, the customer is told the connection is slow (and that we go on).
pub const SLOW_AFTER_MS: f64 = 8_000.0;

/// Breaks in a row that moved no byte before one attempt gives up and leaves it to the outbox's pauses.
const FRUITLESS_BREAKS: u32 = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum SendError {
    /// Refused as it stands (400, 413, 415, 422; a reply's 404): its status, message and code, the same
    /// value the outbox keeps and the customer is shown.
    Refused(Refused),
    /// No answer, or an answer that means "later" (408, 409, 429, 5xx, …): worth trying again unchanged,
    /// after the pause the server asked for if it asked.
    Unavailable {
        /// The answer's status, if there was an answer.
        status: Option<u16>,
        detail: String,
        pause_ms: Option<f64>,
        /// Some bytes reached the server before it failed: the link works, only badly.
        progressed: bool,
    },
}

impl SendError {
    /// No answer (or none that could be read).
    pub fn unavailable(detail: impl Into<String>) -> SendError {
        SendError::Unavailable {
            status: None,
            detail: detail.into(),
            pause_ms: None,
            progressed: false,
        }
    }
}

/// A file to send with the complaint, in the order of `submission.attachments`.
pub struct Upload {
    pub name: String,
    pub blob: Blob,
}

/// How far a send has got, for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Progress {
    pub sent: f64,
    pub total: f64,
    /// Nothing has moved for [`SLOW_AFTER_MS`].
    pub slow: bool,
}

/// Where to send, and how.
pub struct Destination<'a> {
    pub endpoint: &'a str,
    /// `submission.uploads` from the config, when the organisation takes files ahead of the complaint.
    pub uploads: Option<&'a str>,
}

pub async fn send(
    to: Destination<'_>,
    submission: &Submission,
    uploads: &[Upload],
    on_progress: Rc<dyn Fn(Progress)>,
) -> Result<Accepted, SendError> {
    let total: f64 = uploads.iter().map(|u| u.blob.size()).sum();
    let report = Rc::new(Reporter {
        total,
        done: std::cell::Cell::new(0.0),
        on_progress,
    });
    report.moved(0.0);
    match to.uploads {
        Some(base) if !uploads.is_empty() => {
            let mut body = submission.clone();
            let mut progressed = false;
            for (meta, upload) in body.attachments.iter_mut().zip(uploads) {
                let hash = match &meta.sha256 {
                    Some(hash) => hash.clone(),
                    None => sha256_hex(&upload.blob).await?,
                };
                let url = format!("{}/{hash}", base.trim_end_matches('/'));
                let result = upload_file(&url, &upload.blob, &report).await;
                progressed |= report.done.get() > 0.0;
                if let Err(error) = result {
                    return Err(with_progress(error, progressed));
                }
                meta.sha256 = Some(hash);
            }
            post(to.endpoint, &body, &[], &report)
                .await
                .map_err(|e| with_progress(e, progressed))
        }
        _ => post(to.endpoint, submission, uploads, &report).await,
    }
}

/// Files uploaded ahead of what will name them (a customer's reply, `docs/replies.md`), each resumed from
/// the server's offset as for a complaint; their SHA-256s, in order.
pub async fn upload_ahead(
    base: &str,
    uploads: &[Upload],
    on_progress: Rc<dyn Fn(Progress)>,
) -> Result<Vec<String>, SendError> {
    let report = Rc::new(Reporter {
        total: uploads.iter().map(|u| u.blob.size()).sum(),
        done: std::cell::Cell::new(0.0),
        on_progress,
    });
    report.moved(0.0);
    let mut hashes = Vec::with_capacity(uploads.len());
    for upload in uploads {
        let hash = sha256_hex(&upload.blob).await?;
        let url = format!("{}/{hash}", base.trim_end_matches('/'));
        let result = upload_file(&url, &upload.blob, &report).await;
        if let Err(error) = result {
            return Err(with_progress(error, report.done.get() > 0.0));
        }
        hashes.push(hash);
    }
    Ok(hashes)
}

fn with_progress(error: SendError, progressed: bool) -> SendError {
    match error {
        SendError::Unavailable {
            status,
            detail,
            pause_ms,
            ..
        } => SendError::Unavailable {
            status,
            detail,
            pause_ms,
            progressed,
        },
        other => other,
    }
}

struct Reporter {
    total: f64,
    /// Bytes of earlier files (and of this one, up to the server's offset) already there.
    done: std::cell::Cell<f64>,
    on_progress: Rc<dyn Fn(Progress)>,
}

impl Reporter {
    fn moved(&self, now: f64) {
        (self.on_progress)(Progress {
            sent: (self.done.get() + now).min(self.total),
            total: self.total,
            slow: false,
        });
    }

    fn watcher(self: &Rc<Self>) -> Rc<dyn Fn(Moving)> {
        let me = Rc::clone(self);
        let last = std::cell::Cell::new(0.0);
        Rc::new(move |moving| match moving {
            Moving::Sent(bytes) => {
                last.set(bytes);
                me.moved(bytes);
            }
            Moving::Quiet(ms) => (me.on_progress)(Progress {
                sent: (me.done.get() + last.get()).min(me.total),
                total: me.total,
                slow: ms >= SLOW_AFTER_MS,
            }),
        })
    }
}

/// One file, resumed from the server's offset until it is whole. A break that moved bytes is followed at
/// once by the next try; only breaks in a row that moved nothing end the attempt.
async fn upload_file(url: &str, blob: &Blob, report: &Rc<Reporter>) -> Result<(), SendError> {
    let size = blob.size();
    let length = format!("{}", size as u64);
    let start = report.done.get();
    let mut fruitless = 0;
    let mut best = -1.0;
    loop {
        let offset = match where_it_stands(url, &length).await {
            Ok(offset) => offset,
            Err(e) => {
                fruitless += 1;
                if fruitless >= FRUITLESS_BREAKS {
                    return Err(e);
                }
                device::sleep(1_000).await;
                continue;
            }
        };
        report.done.set(start + offset);
        report.moved(0.0);
        if offset >= size {
            return Ok(());
        }
        if offset > best {
            best = offset;
            fruitless = 0;
        } else {
            fruitless += 1;
            if fruitless >= FRUITLESS_BREAKS {
                return Err(SendError::unavailable("the file is not getting through"));
            }
        }
        let rest = Payload::Blob(
            blob.slice_with_f64(offset)
                .map_err(|e| SendError::unavailable(format!("{e:?}")))?,
        );
        let offset_text = format!("{}", offset as u64);
        let result = transfer::exchange(
            Request {
                method: "PATCH",
                url,
                headers: &[
                    ("Content-Type", "application/offset+octet-stream"),
                    ("Upload-Offset", &offset_text),
                    ("Upload-Length", &length),
                ],
                body: Some(&rest),
                silence_ms: SILENCE_MS,
            },
            report.watcher(),
        )
        .await;
        match result {
            Ok(reply) => match verdict(reply.status) {
                Verdict::Accepted => {}
                // The server threw the bytes away (they did not match the name): the loop starts it again.
                Verdict::Refused if code_of(&reply).as_deref() == Some("upload_corrupt") => {}
                Verdict::Refused => return Err(rejected(&reply)),
                // 408 (cut for pace), 409 (offset moved on, or another attempt still writing): ask again.
                Verdict::Later if matches!(reply.status, 408 | 409) => {}
                Verdict::Later => return Err(later(&reply)),
            },
            // The line broke; the server keeps what it got, so the next round starts from there.
            Err(TransferError::Unsent(e)) => return Err(SendError::unavailable(e)),
            Err(_) => device::sleep(1_000).await,
        }
    }
}

async fn where_it_stands(url: &str, length: &str) -> Result<f64, SendError> {
    let reply = transfer::exchange(
        Request {
            method: "HEAD",
            url,
            headers: &[("Upload-Length", length)],
            body: None,
            silence_ms: SILENCE_MS,
        },
        Rc::new(|_| {}),
    )
    .await
    .map_err(|e| SendError::unavailable(e.to_string()))?;
    match verdict(reply.status) {
        Verdict::Accepted => Ok(reply
            .header("Upload-Offset")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0)),
        Verdict::Refused => Err(rejected(&reply)),
        Verdict::Later => Err(later(&reply)),
    }
}

/// The complaint itself, with its files inside (first contract) or naming those uploaded ahead.
async fn post(
    endpoint: &str,
    submission: &Submission,
    uploads: &[Upload],
    report: &Rc<Reporter>,
) -> Result<Accepted, SendError> {
    let body =
        form_data(submission, uploads).map_err(|e| SendError::unavailable(format!("{e:?}")))?;
    let body = Payload::Form(body);
    let reply = transfer::exchange(
        Request {
            method: "POST",
            url: endpoint,
            headers: &[
                ("Idempotency-Key", &submission.draft_id),
                ("Accept", "application/json"),
            ],
            body: Some(&body),
            silence_ms: SILENCE_MS,
        },
        report.watcher(),
    )
    .await
    .map_err(|e| SendError::unavailable(e.to_string()))?;
    match verdict(reply.status) {
        Verdict::Accepted => json::parse::<Accepted>(&reply.text).map_err(|e| {
            SendError::unavailable(format!("the server's answer could not be read: {e}"))
        }),
        Verdict::Refused => Err(rejected(&reply)),
        Verdict::Later => Err(later(&reply)),
    }
}

fn code_of(reply: &Reply) -> Option<String> {
    json::parse::<Refused>(&reply.text)
        .ok()
        .and_then(|r| r.code)
}

/// A definitive refusal: the answer's body (`{message, code}`, any field may be missing) with its status.
pub(crate) fn rejected(reply: &Reply) -> SendError {
    let mut refused = json::parse::<Refused>(&reply.text).unwrap_or_default();
    refused.status = reply.status;
    SendError::Refused(refused)
}

pub(crate) fn later(reply: &Reply) -> SendError {
    SendError::Unavailable {
        status: Some(reply.status),
        detail: format!("HTTP {}", reply.status),
        pause_ms: asked_pause_ms(reply.header("Retry-After").as_deref()),
        progressed: false,
    }
}

async fn sha256_hex(blob: &Blob) -> Result<String, SendError> {
    let fail = |e: JsValue| SendError::unavailable(format!("the file could not be read: {e:?}"));
    let buffer: JsValue = JsFuture::from(blob.array_buffer()).await.map_err(fail)?;
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or_else(|| SendError::unavailable("Web Crypto is not available"))?;
    let bytes = Uint8Array::new(&buffer);
    let promise = subtle
        .digest_with_str_and_buffer_source("SHA-256", &bytes)
        .map_err(fail)?;
    let digest: JsValue = JsFuture::from(promise).await.map_err(fail)?;
    Ok(Uint8Array::new(&digest)
        .to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
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
