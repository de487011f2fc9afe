//! The action forms: acknowledge, move on to assessment or investigation ([`super::move_on`]), assign, note
//! ([`super::note`]), reply ([`super::reply`]), ask for more information, extend, decide ([`super::decide`]),
//! close, reopen and merge. Each is a small form over
//! [`Act::send`]; the texts are drafts kept per complaint ([`Draft`]) until sent.

use leptos::prelude::*;
use serde_json::{json, Value};

use complaint_domain::calendar::Date;
use complaint_domain::i18n::dates::date_text;

use super::Act;
use crate::api::{Retention, StaffList};
use crate::desk::Desk;
use crate::drafts::Draft;
use crate::i18n::T;

#[component]
pub fn Actions(retention: Signal<Retention>) -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let leads = move || desk.me().is_some_and(|m| m.leads());
    view! {
        <button type="button" class="button" disabled=move || act.busy.get()
            on:click=move |_| act.send("acknowledge", json!({}), || ())>
            {move || desk.t(T::Acknowledge)}
        </button>
        <super::move_on::MoveOn />
        <Assign />
        <super::note::NoteForm />
        <super::reply::ReplyForm />
        <TextAction action="ask" title=T::Ask label=T::Text send=T::AskSend />
        <Show when=leads><Extend /></Show>
        <super::decide::DecideForm />
        <TextAction action="close" title=T::CloseComplaint label=T::Message send=T::CloseComplaint />
        <TextAction action="reopen" title=T::Reopen label=T::Message send=T::Reopen />
        <Show when=leads><Merge /></Show>
        <Kept retention=retention />
        <Show when=leads><LegalHold retention=retention /></Show>
    }
}

/// Until when the personal data is kept (or that it is not closed yet, or erased), and the legal hold with
/// who put it on, when and why: for everyone who reads the complaint (issue #25).
#[component]
fn Kept(retention: Signal<Retention>) -> impl IntoView {
    let desk = Desk::get();
    let day = move |iso: &str| {
        Date::parse_iso(iso).map_or_else(|| iso.to_owned(), |d| date_text(d, desk.locale()))
    };
    let kept = move || {
        let retention = retention.get();
        match (&retention.erased_at, &retention.keep_until) {
            (Some(at), _) => desk.fill(T::ErasedOn, &[("date", &desk.local_time(at))]),
            (None, Some(until)) => desk.fill(T::KeptUntil, &[("date", &day(until))]),
            (None, None) => desk.t(T::NotClosedYet).to_owned(),
        }
    };
    let hold = move || {
        retention.get().hold.map(|hold| {
            let since = desk.local_time(&hold.since);
            let words = [
                ("since", since.as_str()),
                ("by", &hold.by),
                ("reason", &hold.reason),
            ];
            view! { <p class="hold">{desk.fill(T::OnHoldSince, &words)}</p> }
        })
    };
    view! {
        <section class="action" aria-labelledby="retention-title">
            <h3 id="retention-title">{move || desk.t(T::Retention)}</h3>
            <p>{kept}</p>
            {hold}
        </section>
    }
}

/// A legal hold (issue #25): on with a reason, or off; a lead's. Nothing to hold once erased.
#[component]
fn LegalHold(retention: Signal<Retention>) -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let held = move || retention.with(|r| r.hold.is_some());
    let erased = move || retention.with(|r| r.erased_at.is_some());
    let reason = draft(act, "hold");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let words = reason.get();
        if words.trim().is_empty() {
            return;
        }
        act.send("hold", json!({ "reason": words }), move || reason.clear());
    };
    view! {
        <Show when=move || !erased()>
            <form class="action" on:submit=submit>
                <h3>{move || desk.t(T::LegalHold)}</h3>
                <Show when=held fallback=move || view! {
                    <label for="hold-reason">{move || desk.t(T::Reason)}</label>
                    <p id="hold-hint" class="meta">{move || desk.t(T::LegalHoldHint)}</p>
                    <textarea id="hold-reason" aria-describedby="hold-hint"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                    <button type="submit" class="button" disabled=move || act.busy.get()>{move || desk.t(T::LegalHoldSend)}</button>
                }>
                    <button type="button" class="button button--secondary" disabled=move || act.busy.get()
                        on:click=move |_| act.remove("hold")>{move || desk.t(T::LegalHoldRelease)}</button>
                </Show>
            </form>
        </Show>
    }
}

/// A draft kept per complaint and per form.
pub fn draft(act: Act, form: &str) -> Draft {
    Draft::new(format!("{}.{form}", act.reference.get_value()))
}

#[component]
fn Assign() -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let staff = RwSignal::new(Vec::<(String, String)>::new());
    let chosen = RwSignal::new(String::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = desk.api.get::<StaffList>("/staff").await {
            staff.set(
                list.staff
                    .into_iter()
                    .filter(|s| !s.disabled)
                    .map(|s| (s.id.0, s.name))
                    .collect(),
            );
        }
    });
    let assign = move |to: Value| act.send("assign", json!({ "assignee": to }), || ());
    let me = move || desk.me().map(|m| m.id.0).unwrap_or_default();
    view! {
        <form class="action" on:submit=move |ev| {
            ev.prevent_default();
            let to = chosen.get_untracked();
            // A staff id is a number; none chosen is `null`: back to the queue.
            assign(json!(to.parse::<i64>().ok()));
        }>
            <h3>{move || desk.t(T::Assign)}</h3>
            <label for="assign-to">{move || desk.t(T::AssignTo)}</label>
            <select id="assign-to" aria-keyshortcuts="a" on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value="">{move || desk.t(T::Unassign)}</option>
                <option value=me>{move || desk.t(T::AssignMe)}</option>
                {move || staff.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            <button type="submit" class="button" disabled=move || act.busy.get()>{move || desk.t(T::Assign)}</button>
        </form>
    }
}

/// A form of one text field: ask (`text`), close and reopen (`message`, optional).
#[component]
fn TextAction(action: &'static str, title: T, label: T, send: T) -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let text = draft(act, action);
    let id = format!("{action}-text");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let words = text.get();
        let body = if action == "ask" {
            json!({ "text": words })
        } else {
            json!({ "message": words })
        };
        act.send(action, body, move || text.clear());
    };
    let heading = format!("{action}-title");
    let labelled_by = heading.clone();
    view! {
        <form class="action" aria-labelledby=labelled_by on:submit=submit>
            <h3 id=heading>{move || desk.t(title)}</h3>
            <label for=id.clone()>{move || desk.t(label)}</label>
            <textarea id=id required=action == "ask"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
            <button type="submit" class="button" disabled=move || act.busy.get()>{move || desk.t(send)}</button>
        </form>
    }
}

#[component]
fn Extend() -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let step = RwSignal::new("decide".to_owned());
    let until = RwSignal::new(String::new());
    let reason = draft(act, "extend");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = json!({ "step": step.get_untracked(), "until": until.get_untracked(), "reason": reason.get() });
        act.send("extend", body, move || reason.clear());
    };
    view! {
        <form class="action" on:submit=submit>
            <h3>{move || desk.t(T::Extend)}</h3>
            <label for="extend-step">{move || desk.t(T::Step)}</label>
            <select id="extend-step" on:change=move |ev| step.set(event_target_value(&ev))>
                <option value="decide">{move || desk.t(T::StepDecide)}</option>
                <option value="acknowledge">{move || desk.t(T::StepAcknowledge)}</option>
            </select>
            <label for="extend-until">{move || desk.t(T::NewDate)}</label>
            <input id="extend-until" type="date" required prop:value=move || until.get()
                on:input=move |ev| until.set(event_target_value(&ev)) />
            <label for="extend-reason">{move || desk.t(T::Reason)}</label>
            <textarea id="extend-reason" required prop:value=move || reason.get()
                on:input=move |ev| reason.set(event_target_value(&ev)) />
            <button type="submit" class="button" disabled=move || act.busy.get()>{move || desk.t(T::ExtendSend)}</button>
        </form>
    }
}

#[component]
fn Merge() -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let into = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let target = into.get_untracked().trim().to_owned();
        act.send("merge", json!({ "into": target.clone() }), move || {
            desk.go(crate::route::Route::Complaint(target));
        });
    };
    view! {
        <form class="action" on:submit=submit>
            <h3>{move || desk.t(T::Merge)}</h3>
            <label for="merge-into">{move || desk.t(T::MergeInto)}</label>
            <input id="merge-into" type="text" required spellcheck="false" prop:value=move || into.get()
                on:input=move |ev| into.set(event_target_value(&ev)) />
            <button type="submit" class="button" disabled=move || act.busy.get()>{move || desk.t(T::MergeSend)}</button>
        </form>
    }
}
