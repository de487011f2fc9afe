//! Data requests (leads and admins; docs/staff-api.md "Data requests"): customers' requests for a copy of
//! their data or its erasure, the open ones first by the day they must be answered, overdue ones marked; each
//! open one answered "done" or refused with the reason the customer reads on their tracker.

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::api::{ApiError, Id};
use crate::desk::Desk;
use crate::i18n::T;
use crate::route::Route;
use crate::widgets::Problem;

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct DataRequest {
    pub id: Id,
    pub reference: String,
    pub kind: String,
    pub requested_at: String,
    pub due_on: String,
    pub state: String,
    pub overdue: bool,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
struct DataRequests {
    requests: Vec<DataRequest>,
}

#[component]
pub fn DataRequestsScreen() -> impl IntoView {
    let desk = Desk::get();
    let requests = RwSignal::new(Vec::<DataRequest>::new());
    let problem = RwSignal::new(None::<ApiError>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match desk.api.get::<DataRequests>("/data-requests").await {
                Ok(list) => {
                    problem.set(None);
                    requests.set(list.requests);
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    load();
    view! {
        <h1>{move || desk.t(T::DataRequestsTitle)}</h1>
        <p>{move || desk.t(T::DataRequestsIntro)}</p>
        <Problem error=problem />
        {move || {
            let rows = requests.get();
            if rows.is_empty() {
                return view! { <p>{move || desk.t(T::NoRows)}</p> }.into_any();
            }
            view! {
                <table class="queue-table">
                    <thead><tr>
                        <th scope="col">{move || desk.t(T::ColReference)}</th>
                        <th scope="col">{move || desk.t(T::ColRequest)}</th>
                        <th scope="col">{move || desk.t(T::ColDeadline)}</th>
                        <th scope="col">{move || desk.t(T::Status)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! { <RequestRow request=r on_answered=load /> }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
    }
}

#[component]
fn RequestRow(
    request: DataRequest,
    on_answered: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let desk = Desk::get();
    let kind = if request.kind == "erasure" {
        T::KindErasure
    } else {
        T::KindExport
    };
    let state = match request.state.as_str() {
        "done" => T::StateDone,
        "refused" => T::StateRefused,
        _ => T::StateOpen,
    };
    let open = request.state == "open";
    let due_key = if request.overdue {
        T::OverdueSince
    } else {
        T::DueOn
    };
    let due = request.due_on.clone();
    let reference = request.reference.clone();
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<ApiError>);
    let path = format!("/data-requests/{}/answer", request.id.0);
    let answer = move |body: serde_json::Value| {
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match desk.api.post::<_, serde_json::Value>(&path, &body).await {
                Ok(_) => on_answered(),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let done = {
        let answer = answer.clone();
        move |_| answer(json!({ "state": "done" }))
    };
    let refuse = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        answer(json!({ "state": "refused", "reason": reason.get_untracked() }))
    };
    let field = format!("refuse-{}", request.id.0);
    let given = request.reason.clone();
    view! {
        <tr class:overdue=request.overdue>
            <td>
                <a href=Route::Complaint(reference.clone()).path() on:click=move |ev| {
                    ev.prevent_default();
                    desk.go(Route::Complaint(reference.clone()));
                }>{request.reference.clone()}</a>
            </td>
            <td>{move || desk.t(kind)}" · "{request.requested_at.clone()}</td>
            <td>{move || desk.fill(due_key, &[("date", &due)])}</td>
            <td>
                {move || desk.t(state)}
                {given.clone().map(|r| view! { <p>{r}</p> })}
                {open.then(|| view! {
                    // "Done" on an erasure erases the complaint's personal data on the server; under a legal hold
                    // it comes back refused, with the reason the customer reads shown here after the reload.
                    <button type="button" class="button button--primary" on:click=done.clone()>{move || desk.t(T::MarkDone)}</button>
                    <form class="action" on:submit=refuse>
                        <label for=field.clone()>{move || desk.t(T::RefuseReason)}</label>
                        <textarea id=field.clone() required prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev)) />
                        <button type="submit" class="button">{move || desk.t(T::Refuse)}</button>
                    </form>
                })}
                <Problem error=problem />
            </td>
        </tr>
    }
}
