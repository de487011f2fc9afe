//! The questions a person asks of a queue: category, stage, assignee, dates, sort, order and the search
//! words, as the query string of `GET /complaints`.

use complaint_domain::status::Stage;
use leptos::prelude::*;

use crate::desk::Desk;
use crate::i18n::{self, T};

#[derive(Clone, Copy)]
pub struct Filters {
    category: RwSignal<String>,
    /// A root cause of the config's (`cause=`): the complaints decided with it.
    cause: RwSignal<String>,
    stage: RwSignal<String>,
    assignee: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    sort: RwSignal<String>,
    order: RwSignal<String>,
    /// The search words asked (on Enter); what is typed stays in the box.
    q: RwSignal<String>,
    search: NodeRef<leptos::html::Input>,
}

impl Filters {
    pub fn new() -> Filters {
        Filters {
            category: RwSignal::new(String::new()),
            cause: RwSignal::new(String::new()),
            stage: RwSignal::new(String::new()),
            assignee: RwSignal::new(String::new()),
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
            sort: RwSignal::new("due".to_owned()),
            order: RwSignal::new("asc".to_owned()),
            q: RwSignal::new(String::new()),
            search: NodeRef::new(),
        }
    }

    /// Subscribes the caller to every filter.
    pub fn track(&self) {
        for signal in self.all() {
            signal.track();
        }
        self.q.track();
    }

    fn all(&self) -> [RwSignal<String>; 8] {
        [
            self.category,
            self.cause,
            self.stage,
            self.assignee,
            self.from,
            self.to,
            self.sort,
            self.order,
        ]
    }

    pub fn query(&self, queue: &str) -> String {
        let pairs = [
            ("queue", queue.to_owned()),
            ("category", self.category.get_untracked()),
            ("cause", self.cause.get_untracked()),
            ("stage", self.stage.get_untracked()),
            ("assignee", self.assignee.get_untracked()),
            ("from", self.from.get_untracked()),
            ("to", self.to.get_untracked()),
            ("sort", self.sort.get_untracked()),
            ("order", self.order.get_untracked()),
            ("q", self.q.get_untracked().trim().to_owned()),
        ];
        query_string(&pairs)
    }

    pub fn focus_search(&self) {
        if let Some(input) = self.search.get_untracked() {
            let _ = input.focus();
        }
    }
}

impl Default for Filters {
    fn default() -> Self {
        Filters::new()
    }
}

/// `a=1&b=x%20y`, leaving out empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::route::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
pub fn FilterBar(filters: Filters) -> impl IntoView {
    let desk = Desk::get();
    let typed = RwSignal::new(String::new());
    let choice = move |id: &'static str,
                       label: T,
                       signal: RwSignal<String>,
                       options: Vec<(String, String)>| {
        view! {
            <label for=id>{move || desk.t(label)}</label>
            <select id=id on:change=move |ev| signal.set(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(value, name)| {
                        let selected = signal.get_untracked() == value;
                        view! { <option value=value selected=selected>{name}</option> }
                    })
                    .collect_view()}
            </select>
        }
    };
    let any = move || (String::new(), desk.t(T::Any).to_owned());
    let categories = move || {
        std::iter::once(any())
            .chain(desk.categories())
            .collect::<Vec<_>>()
    };
    let causes = move || {
        std::iter::once(any())
            .chain(desk.causes())
            .collect::<Vec<_>>()
    };
    let stages = move || {
        let locale = desk.locale();
        std::iter::once(any())
            .chain(
                Stage::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), i18n::stage(locale, s.as_str()))),
            )
            .collect::<Vec<_>>()
    };
    let assignees = move || {
        let me = desk.me().map(|m| m.id.0).unwrap_or_default();
        vec![
            any(),
            (me, desk.t(T::QueueMine).to_owned()),
            ("none".to_owned(), desk.t(T::Nobody).to_owned()),
        ]
    };
    let sorts = move || {
        [
            ("due", T::SortDeadline),
            ("received", T::SortFiled),
            ("reference", T::SortReference),
        ]
        .map(|(v, k)| (v.to_owned(), desk.t(k).to_owned()))
        .to_vec()
    };
    let orders = move || {
        [("asc", T::SortAsc), ("desc", T::SortDesc)]
            .map(|(v, k)| (v.to_owned(), desk.t(k).to_owned()))
            .to_vec()
    };
    let date = move |id: &'static str, label: T, signal: RwSignal<String>| {
        view! {
            <label for=id>{move || desk.t(label)}</label>
            <input id=id type="date" prop:value=move || signal.get()
                on:change=move |ev| signal.set(event_target_value(&ev)) />
        }
    };
    view! {
        <form class="search" role="search" on:submit=move |ev| {
            ev.prevent_default();
            filters.q.set(typed.get_untracked());
        }>
            <label for="search">{move || desk.t(T::Search)}</label>
            <input id="search" type="search" node_ref=filters.search aria-keyshortcuts="/"
                placeholder=move || desk.t(T::SearchHint)
                prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
            <button type="submit" class="button">{move || desk.t(T::Search)}</button>
        </form>
        <details class="filters">
            <summary>{move || desk.t(T::Filters)}</summary>
            <div class="filters__grid">
                {move || choice("f-category", T::FilterCategory, filters.category, categories())}
                {move || choice("f-cause", T::FilterCause, filters.cause, causes())}
                {move || choice("f-stage", T::FilterStage, filters.stage, stages())}
                {move || choice("f-assignee", T::FilterAssignee, filters.assignee, assignees())}
                {date("f-from", T::FilterFrom, filters.from)}
                {date("f-to", T::FilterTo, filters.to)}
                {move || choice("f-sort", T::SortBy, filters.sort, sorts())}
                {move || choice("f-order", T::Order, filters.order, orders())}
            </div>
        </details>
    }
}
