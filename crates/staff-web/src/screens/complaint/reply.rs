//! Reply to the customer: from a template of the complaint's category or in one's own words, previewed as
//! the customer will read it (`POST /templates/preview`: the server writes the mail in the customer's
//! language), then sent.

use leptos::prelude::*;
use serde_json::{json, Value};

use super::actions::draft;
use super::Act;
use crate::api::{Preview, Templates};
use crate::desk::Desk;
use crate::i18n::T;
use crate::widgets::Problem;

#[component]
pub fn ReplyForm() -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let text = draft(act, "reply");
    let template = RwSignal::new(String::new());
    let templates = RwSignal::new(Vec::<(String, String)>::new());
    let preview = RwSignal::new(None::<Preview>);
    let problem = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        if let Ok(list) = desk.api.get::<Templates>("/templates").await {
            let named = list
                .templates
                .into_iter()
                // A template of another kind is refused for a reply.
                .filter(|t| t.kind == "reply")
                .map(|t| {
                    let name = if t.name.is_empty() {
                        t.id.0.clone()
                    } else {
                        t.name
                    };
                    (t.id.0, name)
                })
                .collect();
            templates.set(named);
        }
    });
    let body = move || {
        let chosen = template.get_untracked();
        if chosen.is_empty() {
            json!({ "text": text.get() })
        } else {
            // Template ids are numbers; the select holds them as text.
            json!({ "template": chosen.parse::<i64>().ok() })
        }
    };
    let show_preview = move |_| {
        let mut ask: Value = body();
        ask["reference"] = json!(act.reference.get_value());
        leptos::task::spawn_local(async move {
            match desk
                .api
                .post::<_, Preview>("/templates/preview", &ask)
                .await
            {
                Ok(p) => {
                    problem.set(None);
                    preview.set(Some(p));
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        act.send("reply", body(), move || {
            text.clear();
            preview.set(None);
        });
    };
    view! {
        <form class="action" on:submit=submit>
            <h3>{move || desk.t(T::Reply)}</h3>
            <label for="reply-template">{move || desk.t(T::Template)}</label>
            <select id="reply-template" on:change=move |ev| {
                template.set(event_target_value(&ev));
                preview.set(None);
            }>
                <option value="">{move || desk.t(T::NoTemplate)}</option>
                {move || templates.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            <Show when=move || template.get().is_empty()>
                <label for="reply-text">{move || desk.t(T::Text)}</label>
                <textarea id="reply-text" aria-keyshortcuts="r" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev)) />
            </Show>
            <button type="button" class="button" on:click=show_preview>{move || desk.t(T::Preview)}</button>
            <Problem error=problem />
            {move || preview.get().map(|p| view! {
                <section class="preview" aria-label=desk.t(T::PreviewTitle)>
                    <h4>{desk.t(T::PreviewTitle)}</h4>
                    <p><strong dir="auto">{p.subject}</strong></p>
                    <p class="text" dir="auto">{p.text}</p>
                </section>
            })}
            <button type="submit" class="button button--primary" disabled=move || act.busy.get()>
                {move || desk.t(T::SendReply)}
            </button>
        </form>
    }
}
