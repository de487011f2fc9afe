use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::use_page_title;
use crate::i18n::tr;
use crate::insights::HowWeAreDoing;
use crate::org_config::WithConfig;

/// `/insights`: "How we handle complaints", once the organisation's config (its promises, categories and
/// causes) is in; everything else lives in `crate::insights`.
#[component]
pub fn InsightsPage() -> impl IntoView {
    use_page_title(Msg::InsightsTitle);
    view! {
        <div class="insights-page">
            <h1 class="page-title">{tr(Msg::InsightsTitle)}</h1>
            <WithConfig render=|config| view! { <HowWeAreDoing config=config /> }.into_any() />
        </div>
    }
}
