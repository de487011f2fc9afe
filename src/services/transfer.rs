//! One HTTP exchange that can tell "slow" from "gone": an `XMLHttpRequest` (fetch reports no upload
//! progress) whose only time limit is silence, with every byte sent reported as it goes. Everything it
//! starts (handlers, the watchdog timer, the request itself) is released when the exchange ends or its
//! future is dropped, so a widget that unmounts mid-send leaks nothing.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ProgressEvent, XmlHttpRequest};

use super::device;

/// What the exchange tells its caller while it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Moving {
    /// Bytes of the request body handed to the network so far.
    Sent(f64),
    /// Nothing has moved for this many milliseconds (reported about once a second).
    Quiet(f64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    /// The connection failed or was refused: offline, or the server went away.
    Network,
    /// Nothing moved for the whole silence allowance; the request was abandoned.
    Silent,
    /// The browser would not even start it.
    Unsent(String),
}

impl std::fmt::Display for TransferError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransferError::Network => f.write_str("the connection failed"),
            TransferError::Silent => f.write_str("nothing moved for too long"),
            TransferError::Unsent(e) => write!(f, "the request could not be started: {e}"),
        }
    }
}

/// An answer, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub text: String,
    xhr: XmlHttpRequest,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.xhr.get_response_header(name).ok().flatten()
    }
}

/// What a request carries.
pub enum Payload {
    Blob(web_sys::Blob),
    Form(web_sys::FormData),
}

pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a Payload>,
    /// Abandon after this long with nothing moving either way.
    pub silence_ms: f64,
}

/// The handlers and the watchdog of one exchange; dropping it detaches them and stops the request.
struct Exchange {
    xhr: XmlHttpRequest,
    done: Rc<Cell<bool>>,
    watchdog: Option<i32>,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
    _tick: Option<Closure<dyn FnMut()>>,
}

impl Drop for Exchange {
    fn drop(&mut self) {
        self.xhr.set_onload(None);
        self.xhr.set_onerror(None);
        self.xhr.set_onabort(None);
        self.xhr.set_onprogress(None);
        if let Ok(upload) = self.xhr.upload() {
            upload.set_onprogress(None);
        }
        if let (Some(window), Some(id)) = (web_sys::window(), self.watchdog) {
            window.clear_interval_with_handle(id);
        }
        if !self.done.get() {
            let _ = self.xhr.abort();
        }
    }
}

enum Outcome {
    Loaded,
    Failed(TransferError),
}

pub async fn exchange(
    request: Request<'_>,
    on_moving: Rc<dyn Fn(Moving)>,
) -> Result<Reply, TransferError> {
    let unsent = |e: JsValue| TransferError::Unsent(format!("{e:?}"));
    let xhr = XmlHttpRequest::new().map_err(unsent)?;
    xhr.open(request.method, request.url).map_err(unsent)?;
    for (name, value) in request.headers {
        xhr.set_request_header(name, value).map_err(unsent)?;
    }
    let (sender, receiver) = oneshot::channel::<Outcome>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let finish = {
        let sender = Rc::clone(&sender);
        move |outcome: Outcome| {
            if let Some(sender) = sender.borrow_mut().take() {
                let _ = sender.send(outcome);
            }
        }
    };
    let last_moved = Rc::new(Cell::new(device::now_ms()));
    let done = Rc::new(Cell::new(false));
    let mut handlers: Vec<Closure<dyn FnMut(JsValue)>> = Vec::new();

    let on_load = {
        let finish = finish.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| finish(Outcome::Loaded))
    };
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    handlers.push(on_load);
    let on_error = {
        let finish = finish.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| finish(Outcome::Failed(TransferError::Network)))
    };
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    handlers.push(on_error);
    // An abort comes only from the watchdog (or the page going away).
    let on_abort = {
        let finish = finish.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| finish(Outcome::Failed(TransferError::Silent)))
    };
    xhr.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    handlers.push(on_abort);
    let on_sent = {
        let (last_moved, on_moving) = (Rc::clone(&last_moved), Rc::clone(&on_moving));
        Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            last_moved.set(device::now_ms());
            if let Some(event) = event.dyn_ref::<ProgressEvent>() {
                on_moving(Moving::Sent(event.loaded()));
            }
        })
    };
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_sent.as_ref().unchecked_ref()));
    }
    handlers.push(on_sent);
    let on_received = {
        let last_moved = Rc::clone(&last_moved);
        Closure::<dyn FnMut(JsValue)>::new(move |_| last_moved.set(device::now_ms()))
    };
    xhr.set_onprogress(Some(on_received.as_ref().unchecked_ref()));
    handlers.push(on_received);

    let tick = {
        let (xhr, last_moved) = (xhr.clone(), Rc::clone(&last_moved));
        let silence_ms = request.silence_ms;
        Closure::<dyn FnMut()>::new(move || {
            let quiet = device::now_ms() - last_moved.get();
            if quiet >= silence_ms {
                let _ = xhr.abort();
            } else if quiet >= 1_000.0 {
                on_moving(Moving::Quiet(quiet));
            }
        })
    };
    let watchdog = web_sys::window().and_then(|w| {
        w.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            1_000,
        )
        .ok()
    });
    let guard = Exchange {
        xhr: xhr.clone(),
        done: Rc::clone(&done),
        watchdog,
        _handlers: handlers,
        _tick: Some(tick),
    };
    let sent = match request.body {
        Some(Payload::Blob(blob)) => xhr.send_with_opt_blob(Some(blob)),
        Some(Payload::Form(form)) => xhr.send_with_opt_form_data(Some(form)),
        None => xhr.send(),
    };
    sent.map_err(unsent)?;
    let outcome = receiver
        .await
        .unwrap_or(Outcome::Failed(TransferError::Network));
    done.set(true);
    drop(guard);
    match outcome {
        Outcome::Loaded => Ok(Reply {
            status: xhr.status().unwrap_or(0),
            text: xhr.response_text().ok().flatten().unwrap_or_default(),
            xhr,
        }),
        Outcome::Failed(e) => Err(e),
    }
}
