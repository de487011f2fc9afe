//! The app's other tabs (and other widgets on the store's scope) hear that a complaint was delivered.

use complaint_domain::submission::Accepted;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::Courier;

/// Tells the app's other tabs (on the store's channel `….outbox`) that a complaint was delivered, so one
/// showing it as waiting shows the receipt. A message is `[id, reference, received_at, pin]`: a plain array
/// needs no serialiser in the Wasm.
const CHANNEL: &str = "outbox";

pub(super) fn delivered_message(id: &str, accepted: &Accepted) -> js_sys::Array {
    let optional = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    js_sys::Array::of4(
        &id.into(),
        &accepted.reference.as_str().into(),
        &optional(&accepted.received_at),
        &optional(&accepted.pin),
    )
}

fn read_delivered(message: &JsValue) -> Option<(String, Accepted)> {
    let fields: &js_sys::Array = message.dyn_ref()?;
    let accepted = Accepted {
        reference: fields.get(1).as_string()?,
        received_at: fields.get(2).as_string(),
        pin: fields.get(3).as_string(),
    };
    Some((fields.get(0).as_string()?, accepted))
}

impl Courier {
    /// Another tab delivered a complaint: if this tab shows it waiting, it shows the receipt instead.
    pub(super) fn listen_to_other_tabs(self) {
        let Ok(channel) = web_sys::BroadcastChannel::new(&self.saver.scope().name(CHANNEL)) else {
            return;
        };
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                if let Some((id, accepted)) = read_delivered(&event.data()) {
                    if self.session.accepted.with_untracked(Option::is_none) {
                        self.show_delivered(&id, accepted);
                    }
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_message = StoredValue::new_local(Some(on_message));
        self.channel.set_value(Some(channel));
        // Unmounted: the channel closes and its handler goes with it.
        on_cleanup(move || {
            if let Some(Some(channel)) = self.channel.try_update_value(Option::take) {
                channel.set_onmessage(None);
                channel.close();
            }
            on_message.try_update_value(Option::take);
        });
    }
}
