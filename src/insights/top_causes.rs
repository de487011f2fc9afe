//! "What went wrong most often": the top causes over the last 13 weeks as horizontal bars, with the last
//! 4 weeks and the trend, labelled from the config.

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use complaint_domain::insights::{CheckedInsights, Trend};
use leptos::prelude::*;

use super::chart_card::ChartCard;
use super::figures::text;
use crate::i18n::{tr, use_i18n};

fn trend_word(trend: Trend) -> Msg {
    match trend {
        Trend::Rising => Msg::InsightsTrendRising,
        Trend::Falling => Msg::InsightsTrendFalling,
        Trend::Steady => Msg::InsightsTrendSteady,
        Trend::Unknown => Msg::InsightsTrendUnknown,
    }
}

fn trend_mark(trend: Trend) -> &'static str {
    match trend {
        Trend::Rising => "↑",
        Trend::Falling => "↓",
        Trend::Steady => "→",
        Trend::Unknown => "",
    }
}

#[component]
pub fn TopCauses(
    checked: StoredValue<CheckedInsights>,
    config: StoredValue<OrgConfig>,
) -> impl IntoView {
    if checked.with_value(|c| c.causes.is_empty()) {
        return ().into_any();
    }
    let label_of = move |id: &str| {
        config.with_value(|c| c.cause(id).map(|c| c.label.clone()).unwrap_or_default())
    };
    let chart = move || {
        let i18n = use_i18n();
        let causes = checked.with_value(|c| c.causes.clone());
        let max = causes
            .iter()
            .filter_map(|c| c.last_13_weeks.value())
            .fold(1.0, f64::max);
        let rows: Vec<_> = causes
            .into_iter()
            .map(|cause| {
                let label = label_of(&cause.cause);
                let width = cause
                    .last_13_weeks
                    .value()
                    .map_or(0.0, |v| (v / max * 100.0).clamp(0.0, 100.0));
                let figure = Some(cause.last_13_weeks);
                let trend = cause.trend;
                view! {
                    <li class="cause">
                        <span class="cause__label">{move || i18n.pick(&label)}</span>
                        <svg class="cause__bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
                            <rect class="series-0" x="0" y="0" height="8" width=format!("{width:.1}") />
                        </svg>
                        <span class="cause__figure">
                            {move || text(i18n, figure, false)}
                            " "
                            <span aria-hidden="true">{trend_mark(trend)}</span>
                            <span class="cause__trend">{tr(trend_word(trend))}</span>
                        </span>
                    </li>
                }
            })
            .collect();
        view! { <ol class="causes" aria-labelledby="causes-title">{rows}</ol> }.into_any()
    };
    let table = move || {
        let i18n = use_i18n();
        let rows: Vec<_> = checked.with_value(|c| {
            c.causes
                .iter()
                .map(|cause| {
                    let label = label_of(&cause.cause);
                    let (four, thirteen, trend) = (
                        Some(cause.last_4_weeks),
                        Some(cause.last_13_weeks),
                        cause.trend,
                    );
                    view! {
                        <tr>
                            <th scope="row">{move || i18n.pick(&label)}</th>
                            <td>{move || text(i18n, four, false)}</td>
                            <td>{move || text(i18n, thirteen, false)}</td>
                            <td>{tr(trend_word(trend))}</td>
                        </tr>
                    }
                })
                .collect()
        });
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="causes-title">
                <table class="figures-table">
                    <thead><tr>
                        <th scope="col">{tr(Msg::InsightsCause)}</th>
                        <th scope="col">{tr(Msg::InsightsLast4)}</th>
                        <th scope="col">{tr(Msg::InsightsLast13)}</th>
                        <th scope="col">{tr(Msg::InsightsTrend)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! { <ChartCard id="causes" title=Msg::InsightsCausesTitle chart=ViewFn::from(chart) table=ViewFn::from(table) /> }
    .into_any()
}
