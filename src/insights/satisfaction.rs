//! "How satisfied customers were": the average rating per category over the weeks shown (weighted by the
//! ratings each week had), as bars out of 5; and what is past a promised date now.

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use complaint_domain::insights::{CheckedInsights, Figure, SUPPRESS_BELOW};
use leptos::prelude::*;

use super::chart_card::ChartCard;
use super::figures::text;
use crate::i18n::{tr, use_i18n};

/// The average over the weeks whose figures are published, and how many ratings that is; suppressed when
/// the published ratings add up to fewer than 5.
fn overall(checked: &CheckedInsights, category: Option<&str>) -> (Option<Figure>, Option<Figure>) {
    let (mut sum, mut count) = (0.0, 0.0);
    for week in &checked.weeks {
        let Some(row) = checked.row(week, category) else {
            continue;
        };
        if let (Some(Figure::Value(avg)), Some(Figure::Value(n))) =
            (row.rating_average, row.rating_count)
        {
            sum += avg * n;
            count += n;
        }
    }
    if count == 0.0 {
        (None, None)
    } else if count < SUPPRESS_BELOW as f64 {
        (Some(Figure::count(0)), Some(Figure::count(0)))
    } else {
        (
            Some(Figure::Value((sum / count * 10.0).round() / 10.0)),
            Some(Figure::Value(count)),
        )
    }
}

#[component]
pub fn Satisfaction(
    checked: StoredValue<CheckedInsights>,
    config: StoredValue<OrgConfig>,
) -> impl IntoView {
    let lines = move || {
        let mut lines: Vec<(Option<String>, Option<Figure>, Option<Figure>)> =
            config.with_value(|c| {
                c.categories
                    .iter()
                    .map(|cat| {
                        let (avg, n) = checked.with_value(|ch| overall(ch, Some(&cat.id)));
                        (Some(cat.id.clone()), avg, n)
                    })
                    .collect()
            });
        let (avg, n) = checked.with_value(|ch| overall(ch, None));
        lines.push((None, avg, n));
        lines
    };
    let label = move |id: &Option<String>| {
        let i18n = use_i18n();
        match id {
            None => i18n.t(Msg::InsightsAllCategories).to_owned(),
            Some(id) => config.with_value(|c| {
                c.category(id)
                    .map(|c| i18n.pick(&c.label))
                    .unwrap_or_default()
            }),
        }
    };
    let chart = move || {
        let i18n = use_i18n();
        let rows: Vec<_> = lines()
            .into_iter()
            .map(|(id, avg, _)| {
                let width = avg.and_then(Figure::value).map_or(0.0, |v| (v / 5.0 * 100.0).clamp(0.0, 100.0));
                let id2 = id.clone();
                view! {
                    <li class="cause">
                        <span class="cause__label">{move || label(&id2)}</span>
                        <svg class="cause__bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
                            <rect class="series-2" x="0" y="0" height="8" width=format!("{width:.1}") />
                        </svg>
                        <span class="cause__figure">{move || text(i18n, avg, false)}" / 5"</span>
                    </li>
                }
            })
            .collect();
        view! { <ul class="causes" aria-labelledby="satisfaction-title">{rows}</ul> }.into_any()
    };
    let table = move || {
        let i18n = use_i18n();
        let rows: Vec<_> = lines()
            .into_iter()
            .map(|(id, avg, n)| {
                view! {
                    <tr>
                        <th scope="row">{move || label(&id)}</th>
                        <td>{move || text(i18n, avg, false)}</td>
                        <td>{move || text(i18n, n, false)}</td>
                    </tr>
                }
            })
            .collect();
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="satisfaction-title">
                <table class="figures-table">
                    <thead><tr>
                        <th scope="col">{tr(Msg::InsightsCategory)}</th>
                        <th scope="col">{tr(Msg::InsightsRatingAverage)}</th>
                        <th scope="col">{tr(Msg::InsightsRatingCount)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let overdue = move || {
        let i18n = use_i18n();
        let items = checked.with_value(|c| c.overdue_now.clone());
        if items.is_empty() {
            return view! { <p>{tr(Msg::InsightsOverdueNone)}</p> }.into_any();
        }
        let rows: Vec<_> = items
            .into_iter()
            .map(|o| {
                let id = Some(o.category.clone());
                let count = Some(o.count);
                view! { <li>{move || label(&id)}": "{move || text(i18n, count, false)}</li> }
            })
            .collect();
        view! { <ul class="overdue-list">{rows}</ul> }.into_any()
    };
    view! {
        <ChartCard id="satisfaction" title=Msg::InsightsSatisfactionTitle chart=ViewFn::from(chart) table=ViewFn::from(table) />
        <section class="chart-card" aria-labelledby="overdue-title">
            <h2 id="overdue-title">{tr(Msg::InsightsOverdueTitle)}</h2>
            {overdue}
        </section>
    }
}
