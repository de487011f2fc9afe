//! Told wherever they are: a complaint the organisation refused while it waited in the outbox, and the
//! customer was on another page or busy with another draft. "Open that complaint" brings it back, at Check
//! your answers, with the organisation's reason.

use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::courier::use_courier;
use super::flow::FilingSession;
use crate::i18n::tr;
use crate::services::submit::SendError;

#[component]
pub fn RefusedNotice() -> impl IntoView {
    let session = expect_context::<FilingSession>();
    let courier = use_courier();
    let location = use_context::<crate::router::Location>();
    // Only the standalone app has other pages; an embedded form is always on the form.
    let away_from_form = move || {
        location.is_some_and(|l| !matches!(l.path().trim_end_matches('/'), "" | "/index.html"))
    };
    let refused_on_screen_draft = move || {
        matches!(session.problem.get(), Some(SendError::Refused(_)))
            && session.accepted.with(Option::is_none)
    };
    let shown =
        move || session.refused_elsewhere.get() || (refused_on_screen_draft() && away_from_form());
    let open = move |_| {
        // Where the form is another module's page (the tracker's), going there is a new visit, which
        // brings the refused complaint back by itself (the courier's `resume_waiting`).
        let form_here = location.is_none_or(|l| l.draws("/"));
        if form_here && session.refused_elsewhere.get_untracked() {
            if let Some(courier) = courier {
                courier.show_refused();
            }
        }
        if let Some(location) = location {
            location.navigate("/");
        }
    };
    view! {
        <Show when=shown>
            <div class="error-summary" role="alert">
                <h2 class="error-summary__title">{tr(Msg::RefusedElsewhereTitle)}</h2>
                <p>{tr(Msg::RefusedElsewhereBody)}</p>
                <button type="button" class="button" on:click=open>{tr(Msg::OpenRefused)}</button>
            </div>
        </Show>
    }
}
