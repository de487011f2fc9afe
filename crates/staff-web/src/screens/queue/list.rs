//! The queues with their counts, as links (each queue has its address).

use leptos::prelude::*;

use crate::api::QueueCount;
use crate::desk::Desk;
use crate::i18n::T;
use crate::route::Route;

/// The queues the API counts, in the order a person works them.
pub const QUEUES: [&str; 10] = [
    "breaching",
    "new",
    "mine",
    "unassigned",
    "due-soon",
    "overdue",
    "waiting",
    "replied",
    "quarantined",
    "mentions",
];

pub fn label(id: &str) -> T {
    match id {
        "mine" => T::QueueMine,
        "unassigned" => T::QueueUnassigned,
        "due-soon" => T::QueueDueSoon,
        "overdue" => T::QueueOverdue,
        "waiting" => T::QueueWaiting,
        "replied" => T::QueueReplied,
        "quarantined" => T::QueueQuarantined,
        "breaching" => T::QueueBreaching,
        "mentions" => T::QueueMentions,
        _ => T::QueueNew,
    }
}

#[component]
pub fn QueueList(counts: RwSignal<Vec<QueueCount>>, current: String) -> impl IntoView {
    let desk = Desk::get();
    let items = QUEUES
        .into_iter()
        .map(|id| {
            let route = Route::Queue(id.to_owned());
            let href = route.path();
            let count =
                move || counts.with(|c| c.iter().find(|q| q.id == id).map(|q| q.count.to_string()));
            let here = current == id;
            view! {
                <li>
                    <a href=href aria-current=here.then_some("page") on:click=move |ev| {
                        ev.prevent_default();
                        desk.go(route.clone());
                    }>
                        <span>{move || desk.t(label(id))}</span>
                        <span class="count">{count}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="queues" aria-label=move || desk.t(T::QueuesLabel)>
            <ul>{items}</ul>
        </nav>
    }
}
