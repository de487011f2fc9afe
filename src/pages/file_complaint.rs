use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::{use_page_title, WithConfig};
use crate::filing::FilingFlow;
use crate::i18n::tr;

/// `/`: loads the organisation's configuration, then runs the filing flow.
#[component]
pub fn FileComplaintPage() -> impl IntoView {
    use_page_title(Msg::NavFile);
    view! {
        <h1 class="page-title">{tr(Msg::NavFile)}</h1>
        <WithConfig render=|config| view! { <FilingFlow config=config /> }.into_any() />
    }
}
