//! The device's clock and random identifiers.

/// The origin's `localStorage`, if the browser allows it (private modes and blocked storage may not).
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Milliseconds since the Unix epoch, by the device's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A random v4 UUID: the draft id that doubles as the submission's Idempotency-Key.
///
/// `crypto.randomUUID` needs a secure context (https or loopback); elsewhere, fall back to
/// `crypto.getRandomValues`, which every browser we support has.
pub fn new_uuid() -> String {
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if let Some(crypto) = &crypto {
        if let Ok(id) = js_sys::Reflect::get(crypto, &"randomUUID".into()) {
            if id.is_function() {
                return crypto.random_uuid();
            }
        }
    }
    let mut bytes = [0u8; 16];
    let filled = crypto
        .map(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok())
        .unwrap_or(false);
    if !filled {
        // No Web Crypto at all: Math.random is weak but still unique enough for a key kept on one device.
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    format_uuid_v4(bytes)
}

fn format_uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Resolves after `ms` milliseconds (a `setTimeout` as a future).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _: Result<wasm_bindgen::JsValue, _> = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Aborts `abort` after `ms` milliseconds; clear the returned timer when the request ends first.
pub fn abort_after(abort: &web_sys::AbortController, ms: i32) -> Option<i32> {
    use wasm_bindgen::JsCast;
    let abort = abort.clone();
    let callback = wasm_bindgen::closure::Closure::once_into_js(move || abort.abort());
    web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms)
        .ok()
}
