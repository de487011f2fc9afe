//! The organisation's configuration for a root, and the API folder it comes from: fetched once per root
//! (the standalone app's visit, or one widget) and shared by every page and the widget, so moving between
//! the form and the tracker neither waits nor fetches again. The root provides it ([`crate::root::Root`]).

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::components::load_error::LoadError;
use crate::i18n::tr;
use crate::root_context::from_root;
use crate::services::api::{self, ApiBase, FetchError};

/// The organisation's configuration, fetched once for the whole visit and shared by every page, so moving
/// between the form and the tracker neither waits nor fetches again. Try again refetches it.
#[derive(Clone, Copy)]
pub struct SharedConfig(pub LocalResource<Result<OrgConfig, FetchError>>);

impl SharedConfig {
    /// Provides the root's API folder and fetches the config from it.
    pub(crate) fn provide(base: ApiBase) -> SharedConfig {
        provide_context(base.clone());
        let config = SharedConfig(LocalResource::new(move || api::load_config(base.clone())));
        provide_context(config);
        config
    }
}

/// The API folder this root was mounted with (the standalone app's is `/api/v1/`, also the default).
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
        match config.and_then(|c| c.get()) {
        None => view! { <p class="loading" role="status">{tr(Msg::Loading)}</p> }.into_any(),
        Some(Ok(config)) => render(config),
        Some(Err(error)) => view! {
            <LoadError error=error on_retry=move || if let Some(c) = config { c.refetch() } page_heading=error_is_page_heading />
        }
        .into_any(),
    }
    }
}

fn use_config() -> Option<LocalResource<Result<OrgConfig, FetchError>>> {
    // A root built without `Root::start` is a bug (loud in debug builds); in release its page says "Loading…".
    from_root::<SharedConfig>().map(|SharedConfig(config)| config)
}
