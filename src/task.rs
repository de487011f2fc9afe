//! Async work that belongs to a mounted root. A widget can be removed while a store read or a send is still
//! on its way; what comes back must not reach for signals that were disposed with the root.

use std::future::Future;
use std::task::Poll;

use leptos::prelude::{IsDisposed, UpdateValue};

/// Runs `task` while `anchor` (any signal or stored value of the root) lives; once the root is gone the task
/// is dropped at its next wake-up, before it touches anything of the root again.
pub fn spawn_while_mounted(
    anchor: impl IsDisposed + 'static,
    task: impl Future<Output = ()> + 'static,
) {
    let mut task = Box::pin(task);
    leptos::task::spawn_local(std::future::poll_fn(move |cx| {
        if anchor.is_disposed() {
            Poll::Ready(())
        } else {
            task.as_mut().poll(cx)
        }
    }));
}

/// A signal that aborts when the current root (or component) is cleaned up: pass it to its fetches, so a
/// removed widget leaves no request running. `None` only where the browser has no `AbortController`.
pub fn abort_on_cleanup() -> Option<web_sys::AbortSignal> {
    let controller = web_sys::AbortController::new().ok()?;
    let signal = controller.signal();
    let controller = leptos::prelude::StoredValue::new_local(Some(controller));
    leptos::prelude::on_cleanup(move || {
        if let Some(Some(controller)) = controller.try_update_value(Option::take) {
            controller.abort();
        }
    });
    Some(signal)
}
