use complaint_domain::checks::field;
use complaint_domain::draft::Channel;
use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::flow::use_flow;
use super::step_form::{StepForm, StepHeading};
use crate::components::error_summary::FieldErrorMessage;
use crate::components::radio::Radio;
use crate::components::text_field::TextField;
use crate::i18n::{msg, tr, use_i18n};

/// Step 6: who the customer is, how to reach them, and consent to use their details.
#[component]
pub fn ContactStep() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let contact = move |read: fn(&complaint_domain::draft::ContactAnswers) -> String| {
        Signal::derive(move || flow.draft.with(|d| read(&d.contact)))
    };
    let preferred_error = flow.error_for(field::PREFERRED);
    let consent_error = flow.error_for(field::CONSENT);
    let (org_name, privacy_url) = flow.config.with_value(|c| {
        (
            c.organisation.name.clone(),
            c.organisation.privacy_url.clone(),
        )
    });
    let consent_text = move || {
        i18n.format(
            Msg::ConsentLabel,
            &[("organisation", &i18n.pick(&org_name))],
        )
    };
    let channel = move |channel: Channel, id: &'static str, label: Msg| {
        view! {
            <Radio
                name=field::PREFERRED
                id=id
                value=if channel == Channel::Email { "email" } else { "phone" }
                checked=Signal::derive(move || flow.draft.with(|d| d.contact.preferred == Some(channel)))
                label=msg(label)
                on_select=move || flow.edit(|d| d.contact.preferred = Some(channel))
                invalid=Signal::derive(move || preferred_error.get().is_some())
            />
        }
    };
    view! {
        <StepForm>
            <StepHeading />
            <TextField
                id=field::NAME
                label=msg(Msg::NameLabel)
                autocomplete="name"
                value=contact(|c| c.name.clone())
                on_input=move |v| flow.edit(|d| d.contact.name = v)
                error=flow.error_for(field::NAME)
            />
            <TextField
                id=field::EMAIL
                label=msg(Msg::EmailLabel)
                hint=Some(msg(Msg::EmailHint))
                input_type="email"
                autocomplete="email"
                value=contact(|c| c.email.clone())
                on_input=move |v| flow.edit(|d| d.contact.email = v)
                error=flow.error_for(field::EMAIL)
            />
            <TextField
                id=field::PHONE
                label=msg(Msg::PhoneLabel)
                hint=Some(msg(Msg::PhoneHint))
                input_type="tel"
                autocomplete="tel"
                value=contact(|c| c.phone.clone())
                on_input=move |v| flow.edit(|d| d.contact.phone = v)
                error=flow.error_for(field::PHONE)
            />
            <div class="field" class:field--error=move || preferred_error.get().is_some()>
                <fieldset class="radios radios--inline" aria-describedby=move || preferred_error.get().map(|_| "preferred-error")>
                    <legend class="field__label">{tr(Msg::PreferredLegend)}</legend>
                    <FieldErrorMessage id="preferred-error" error=preferred_error />
                    {channel(Channel::Email, field::PREFERRED, Msg::ChannelEmail)}
                    {channel(Channel::Phone, "preferred-phone", Msg::ChannelPhone)}
                </fieldset>
            </div>
            <div class="field" class:field--error=move || consent_error.get().is_some()>
                <FieldErrorMessage id="consent-error" error=consent_error />
                <div class="checkbox">
                    <input
                        class="checkbox__input"
                        type="checkbox"
                        id=field::CONSENT
                        name=field::CONSENT
                        prop:checked=move || flow.draft.with(|d| d.contact.consent)
                        aria-describedby=move || consent_error.get().map(|_| "consent-error")
                        aria-invalid=move || consent_error.get().is_some().then_some("true")
                        on:change=move |ev| flow.edit(|d| d.contact.consent = event_target_checked(&ev))
                    />
                    <label class="checkbox__label" for=field::CONSENT>{consent_text}</label>
                </div>
                {privacy_url.map(|url| view! {
                    <p class="hint"><a href=url target="_blank" rel="noopener">{tr(Msg::PrivacyLink)}</a></p>
                })}
            </div>
            // People never see or reach this field; form-filling bots do. Its content is sent only as a flag,
            // and a flagged complaint is held for a person to release, not dropped. The name matches none of
            // the words browsers and password managers autofill (website, url, email, name, phone, address),
            // and they are asked to leave it alone, so a customer's own autofill does not flag them.
            <div class="honeypot" aria-hidden="true">
                <label for="leave-blank">{tr(Msg::HoneypotLabel)}</label>
                <input
                    type="text"
                    id="leave-blank"
                    name="leave-blank"
                    tabindex="-1"
                    autocomplete="off"
                    data-lpignore="true"
                    data-form-type="other"
                    prop:value=move || flow.draft.with(|d| d.honeypot.clone())
                    on:input=move |ev| flow.edit(|d| d.honeypot = event_target_value(&ev))
                />
            </div>
        </StepForm>
    }
}
