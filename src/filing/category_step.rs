use complaint_domain::config::OrgConfig;
use complaint_domain::draft::Draft;
use complaint_domain::i18n::Msg;
use complaint_domain::steps::{check_category, CATEGORY_FIELD};
use complaint_domain::validation::FieldError;
use leptos::prelude::*;

use crate::components::error_summary::{ErrorSummary, FieldErrorMessage};
use crate::i18n::{tr, use_i18n};
use crate::services::device;

/// Step 1: what the complaint is about, as a radio group whose legend is the question.
#[component]
pub fn CategoryStep(
    config: StoredValue<OrgConfig>,
    draft: RwSignal<Draft>,
    #[prop(into)] on_continue: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<FieldError>);
    let errors = Signal::derive(move || error.get().into_iter().collect::<Vec<_>>());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let result =
            config.with_value(|c| draft.with(|d| check_category(d.category.as_deref(), c)));
        match result {
            Ok(()) => on_continue.run(()),
            Err(e) => error.set(Some(e)),
        }
    };
    let choose = move |id: String| {
        draft.update(|d| {
            d.category = Some(id);
            d.touch(device::now_ms());
        });
        error.set(None);
    };
    let options = config.with_value(|c| c.categories.clone()).into_iter().enumerate().map(move |(i, category)| {
        // The first radio carries the field's id, so the error summary's link lands on the group.
        let input_id = if i == 0 { CATEGORY_FIELD.to_owned() } else { format!("{CATEGORY_FIELD}-{}", category.id) };
        let hint_id = format!("{input_id}-hint");
        let id = category.id.clone();
        let is_chosen = {
            let id = id.clone();
            move || draft.with(|d| d.category.as_deref() == Some(id.as_str()))
        };
        let label = category.label.clone();
        let hint = category.hint.clone().filter(|h| !h.is_blank());
        view! {
            <div class="radio">
                <input
                    class="radio__input"
                    type="radio"
                    name=CATEGORY_FIELD
                    id=input_id.clone()
                    value=id.clone()
                    prop:checked=is_chosen
                    aria-describedby=hint.is_some().then(|| hint_id.clone())
                    on:change=move |_| choose(id.clone())
                />
                <label class="radio__label" for=input_id>{move || label.get(i18n.locale()).to_owned()}</label>
                {hint.map(|h| view! { <p class="hint radio__hint" id=hint_id>{move || h.get(i18n.locale()).to_owned()}</p> })}
            </div>
        }
    });
    let options = options.collect_view();
    view! {
        <form class="step" novalidate on:submit=submit>
            <ErrorSummary errors=errors />
            <div class="field" class:field--error=move || error.get().is_some()>
                <fieldset
                    class="radios"
                    aria-describedby=move || {
                        if error.get().is_some() { "category-hint category-error" } else { "category-hint" }
                    }
                >
                    <legend class="question">
                        <h2 class="question__text">{tr(Msg::CategoryQuestion)}</h2>
                    </legend>
                    <p class="hint" id="category-hint">{tr(Msg::CategoryHint)}</p>
                    <FieldErrorMessage id="category-error" error=error />
                    {options}
                </fieldset>
            </div>
            <button type="submit" class="button">{tr(Msg::Continue)}</button>
        </form>
    }
}
