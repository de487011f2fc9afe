//! Web Locks: a piece of work that only one tab of the app on this device may do at a time.
//!
//! A hand-written binding: web-sys has `LockManager` only behind `--cfg=web_sys_unstable_apis`, which every
//! build and test of the app would then need.

use std::future::Future;

use futures::channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    type LockManager;

    #[wasm_bindgen(method, catch)]
    fn request(
        this: &LockManager,
        name: &str,
        callback: &js_sys::Function,
    ) -> Result<js_sys::Promise, JsValue>;
}

fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then(|| locks.unchecked_into())
}

/// Lets the lock go when the work is done, or if it is abandoned halfway: a lock never released would hold
/// every other tab's work for ever.
struct Release(Option<js_sys::Function>);

impl Drop for Release {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Runs `work` while holding the lock `name`, after any other tab holding it has finished. Where the browser
/// has no Web Locks, or refuses the request, the work runs at once: it must be safe to repeat (a send is,
/// thanks to its Idempotency-Key), the lock only keeps it from being done twice.
pub async fn exclusive<T>(name: &str, work: impl Future<Output = T>) -> T {
    let Some(manager) = lock_manager() else {
        return work.await;
    };
    let mut release_fn = None;
    // The lock is held until the promise handed back to the browser settles.
    let held = js_sys::Promise::new(&mut |resolve, _| release_fn = Some(resolve));
    let _release = Release(release_fn);
    let (granted, on_granted) = oneshot::channel::<()>();
    let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        let _ = granted.send(());
        held
    });
    if let Ok(request) = manager.request(name, callback.unchecked_ref()) {
        // The request's promise settles only after the lock is released, so settling first means refused.
        let refused = async {
            let _: Result<JsValue, JsValue> = wasm_bindgen_futures::JsFuture::from(request).await;
        };
        let _ = futures::future::select(on_granted, std::pin::pin!(refused)).await;
    }
    work.await
}
