//! The standalone app's pages, one per route, and which Wasm module draws which (`Pages::FILING`,
//! `Pages::TRACKER`).

pub mod file_complaint;
pub mod insights;
pub mod not_found;
pub mod track;

use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::app::Pages;
use crate::i18n::use_i18n;
use file_complaint::FileComplaintPage;
use insights::InsightsPage;
use not_found::NotFoundPage;
use track::TrackPage;

/// The tracker module's addresses: its routes, and its pages' files (`track.html`), which is where the
/// other module sends a customer a host served the wrong page to (`load_elsewhere` in `app.rs`).
const TRACKER_PATHS: [&str; 4] = ["/track", "/track.html", "/insights", "/insights.html"];
/// The filing module's own page; any other path it does not know gets its "page not found".
const FILING_PATHS: [&str; 2] = ["", "/index.html"];

impl Pages {
    /// The filing page (`src/main.rs`), and "page not found" for any address of neither module.
    pub const FILING: Pages = Pages {
        draws: |path| !TRACKER_PATHS.contains(&path),
        page: |path| match path {
            "" | "/index.html" => view! { <FileComplaintPage /> }.into_any(),
            _ => view! { <NotFoundPage /> }.into_any(),
        },
        not_found: || view! { <NotFoundPage /> }.into_any(),
    };
    /// The tracker and the insights (`src/bin/tracker.rs`).
    pub const TRACKER: Pages = Pages {
        draws: |path| !FILING_PATHS.contains(&path),
        page: |path| match path {
            "/track" | "/track.html" => view! { <TrackPage /> }.into_any(),
            "/insights" | "/insights.html" => view! { <InsightsPage /> }.into_any(),
            _ => view! { <NotFoundPage /> }.into_any(),
        },
        not_found: || view! { <NotFoundPage /> }.into_any(),
    };
}

/// Keeps `<title>` naming the page in the current language (WCAG 2.4.2).
pub fn use_page_title(page: Msg) {
    let i18n = use_i18n();
    Effect::new(move |_| {
        document().set_title(&format!("{} – {}", i18n.t(page), i18n.t(Msg::SiteName)));
    });
}
