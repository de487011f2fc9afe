use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::{use_config, use_page_title};
use crate::components::load_error::LoadError;
use crate::filing::FilingFlow;
use crate::i18n::tr;

/// `/`: loads the organisation's configuration, then runs the filing flow.
#[component]
pub fn FileComplaintPage() -> impl IntoView {
    use_page_title(Msg::NavFile);
    let config = use_config();
    view! {
        <h1 class="page-title">{tr(Msg::NavFile)}</h1>
        {move || match config.get() {
            None => view! { <p class="loading" role="status">{tr(Msg::Loading)}</p> }.into_any(),
            Some(Ok(config)) => view! { <FilingFlow config=config /> }.into_any(),
            Some(Err(error)) => view! { <LoadError error=error on_retry=move || config.refetch() /> }.into_any(),
        }}
    }
}
