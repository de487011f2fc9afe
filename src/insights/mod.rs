//! The page "How we handle complaints" (`/insights`): the organisation's promises from its config and how
//! well it kept them, from the published `insights.json` (`docs/insights.md`). Self-contained: the charts
//! are small SVG components of our own (no chart library), each with its figures in a table one button
//! away; the file is checked and capped by the domain (`complaint_domain::insights`) before anything is
//! drawn, and a missing or broken file is a calm message that leaves the rest of the app alone.

mod chart_card;
mod figures;
mod load;
mod on_time_line;
mod promises;
mod satisfaction;
mod top_causes;
mod weekly_bars;

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::{Counted, Msg};
use complaint_domain::insights::CheckedInsights;
use leptos::prelude::*;

use crate::i18n::{tr, use_i18n};
use crate::org_config::use_api_base;

pub use load::load_insights;

/// The promises, then the figures once the file has come (or a calm note when it cannot).
#[component]
pub fn HowWeAreDoing(config: OrgConfig) -> impl IntoView {
    let base = use_api_base();
    let config = StoredValue::new(config);
    let insights = LocalResource::new(move || {
        let base = base.clone();
        async move { load_insights(base, config.get_value()).await }
    });
    let figures = move || match insights.get() {
        None => view! { <p class="loading" role="status">{tr(Msg::Loading)}</p> }.into_any(),
        Some(Ok(checked)) => {
            view! { <Figures checked=checked config=config.get_value() /> }.into_any()
        }
        Some(Err(problem)) => {
            web_sys::console::warn_1(&format!("insights: {}", problem.detail()).into());
            view! {
                <div class="notice insights-unavailable" role="status">
                    <p>{tr(Msg::InsightsUnavailable)}</p>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <p class="insights-intro">{tr(Msg::InsightsIntro)}</p>
        <promises::Promises config=config.get_value() />
        <div class="insights">{figures}</div>
    }
}

#[component]
fn Figures(checked: CheckedInsights, config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    if checked.weeks.is_empty() {
        return view! { <p class="insights-empty">{tr(Msg::InsightsEmpty)}</p> }.into_any();
    }
    let generated = checked.generated_at;
    let updated = move || {
        let date = crate::services::clock::local_date_of(generated.epoch_ms())
            .map(|d| crate::services::clock::format_date(d, i18n.locale()))
            .unwrap_or_default();
        i18n.format(Msg::InsightsUpdated, &[("date", &date)])
    };
    let capped = checked.weeks_left_out > 0;
    let dropped = checked.dropped > 0;
    let shown_weeks = checked.weeks.len() as u64;
    let checked = StoredValue::new(checked);
    let config = StoredValue::new(config);
    view! {
        <p class="insights-updated">{updated}</p>
        {(capped || dropped).then(|| view! {
            <div class="notice insights-capped" role="note">
                {capped.then(|| {
                    view! { <p>{move || i18n.count(Counted::InsightsWeeksShown, shown_weeks)}</p> }
                })}
                {dropped.then(|| view! { <p>{tr(Msg::InsightsDropped)}</p> })}
            </div>
        })}
        <weekly_bars::WeeklyBars checked=checked config=config />
        <on_time_line::OnTimeLine checked=checked />
        <top_causes::TopCauses checked=checked config=config />
        <satisfaction::Satisfaction checked=checked config=config />
    }
    .into_any()
}
