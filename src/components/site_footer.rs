use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::filing::{DraftSaver, FilingSession};
use crate::i18n::{tr, use_i18n};

/// Where the device's copy of the customer's data can be wiped, in one place on every page.
#[component]
pub fn SiteFooter() -> impl IntoView {
    let i18n = use_i18n();
    let cleared = RwSignal::new(false);
    let stores = (use_context::<DraftSaver>(), use_context::<FilingSession>());
    let clear = move |_| {
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(i18n.t(Msg::ClearDeviceConfirm)).ok())
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        if let (Some(saver), Some(session)) = stores {
            saver.clear_everything(session);
        }
        cleared.set(true);
    };
    view! {
        <footer class="site-footer">
            <p>{tr(Msg::FooterPrivacy)}</p>
            <button type="button" class="link-button" on:click=clear>{tr(Msg::ClearDevice)}</button>
            <p role="status">{move || cleared.get().then(|| i18n.t(Msg::ClearedDevice))}</p>
        </footer>
    }
}
