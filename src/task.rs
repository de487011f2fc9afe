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

/// Resolves in the task after the next frame, once what was drawn before it is on screen: work that can wait
/// (reading the rest of a list, hashing its status names) goes after the customer sees the page rather
/// than delaying it. A hidden page draws no frames: there it resolves after `HIDDEN_MS` instead.
pub async fn after_paint() {
    const HIDDEN_MS: u64 = 100;
    /// Whichever comes first (the frame or the timer) sends; the other finds nothing left to send.
    type Once = std::rc::Rc<std::cell::Cell<Option<futures::channel::oneshot::Sender<()>>>>;
    let (done, painted) = futures::channel::oneshot::channel::<()>();
    let done: Once = std::rc::Rc::new(std::cell::Cell::new(Some(done)));
    let send = |done: Once| {
        move || {
            if let Some(done) = done.take() {
                let _ = done.send(());
            }
        }
    };
    let after_frame = send(done.clone());
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(after_frame, std::time::Duration::ZERO);
    });
    leptos::prelude::set_timeout(send(done), std::time::Duration::from_millis(HIDDEN_MS));
    let _ = painted.await;
}
