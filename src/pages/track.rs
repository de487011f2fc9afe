use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use complaint_domain::my_complaints::SentComplaint;
use complaint_domain::tracking::normalise_reference;
use leptos::prelude::*;

use super::{use_page_title, WithConfig};
use crate::i18n::tr;
use crate::router::use_location;
use crate::services::status::StatusError;
use crate::task::{abort_on_cleanup, spawn_while_mounted};
use crate::tracking::{
    look_up, use_reply_courier, ComplaintStatus, Lookup, LookupForm, SentFromThisDevice,
};

/// `/track`: loads the organisation's configuration (its status folder, categories, service levels), then
/// the tracker.
#[component]
pub fn TrackPage() -> impl IntoView {
    use_page_title(Msg::TrackTitle);
    view! {
        <h1 class="page-title">{tr(Msg::TrackTitle)}</h1>
        <WithConfig render=|config| {
            let wanted = use_location().query_untracked("ref").unwrap_or_default();
            let linked = take_linked_lookup();
            view! { <Tracker config=config wanted=wanted linked=linked /> }.into_any()
        } />
        <p class="insights-link"><a href="/insights">{tr(Msg::InsightsLink)}</a></p>
    }
}

/// A link from the organisation's mail: `/track#reference=…&verifier=…&proof=…`. They travel in the
/// fragment, which browsers never send to a server, and leave the address bar (and so the history, bookmarks
/// and a shared screen) as soon as they are read. The proof lets this device reply though the complaint was
/// filed on another (`docs/replies.md`).
fn take_linked_lookup() -> Option<Linked> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(hash.strip_prefix('#')?).ok()?;
    let (reference, verifier) = (params.get("reference")?, params.get("verifier")?);
    let proof = params.get("proof").filter(|p| !p.trim().is_empty());
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        if let Err(e) =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&here))
        {
            web_sys::console::warn_1(
                &format!("the link could not leave the address bar: {e:?}").into(),
            );
        }
    }
    Some(Linked {
        reference,
        verifier,
        proof,
    })
    .filter(|l| !l.reference.trim().is_empty() && !l.verifier.trim().is_empty())
}

/// What a mail link opens: the complaint's reference and verifier, and the proof to reply with.
pub struct Linked {
    reference: String,
    verifier: String,
    proof: Option<String>,
}

/// The lookup form, the result, and the complaints sent from this device. `wanted` (the standalone app's
/// `?ref=`, or the widget's confirmation) prefills the reference, and looks it up at once when this device
/// sent that complaint.
#[component]
pub fn Tracker(
    config: OrgConfig,
    #[prop(optional)] wanted: String,
    /// A reference and verifier from the organisation's mail link: looked up at once.
    #[prop(default = None)]
    linked: Option<Linked>,
) -> impl IntoView {
    let reference = RwSignal::new(wanted.clone());
    let verifier = RwSignal::new(String::new());
    let lookup = RwSignal::new(Lookup::Idle);
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
        let (reference, verifier) = (reference.get_untracked(), verifier.get_untracked());
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
            view! { <ComplaintStatus shown=shown config=config.get_value() /> }.into_any()
        }
        Lookup::Failed(error) => {
            let message = match error {
                StatusError::NotFound => Msg::StatusNotFound,
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
        verifier.set(linked.verifier);
        run();
    }
    view! {
        <LookupForm reference=reference verifier=verifier on_look_up=move |_| run() />
        <div class="lookup-result">{result}</div>
        <SentFromThisDevice config=config.get_value() on_track=track_sent on_loaded=on_loaded hold=linked_pending />
    }
}
