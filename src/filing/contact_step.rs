use complaint_domain::checks::field;
use complaint_domain::draft::Channel;
use complaint_domain::i18n::Msg;
use complaint_domain::privacy;
use leptos::prelude::*;

use super::flow::use_flow;
use super::step_form::{StepForm, StepHeading, StepSubheading};
use crate::components::error_summary::FieldErrorMessage;
use crate::components::radio::Radio;
use crate::components::text_field::TextField;
use crate::i18n::{msg, tr, use_i18n};
use crate::org_config::use_api_base;

/// Step 6: who the customer is and how to reach them, with what we do with their details. Handling the
/// complaint needs no consent (the contract or the law allows it: `complaint_domain::privacy`), so there is
/// no compulsory tick, only the notice, and the one optional consent the organisation may ask for.
#[component]
pub fn ContactStep() -> impl IntoView {
    let flow = use_flow();
    let contact = move |read: fn(&complaint_domain::draft::ContactAnswers) -> String| {
        Signal::derive(move || flow.draft.with(|d| read(&d.contact)))
    };
    let preferred_error = flow.error_for(field::PREFERRED);
    let asks_may_call = flow
        .config
        .with_value(|c| c.privacy.consent_questions.phone_calls);
    let has_phone = move || flow.draft.with(|d| !d.contact.phone.trim().is_empty());
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
            // Asked only when the organisation wants it and there is a number to call.
            {move || (asks_may_call && has_phone()).then(|| view! {
                <div class="field">
                    <div class="checkbox">
                        <input
                            class="checkbox__input"
                            type="checkbox"
                            id=field::MAY_CALL
                            name=field::MAY_CALL
                            prop:checked=move || flow.draft.with(|d| d.contact.may_call)
                            on:change=move |ev| flow.edit(|d| d.contact.may_call = event_target_checked(&ev))
                        />
                        <label class="checkbox__label" for=field::MAY_CALL>{tr(Msg::MayCallLabel)}</label>
                    </div>
                </div>
            })}
            <PrivacyNotice />
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

/// What we collect, why and on what basis, for how long, who sees it, the customer's rights and what
/// refusing means, with a link to the full notice: written from the organisation's config
/// ([`privacy::short_notice`]) for the category chosen. In the widget too: the host's page is not ours to
/// speak for, so the form says it itself.
#[component]
fn PrivacyNotice() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let base = use_api_base();
    let paragraphs = move || {
        let locale = i18n.locale();
        let category = flow.draft.with(|d| d.category.clone());
        flow.config
            .with_value(|c| privacy::short_notice(c, category.as_deref(), locale))
            .into_iter()
            .map(|p| view! { <p>{p}</p> })
            .collect_view()
    };
    let href = move || {
        let href = flow
            .config
            .with_value(|c| privacy::notice_href(c, i18n.locale()));
        base.resolve(&href)
    };
    view! {
        <section class="notice privacy-notice" aria-labelledby="privacy-notice-title">
            <StepSubheading class="privacy-notice__title">
                <span id="privacy-notice-title">{tr(Msg::NoticeTitle)}</span>
            </StepSubheading>
            {paragraphs}
            <p><a href=href target="_blank" rel="noopener">{tr(Msg::PrivacyLink)}</a></p>
        </section>
    }
}
