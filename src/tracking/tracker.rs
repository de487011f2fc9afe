//! The tracker: the lookup form, the result, and the complaints sent from this device; the `/track` page and
//! the widget's tracker mode both draw it.

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use complaint_domain::my_complaints::SentComplaint;
use complaint_domain::tracking::normalise_reference;
use leptos::prelude::*;

use super::{look_up, use_reply_courier, ComplaintStatus, Lookup, LookupForm, SentFromThisDevice};
use crate::i18n::{tr, use_i18n};
use crate::services::clock::format_date;
use crate::services::status::StatusError;
use crate::task::{abort_on_cleanup, spawn_while_mounted};

/// The lookup form, the result, and the complaints sent from this device. `wanted` (the standalone app's
/// `?ref=`, or the widget's confirmation) prefills the reference, and looks it up at once when this device
/// sent that complaint.
/// What a mail link opens (`/track#reference=…&proof=…`): the complaint's reference and the Reply-Proof,
/// which finds its status file in place of the email address and lets this device reply though the
/// complaint was filed on another. Older mails' links also carry the verifier; a link has one or both.
pub struct Linked {
    pub reference: String,
    pub verifier: Option<String>,
    pub proof: Option<String>,
}

#[component]
pub fn Tracker(
    config: OrgConfig,
    #[prop(optional)] wanted: String,
    /// A reference and its proof (or verifier) from the organisation's mail link: looked up at once.
    #[prop(default = None)]
    linked: Option<Linked>,
) -> impl IntoView {
    let reference = RwSignal::new(wanted.clone());
    let verifier = RwSignal::new(String::new());
    let lookup = RwSignal::new(Lookup::Idle);
    let i18n = use_i18n();
    // Only the latest lookup may show its answer: an earlier, slower one must not overwrite it.
    let latest = StoredValue::new(0_u32);
    let config = StoredValue::new(config);
    // The tracker's fetches stop when it unmounts (a widget removed, another page).
    let cancel = StoredValue::new_local(abort_on_cleanup());
    // The complaint a mail link opened is drawn first; the list of those sent from this device waits for it.
    let linked_pending = RwSignal::new(linked.is_some());
    // The mail link's proof, for that complaint only: (normalised reference, proof).
    let linked_proof = StoredValue::new(linked.as_ref().and_then(|l| {
        l.proof
            .clone()
            .map(|proof| (normalise_reference(&l.reference), proof))
    }));
    let run = move || {
        let (reference, mut verifier) = (reference.get_untracked(), verifier.get_untracked());
        // Looked up by the mail link's proof (`docs/status.md`) while the field is empty: the customer
        // never sees it there, and an address they type wins.
        if verifier.trim().is_empty() {
            verifier = linked_proof.with_value(|linked| {
                linked
                    .as_ref()
                    .filter(|(r, _)| *r == normalise_reference(&reference))
                    .map(|(_, proof)| proof.clone())
                    .unwrap_or_default()
            });
        }
        let (base, zone) = config.with_value(|c| {
            (
                c.tracking.status_base.clone(),
                c.organisation.time_zone.clone(),
            )
        });
        let this = latest.get_value().wrapping_add(1);
        latest.set_value(this);
        lookup.set(Lookup::Searching);
        let cancel = cancel.get_value();
        spawn_while_mounted(lookup, async move {
            let mut result = look_up(&base, &reference, &verifier, &zone, cancel.as_ref()).await;
            if let Lookup::Found(shown) = &mut result {
                shown.proof = linked_proof.with_value(|linked| {
                    linked
                        .as_ref()
                        .filter(|(r, _)| *r == normalise_reference(&reference))
                        .map(|(_, proof)| proof.clone())
                });
            }
            if latest.get_value() == this {
                lookup.set(result);
            }
            if linked_pending.get_untracked() {
                linked_pending.set(false);
            }
        });
    };
    let track_sent = move |sent: SentComplaint| {
        reference.set(sent.reference);
        verifier.set(sent.verifier.unwrap_or_default());
        run();
    };
    let linked_once = StoredValue::new(false);
    let on_loaded = move |list: Vec<SentComplaint>| {
        if wanted.trim().is_empty() || linked_once.get_value() {
            return;
        }
        linked_once.set_value(true);
        let wanted = normalise_reference(&wanted);
        if let Some(sent) = list
            .into_iter()
            .find(|s| s.verifier.is_some() && normalise_reference(&s.reference) == wanted)
        {
            track_sent(sent);
        }
    };
    let result = move || match lookup.get() {
        Lookup::Idle => ().into_any(),
        Lookup::Searching => {
            view! { <p class="loading" role="status">{tr(Msg::LookingUp)}</p> }.into_any()
        }
        Lookup::Found(shown) => {
            view! { <ComplaintStatus shown=*shown config=config.get_value() /> }.into_any()
        }
        Lookup::Failed(StatusError::Erased(on)) => {
            // Calm, not an error: the complaint was closed long ago, or erased because the customer asked.
            let words = move || {
                let locale = i18n.locale();
                i18n.format(Msg::StatusErased, &[("date", &format_date(on, locale))])
            };
            view! {
                <div class="notice lookup-erased" role="status">
                    <p>{words}</p>
                </div>
            }
            .into_any()
        }
        Lookup::Failed(error) => {
            let message = match error {
                StatusError::NotFound => Msg::StatusNotFound,
                StatusError::Erased(_) => Msg::StatusErased,
                StatusError::Unreadable(_) => Msg::StatusUnreadable,
                StatusError::Unreachable(_) | StatusError::NoCrypto => Msg::StatusUnreachable,
            };
            view! {
                <div class="notice notice--error lookup-failed" role="alert">
                    <p>{tr(message)}</p>
                    <button type="button" class="button button--secondary" on:click=move |_| run()>{tr(Msg::TryAgain)}</button>
                </div>
            }
            .into_any()
        }
    };
    // The root's reply courier keeps and sends the customer's replies; one delivered (or refused because
    // the complaint moved on) brings the status on screen up to date.
    if let Some(courier) = use_reply_courier() {
        Effect::new(move |seen: Option<u32>| {
            let now = courier.refresh.get();
            if seen.is_some_and(|seen| seen != now)
                && lookup.with_untracked(|l| matches!(l, Lookup::Found(_)))
            {
                run();
            }
            now
        });
    }
    if let Some(linked) = linked {
        reference.set(linked.reference);
        verifier.set(linked.verifier.unwrap_or_default());
        run();
    }
    view! {
        <LookupForm reference=reference verifier=verifier on_look_up=move |_| run() />
        <div class="lookup-result">{result}</div>
        <SentFromThisDevice config=config.get_value() on_track=track_sent on_loaded=on_loaded hold=linked_pending />
    }
}
