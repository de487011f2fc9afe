//! The queue screen: the queues with their counts, the rows of the chosen one with filters, sort and search,
//! a selection with its bulk bar, and the keyboard (j/k, Enter, a/r/n, `/`, `?`). It polls every 15 s
//! while the tab is visible, with the rows' `ETag` (`304` when nothing changed), and only ever replaces the
//! rows: the filters, the search box, the selection and the focus are the screen's own and stay as they are.
//! Polling rather than server-sent events: one request per 15 s per open desk, usually a `304`, needs
//! nothing of the server beyond the `ETag` and passes every proxy; a desk is not a chat.

mod bulk;
mod filters;
mod list;
mod table;

use leptos::prelude::*;
use web_sys::KeyboardEvent;

use crate::api::{ApiError, QueueCount, Queues, Row, Rows};
use crate::desk::Desk;
use crate::keys::{self, Shortcut};
use crate::widgets::Problem;
pub use filters::Filters;

const POLL_MS: u64 = 15_000;

#[component]
pub fn QueueScreen(queue: String) -> impl IntoView {
    let desk = Desk::get();
    let queue = StoredValue::new(queue);
    let filters = Filters::new();
    let counts = RwSignal::new(Vec::<QueueCount>::new());
    let rows = RwSignal::new(Vec::<Row>::new());
    let total = RwSignal::new(0u64);
    let selection = RwSignal::new(Vec::<String>::new());
    let current = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<ApiError>);
    let etag = StoredValue::new(None::<String>);
    let generation = StoredValue::new(0u32);

    // Loads the rows; `fresh` when the question changed (its old tag says nothing about the new one).
    // A late call (a timer or a callback firing as the screen goes) finds it gone and does nothing.
    let load = move |fresh: bool| {
        let Some(queue) = queue.try_get_value() else {
            return;
        };
        let path = format!("/complaints?{}", filters.query(&queue));
        if fresh {
            etag.try_update_value(|e| *e = None);
        }
        let Some(mine) = generation.try_update_value(|g| {
            *g += 1;
            *g
        }) else {
            return;
        };
        // After each await the screen may be gone (another screen opened): its values are read with `try_`.
        leptos::task::spawn_local(async move {
            if let Ok(queues) = desk.api.get::<Queues>("/queues").await {
                counts.set(queues.queues);
            }
            let Some(known) = etag.try_get_value() else {
                return;
            };
            let answer = desk.api.get_tagged::<Rows>(&path, known.as_deref()).await;
            if generation.try_get_value() != Some(mine) {
                return; // a newer question is on its way
            }
            match answer {
                Ok(tagged) => {
                    problem.set(None);
                    etag.try_update_value(|e| *e = tagged.etag);
                    if let Some(body) = tagged.body {
                        total.set(body.total);
                        rows.set(body.rows);
                    }
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    Effect::new(move || {
        filters.track();
        load(true);
    });
    if let Ok(poll) = set_interval_with_handle(
        move || {
            if visible() {
                load(false);
            }
        },
        std::time::Duration::from_millis(POLL_MS),
    ) {
        on_cleanup(move || poll.clear());
    }
    let keys = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        on_key(desk, &event, rows, current, filters);
    });
    on_cleanup(move || keys.remove());

    view! {
        <div class="queue-screen">
            <list::QueueList counts=counts current=queue.get_value() />
            <section class="queue" aria-labelledby="queue-title">
                <h1 id="queue-title">{move || desk.t(list::label(&queue.get_value()))}</h1>
                <filters::FilterBar filters=filters />
                <Problem error=problem />
                <bulk::BulkBar selection=selection on_done=Callback::new(move |()| load(true)) />
                <table::Table rows=rows total=total selection=selection current=current />
            </section>
        </div>
    }
}

fn visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

fn on_key(
    desk: Desk,
    event: &KeyboardEvent,
    rows: RwSignal<Vec<Row>>,
    current: RwSignal<Option<String>>,
    filters: Filters,
) {
    if desk.help.get_untracked() {
        return;
    }
    let target: Option<web_sys::HtmlElement> = event
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into(t).ok());
    let tag = target.as_ref().map(|t| t.tag_name()).unwrap_or_default();
    let editable = target.as_ref().is_some_and(|t| t.is_content_editable());
    let modified = event.ctrl_key() || event.alt_key() || event.meta_key();
    let on_row = !matches!(tag.as_str(), "A" | "BUTTON" | "SUMMARY");
    let Some(shortcut) = keys::shortcut(
        &event.key(),
        modified,
        keys::is_typing_target(&tag, editable),
        on_row,
    ) else {
        return;
    };
    let references: Vec<String> =
        rows.with_untracked(|r| r.iter().map(|r| r.reference.clone()).collect());
    let at = current
        .get_untracked()
        .and_then(|c| references.iter().position(|r| *r == c));
    let chosen = at.and_then(|i| references.get(i).cloned());
    match shortcut {
        Shortcut::Down | Shortcut::Up => {
            event.prevent_default();
            let next = match (shortcut, at) {
                (Shortcut::Down, Some(i)) => (i + 1).min(references.len().saturating_sub(1)),
                (Shortcut::Up, Some(i)) => i.saturating_sub(1),
                _ => 0,
            };
            if let Some(reference) = references.get(next) {
                current.set(Some(reference.clone()));
                table::focus_row(reference);
            }
        }
        Shortcut::Open => {
            if let Some(reference) = chosen {
                event.prevent_default();
                desk.open_with(reference, None);
            }
        }
        Shortcut::Assign | Shortcut::Reply | Shortcut::Note | Shortcut::Stage => {
            if let Some(reference) = chosen {
                event.prevent_default();
                desk.open_with(reference, Some(shortcut));
            }
        }
        Shortcut::Help => desk.help.set(true),
        Shortcut::Search => {
            event.prevent_default();
            filters.focus_search();
        }
    }
}
