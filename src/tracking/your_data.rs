//! "Your data" on a complaint (issue #25, `docs/api.md` "Your data"): download everything the organisation
//! holds about it (one zip), or ask for it to be erased, with a calm word on what the law may make the
//! organisation keep and the day it answers by. The erasure request goes through the replies' outbox
//! (`ReplyAction::Erasure`), so it waits offline and reaches the organisation exactly once; what became of
//! it shows from the status file ([`DataRequestLines`]).

use complaint_domain::config::OrgConfig;
use complaint_domain::data_requests::{due_on, DataRequestKind, DataRequestState};
use complaint_domain::i18n::Msg;
use complaint_domain::replies::ReplyAction;
use complaint_domain::status::StatusRecord;
use leptos::prelude::*;

use super::format_instant;
use super::reply_courier::use_reply_courier;
use crate::i18n::{tr, use_i18n};
use crate::services::clock::{self, OrgZone};
use crate::services::{device, your_data};

/// Where the download stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Download {
    Idle,
    Preparing,
    Failed,
}

#[component]
pub fn YourData(
    record: StatusRecord,
    verifier: String,
    /// The Reply-Proof of the organisation's mail link this complaint was opened from, if it was.
    proof: Option<String>,
    config: OrgConfig,
) -> impl IntoView {
    let i18n = use_i18n();
    let Some(courier) = use_reply_courier() else {
        return ().into_any();
    };
    if verifier.trim().is_empty() {
        return ().into_any();
    }
    let reference = StoredValue::new(record.reference.clone());
    let verifier = StoredValue::new(verifier);
    let proof = StoredValue::new(proof);
    let endpoint = StoredValue::new(config.submission.endpoint.clone());
    let download = RwSignal::new(Download::Idle);
    let asking = RwSignal::new(false);
    // Asked already (on the status file, or waiting in the outbox): not offered twice.
    let asked_before = record
        .data_requests
        .iter()
        .any(|r| r.kind == DataRequestKind::Erasure && r.state == DataRequestState::Open);
    let waiting = move || {
        reference.with_value(|r| {
            courier
                .waiting_for(r)
                .iter()
                .any(|w| w.action == ReplyAction::Erasure)
        })
    };
    let today = clock::local_time_in(&config.organisation.time_zone, device::now_ms())
        .map_or_else(clock::today, |t| t.date);
    let answer_by = due_on(today, config.privacy.answer_rule());
    let zone = OrgZone::new(&config.organisation.time_zone);
    let answer_by = move || clock::format_day_in(answer_by, i18n.locale(), &zone);

    let fetch = move |_| {
        if download.get_untracked() == Download::Preparing {
            return;
        }
        download.set(Download::Preparing);
        let (reference, verifier) = (reference.get_value(), verifier.get_value());
        let (carried, endpoint) = (proof.get_value(), endpoint.get_value());
        leptos::task::spawn_local(async move {
            let proof = courier.proof_for(&reference, &verifier, carried).await;
            let done = match proof {
                Some(proof) => your_data::download(&endpoint, &reference, &proof).await,
                None => Err("no proof".to_owned()),
            };
            if let Err(e) = &done {
                web_sys::console::warn_1(&format!("the copy of your data: {e}").into());
            }
            download.set(if done.is_ok() {
                Download::Idle
            } else {
                Download::Failed
            });
        });
    };
    let send = move |_| {
        let (r, v) = (reference.get_value(), verifier.get_value());
        courier.ask_erasure(&r, &v, proof.get_value(), endpoint.get_value());
        asking.set(false);
    };

    view! {
        <section class="status__part your-data" aria-labelledby="your-data-title">
            <h3 class="status__subtitle" id="your-data-title">{tr(Msg::YourDataTitle)}</h3>
            <p>{tr(Msg::YourDataIntro)}</p>
            <div class="button-row">
                <button type="button" class="button button--secondary" on:click=fetch
                    aria-busy=move || (download.get() == Download::Preparing).then_some("true")>
                    {move || i18n.t(if download.get() == Download::Preparing { Msg::YourDataPreparing } else { Msg::YourDataDownload })}
                </button>
                {move || (!asked_before && !waiting() && !asking.get()).then(|| view! {
                    <button type="button" class="button button--secondary" on:click=move |_| asking.set(true)>
                        {tr(Msg::YourDataErase)}
                    </button>
                })}
            </div>
            <div role="alert">
                {move || (download.get() == Download::Failed).then(|| view! {
                    <p class="notice notice--error">{tr(Msg::YourDataDownloadFailed)}</p>
                })}
            </div>
            {move || asking.get().then(|| view! {
                <div class="reply-question">
                    <p>{i18n.format(Msg::YourDataEraseExplain, &[("date", &answer_by())])}</p>
                    <div class="button-row">
                        <button type="button" class="button" on:click=send>{tr(Msg::YourDataEraseSend)}</button>
                        <button type="button" class="button button--secondary" on:click=move |_| asking.set(false)>
                            {tr(Msg::ReplyCancel)}
                        </button>
                    </div>
                </div>
            })}
        </section>
    }
    .into_any()
}

/// What became of the customer's requests about their data, from the status file: asked (and the day we
/// answer by), done, or answered with our reason.
#[component]
pub fn DataRequestLines(record: StatusRecord, config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    let zone = StoredValue::new(OrgZone::new(&config.organisation.time_zone));
    let lines: Vec<_> = record
        .data_requests
        .iter()
        .filter(|r| r.kind == DataRequestKind::Erasure)
        .cloned()
        .map(|request| {
            move || {
                let asked = format_instant(i18n, request.at);
                let due =
                    zone.with_value(|z| clock::format_day_in(request.due_on, i18n.locale(), z));
                let answered = request
                    .answered_at
                    .map(|at| format_instant(i18n, at))
                    .unwrap_or_default();
                let reason = request.reason.clone().unwrap_or_default();
                let text = match request.state {
                    DataRequestState::Open => {
                        i18n.format(Msg::ErasureAsked, &[("date", &asked), ("due", &due)])
                    }
                    DataRequestState::Done => i18n.format(Msg::ErasureDone, &[("date", &answered)]),
                    DataRequestState::Refused => i18n.format(
                        Msg::ErasureRefused,
                        &[("date", &answered), ("reason", &reason)],
                    ),
                };
                view! { <li>{text}</li> }
            }
        })
        .collect();
    (!lines.is_empty()).then(|| {
        view! { <ul class="status__replies data-requests">{lines}</ul> }
    })
}
