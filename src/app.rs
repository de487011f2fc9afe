//! The standalone app's shell: language, header, routes. The filing flow itself keeps its steps in
//! component state so it can also run as an embedded widget, where the host owns the URL; under this shell
//! (which provides the `Location`) it mirrors the step into the address, one history entry a step.

use leptos::prelude::*;

use crate::components::language_picker::LanguageNotOffered;
use crate::components::site_footer::SiteFooter;
use crate::components::site_header::SiteHeader;
use crate::device_store::DeviceStore;
use crate::filing::{Courier, DraftSaver, FilingSession, RefusedNotice};
use crate::i18n::I18n;
use crate::pages::{
    file_complaint::FileComplaintPage, insights::InsightsPage, not_found::NotFoundPage,
    track::TrackPage, SharedConfig,
};
use crate::router::Location;
use crate::services::store_scope::StoreScope;
use crate::tracking::ReplyCourier;
use crate::{crash, services};

#[component]
pub fn App() -> impl IntoView {
    let start = services::locale::initial();
    let i18n = I18n::provide(start.locale);
    // The draft and its saving live above the routes, so moving between pages loses nothing.
    let session = FilingSession::new();
    provide_context(session);
    DeviceStore::provide(StoreScope::app());
    let saver = DraftSaver::start(session);
    services::offline::register_service_worker();
    Courier::start(saver, session);
    ReplyCourier::start();
    Effect::new(move |_| {
        let locale = i18n.locale();
        services::locale::apply_to_document(locale);
        crash::remember_locale(locale);
    });
    if crash::trip_wire_requested() {
        Effect::new(|_| panic!("crash test requested on this device"));
    }

    SharedConfig::provide();
    if let Some(config) = use_context::<SharedConfig>() {
        crate::static_shell::replace_when_ready(config);
    }
    let location = Location::provide();
    // A memo, so the page is built again only when the path really changes.
    let path = Memo::new(move |_| location.path());
    let page = move || match path.get().trim_end_matches('/') {
        "" | "/index.html" => view! { <FileComplaintPage /> }.into_any(),
        "/track" => view! { <TrackPage /> }.into_any(),
        "/insights" => view! { <InsightsPage /> }.into_any(),
        _ => view! { <NotFoundPage /> }.into_any(),
    };

    view! {
        <SiteHeader />
        <main id="main" class="page" tabindex="-1">
            <RefusedNotice />
            {start.asked_unknown.then(|| view! { <LanguageNotOffered /> })}
            {page}
        </main>
        <SiteFooter />
    }
}
