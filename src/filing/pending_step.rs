use complaint_domain::config::OrgConfig;
use complaint_domain::draft::Draft;
use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::i18n::{tr, use_i18n};

/// Stands in for the steps still being built: confirms the answer so far and offers the way back.
#[component]
pub fn PendingStep(
    config: StoredValue<OrgConfig>,
    draft: RwSignal<Draft>,
    #[prop(into)] on_back: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = move || {
        let label = draft.with(|d| {
            d.category.as_deref().and_then(|id| {
                config.with_value(|c| {
                    c.category(id)
                        .map(|c| c.label.get(i18n.locale()).to_owned())
                })
            })
        });
        i18n.format(
            Msg::CategoryChosen,
            &[("category", &label.unwrap_or_default())],
        )
    };
    view! {
        <section class="step">
            <button type="button" class="back-link" on:click=move |_| on_back.run(())>{tr(Msg::Back)}</button>
            <h2 class="question__text">{chosen}</h2>
            <p class="notice" role="status">{tr(Msg::StepNotReady)}</p>
        </section>
    }
}
