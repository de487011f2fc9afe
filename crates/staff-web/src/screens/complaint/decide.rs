//! Decide: the outcome (upheld, partly, not), a summary for the customer, and the root causes from the
//! organisation's config (the same list the published insights count).

use leptos::prelude::*;
use serde_json::json;

use super::actions::draft;
use super::Act;
use crate::desk::Desk;
use crate::i18n::T;

#[component]
pub fn DecideForm() -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let outcome = RwSignal::new("upheld".to_owned());
    let summary = draft(act, "decide");
    let causes = RwSignal::new(Vec::<String>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = json!({
            "outcome": outcome.get_untracked(),
            "summary": summary.get(),
            "causes": causes.get_untracked(),
        });
        act.send("decide", body, move || summary.clear());
    };
    let outcomes = [
        ("upheld", T::OutcomeUpheld),
        ("partly_upheld", T::OutcomePartly),
        ("not_upheld", T::OutcomeNot),
    ];
    view! {
        <form class="action" on:submit=submit>
            <h3>{move || desk.t(T::Decide)}</h3>
            <fieldset>
                <legend>{move || desk.t(T::Outcome)}</legend>
                {outcomes.into_iter().map(|(value, key)| {
                    let id = format!("outcome-{value}");
                    view! {
                        <div>
                            <input type="radio" name="outcome" id=id.clone() value=value
                                prop:checked=move || outcome.get() == value
                                on:change=move |_| outcome.set(value.to_owned()) />
                            <label for=id>{move || desk.t(key)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <label for="decide-summary">{move || desk.t(T::Summary)}</label>
            <textarea id="decide-summary" required prop:value=move || summary.get()
                on:input=move |ev| summary.set(event_target_value(&ev)) />
            <fieldset>
                <legend>{move || desk.t(T::Causes)}</legend>
                {move || desk.causes().into_iter().map(|(id, name)| {
                    let input_id = format!("cause-{id}");
                    let value = id.clone();
                    let toggle = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        causes.update(|c| {
                            c.retain(|x| *x != value);
                            if on {
                                c.push(value.clone());
                            }
                        });
                    };
                    let checked = move || causes.with(|c| c.contains(&id));
                    view! {
                        <div>
                            <input type="checkbox" id=input_id.clone() prop:checked=checked on:change=toggle />
                            <label for=input_id>{name}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button" disabled=move || act.busy.get()>{move || desk.t(T::DecideSend)}</button>
        </form>
    }
}
