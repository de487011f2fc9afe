//! Webhooks (admin): endpoints with their events, a new one (its signing secret shown once), a test event,
//! the delivery log, deleting one.

use leptos::prelude::*;
use serde_json::json;

use crate::api::{value_text, ApiError, Deliveries, Delivery, Webhook, Webhooks};
use crate::desk::Desk;
use crate::i18n::T;
use crate::widgets::{CopyButton, Problem};

const EVENTS: [(&str, T); 4] = [
    ("complaint.filed", T::EventFiled),
    ("reply.received", T::EventReplied),
    ("stage.changed", T::EventStage),
    ("deadline.breached", T::EventBreached),
];

#[component]
pub fn WebhooksScreen() -> impl IntoView {
    let desk = Desk::get();
    let hooks = RwSignal::new(Vec::<Webhook>::new());
    let problem = RwSignal::new(None::<ApiError>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match desk.api.get::<Webhooks>("/webhooks").await {
                Ok(list) => hooks.set(list.webhooks),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    load();
    view! {
        <h1>{move || desk.t(T::WebhooksTitle)}</h1>
        <Problem error=problem />
        {move || hooks.get().into_iter().map(|hook| view! {
            <HookView hook=hook on_change=Callback::new(move |()| load()) />
        }).collect_view()}
        <NewHook on_done=Callback::new(move |()| load()) />
    }
}

#[component]
fn HookView(hook: Webhook, on_change: Callback<()>) -> impl IntoView {
    let desk = Desk::get();
    let base = format!("/webhooks/{}", crate::route::encode(&hook.id.0));
    let deliveries = RwSignal::new(Vec::<Delivery>::new());
    let note = RwSignal::new(None::<&'static str>);
    let problem = RwSignal::new(None::<ApiError>);
    let path = StoredValue::new(base);
    let show = move || {
        leptos::task::spawn_local(async move {
            let Some(base) = path.try_get_value() else {
                return;
            };
            let url = format!("{base}/deliveries");
            match desk.api.get::<Deliveries>(&url).await {
                Ok(list) => deliveries.set(list.deliveries),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let test = move |_| {
        leptos::task::spawn_local(async move {
            let url = format!("{}/test", path.get_value());
            match desk
                .api
                .post::<_, serde_json::Value>(&url, &json!({}))
                .await
            {
                Ok(_) => {
                    note.set(Some(desk.t(T::TestSent)));
                    show();
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let delete = move |_| {
        leptos::task::spawn_local(async move {
            match desk.api.delete(&path.get_value()).await {
                Ok(_) => {
                    on_change.try_run(());
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    view! {
        <section class="action">
            <h2 class="secret">{hook.url.clone()}</h2>
            <p>{hook.events.join(", ")}</p>
            <button type="button" class="button" on:click=test>{move || desk.t(T::SendTest)}</button>
            <button type="button" class="button" on:click=move |_| show()>{move || desk.t(T::Deliveries)}</button>
            <button type="button" class="button button--quiet" on:click=delete>{move || desk.t(T::Delete)}</button>
            <Problem error=problem />
            <p role="status">{move || note.get()}</p>
            <Show when=move || !deliveries.with(Vec::is_empty)>
                <table>
                    <thead><tr>
                        <th scope="col">{move || desk.t(T::When)}</th>
                        <th scope="col">{move || desk.t(T::Event)}</th>
                        <th scope="col">{move || desk.t(T::Result)}</th>
                        <th scope="col">{move || desk.t(T::Attempts)}</th>
                    </tr></thead>
                    <tbody>{move || deliveries.get().into_iter().map(|d| view! {
                        <tr><td>{d.at}</td><td>{d.event}</td><td>{value_text(&d.status)}</td><td>{d.attempt}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            </Show>
        </section>
    }
}

#[component]
fn NewHook(on_done: Callback<()>) -> impl IntoView {
    let desk = Desk::get();
    let url = RwSignal::new(String::new());
    let events = RwSignal::new(
        EVENTS
            .iter()
            .map(|(e, _)| (*e).to_owned())
            .collect::<Vec<_>>(),
    );
    let secret = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = json!({ "url": url.get_untracked().trim(), "events": events.get_untracked() });
        leptos::task::spawn_local(async move {
            match desk.api.post::<_, Webhook>("/webhooks", &body).await {
                Ok(hook) => {
                    problem.set(None);
                    secret.set(Some(hook.secret));
                    on_done.try_run(());
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    view! {
        <form class="action stack" on:submit=submit>
            <h2>{move || desk.t(T::WebhookCreate)}</h2>
            <label for="hook-url">{move || desk.t(T::WebhookUrl)}</label>
            <input id="hook-url" type="url" required prop:value=move || url.get()
                on:input=move |ev| url.set(event_target_value(&ev)) />
            <fieldset>
                <legend>{move || desk.t(T::WebhookEvents)}</legend>
                {EVENTS.into_iter().map(|(event, key)| {
                    let id = format!("hook-{event}");
                    let on = move || events.with(|e| e.iter().any(|x| x == event));
                    view! {
                        <div>
                            <input type="checkbox" id=id.clone() prop:checked=on on:change=move |ev| {
                                let checked = event_target_checked(&ev);
                                events.update(|e| {
                                    e.retain(|x| x != event);
                                    if checked {
                                        e.push(event.to_owned());
                                    }
                                });
                            } />
                            <label for=id>{move || desk.t(key)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button button--primary">{move || desk.t(T::WebhookCreate)}</button>
            <Problem error=problem />
            {move || secret.get().map(|s| view! {
                <p role="status">{desk.t(T::SecretShownOnce)}</p>
                <p class="secret">{s.clone()}</p>
                <CopyButton text=s />
            })}
        </form>
    }
}
