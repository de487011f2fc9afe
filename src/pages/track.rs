//! `/track`: the tracker as a page of the standalone app (the tracker itself is `tracking::Tracker`).

use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::use_page_title;
use crate::i18n::tr;
use crate::org_config::WithConfig;
use crate::router::use_location;
use crate::tracking::{Linked, Tracker};

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

/// A link from the organisation's mail: `/track#reference=…&proof=…`, or, in mails sent before links held
/// no personal data, `/track#reference=…&verifier=…&proof=…`. They travel in the fragment, which browsers
/// never send to a server, and leave the address bar (and so the history, bookmarks and a shared screen) as
/// soon as they are read. The proof finds the status file in place of the email address (`docs/status.md`)
/// and lets this device reply though the complaint was filed on another (`docs/replies.md`).
fn take_linked_lookup() -> Option<Linked> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(hash.strip_prefix('#')?).ok()?;
    let reference = params.get("reference")?;
    let proof = params.get("proof").filter(|p| !p.trim().is_empty());
    let verifier = params.get("verifier").filter(|v| !v.trim().is_empty());
    if verifier.is_none() && proof.is_none() {
        return None;
    }
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
    .filter(|l| !l.reference.trim().is_empty())
}
