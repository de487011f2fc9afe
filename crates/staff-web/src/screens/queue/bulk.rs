//! The bulk bar over a selection (leads; the server refuses anyone else): assign, acknowledge or change
//! stage, one `POST /bulk`, and what was done and what was not.

use complaint_domain::status::Stage;
use leptos::prelude::*;
use serde_json::json;

use crate::api::{ApiError, BulkResults, StaffList};
use crate::desk::Desk;
use crate::i18n::{self, T};
use crate::widgets::Problem;

#[component]
pub fn BulkBar(selection: RwSignal<Vec<String>>, on_done: Callback<()>) -> impl IntoView {
    let desk = Desk::get();
    let action = RwSignal::new("assign".to_owned());
    let assignee = RwSignal::new(String::new());
    let stage = RwSignal::new(Stage::Acknowledged.as_str().to_owned());
    let staff = RwSignal::new(Vec::<(String, String)>::new());
    let problem = RwSignal::new(None::<ApiError>);
    let result = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(list) = desk.api.get::<StaffList>("/staff").await {
            let people = list
                .staff
                .into_iter()
                .filter(|s| !s.disabled)
                .map(|s| (s.id.0, s.name))
                .collect();
            staff.set(people);
        }
    });
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let references = selection.get_untracked();
        let kind = action.get_untracked();
        let mut body = json!({ "action": kind, "references": references });
        match kind.as_str() {
            "assign" => {
                let chosen = assignee.get_untracked();
                // A staff id is a number; none chosen is `null`: back to the queue.
                body["assignee"] = json!(chosen.parse::<i64>().ok());
            }
            "stage" => body["stage"] = json!(stage.get_untracked()),
            _ => {}
        }
        leptos::task::spawn_local(async move {
            match desk.api.post::<_, BulkResults>("/bulk", &body).await {
                Ok(answer) => {
                    problem.set(None);
                    let done: Vec<String> = answer
                        .results
                        .iter()
                        .filter(|r| r.ok)
                        .map(|r| r.reference.clone())
                        .collect();
                    let failed = answer.results.len() - done.len();
                    result.set(Some(desk.fill(
                        T::BulkResult,
                        &[
                            ("done", &done.len().to_string()),
                            ("failed", &failed.to_string()),
                        ],
                    )));
                    selection.update(|s| s.retain(|r| !done.contains(r)));
                    on_done.try_run(());
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let leads = move || desk.me().is_some_and(|m| m.leads());
    let count = move || selection.with(Vec::len);
    let shown = move || leads() && count() > 0;
    view! {
        <Show when=shown>
            <form class="bulk" aria-label=move || desk.t(T::BulkAction) on:submit=apply>
                <p>{move || desk.fill(T::BulkSelected, &[("count", &count().to_string())])}</p>
                <label for="bulk-action">{move || desk.t(T::BulkAction)}</label>
                <select id="bulk-action" on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="assign">{move || desk.t(T::BulkAssign)}</option>
                    <option value="acknowledge">{move || desk.t(T::BulkAcknowledge)}</option>
                    <option value="stage">{move || desk.t(T::BulkStage)}</option>
                </select>
                <Show when=move || action.get() == "assign">
                    <label for="bulk-assignee">{move || desk.t(T::AssignTo)}</label>
                    <select id="bulk-assignee" on:change=move |ev| assignee.set(event_target_value(&ev))>
                        <option value="">{move || desk.t(T::Nobody)}</option>
                        {move || staff.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </Show>
                <Show when=move || action.get() == "stage">
                    <label for="bulk-stage">{move || desk.t(T::FilterStage)}</label>
                    <select id="bulk-stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                        {move || Stage::ALL.iter().map(|s| {
                            let id = s.as_str();
                            view! { <option value=id selected=move || stage.get() == id>{i18n::stage(desk.locale(), id)}</option> }
                        }).collect_view()}
                    </select>
                </Show>
                <button type="submit" class="button button--primary">{move || desk.t(T::Apply)}</button>
                <button type="button" class="button button--quiet" on:click=move |_| selection.set(Vec::new())>
                    {move || desk.t(T::ClearSelection)}
                </button>
            </form>
        </Show>
        <Problem error=problem />
        {move || result.get().map(|r| view! { <p role="status">{r}</p> })}
    }
}
