//! Told wherever they are: a complaint the organisation refused while it waited in the outbox, and the
//! customer was busy with another page or another draft. "Open that complaint" brings it back with the reason.

use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::courier::use_courier;
use super::flow::FilingSession;
use crate::i18n::tr;

#[component]
pub fn RefusedNotice() -> impl IntoView {
    let session = FilingSession::use_or_new();
    let courier = use_courier();
    let location = use_context::<crate::router::Location>();
    let open = move |_| {
        if let Some(courier) = courier {
            courier.show_refused();
        }
        // The standalone app shows it on the form page; an embedded form is already there.
        if let Some(location) = location {
            location.navigate("/");
        }
    };
    view! {
        <Show when=move || session.refused_elsewhere.get()>
            <div class="error-summary" role="alert">
                <h2 class="error-summary__title">{tr(Msg::RefusedElsewhereTitle)}</h2>
                <p>{tr(Msg::RefusedElsewhereBody)}</p>
                <button type="button" class="button" on:click=open>{tr(Msg::OpenRefused)}</button>
            </div>
        </Show>
    }
}
