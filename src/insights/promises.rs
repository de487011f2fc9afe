//! "What we promise": each category's service levels from the organisation's config, in its own words.

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use complaint_domain::residence::country_name;
use complaint_domain::service_levels::StepRules;
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
            let acknowledge = (!levels.acknowledge.is_empty()).then(|| {
                view! {
                    <dt>{tr(Msg::InsightsAcknowledge)}</dt>{rules(levels.acknowledge)}
                }
            });
            let decide = (!levels.decide.is_empty()).then(|| {
                view! {
                    <dt>{tr(Msg::InsightsDecide)}</dt>{rules(levels.decide)}
                }
            });
            view! {
                <li>
                    <h3 class="promise__category">{move || i18n.pick(&label)}</h3>
                    <dl class="promise">{acknowledge}{decide}</dl>
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

/// A step's rules, each in its own words; a statutory one says who it is for ("If you live in Poland").
fn rules(rules: StepRules) -> impl IntoView {
    let i18n = use_i18n();
    rules
        .0
        .into_iter()
        .map(|level| {
            let countries = level.applies_to.map(|scope| scope.consumer_country);
            let rule = level.rule;
            let scope = countries.map(|codes| {
                move || {
                    let names: Vec<&str> = codes
                        .iter()
                        .map(|c| country_name(c, i18n.locale()))
                        .collect();
                    i18n.format(Msg::RuleForCountries, &[("countries", &names.join(", "))])
                }
            });
            view! {
                <dd>
                    {scope.map(|s| view! { <span class="promise__scope">{s}</span>" " })}
                    {move || i18n.pick(&rule)}
                </dd>
            }
        })
        .collect_view()
}
