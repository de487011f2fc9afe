use complaint_domain::checks::{field, OUTCOME_OTHER_MAX_CHARS};
use complaint_domain::draft::Outcome;
use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::flow::use_flow;
use super::step_form::{StepForm, StepHeading};
use crate::components::error_summary::FieldErrorMessage;
use crate::components::radio::Radio;
use crate::components::text_area::TextArea;
use crate::i18n::msg;

/// Step 4: what the customer wants done; "Something else" asks for words.
#[component]
pub fn OutcomeStep() -> impl IntoView {
    let flow = use_flow();
    let error = flow.error_for(field::OUTCOME);
    let invalid = Signal::derive(move || error.get().is_some());
    // A price reduction is a remedy for goods: offered only where the category is about goods.
    let kind = flow.category().map(|c| c.kind);
    let offered = Outcome::ALL
        .into_iter()
        .filter(move |o| o.offered_for(kind));
    let options = offered.enumerate().map(move |(i, outcome)| {
        // The first radio carries the field's id, so the error summary's link lands on the group.
        let id = if i == 0 { field::OUTCOME.to_owned() } else { format!("{}-{}", field::OUTCOME, outcome.id()) };
        let checked = Signal::derive(move || flow.draft.with(|d| d.outcome == Some(outcome)));
        let select = move || flow.edit(|d| d.outcome = Some(outcome));
        if outcome != Outcome::Other {
            let radio = view! {
                <Radio name=field::OUTCOME id=id value=outcome.id() checked=checked label=msg(outcome.label()) on_select=select invalid=invalid />
            };
            return radio.into_any();
        }
        view! {
            <Radio name=field::OUTCOME id=id value=outcome.id() checked=checked label=msg(outcome.label()) on_select=select invalid=invalid>
                <TextArea
                    id=field::OUTCOME_OTHER
                    label=msg(Msg::OutcomeOtherLabel)
                    value=Signal::derive(move || flow.draft.with(|d| d.outcome_other.clone()))
                    on_input=move |v| flow.edit(|d| d.outcome_other = v)
                    error=flow.error_for(field::OUTCOME_OTHER)
                    max_chars=OUTCOME_OTHER_MAX_CHARS
                />
            </Radio>
        }
        .into_any()
    });
    let options = options.collect_view();
    view! {
        <StepForm>
            <div class="field" class:field--error=move || error.get().is_some()>
                <fieldset class="radios" aria-describedby=move || error.get().map(|_| "outcome-error")>
                    <legend class="question">
                        <StepHeading />
                    </legend>
                    <FieldErrorMessage id="outcome-error" error=error />
                    {options}
                </fieldset>
            </div>
        </StepForm>
    }
}
