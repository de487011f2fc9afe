//! "What you can do now" on a complaint: add information, say whether the response resolves it (each answer
//! behind a confirmation), rate it once it is closed; what is waiting to be sent, what was refused and why,
//! and after "not satisfied" who to turn to next and by when, or, once a closed complaint is past the window to
//! reopen it, where to escalate instead. Only what the complaint's stage allows is offered (`replies::allows`,
//! the organisation's own rules).

use complaint_domain::config::{OrgConfig, Organisation};
use complaint_domain::i18n::Msg;
use complaint_domain::instant::Instant;
use complaint_domain::replies::{allows, rating_given, ReplyAction, ReplyRefusal};
use complaint_domain::service_levels::Due;
use complaint_domain::status::{ReplyKind, Stage, StatusRecord};
use complaint_domain::tracking::normalise_reference;
use leptos::prelude::*;

use super::format_instant;
use super::overdue_help::ContactLinks;
use super::reply_courier::use_reply_courier;
use super::reply_forms::{InformationForm, NotSatisfiedForm, RatingForm, ResolvedConfirm};
use crate::i18n::{tr, use_i18n};
use crate::services::clock::{self, OrgZone};
use crate::services::device;

#[component]
pub fn ReplyPanel(
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
    let now = Instant::from_epoch_ms(device::now_ms());
    let allowed = |action: ReplyAction| allows(&record, action, now, &config).is_ok();
    let (information, resolved, not_satisfied, rating) = (
        allowed(ReplyAction::Information),
        allowed(ReplyAction::Resolved),
        allowed(ReplyAction::NotSatisfied),
        allowed(ReplyAction::Rating),
    );
    let reference = StoredValue::new(record.reference.clone());
    let verifier = StoredValue::new(verifier);
    let proof = StoredValue::new(proof);
    let organisation = config.organisation.name.clone();
    let config = StoredValue::new(config.clone());

    // Only which reply is open re-renders the form; its text is read inside it, so typing keeps focus.
    let open = Memo::new(move |_| {
        reference
            .with_value(|r| courier.open_for(r))
            .map(|d| (d.id, d.action))
    });
    let refused = Memo::new(move |_| {
        reference
            .with_value(|r| courier.open_for(r))
            .and_then(|d| d.outbox.and_then(|o| o.attempts.refused))
            .map(|r| ReplyRefusal::from_code(r.code.as_deref(), r.status))
    });
    let waiting = Memo::new(move |_| {
        let waiting = reference.with_value(|r| courier.waiting_for(r));
        let sending = waiting.iter().any(|w| courier.is_sending(&w.id));
        let outbox = waiting.iter().filter_map(|w| w.outbox.as_ref());
        let tried = outbox.clone().any(|o| o.attempts.count > 0);
        let busy = outbox.clone().any(|o| o.attempts.last_status == Some(429));
        match (waiting.is_empty(), sending || !tried, busy) {
            (true, _, _) => None,
            (false, true, _) => Some(Msg::Sending),
            (false, false, true) => Some(Msg::ReplyBusy),
            (false, false, false) => Some(Msg::ReplyQueued),
        }
    });
    let delivered = move || {
        courier.delivered.with(|d| {
            d.as_ref()
                .is_some_and(|(r, _)| reference.with_value(|mine| *r == normalise_reference(mine)))
        })
    };
    let organisation_name = StoredValue::new(organisation);
    let delivered_text = move || {
        i18n.format(
            Msg::ReplyDelivered,
            &[("organisation", &i18n.pick(&organisation_name.get_value()))],
        )
    };
    let refused_text = move |refusal: ReplyRefusal| match refusal {
        ReplyRefusal::NotFound => Msg::StatusNotFound,
        ReplyRefusal::Closed => Msg::ReplyClosedRefused,
        ReplyRefusal::MovedOn => Msg::ReplyMovedOn,
        ReplyRefusal::RatingFinal => Msg::ReplyRatingFinal,
        ReplyRefusal::NotAccepted => Msg::ReplyNotAccepted,
    };
    let begin = move |action: ReplyAction| {
        reference
            .with_value(|r| verifier.with_value(|v| courier.begin(r, v, proof.get_value(), action)))
    };
    let change_until = rating_given(&record).and(
        record
            .replies
            .iter()
            .find(|r| r.kind == ReplyKind::Rating)
            .map(|first| {
                let days = i64::from(config.with_value(|c| c.replies.rating_change_days));
                Instant::from_epoch_ms(((first.at.unix_seconds() + days * 86_400) * 1000) as f64)
            }),
    );
    let change_until = change_until.filter(|_| rating).map(|until| {
        move || {
            i18n.format(
                Msg::RatingChangeUntil,
                &[("date", &format_instant(i18n, until))],
            )
        }
    });
    let menu = move || {
        let change_until = change_until;
        view! {
            {information.then(|| view! {
                <button type="button" class="button button--secondary" on:click=move |_| begin(ReplyAction::Information)>
                    {tr(Msg::AddInformation)}
                </button>
            })}
            {resolved.then(|| view! {
                <div class="reply-question">
                    <p><strong>{tr(Msg::ResolvedQuestion)}</strong></p>
                    <div class="button-row">
                        <button type="button" class="button" on:click=move |_| begin(ReplyAction::Resolved)>
                            {tr(Msg::ResolvedYes)}
                        </button>
                        <button type="button" class="button button--secondary" on:click=move |_| begin(ReplyAction::NotSatisfied)>
                            {tr(Msg::NotSatisfiedNo)}
                        </button>
                    </div>
                </div>
            })}
            {(not_satisfied && !resolved).then(|| view! {
                <button type="button" class="button button--secondary" on:click=move |_| begin(ReplyAction::NotSatisfied)>
                    {tr(Msg::NotSatisfiedNo)}
                </button>
            })}
            {rating.then(|| view! {
                <div class="reply-question">
                    {change_until.map(|text| view! { <p>{text}</p> })}
                    <button type="button" class="button" on:click=move |_| begin(ReplyAction::Rating)>
                        {tr(Msg::RateButton)}
                    </button>
                </div>
            })}
        }
    };
    let form = move || match open.get() {
        Some((id, ReplyAction::Information)) => {
            view! { <InformationForm id=id config=config.get_value() /> }.into_any()
        }
        Some((id, ReplyAction::Resolved)) => {
            view! { <ResolvedConfirm id=id config=config.get_value() /> }.into_any()
        }
        Some((id, ReplyAction::NotSatisfied)) => {
            view! { <NotSatisfiedForm id=id config=config.get_value() /> }.into_any()
        }
        Some((id, ReplyAction::Rating)) => {
            view! { <RatingForm id=id config=config.get_value() /> }.into_any()
        }
        // An erasure request is never open here (`open_for` leaves it to "Your data").
        Some((_, ReplyAction::Erasure)) | None => menu().into_any(),
    };
    let anything = information || resolved || not_satisfied || rating;
    view! {
        <section class="status__part replies-actions" aria-labelledby="reply-actions-title">
            <h3 class="status__subtitle" id="reply-actions-title">{tr(Msg::RepliesActionsTitle)}</h3>
            <div role="status">
                {move || delivered().then(|| view! { <p class="notice notice--success">{delivered_text()}</p> })}
                {move || waiting.get().map(|msg| view! { <p class="notice notice--warning reply-waiting">{tr(msg)}</p> })}
            </div>
            <div role="alert">
                {move || refused.get().map(|r| view! { <p class="notice notice--error">{tr(refused_text(r))}</p> })}
            </div>
            {move || (anything || open.with(Option::is_some)).then(&form)}
        </section>
    }
    .into_any()
}

/// After "not satisfied": the new decision's date, and who to turn to if that does not settle it.
#[component]
pub fn EscalationRoute(organisation: Organisation, due: Option<Due>) -> impl IntoView {
    let i18n = use_i18n();
    let zone = OrgZone::new(&organisation.time_zone);
    let escalation = organisation.escalation.clone().map(|escalation| {
        let name = escalation.name.clone();
        view! {
            <p>{move || i18n.format(Msg::EscalationTo, &[("escalation", &i18n.pick(&name))])}</p>
            <ContactLinks url=escalation.url email=escalation.email phone=escalation.phone />
        }
    });
    let name = organisation.name.clone();
    let contact = organisation.contact.clone();
    view! {
        <section class="notice status__escalation" aria-labelledby="escalation-title">
            <h3 class="status__subtitle" id="escalation-title">{tr(Msg::EscalationTitle)}</h3>
            {due.map(|due| view! {
                <p>{move || i18n.format(Msg::EscalationNewDecision, &[("date", &clock::format_due(due, i18n.locale(), &zone))])}</p>
            })}
            {escalation}
            <p>{move || i18n.format(Msg::EscalationContact, &[("organisation", &i18n.pick(&name))])}</p>
            <ContactLinks url=None email=contact.email phone=contact.phone />
        </section>
    }
}

/// A closed complaint past the organisation's window to reopen it (`StatusRecord::reopen_until`): "not
/// satisfied" is no longer offered, so say until when it was, and where to turn instead.
#[component]
pub fn ReopenPassed(organisation: Organisation, until: Instant) -> impl IntoView {
    let i18n = use_i18n();
    let escalation = organisation.escalation.clone().map(|escalation| {
        let name = escalation.name.clone();
        view! {
            <p>{move || i18n.format(Msg::ReopenPassedEscalate, &[("escalation", &i18n.pick(&name))])}</p>
            <ContactLinks url=escalation.url email=escalation.email phone=escalation.phone />
        }
    });
    view! {
        <section class="notice status__escalation" aria-labelledby="reopen-passed-title">
            <h3 class="status__subtitle" id="reopen-passed-title">{tr(Msg::EscalationTitle)}</h3>
            <p>{move || i18n.format(Msg::ReopenPassed, &[("date", &format_instant(i18n, until))])}</p>
            {escalation}
        </section>
    }
}

/// Whether the customer's last word was "not satisfied" and the new round has not ended yet.
pub fn awaiting_new_decision(record: &StatusRecord) -> bool {
    record
        .replies
        .last()
        .is_some_and(|r| r.kind == ReplyKind::NotSatisfied)
        && !matches!(
            record.current().map(|e| e.stage),
            Some(Stage::Responded | Stage::Closed)
        )
}
