//! The standalone app's shell: language, header, routes. The filing flow itself keeps its steps in
//! component state so it can also run as an embedded widget, where the host owns the URL; under this shell
//! (which provides the `Location`) it mirrors the step into the address, one history entry a step.
//!
//! The site's pages are two Wasm modules, each a bin of this crate and a Trunk target ([`Pages`]): the filing
//! page's (most first visits), which carries no tracker, insights or widget code, and the tracker's (the
//! tracker, the insights, and the embeddable widget in track mode). A page of the other module is a normal
//! page load. (The widget in file mode has a third module, with no page: `src/bin/widget.rs`.)

use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::components::language_picker::LanguageNotOffered;
use crate::components::site_header::SiteHeader;
use crate::filing::RefusedNotice;
use crate::i18n::{tr, I18n};
use crate::root::{Root, RootKind};
use crate::site_footer::SiteFooter;
use crate::{crash, services};

/// The pages one Wasm module of the site draws; each bin mounts [`App`] with its own (`Pages::FILING`,
/// `Pages::TRACKER`, defined with the pages in `crate::pages`).
#[derive(Clone, Copy)]
pub struct Pages {
    /// Whether this module draws the page at a path (without its trailing `/`).
    pub draws: fn(&str) -> bool,
    /// The page at a path this module draws.
    pub page: fn(&str) -> AnyView,
    /// "Page not found", for a path of neither module.
    pub not_found: fn() -> AnyView,
}

#[component]
pub fn App(pages: Pages) -> impl IntoView {
    let start = services::locale::initial();
    let i18n = I18n::provide(start.locale);
    let root = Root::start(RootKind::App { draws: pages.draws });
    // Always there in the standalone app.
    let location = root.location;
    services::offline::register_service_worker();
    Effect::new(move |_| {
        let locale = i18n.locale();
        services::locale::apply_to_document(locale);
        crash::remember_locale(locale);
    });
    if crash::trip_wire_requested() {
        Effect::new(|_| panic!("crash test requested on this device"));
    }

    crate::static_shell::replace_when_ready(root.config);
    // A memo, so the page is built again only when the path really changes.
    let path = Memo::new(move |_| location.map(|l| l.path()).unwrap_or_default());
    let page = move || {
        let path = path.get();
        let path = path.trim_end_matches('/');
        if location.is_some_and(|l| l.draws(path)) {
            (pages.page)(path)
        } else if load_elsewhere(path) {
            view! { <p class="loading" role="status">{tr(Msg::Loading)}</p> }.into_any()
        } else {
            (pages.not_found)()
        }
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

/// A page of the other module, in this one: a host that serves one page for every address sent it
/// (docs/hosting.md asks for each page's own). Its own file is loaded instead, with the address's query
/// (`/track?ref=…` → `/track.html?ref=…`, `/` → `/index.html`); a file name is never tried twice, so a host
/// without that file ends at "page not found", not in a loop. `false` when nothing was loaded.
fn load_elsewhere(path: &str) -> bool {
    if path
        .rsplit('/')
        .next()
        .is_some_and(|name| name.contains('.'))
    {
        return false;
    }
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return false;
    };
    let file = if path.is_empty() {
        "/index.html".to_owned()
    } else {
        format!("{path}.html")
    };
    let search = location.search().unwrap_or_default();
    location.replace(&format!("{file}{search}")).is_ok()
}
