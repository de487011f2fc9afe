use complaint_domain::checks::field;
use complaint_domain::i18n::Msg;
use complaint_domain::residence::{countries_asked, country_name, Residence};
use leptos::prelude::*;

use super::flow::use_flow;
use super::step_form::{StepForm, StepHeading};
use crate::components::error_summary::FieldErrorMessage;
use crate::components::radio::Radio;
use crate::i18n::{msg, tr, use_i18n};

/// "Where do you live?": asked only where the chosen category's deadlines depend on it (a statutory rule for
/// consumers in some countries). The countries those rules name, then "Somewhere else"; nothing is chosen
/// for the customer (the page's language says nothing about where they live).
#[component]
pub fn ResidenceStep() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let error = flow.error_for(field::RESIDENCE);
    let invalid = Signal::derive(move || error.get().is_some());
    let countries = countries_asked(flow.category().as_ref());
    let choices = countries
        .into_iter()
        .map(Residence::In)
        .chain([Residence::Elsewhere])
        .enumerate()
        .map(move |(i, choice)| {
            let value = choice.country().unwrap_or("elsewhere").to_ascii_lowercase();
            // The first radio carries the field's id, so the error summary's link lands on the group.
            let id = if i == 0 { field::RESIDENCE.to_owned() } else { format!("{}-{value}", field::RESIDENCE) };
            let label = match choice.clone() {
                Residence::In(code) => Signal::derive(move || country_name(&code, i18n.locale()).to_owned()),
                Residence::Elsewhere => msg(Msg::ResidenceElsewhere),
            };
            let checked = {
                let choice = choice.clone();
                Signal::derive(move || flow.draft.with(|d| d.residence.as_ref() == Some(&choice)))
            };
            let select = move || flow.edit(|d| d.residence = Some(choice.clone()));
            view! { <Radio name=field::RESIDENCE id=id value=value checked=checked label=label on_select=select invalid=invalid /> }
        })
        .collect_view();
    view! {
        <StepForm>
            <div class="field" class:field--error=move || error.get().is_some()>
                <fieldset
                    class="radios"
                    aria-describedby=move || {
                        if error.get().is_some() { "residence-hint residence-error" } else { "residence-hint" }
                    }
                >
                    <legend class="question">
                        <StepHeading />
                    </legend>
                    <p class="hint" id="residence-hint">{tr(Msg::ResidenceHint)}</p>
                    <FieldErrorMessage id="residence-error" error=error />
                    {choices}
                </fieldset>
            </div>
        </StepForm>
    }
}
