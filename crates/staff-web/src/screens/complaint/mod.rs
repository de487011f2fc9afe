//! One complaint: everything the customer sent, the replies, the public timeline, the internal notes and
//! the audit trail on the left ([`sections`]), the actions on the right ([`actions`], [`reply`],
//! [`decide`], [`move_on`]). Every action carries the `revision` this screen read; a `409 changed` says who
//! changed it, with a reload that keeps what was typed (the forms' drafts, [`crate::drafts`]). The keys `a`,
//! `r`, `n` and `s` go to assign, reply, note and the stage (also when the queue opened the complaint with
//! them). A colleague only mentioned on the complaint (`access` `note`) gets the note form alone, and a line
//! saying why: the server refuses them the rest anyway.

mod actions;
mod decide;
mod files;
mod move_on;
mod note;
mod reply;
mod sections;

use leptos::prelude::*;
use serde_json::Value;
use web_sys::KeyboardEvent;

use crate::api::{ApiError, Complaint};
use crate::desk::Desk;
use crate::i18n::T;
use crate::keys::{self, Shortcut};
use crate::route::{encode, Route};

/// What every action form of this screen shares: the reference, the revision read, and one way to send.
#[derive(Clone, Copy)]
pub struct Act {
    api: crate::api::Api,
    pub reference: StoredValue<String>,
    revision: RwSignal<Value>,
    pub problem: RwSignal<Option<ApiError>>,
    pub busy: RwSignal<bool>,
    reload: Callback<()>,
}

impl Act {
    /// `POST /complaints/{reference}/{action}` with the revision read (not for a note, which changes
    /// nothing another person edits and takes no revision); `done` runs on success, then the complaint is
    /// read again.
    pub fn send(&self, action: &'static str, mut body: Value, done: impl FnOnce() + 'static) {
        let act = *self;
        if let Some(fields) = body.as_object_mut().filter(|_| action != "notes") {
            fields.insert("revision".to_owned(), act.revision.get_untracked());
        }
        let path = format!(
            "/complaints/{}/{action}",
            encode(&act.reference.get_value())
        );
        act.busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = act.api.post::<_, Value>(&path, &body).await;
            act.busy.set(false);
            match answer {
                Ok(_) => {
                    act.problem.set(None);
                    done();
                    act.reload.try_run(());
                }
                Err(error) => act.problem.set(Some(error)),
            }
        });
    }

    /// `DELETE /complaints/{reference}/{what}` (a legal hold taken off), then the complaint is read again.
    pub fn remove(&self, what: &'static str) {
        let act = *self;
        let path = format!("/complaints/{}/{what}", encode(&act.reference.get_value()));
        act.busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = act.api.delete(&path).await;
            act.busy.set(false);
            match answer {
                Ok(_) => {
                    act.problem.set(None);
                    act.reload.try_run(());
                }
                Err(error) => act.problem.set(Some(error)),
            }
        });
    }
}

#[component]
pub fn ComplaintScreen(reference: String) -> impl IntoView {
    let desk = Desk::get();
    let complaint = RwSignal::new(None::<Complaint>);
    let problem = RwSignal::new(None::<ApiError>);
    let reference = StoredValue::new(reference);
    let load = move || {
        let path = format!("/complaints/{}", encode(&reference.get_value()));
        leptos::task::spawn_local(async move {
            match desk.api.get::<Complaint>(&path).await {
                Ok(c) => complaint.set(Some(c)),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let revision = RwSignal::new(Value::Null);
    Effect::new(move || {
        if let Some(c) = complaint.get() {
            revision.set(c.revision.clone());
        }
    });
    let act = Act {
        api: desk.api,
        reference,
        revision,
        problem: RwSignal::new(None),
        busy: RwSignal::new(false),
        reload: Callback::new(move |()| load()),
    };
    provide_context(act);
    load();
    let keys = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        on_key(desk, &event)
    });
    on_cleanup(move || keys.remove());
    let title = move || desk.fill(T::ComplaintTitle, &[("reference", &reference.get_value())]);
    let changed = move || matches!(act.problem.get(), Some(ApiError::Changed { .. }));
    let loaded = move || complaint.with(Option::is_some);
    let retention = Signal::derive(move || {
        complaint.with(|c| c.as_ref().map(|c| c.retention.clone()).unwrap_or_default())
    });
    let works = move || complaint.with(|c| c.as_ref().is_none_or(|c| c.access != "note"));
    Effect::new(move || {
        if loaded() {
            if let Some(intent) = desk.take_intent() {
                focus_for(intent);
            }
        }
    });
    view! {
        <p><a href=Route::Home.path() on:click=move |ev| {
            ev.prevent_default();
            desk.go(Route::Home);
        }>{move || desk.t(T::BackToQueue)}</a></p>
        <h1>{title}</h1>
        <crate::widgets::Problem error=problem />
        <div class="complaint">
            <div>{move || complaint.get().map(|c| view! { <sections::Sections complaint=c /> })}</div>
            <Show when=loaded>
                <section aria-labelledby="actions-title">
                    <h2 id="actions-title">{move || desk.t(T::SecActions)}</h2>
                    <crate::widgets::Problem error=act.problem />
                    <Show when=changed>
                        <button type="button" class="button" on:click=move |_| {
                            act.problem.set(None);
                            load();
                        }>{move || desk.t(T::ReloadKeepText)}</button>
                    </Show>
                    <Show when=works fallback=move || view! {
                        <p class="meta">{move || desk.t(T::MentionedOnly)}</p>
                        <note::NoteForm />
                    }>
                        <actions::Actions retention=retention />
                    </Show>
                </section>
            </Show>
        </div>
    }
}

fn on_key(desk: Desk, event: &KeyboardEvent) {
    if desk.help.get_untracked() {
        return;
    }
    let target: Option<web_sys::HtmlElement> = event
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into(t).ok());
    let tag = target.as_ref().map(|t| t.tag_name()).unwrap_or_default();
    let editable = target.as_ref().is_some_and(|t| t.is_content_editable());
    let modified = event.ctrl_key() || event.alt_key() || event.meta_key();
    match keys::shortcut(
        &event.key(),
        modified,
        keys::is_typing_target(&tag, editable),
        false,
    ) {
        Some(Shortcut::Help) => desk.help.set(true),
        Some(s @ (Shortcut::Assign | Shortcut::Reply | Shortcut::Note | Shortcut::Stage)) => {
            event.prevent_default();
            focus_for(s);
        }
        _ => {}
    }
}

/// The field a shortcut goes to on this screen.
fn focus_for(shortcut: Shortcut) {
    let id = match shortcut {
        Shortcut::Assign => "assign-to",
        Shortcut::Reply => "reply-text",
        Shortcut::Note => "note-text",
        Shortcut::Stage => "stage-to",
        _ => return,
    };
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
