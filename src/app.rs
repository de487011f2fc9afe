//! The standalone app's shell: language, header, routes. The filing flow itself keeps its steps in
//! component state so it can also run as an embedded widget, where the host owns the URL.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::site_footer::SiteFooter;
use crate::components::site_header::SiteHeader;
use crate::filing::{Courier, DraftSaver, FilingSession};
use crate::i18n::I18n;
use crate::pages::{file_complaint::FileComplaintPage, not_found::NotFoundPage, track::TrackPage};
use crate::{crash, services};

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::provide(services::locale::initial());
    // The draft and its saving live above the routes, so moving between pages loses nothing.
    let session = FilingSession::new();
    provide_context(session);
    let saver = DraftSaver::start(session);
    services::offline::register_service_worker();
    Courier::start(saver, session);
    Effect::new(move |_| {
        let locale = i18n.locale();
        services::locale::apply_to_document(locale);
        crash::remember_locale(locale);
    });
    if crash::trip_wire_requested() {
        Effect::new(|_| panic!("crash test requested by ?crash-test"));
    }

    view! {
        <Router>
            <SiteHeader />
            <main id="main" class="page" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=FileComplaintPage />
                    <Route path=path!("/track") view=TrackPage />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}
