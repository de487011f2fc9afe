use complaint_domain::i18n::Msg;
use complaint_domain::instant::Instant;
use complaint_domain::receipt::Receipt;
use complaint_domain::service_levels::{Plan, PlannedStep};
use complaint_domain::submission::Accepted;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::flow::{use_flow, TrackInPlace};
use super::step_form::{StepHeading, StepSubheading};
use crate::i18n::{tr, use_i18n, I18n};
use crate::services::clock::{self, OrgZone};
use crate::services::device;

/// After sending: the reference, the dated plan, how to track, who to contact, and a receipt to keep.
#[component]
pub fn Confirmation(accepted: Accepted) -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let received_ms = accepted
        .received_at
        .as_deref()
        .map(js_sys::Date::parse)
        .filter(|ms| ms.is_finite())
        .unwrap_or_else(device::now_ms);
    let (zone, holidays, organisation) = flow.config.with_value(|c| {
        (
            OrgZone::new(&c.organisation.time_zone),
            c.organisation.holiday_set(),
            c.organisation.clone(),
        )
    });
    let received_at = Instant::from_epoch_ms(received_ms);
    let plan = match flow.category() {
        Some(category) => {
            let country = flow.draft.with_untracked(|d| {
                d.residence
                    .as_ref()
                    .and_then(|r| r.country().map(str::to_owned))
            });
            let levels = &category.service_levels;
            levels.plan(received_at, &zone, &holidays, country.as_deref())
        }
        None => Plan::default(),
    };
    let reference = accepted.reference.clone();
    let in_place = use_context::<TrackInPlace>();
    let track = match in_place {
        Some(TrackInPlace(open)) => {
            let reference = reference.clone();
            view! {
                <button type="button" class="link-button" on:click=move |_| open.run(reference.clone())>
                    {tr(Msg::TrackIt)}
                </button>
            }
            .into_any()
        }
        None => {
            let href = format!("/track?ref={}", js_sys::encode_uri_component(&reference));
            view! { <a href=href>{tr(Msg::TrackIt)}</a> }.into_any()
        }
    };
    let receipt_text = {
        let (reference, pin, plan, organisation, zone) = (
            reference.clone(),
            accepted.pin.clone(),
            plan.clone(),
            organisation.clone(),
            zone.clone(),
        );
        move || {
            let mut rows = vec![(i18n.t(Msg::YourReference).to_owned(), reference.clone())];
            if let Some(pin) = &pin {
                rows.push((i18n.t(Msg::YourPin).to_owned(), pin.clone()));
            }
            rows.push((
                i18n.t(Msg::Received).to_owned(),
                clock::format_instant(received_at, i18n.locale()),
            ));
            for line in plan_lines(i18n, &plan, &zone) {
                rows.push((i18n.t(Msg::WhatHappensNext).to_owned(), line));
            }
            let contact = [
                organisation.contact.email.clone(),
                organisation.contact.phone.clone(),
            ]
            .into_iter()
            .flatten();
            rows.push((
                i18n.pick(&organisation.name),
                contact.collect::<Vec<_>>().join("\n"),
            ));
            Receipt {
                title: i18n.t(Msg::ReceiptTitle).to_owned(),
                rows,
            }
            .to_text()
        }
    };
    let download = {
        let reference = reference.clone();
        move |_| download_text(&Receipt::file_name(&reference), &receipt_text())
    };
    let start_again = move |_| flow.start_again();
    let contact = organisation.contact.clone();
    let org_name = organisation.name.clone();
    let plan_view = plan.clone();
    view! {
        <section class="confirmation">
            <div class="confirmation__panel">
                <StepHeading />
                <p class="confirmation__label">{tr(Msg::YourReference)}</p>
                <p class="confirmation__reference">{reference.clone()}</p>
                {accepted.pin.clone().map(|pin| view! {
                    <p class="confirmation__label">{tr(Msg::YourPin)}</p>
                    <p class="confirmation__reference">{pin}</p>
                })}
            </div>
            <StepSubheading>{tr(Msg::WhatHappensNext)}</StepSubheading>
            <ul class="plan">{move || plan_lines(i18n, &plan_view, &zone).into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
            <p>{track}</p>
            {crate::router::use_location_if_standalone().map(|_| view! {
                <p><a href="/insights">{tr(Msg::InsightsLink)}</a></p>
            })}
            <p class="hint">{tr(Msg::TrackHint)}</p>
            <p>{move || i18n.format(Msg::ContactUs, &[("organisation", &i18n.pick(&org_name))])}</p>
            <ul class="contact-list">
                {contact.email.map(|e| view! { <li><a href=format!("mailto:{e}")>{e.clone()}</a></li> })}
                {contact.phone.map(|p| view! { <li><a href=format!("tel:{}", p.replace(' ', ""))>{p.clone()}</a></li> })}
            </ul>
            <div class="button-row no-print">
                {in_place.is_none().then(|| view! {
                    <button type="button" class="button button--secondary" on:click=|_| print_page()>{tr(Msg::PrintReceipt)}</button>
                })}
                <button type="button" class="button button--secondary" on:click=download>{tr(Msg::DownloadReceipt)}</button>
            </div>
            <p class="no-print">
                <button type="button" class="link-button" on:click=start_again>{tr(Msg::FileAnother)}</button>
            </p>
        </section>
    }
}

fn plan_lines(i18n: I18n, plan: &Plan, zone: &OrgZone) -> Vec<String> {
    let line = |msg: Msg, step: &PlannedStep| {
        let date = clock::format_due(step.due, i18n.locale(), zone);
        format!(
            "{} ({})",
            i18n.format(msg, &[("date", &date)]),
            i18n.pick(&step.rule)
        )
    };
    let acknowledge = plan
        .acknowledge
        .as_ref()
        .map(|s| line(Msg::AcknowledgeBy, s));
    let decide = plan.decide.as_ref().map(|s| line(Msg::DecideBy, s));
    acknowledge.into_iter().chain(decide).collect()
}

fn print_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// Saves `text` as a file through a temporary link, without leaving the page.
fn download_text(file_name: &str, text: &str) {
    let result = (|| -> Result<(), JsValue> {
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/plain;charset=utf-8");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(
            &js_sys::Array::of1(&text.into()),
            &options,
        )?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        let link: web_sys::HtmlElement =
            wasm_bindgen::JsCast::dyn_into(document.create_element("a")?)?;
        link.set_attribute("href", &url)?;
        link.set_attribute("download", file_name)?;
        link.click();
        web_sys::Url::revoke_object_url(&url)?;
        Ok(())
    })();
    if let Err(e) = result {
        web_sys::console::warn_1(&e);
    }
}
