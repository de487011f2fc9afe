//! The site's footer, on every page of the standalone app: other ways to complain, and wiping the device's
//! copy of the customer's data (which is why it sits beside the app's shell, not among the components: it
//! reaches the root's drafts).

use complaint_domain::config::Contact;
use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::filing::{DraftSaver, FilingSession};
use crate::i18n::{tr, use_i18n};
use crate::org_config::SharedConfig;

/// Other ways to complain (the organisation's email and phone), and where the device's copy of the
/// customer's data can be wiped, in one place on every page. Its first lines are also in the static shell
/// (`crates/shell`), so a customer can write or call before, or without, the app.
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
    let contact = use_context::<SharedConfig>().map(|config| {
        move || {
            config.0.with(|c| match c {
                Some(Ok(config)) => other_ways(&config.organisation.contact),
                _ => None,
            })
        }
    });
    view! {
        <footer class="site-footer">
            <p>{tr(Msg::FooterPrivacy)}</p>
            {contact}
            <button type="button" class="link-button" on:click=clear>{tr(Msg::ClearDevice)}</button>
            <p role="status">{move || cleared.get().then(|| i18n.t(Msg::ClearedDevice))}</p>
        </footer>
    }
}

/// "You can also complain by email or phone:" with the organisation's addresses as links.
fn other_ways(contact: &Contact) -> Option<AnyView> {
    let email = contact
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let phone = contact
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if email.is_none() && phone.is_none() {
        return None;
    }
    let email = email.map(|email| {
        let href = format!("mailto:{email}");
        let email = email.to_owned();
        view! { <li>{tr(Msg::ContactEmail)}": "<a href=href>{email}</a></li> }
    });
    let phone = phone.map(|phone| {
        let href = format!("tel:{}", complaint_domain::config::dialable(phone));
        let phone = phone.to_owned();
        view! { <li>{tr(Msg::ContactPhone)}": "<a href=href>{phone}</a></li> }
    });
    Some(
        view! {
            <p>{tr(Msg::OtherWays)}</p>
            <ul class="contact-list">{email}{phone}</ul>
        }
        .into_any(),
    )
}
