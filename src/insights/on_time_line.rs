//! "Decided within the promised time": the weekly share of every category together, as a line against
//! the promise (every complaint on time, 100%).

use complaint_domain::i18n::Msg;
use complaint_domain::insights::CheckedInsights;
use leptos::prelude::*;

use super::chart_card::ChartCard;
use super::figures::text;
use super::figures::week_name;
use super::weekly_bars::{week_labels, BOTTOM, HEIGHT, LEFT, TOP, WIDTH};
use crate::i18n::{tr, use_i18n};

#[component]
pub fn OnTimeLine(checked: StoredValue<CheckedInsights>) -> impl IntoView {
    let chart = move || {
        let weeks = checked.with_value(|c| c.weeks.clone());
        let plot_h = HEIGHT - BOTTOM - TOP;
        let slot = (WIDTH - LEFT) / weeks.len().max(1) as f64;
        let y_of = |pct: f64| HEIGHT - BOTTOM - pct.clamp(0.0, 100.0) / 100.0 * plot_h;
        let points: Vec<(f64, f64)> = weeks
            .iter()
            .enumerate()
            .filter_map(|(i, week)| {
                let v = checked.with_value(|c| c.row(week, None)?.decided_on_time?.value())?;
                Some((LEFT + i as f64 * slot + slot / 2.0, y_of(v)))
            })
            .collect();
        let path: String = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect::<Vec<_>>()
            .join(" ");
        let dots: Vec<_> = points
            .iter()
            .map(|(x, y)| view! { <circle class="chart-dot" cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.5" /> })
            .collect();
        let labels = week_labels(&weeks, slot);
        let promise_y = format!("{:.1}", y_of(100.0));
        let half_y = format!("{:.1}", y_of(50.0));
        view! {
            <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="on-time-title">
                <line class="chart-rule" x1=LEFT.to_string() x2=WIDTH.to_string() y1=(HEIGHT - BOTTOM).to_string() y2=(HEIGHT - BOTTOM).to_string() />
                <line class="chart-promise" x1=LEFT.to_string() x2=WIDTH.to_string() y1=promise_y.clone() y2=promise_y.clone() />
                <line class="chart-grid" x1=LEFT.to_string() x2=WIDTH.to_string() y1=half_y.clone() y2=half_y.clone() />
                <text class="chart-axis" x=(LEFT - 4.0).to_string() y=promise_y text-anchor="end">"100%"</text>
                <text class="chart-axis" x=(LEFT - 4.0).to_string() y=half_y text-anchor="end">"50%"</text>
                <text class="chart-axis" x=(LEFT - 4.0).to_string() y=(HEIGHT - BOTTOM).to_string() text-anchor="end">"0"</text>
                <polyline class="chart-line" points=path />
                {dots}
                {labels}
            </svg>
        }
        .into_any()
    };
    let table = move || {
        let i18n = use_i18n();
        let rows: Vec<_> = checked.with_value(|c| {
            c.weeks
                .iter()
                .map(|week| {
                    let row = c.row(week, None);
                    let on_time = row.and_then(|r| r.decided_on_time);
                    let median = row.and_then(|r| r.days_to_decision_median);
                    let p90 = row.and_then(|r| r.days_to_decision_p90);
                    view! {
                        <tr>
                            <th scope="row">{let week = week.clone(); move || week_name(i18n, &week)}</th>
                            <td>{move || text(i18n, on_time, true)}</td>
                            <td>{move || text(i18n, median, false)}</td>
                            <td>{move || text(i18n, p90, false)}</td>
                        </tr>
                    }
                })
                .collect()
        });
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="on-time-title">
                <table class="figures-table">
                    <thead><tr>
                        <th scope="col">{tr(Msg::InsightsWeek)}</th>
                        <th scope="col">{tr(Msg::InsightsOnTimeShare)}</th>
                        <th scope="col">{tr(Msg::InsightsDaysMedian)}</th>
                        <th scope="col">{tr(Msg::InsightsDaysP90)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <ChartCard id="on-time" title=Msg::InsightsOnTimeTitle note=Msg::InsightsOnTimeNote
            chart=ViewFn::from(chart) table=ViewFn::from(table) />
    }
}
