//! The desk's root: provides the [`Desk`], keeps the page's `lang` and title in the person's language,
//! follows the browser's back and forward, and shows sign-in whenever the session is over, over whatever
//! screen was open (its drafts stay in `sessionStorage`, [`crate::drafts`], and come back after sign-in).

use leptos::prelude::*;

use crate::desk::Desk;
use crate::i18n::T;
use crate::route::Route;
use crate::screens;
use crate::widgets::{Header, ShortcutsDialog};

#[component]
pub fn App() -> impl IntoView {
    let desk = Desk::new();
    provide_context(desk);
    let checked = RwSignal::new(false);
    Effect::new(move || {
        let locale = desk.locale();
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", locale.tag());
            }
            document.set_title(desk.t(T::DeskTitle));
        }
    });
    let popstate = window_event_listener(leptos::ev::popstate, move |_| desk.follow_location());
    on_cleanup(move || popstate.remove());
    leptos::task::spawn_local(async move {
        load_config(desk).await;
        desk.refresh_me().await;
        checked.set(true);
    });
    let screen = move || {
        let route = desk.route();
        if let Route::Enrol(token) = route {
            return view! { <screens::enrol::Enrol token=token /> }.into_any();
        }
        if !checked.get() {
            return view! { <p class="loading" role="status">{move || desk.t(T::Loading)}</p> }
                .into_any();
        }
        if desk.me().is_none() || desk.api.is_signed_out() {
            return view! { <screens::sign_in::SignIn /> }.into_any();
        }
        if desk.asks_for_passkey() {
            return view! { <screens::add_passkey::AddPasskey /> }.into_any();
        }
        match route {
            Route::Home => {
                let leads = desk.me().is_some_and(|me| me.leads());
                let queue = Route::landing(leads).to_owned();
                view! { <screens::queue::QueueScreen queue=queue /> }.into_any()
            }
            Route::Queue(queue) => view! { <screens::queue::QueueScreen queue=queue /> }.into_any(),
            Route::Complaint(reference) => {
                view! { <screens::complaint::ComplaintScreen reference=reference /> }.into_any()
            }
            Route::Staff => view! { <screens::admin::staff::StaffScreen /> }.into_any(),
            Route::Templates => view! { <screens::admin::templates::TemplatesScreen /> }.into_any(),
            Route::Tokens => view! { <screens::admin::tokens::TokensScreen /> }.into_any(),
            Route::Webhooks => view! { <screens::admin::webhooks::WebhooksScreen /> }.into_any(),
            Route::Operations => view! { <screens::operations::OperationsScreen /> }.into_any(),
            Route::DataRequests => {
                view! { <screens::data_requests::DataRequestsScreen /> }.into_any()
            }
            Route::Enrol(_) => ().into_any(),
        }
    };
    view! {
        <a class="skip" href="#main">{move || desk.t(T::SkipToContent)}</a>
        <Header />
        <main id="main" tabindex="-1">{screen}</main>
        <ShortcutsDialog />
    }
}

/// The organisation's config (`/api/v1/config.json`, the customer app's own): category and cause names.
async fn load_config(desk: Desk) {
    let Ok(response) = gloo_net::http::Request::get("/api/v1/config.json")
        .send()
        .await
    else {
        return;
    };
    let Ok(text) = response.text().await else {
        return;
    };
    if let Ok(config) = complaint_domain::config::OrgConfig::from_json(&text) {
        desk.set_config(config);
    }
}
