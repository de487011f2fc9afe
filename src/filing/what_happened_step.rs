use complaint_domain::checks::field;
use complaint_domain::config::{Question, QuestionInput};
use complaint_domain::i18n::Msg;
use complaint_domain::money;
use leptos::prelude::*;

use super::flow::use_flow;
use super::step_form::{StepForm, StepHeading};
use crate::components::text_area::TextArea;
use crate::components::text_field::TextField;
use crate::i18n::{msg, use_i18n};

/// Step 3: the description (with a live count), when it happened, and the category's own questions.
#[component]
pub fn WhatHappenedStep() -> impl IntoView {
    let flow = use_flow();
    let max = flow.config.with_value(|c| c.limits.description_max_chars);
    let questions = flow.category().map(|c| c.questions).unwrap_or_default();
    view! {
        <StepForm>
            <StepHeading />
            <TextArea
                id=field::DESCRIPTION
                label=msg(Msg::DescriptionLabel)
                hint=Some(msg(Msg::DescriptionHint))
                value=Signal::derive(move || flow.draft.with(|d| d.description.clone()))
                on_input=move |v| flow.edit(|d| d.description = v)
                error=flow.error_for(field::DESCRIPTION)
                max_chars=max
            />
            <TextField
                id=field::HAPPENED_ON
                label=msg(Msg::HappenedOnLabel)
                hint=Some(msg(Msg::HappenedOnHint))
                input_type="date"
                value=Signal::derive(move || flow.draft.with(|d| d.happened_on.clone()))
                on_input=move |v| flow.edit(|d| d.happened_on = v)
                error=flow.error_for(field::HAPPENED_ON)
            />
            {questions.into_iter().map(|q| view! { <CategoryQuestion question=q /> }).collect_view()}
        </StepForm>
    }
}

#[component]
fn CategoryQuestion(question: Question) -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let id = question.id.clone();
    let value = {
        let id = id.clone();
        Signal::derive(move || {
            flow.draft
                .with(|d| d.details.get(&id).cloned().unwrap_or_default())
        })
    };
    let on_input = {
        let id = id.clone();
        move |v: String| flow.edit(|d| _ = d.details.insert(id.clone(), v))
    };
    let (input_type, input_mode) = match question.input {
        QuestionInput::Text => ("text", None),
        QuestionInput::Date => ("date", None),
        QuestionInput::Amount => ("text", Some("decimal")),
    };
    let label = question.label.clone();
    let hint = question.hint.clone().filter(|h| !h.is_blank());
    // A money question the organisation wrote no hint for shows an amount in the currency it bills in.
    let currency = flow
        .config
        .with_value(|c| c.organisation.main_currency().map(str::to_owned))
        .filter(|_| question.input == QuestionInput::Amount);
    let hint = match (hint, currency) {
        (Some(h), _) => Some(Signal::derive(move || i18n.pick(&h))),
        (None, Some(code)) => Some(Signal::derive(move || {
            let amount = money::example_amount(&code, i18n.locale());
            i18n.format(Msg::AmountExample, &[("amount", &amount)])
        })),
        (None, None) => None,
    };
    view! {
        <TextField
            id=field::detail(&id)
            label=Signal::derive(move || i18n.pick(&label))
            hint=hint
            input_type=input_type
            input_mode=input_mode.unwrap_or("text")
            value=value
            on_input=on_input
            error=flow.error_for(field::detail(&id))
        />
    }
}
