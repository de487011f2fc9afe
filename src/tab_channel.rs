//! `use_tab_channel`: a BroadcastChannel for the life of the current root, in the leptos-use style: opened
//! here, closed with its handler on cleanup. One wire format for every channel: a message is a plain JS
//! array of strings and nulls (no serialiser in the Wasm); each channel says what its fields mean. Other
//! tabs hear it, and so do other roots of this page on a channel of the same name (two widgets sharing a
//! store); the sender never hears itself.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The open channel, or none where the browser has no BroadcastChannel.
#[derive(Clone, Copy)]
pub struct TabChannel(StoredValue<Option<web_sys::BroadcastChannel>, LocalStorage>);

impl TabChannel {
    /// Sends `fields` to the other listeners of this channel's name.
    pub fn post(self, fields: &[Option<&str>]) {
        let Some(channel) = self.0.try_get_value().flatten() else {
            return;
        };
        let message: js_sys::Array = fields
            .iter()
            .map(|f| f.map_or(JsValue::NULL, JsValue::from_str))
            .collect();
        if let Err(e) = channel.post_message(&message) {
            web_sys::console::warn_1(&format!("the other tabs could not be told: {e:?}").into());
        }
    }
}

/// Opens channel `name`; `on_message` hears each message another listener posts, as its fields (a field
/// that is not a string is `None`; anything that is not such an array is ignored).
pub fn use_tab_channel(
    name: &str,
    on_message: impl Fn(Vec<Option<String>>) + 'static,
) -> TabChannel {
    let Ok(channel) = web_sys::BroadcastChannel::new(name) else {
        return TabChannel(StoredValue::new_local(None));
    };
    let handler =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(fields) = event.data().dyn_ref::<js_sys::Array>() {
                on_message(fields.iter().map(|f| f.as_string()).collect());
            }
        });
    channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    let channel = StoredValue::new_local(Some(channel));
    let handler = StoredValue::new_local(Some(handler));
    // Unmounted: the channel closes and its handler goes with it.
    on_cleanup(move || {
        if let Some(Some(channel)) = channel.try_update_value(Option::take) {
            channel.set_onmessage(None);
            channel.close();
        }
        handler.try_update_value(Option::take);
    });
    TabChannel(channel)
}
