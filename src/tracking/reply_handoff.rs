//! The filing page's part in delivering replies (issue #27). Its module carries no reply courier: that
//! would cost every first visit about 20 KB brotli (docs/performance.md), for replies that only a customer
//! who has used the tracker can have left waiting. When the filing page finds one waiting, it opens the
//! tracker's page in a hidden frame, whose courier sends it as it would from another tab (online now, or
//! when the phone is back online); the Web Lock per reply keeps two pages from sending it twice. That page
//! is the one the reply was written on, so the service worker usually has it: nothing is downloaded again.

use leptos::prelude::*;

use crate::delivery::log_failure;
use crate::device_store::DeviceStore;
use crate::task::spawn_while_mounted;

/// The tracker's page, which the filing module draws nothing of (`crate::pages`).
const TRACKER_PAGE: &str = "/track";

/// Once the device store is ready: if a reply waits there, the tracker's page opens in a hidden frame and
/// stays for this page's life (the standalone app's root is never unmounted).
pub fn start(device: DeviceStore) {
    Effect::new(move |looked: Option<bool>| {
        if looked == Some(true) {
            return true;
        }
        if !device.is_ready() {
            return false;
        }
        let Some(store) = device.get() else {
            return true;
        };
        spawn_while_mounted(device.status, async move {
            match store.any_reply_waiting().await {
                Ok(true) => open_tracker_hidden(),
                Ok(false) => {}
                Err(e) => log_failure("the replies could not be read", &e),
            }
        });
        true
    });
}

fn open_tracker_hidden() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(body), Ok(frame)) = (document.body(), document.create_element("iframe")) else {
        return;
    };
    let opened = frame
        .set_attribute("hidden", "")
        .and_then(|()| frame.set_attribute("src", TRACKER_PAGE))
        .and_then(|()| body.append_child(&frame).map(drop));
    if let Err(e) = opened {
        web_sys::console::warn_2(
            &"the tracker's page could not be opened to send a reply".into(),
            &e,
        );
    }
}
