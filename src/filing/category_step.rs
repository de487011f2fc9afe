use complaint_domain::i18n::Msg;
use complaint_domain::steps::CATEGORY_FIELD;
use leptos::prelude::*;

use super::flow::use_flow;
use super::step_form::{StepForm, StepHeading};
use crate::components::error_summary::FieldErrorMessage;
use crate::components::radio::Radio;
use crate::i18n::{tr, use_i18n};

/// Step 1: what the complaint is about, as a radio group whose legend is the question.
#[component]
pub fn CategoryStep() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let error = flow.error_for(CATEGORY_FIELD);
    let options = flow
        .config
        .with_value(|c| c.categories.clone())
        .into_iter()
        .enumerate()
        .map(move |(i, category)| {
            // The first radio carries the field's id, so the error summary's link lands on the group.
            let id = if i == 0 {
                CATEGORY_FIELD.to_owned()
            } else {
                format!("{CATEGORY_FIELD}-{}", category.id)
            };
            let value = category.id.clone();
            let chosen = {
                let value = value.clone();
                move || {
                    flow.draft.with(|d| match &d.category {
                        Some(chosen) => *chosen == value,
                        None => flow.suggested.with(|s| s.as_ref() == Some(&value)),
                    })
                }
            };
            let select = {
                let value = value.clone();
                move || flow.edit(|d| d.category = Some(value.clone()))
            };
            let label = category.label.clone();
            let label_lang = category.label.clone();
            let hint = category.hint.clone().filter(|h| !h.is_blank());
            // Each text falls back on its own: a hint translated where the label is not is shown translated.
            let hint_lang = hint.clone();
            view! {
                <Radio
                    name=CATEGORY_FIELD
                    id=id
                    value=value
                    checked=Signal::derive(chosen)
                    label=Signal::derive(move || i18n.pick(&label))
                    language=Signal::derive(move || i18n.other_language(&label_lang))
                    hint=hint.map(|h| Signal::derive(move || i18n.pick(&h)))
                    hint_language=Signal::derive(move || hint_lang.as_ref().and_then(|h| i18n.other_language(h)))
                    on_select=select
                    invalid=Signal::derive(move || error.get().is_some())
                />
            }
        });
    let options = options.collect_view();
    view! {
        <StepForm>
            <div class="field" class:field--error=move || error.get().is_some()>
                <fieldset
                    class="radios"
                    aria-describedby=move || {
                        if error.get().is_some() { "category-question-hint category-error" } else { "category-question-hint" }
                    }
                >
                    <legend class="question">
                        <StepHeading />
                    </legend>
                    <p class="hint" id="category-question-hint">{tr(Msg::CategoryHint)}</p>
                    {move || flow.suggestion_not_offered.get().then(|| view! {
                        <p class="notice" role="status">{tr(Msg::CategoryNotOffered)}</p>
                    })}
                    <FieldErrorMessage id="category-error" error=error />
                    {options}
                </fieldset>
            </div>
        </StepForm>
    }
}
