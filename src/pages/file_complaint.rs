use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::filing::{FilingFlow, StepTitle};
use crate::i18n::use_i18n;
use crate::org_config::WithConfig;

/// `/`: loads the organisation's configuration, then runs the filing flow. The page's `h1` is the step's
/// question (the flow's `StepHeading`), or the load error's title when the form cannot open; the document's
/// title follows it: "What happened? – Make a complaint – Complaint desk".
#[component]
pub fn FileComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let step = StepTitle::provide();
    Effect::new(move |_| {
        let page = format!("{} – {}", i18n.t(Msg::NavFile), i18n.t(Msg::SiteName));
        let title = match step.get() {
            Some(step) => format!("{} – {page}", i18n.t(step)),
            None => page,
        };
        document().set_title(&title);
    });
    view! {
        <WithConfig render=|config| view! { <FilingFlow config=config /> }.into_any() error_is_page_heading=true />
    }
}
