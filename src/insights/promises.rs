//! "What we promise": each category's service levels from the organisation's config, in its own words.

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::i18n::{tr, use_i18n};

#[component]
pub fn Promises(config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    let items: Vec<_> = config
        .categories
        .into_iter()
        .map(|category| {
            let levels = category.service_levels.clone();
            let label = category.label.clone();
            let acknowledge = levels.acknowledge.map(|l| l.rule);
            let decide = levels.decide.map(|l| l.rule);
            view! {
                <li>
                    <h3 class="promise__category">{move || i18n.pick(&label)}</h3>
                    <dl class="promise">
                        {acknowledge.map(|rule| view! {
                            <dt>{tr(Msg::InsightsAcknowledge)}</dt><dd>{move || i18n.pick(&rule)}</dd>
                        })}
                        {decide.map(|rule| view! {
                            <dt>{tr(Msg::InsightsDecide)}</dt><dd>{move || i18n.pick(&rule)}</dd>
                        })}
                    </dl>
                </li>
            }
        })
        .collect();
    view! {
        <section class="promises" aria-labelledby="promises-title">
            <h2 id="promises-title">{tr(Msg::InsightsPromisesTitle)}</h2>
            <ul class="promise-list">{items}</ul>
        </section>
    }
}
