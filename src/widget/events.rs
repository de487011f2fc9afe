//! What the host page hears: DOM `CustomEvent`s on the `<complaint-desk>` element, bubbling and composed
//! (so a listener on the document hears them too). Details carry ids and codes, never what the customer typed.

use complaint_domain::steps::Step;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// One thing the host is told.
#[derive(Debug, Clone, PartialEq)]
pub enum HostEvent {
    /// The widget has its organisation's config and can be used.
    Ready,
    /// A new step is on screen: its id (`what_happened`).
    Step(Step),
    /// The organisation has the complaint: its reference.
    Submitted(String),
    /// No connection: the complaint waits on the device and goes by itself later.
    Queued,
    /// Something the host may want to log: a stable code (see docs/embed.md).
    Error(&'static str),
}

impl HostEvent {
    fn name(&self) -> &'static str {
        match self {
            HostEvent::Ready => "complaint:ready",
            HostEvent::Step(_) => "complaint:step",
            HostEvent::Submitted(_) => "complaint:submitted",
            HostEvent::Queued => "complaint:queued",
            HostEvent::Error(_) => "complaint:error",
        }
    }

    fn detail(&self) -> JsValue {
        let detail = js_sys::Object::new();
        let (key, value) = match self {
            HostEvent::Ready | HostEvent::Queued => return detail.into(),
            HostEvent::Step(step) => ("step", step.id().to_owned()),
            HostEvent::Submitted(reference) => ("reference", reference.clone()),
            HostEvent::Error(code) => ("code", (*code).to_owned()),
        };
        let _ = js_sys::Reflect::set(&detail, &key.into(), &value.into());
        detail.into()
    }
}

/// Where the events go: the custom element the host placed.
#[derive(Clone, Copy)]
pub struct HostElement(StoredValue<Option<web_sys::HtmlElement>, LocalStorage>);

impl HostElement {
    pub fn new(element: web_sys::HtmlElement) -> HostElement {
        HostElement(StoredValue::new_local(Some(element)))
    }

    /// Dispatches `event` once the current work is done: a host listener that removes the widget then
    /// unmounts it cleanly, not from inside its own effect.
    pub fn tell(self, event: HostEvent) {
        let Some(element) = self.0.try_get_value().flatten() else {
            return;
        };
        queue_microtask(move || {
            let init = web_sys::CustomEventInit::new();
            init.set_bubbles(true);
            init.set_composed(true);
            init.set_detail(&event.detail());
            if let Ok(custom) = web_sys::CustomEvent::new_with_event_init_dict(event.name(), &init)
            {
                let _ = element.dispatch_event(&custom);
            }
        });
    }
}
