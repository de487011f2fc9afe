//! The standalone app's pages, one per route.

pub mod file_complaint;
pub mod insights;
pub mod not_found;
pub mod track;

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::components::load_error::LoadError;
use crate::i18n::{tr, use_i18n};
use crate::services::api::{self, ApiBase, FetchError};

/// The organisation's configuration, fetched once for the whole visit and shared by every page, so moving
/// between the form and the tracker neither waits nor fetches again. Try again refetches it.
#[derive(Clone, Copy)]
pub struct SharedConfig(pub LocalResource<Result<OrgConfig, FetchError>>);

impl SharedConfig {
    /// Fetches the config from the API folder in context (the standalone app's own when none is given).
    pub fn provide() {
        let base = use_api_base();
        provide_context(SharedConfig(LocalResource::new(move || {
            api::load_config(base.clone())
        })));
    }
}

/// The API folder this root was mounted with; the standalone app's `/api/v1/` when none was given.
pub fn use_api_base() -> ApiBase {
    use_context::<ApiBase>().unwrap_or_default()
}

/// "Loading…", then `render` with the organisation's config, or the load error with Try again. A page whose
/// `h1` comes with what `render` draws (the filing form's question) has the load error's title as its `h1`.
#[component]
pub fn WithConfig(
    render: fn(OrgConfig) -> AnyView,
    #[prop(optional)] error_is_page_heading: bool,
) -> impl IntoView {
    let config = use_config();
    move || {
        match config.get() {
        None => view! { <p class="loading" role="status">{tr(Msg::Loading)}</p> }.into_any(),
        Some(Ok(config)) => render(config),
        Some(Err(error)) => view! {
            <LoadError error=error on_retry=move || config.refetch() page_heading=error_is_page_heading />
        }
        .into_any(),
    }
    }
}

fn use_config() -> LocalResource<Result<OrgConfig, FetchError>> {
    match use_context::<SharedConfig>() {
        Some(SharedConfig(config)) => config,
        // A page mounted on its own (a test, a future widget) fetches its own.
        None => {
            let base = use_api_base();
            LocalResource::new(move || api::load_config(base.clone()))
        }
    }
}

/// Keeps `<title>` naming the page in the current language (WCAG 2.4.2).
pub fn use_page_title(page: Msg) {
    let i18n = use_i18n();
    Effect::new(move |_| {
        document().set_title(&format!("{} – {}", i18n.t(page), i18n.t(Msg::SiteName)));
    });
}
