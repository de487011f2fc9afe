//! The one HTTP exchange the app sends complaints and files with, in headless Chromium: bytes sent are
//! reported as they go, any answer is a reply (the caller judges its status), and a dead host is a network
//! failure, never a reply.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use complaint_desk::services::transfer::{exchange, Moving, Payload, Request, TransferError};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn blob(bytes: usize) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&JsValue::from(js_sys::Uint8Array::new_with_length(
        bytes as u32,
    )));
    web_sys::Blob::new_with_u8_array_sequence(&parts).expect("a blob")
}

#[wasm_bindgen_test]
async fn bytes_sent_are_reported_and_any_status_is_a_reply() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let record = {
        let seen = Rc::clone(&seen);
        Rc::new(move |moving: Moving| seen.borrow_mut().push(moving))
    };
    let body = Payload::Blob(blob(256 * 1024));
    // The test runner's own server answers a POST to a path it does not have; what matters is that it answers.
    let reply = exchange(
        Request {
            method: "POST",
            url: "/no-such-upload",
            headers: &[("Content-Type", "application/offset+octet-stream")],
            body: Some(&body),
            silence_ms: 30_000.0,
        },
        record,
    )
    .await
    .expect("an answer");
    assert!(reply.status >= 200, "status {}", reply.status);
    let sent: Vec<f64> = seen
        .borrow()
        .iter()
        .filter_map(|m| match m {
            Moving::Sent(n) => Some(*n),
            Moving::Quiet(_) => None,
        })
        .collect();
    assert_eq!(sent.last().copied(), Some(256.0 * 1024.0), "{sent:?}");
    assert!(sent.windows(2).all(|w| w[0] <= w[1]), "{sent:?}");
}

#[wasm_bindgen_test]
async fn a_dead_host_is_a_network_failure() {
    let result = exchange(
        Request {
            method: "HEAD",
            url: "http://127.0.0.1:9/api/v1/uploads/x",
            headers: &[("Upload-Length", "10")],
            body: None,
            silence_ms: 30_000.0,
        },
        Rc::new(|_| {}),
    )
    .await;
    assert_eq!(result.err(), Some(TransferError::Network));
}
