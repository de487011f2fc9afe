//! The internal note, with @mentions: typing `@` and the start of a name offers the matching colleagues
//! (`GET /colleagues`) in a list under the text, as the ARIA Authoring Practices' combobox with a list
//! popup does it — the text area keeps the focus and names the highlighted colleague with
//! `aria-activedescendant`; Down and Up move, Enter or Tab puts the name in, Escape closes the list, and so
//! does the focus leaving the form; a click on a name puts it in. The note is sent with the ids of the
//! colleagues whose `@Name` is still in it, and each of them finds the complaint in their "Mentions" queue.

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::JsCast;
use web_sys::{FocusEvent, KeyboardEvent};

use super::actions::draft;
use super::Act;
use crate::desk::Desk;
use crate::i18n::T;
use crate::mentions::{self, Colleague};

#[derive(Deserialize)]
struct Colleagues {
    colleagues: Vec<Colleague>,
}

/// The mention being typed: the `@`'s byte index, the caret's, and the words after the `@`.
#[derive(Clone, Debug, PartialEq)]
struct Typing {
    at: usize,
    end: usize,
    query: String,
}

#[component]
pub fn NoteForm() -> impl IntoView {
    let desk = Desk::get();
    let act = expect_context::<Act>();
    let text = draft(act, "note");
    let colleagues = RwSignal::new(None::<Vec<Colleague>>);
    let chosen = RwSignal::new(Vec::<Colleague>::new());
    let typing = RwSignal::new(None::<Typing>);
    let active = RwSignal::new(0usize);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    let offered = Memo::new(move |_| {
        let Some(typing) = typing.get() else {
            return Vec::new();
        };
        colleagues.with(|c| {
            c.as_deref()
                .map(|c| {
                    mentions::matching(c, &typing.query)
                        .into_iter()
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let open = move || !offered.with(Vec::is_empty);
    let look = move || {
        let Some(element) = area.get_untracked() else {
            return;
        };
        let value = element.value();
        let caret = element.selection_start().ok().flatten().unwrap_or(0) as usize;
        let found = mentions::typing_at(&value, caret).and_then(|(at, query)| {
            let end = mentions::byte_index(&value, caret)?;
            Some(Typing { at, end, query })
        });
        if found.is_some() && colleagues.get_untracked().is_none() {
            colleagues.set(Some(Vec::new()));
            leptos::task::spawn_local(async move {
                if let Ok(list) = desk.api.get::<Colleagues>("/colleagues").await {
                    colleagues.set(Some(list.colleagues));
                }
            });
        }
        active.set(0);
        typing.set(found);
    };
    let choose = move |index: usize| {
        let (Some(now), Some(colleague)) = (
            typing.get_untracked(),
            offered.with_untracked(|o| o.get(index).cloned()),
        ) else {
            return;
        };
        let (words, caret) = mentions::put_in(&text.get(), now.at, now.end, &colleague.name);
        if let Some(element) = area.get_untracked() {
            element.set_value(&words);
            let _ = element.set_selection_range(caret as u32, caret as u32);
            let _ = element.focus();
        }
        text.set(words);
        chosen.update(|c| c.push(colleague));
        typing.set(None);
    };
    let on_key = move |ev: KeyboardEvent| {
        if !open() {
            return;
        }
        let count = offered.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" => active.update(|a| *a = (*a + count - 1) % count),
            "Enter" | "Tab" => choose(active.get_untracked()),
            "Escape" => typing.set(None),
            _ => return,
        }
        ev.prevent_default();
        ev.stop_propagation();
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let words = text.get();
        if words.trim().is_empty() {
            return;
        }
        typing.set(None);
        let ids = mentions::mentioned(&words, &chosen.get_untracked());
        act.send(
            "notes",
            json!({ "text": words, "mentions": ids }),
            move || {
                text.clear();
                chosen.set(Vec::new());
            },
        );
    };
    // The list closes when the focus leaves the form, not when it moves to the form's button: closing it
    // under a click would move the button away from the pointer.
    let left = move |ev: FocusEvent| {
        let within = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .zip(form.get_untracked())
            .is_some_and(|(node, form)| form.contains(Some(&node)));
        if !within {
            typing.set(None);
        }
    };
    let option_id = |index: usize| format!("mention-{index}");
    let nobody = move || {
        // A query with a space in it and no match is a name already put in and the note going on.
        let asked = typing.with(|t| {
            t.as_ref()
                .is_some_and(|t| !t.query.is_empty() && !t.query.contains(char::is_whitespace))
        });
        let loaded = colleagues.with(|c| c.as_ref().is_some_and(|c| !c.is_empty()));
        asked && loaded && !open()
    };
    view! {
        <form class="action" node_ref=form on:submit=submit on:focusout=left>
            <h3>{move || desk.t(T::Note)}</h3>
            <label for="note-text">{move || desk.t(T::Note)}</label>
            <p id="note-hint" class="meta">{move || desk.t(T::NoteHint)}</p>
            <div class="mention-box">
                <textarea id="note-text" node_ref=area aria-describedby="note-hint" aria-keyshortcuts="n"
                    aria-autocomplete="list"
                    aria-controls=move || open().then_some("mention-list")
                    aria-activedescendant=move || open().then(|| option_id(active.get()))
                    prop:value=move || text.get()
                    on:input=move |ev| { text.set(event_target_value(&ev)); look(); }
                    on:keydown=on_key
                    on:click=move |_| look() />
                <Show when=open>
                    <ul id="mention-list" class="mention-list" role="listbox"
                        aria-label=move || desk.t(T::MentionList)>
                        {move || offered.get().into_iter().enumerate().map(|(index, colleague)| view! {
                            <li id=option_id(index) role="option"
                                aria-selected=move || if active.get() == index { "true" } else { "false" }
                                on:mousedown=move |ev| { ev.prevent_default(); choose(index); }>
                                {colleague.name}
                            </li>
                        }).collect_view()}
                    </ul>
                </Show>
                <p class="meta mention-status" role="status">{move || nobody().then(|| desk.t(T::MentionNone))}</p>
            </div>
            <button type="submit" class="button" disabled=move || act.busy.get()>{move || desk.t(T::AddNote)}</button>
        </form>
    }
}
