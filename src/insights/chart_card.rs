//! One chart with its heading, and a button that shows the same figures as a table instead.

use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::i18n::tr;

/// A section titled `title` with the chart, or the table when the customer asks for it. The button says
/// what it will show next; its `aria-pressed` says whether the table is showing.
#[component]
pub fn ChartCard(
    id: &'static str,
    title: Msg,
    chart: ViewFn,
    table: ViewFn,
    #[prop(optional)] note: Option<Msg>,
) -> impl IntoView {
    let as_table = RwSignal::new(false);
    let heading = format!("{id}-title");
    let label = move || {
        if as_table.get() {
            tr(Msg::InsightsShowChart)()
        } else {
            tr(Msg::InsightsShowTable)()
        }
    };
    view! {
        <section class="chart-card" aria-labelledby=heading.clone()>
            <div class="chart-card__head">
                <h2 id=heading.clone()>{tr(title)}</h2>
                <button
                    type="button"
                    class="button button--secondary chart-card__toggle"
                    aria-pressed=move || if as_table.get() { "true" } else { "false" }
                    on:click=move |_| as_table.update(|t| *t = !*t)
                >
                    {label}
                </button>
            </div>
            {note.map(|n| view! { <p class="chart-card__note">{tr(n)}</p> })}
            {move || if as_table.get() { table.run() } else { chart.run() }}
        </section>
    }
}
