use complaint_domain::config::Organisation;
use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::i18n::{tr, use_i18n};
use crate::mount_scope::use_mount_scope;

/// Said calmly when a promised date has passed: an apology, who to ask, and where to escalate.
#[component]
pub fn OverdueHelp(organisation: Organisation) -> impl IntoView {
    let i18n = use_i18n();
    let contact = organisation.contact.clone();
    let escalation = organisation.escalation.clone().map(|escalation| {
        let name = escalation.name.clone();
        view! {
            <p>{move || i18n.format(Msg::OverdueEscalate, &[("escalation", &i18n.pick(&name))])}</p>
            <ContactLinks url=escalation.url email=escalation.email phone=escalation.phone />
        }
    });
    view! {
        <section class="notice notice--warning status__overdue" aria-labelledby="overdue-title">
            <h3 class="status__subtitle" id="overdue-title">{tr(Msg::OverdueTitle)}</h3>
            <p>{tr(Msg::OverdueBody)}</p>
            <ContactLinks url=None email=contact.email phone=contact.phone />
            {escalation}
        </section>
    }
}

#[component]
pub(super) fn ContactLinks(
    url: Option<String>,
    email: Option<String>,
    phone: Option<String>,
) -> impl IntoView {
    let tel = |phone: &str| format!("tel:{}", phone.replace(' ', ""));
    // Inside a widget the page is the host's: the escalation site opens beside it, not in its place.
    let beside = use_mount_scope().is_embedded().then_some("_blank");
    view! {
        <ul class="contact-links">
            {url.map(|url| view! { <li><a href=url.clone() target=beside rel=beside.map(|_| "noopener")>{url.clone()}</a></li> })}
            {email.map(|email| view! { <li><a href=format!("mailto:{email}")>{email.clone()}</a></li> })}
            {phone.map(|phone| view! { <li><a href=tel(&phone)>{phone.clone()}</a></li> })}
        </ul>
    }
}
