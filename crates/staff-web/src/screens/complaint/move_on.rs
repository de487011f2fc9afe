//! Moving one complaint on to assessment or investigation (ISO 10002's steps between acknowledging and
//! deciding), with an optional message the customer reads under the stage: `POST .../stage`. The key `s`
//! comes here. The stage names are the customer's own, so both sides say the same.

use complaint_domain::status::Stage;
use leptos::prelude::*;
use serde_json::json;

use super::actions::draft;
use super::Act;
use crate::desk::Desk;
use crate::i18n::{self, T};

/// The stages this form moves to; the others have forms of their own.
const ONWARD: [Stage; 2] = [Stage::Assessing, Stage::Investigating];

#[component]
pub fn MoveOn() -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let stage = RwSignal::new(Stage::Assessing.as_str().to_owned());
    let message = draft(act, "stage");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = json!({ "stage": stage.get_untracked(), "message": message.get() });
        act.send("stage", body, move || message.clear());
    };
    view! {
        <form class="action" aria-labelledby="stage-title" on:submit=submit>
            <h3 id="stage-title">{move || desk.t(T::MoveOn)}</h3>
            <label for="stage-to">{move || desk.t(T::MoveOnTo)}</label>
            <select id="stage-to" aria-keyshortcuts="s" on:change=move |ev| stage.set(event_target_value(&ev))>
                {ONWARD.map(|s| {
                    let id = s.as_str();
                    view! { <option value=id selected=move || stage.get() == id>{move || i18n::stage(desk.locale(), id)}</option> }
                }).collect_view()}
            </select>
            <label for="stage-message">{move || desk.t(T::Message)}</label>
            <textarea id="stage-message" prop:value=move || message.get()
                on:input=move |ev| message.set(event_target_value(&ev)) />
            <button type="submit" class="button" disabled=move || act.busy.get()>{move || desk.t(T::MoveOnSend)}</button>
        </form>
    }
}
