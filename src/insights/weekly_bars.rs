//! "Complaints received each week": one bar a week, stacked by category, with the legend and the table.

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use complaint_domain::insights::CheckedInsights;
use leptos::prelude::*;

use super::chart_card::ChartCard;
use super::figures::{short_week, text, week_name};
use crate::i18n::{tr, use_i18n};

pub const WIDTH: f64 = 320.0;
pub const HEIGHT: f64 = 180.0;
pub const LEFT: f64 = 30.0;
pub const BOTTOM: f64 = 22.0;
pub const TOP: f64 = 8.0;

/// The colour class of the `i`-th category (six, then again).
pub fn series_class(i: usize) -> String {
    format!("series-{}", i % 6)
}

/// A round number at or above `max` for the axis' top.
pub fn nice_top(max: f64) -> f64 {
    if max <= 5.0 {
        return 5.0;
    }
    let step = 10f64.powf(max.log10().floor());
    let top = (max / step).ceil() * step;
    if top / 2.0 >= max {
        top / 2.0
    } else {
        top
    }
}

#[component]
pub fn WeeklyBars(
    checked: StoredValue<CheckedInsights>,
    config: StoredValue<OrgConfig>,
) -> impl IntoView {
    let chart = move || {
        let i18n = use_i18n();
        let weeks = checked.with_value(|c| c.weeks.clone());
        let categories = config.with_value(|c| c.categories.clone());
        let stacks: Vec<Vec<f64>> = weeks
            .iter()
            .map(|week| {
                categories
                    .iter()
                    .map(|category| {
                        checked.with_value(|c| {
                            c.row(week, Some(&category.id))
                                .and_then(|r| r.received.value())
                                .unwrap_or(0.0)
                        })
                    })
                    .collect()
            })
            .collect();
        let max = stacks
            .iter()
            .map(|s| s.iter().sum::<f64>())
            .fold(0.0, f64::max);
        let top = nice_top(max);
        let plot_h = HEIGHT - BOTTOM - TOP;
        let slot = (WIDTH - LEFT) / weeks.len().max(1) as f64;
        let bar_w = (slot * 0.7).max(1.0);
        let mut rects = Vec::new();
        for (i, stack) in stacks.iter().enumerate() {
            let x = LEFT + i as f64 * slot + (slot - bar_w) / 2.0;
            let mut y = HEIGHT - BOTTOM;
            for (k, v) in stack.iter().enumerate() {
                if *v <= 0.0 {
                    continue;
                }
                let h = v / top * plot_h;
                y -= h;
                rects.push(view! {
                    <rect class=series_class(k) x=format!("{x:.1}") y=format!("{y:.1}")
                        width=format!("{bar_w:.1}") height=format!("{h:.1}") />
                });
            }
        }
        let labels = week_labels(&weeks, slot);
        let top_label = format!("{top:.0}");
        let legend: Vec<_> = categories
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let label = c.label.clone();
                view! {
                    <li><svg class="legend-swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class=series_class(k) width="10" height="10" /></svg>
                        {move || i18n.pick(&label)}</li>
                }
            })
            .collect();
        view! {
            <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="received-title">
                <line class="chart-rule" x1=LEFT.to_string() x2=WIDTH.to_string() y1=(HEIGHT - BOTTOM).to_string() y2=(HEIGHT - BOTTOM).to_string() />
                <line class="chart-grid" x1=LEFT.to_string() x2=WIDTH.to_string() y1=TOP.to_string() y2=TOP.to_string() />
                <text class="chart-axis" x=(LEFT - 4.0).to_string() y=(TOP + 4.0).to_string() text-anchor="end">{top_label}</text>
                <text class="chart-axis" x=(LEFT - 4.0).to_string() y=(HEIGHT - BOTTOM).to_string() text-anchor="end">"0"</text>
                {rects}
                {labels}
            </svg>
            <ul class="chart-legend">{legend}</ul>
        }
        .into_any()
    };
    let table = move || {
        let i18n = use_i18n();
        let categories = config.with_value(|c| c.categories.clone());
        let head: Vec<_> = categories
            .iter()
            .map(|c| {
                let label = c.label.clone();
                view! { <th scope="col">{move || i18n.pick(&label)}</th> }
            })
            .collect();
        let rows: Vec<_> = checked.with_value(|c| {
            c.weeks
                .iter()
                .map(|week| {
                    let cells: Vec<_> = categories
                        .iter()
                        .map(|cat| {
                            let figure = c.row(week, Some(&cat.id)).map(|r| r.received);
                            view! { <td>{move || text(i18n, figure, false)}</td> }
                        })
                        .collect();
                    let total = c.row(week, None).map(|r| r.received);
                    view! {
                        <tr><th scope="row">{let week = week.clone(); move || week_name(i18n, &week)}</th>{cells}<td>{move || text(i18n, total, false)}</td></tr>
                    }
                })
                .collect()
        });
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="received-title">
                <table class="figures-table">
                    <thead><tr><th scope="col">{tr(Msg::InsightsWeek)}</th>{head}<th scope="col">{tr(Msg::InsightsAllCategories)}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! { <ChartCard id="received" title=Msg::InsightsReceivedTitle chart=ViewFn::from(chart) table=ViewFn::from(table) /> }
}

/// The week labels under a chart whose weeks each take `slot` across: about six, the last always shown.
pub fn week_labels(weeks: &[String], slot: f64) -> Vec<impl IntoView> {
    let i18n = use_i18n();
    let every = weeks.len().div_ceil(6).max(1);
    weeks
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || *i + 1 == weeks.len())
        .map(|(i, w)| {
            let x = LEFT + i as f64 * slot + slot / 2.0;
            view! { <text class="chart-axis" x=format!("{x:.1}") y=format!("{:.1}", HEIGHT - 6.0) text-anchor="middle">{let w = w.clone(); move || short_week(i18n, &w)}</text> }
        })
        .collect()
}
