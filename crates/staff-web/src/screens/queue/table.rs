//! The rows of a queue: reference (a link: Enter or a click opens it), category, the customer's first
//! words, stage, the next deadline as a clock, assignee, and a checkbox for the bulk bar. Rows are keyed by
//! reference, so a poll that brings new rows leaves the others' checkboxes and focus alone.

use leptos::prelude::*;

use crate::api::Row;
use crate::clock;
use crate::desk::Desk;
use crate::i18n::{self, T};

/// Moves the keyboard focus to a row's link (j/k).
pub fn focus_row(reference: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&row_id(reference)));
    if let Some(element) =
        element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = element.focus();
    }
}

fn row_id(reference: &str) -> String {
    format!("row-{reference}")
}

#[component]
pub fn Table(
    rows: RwSignal<Vec<Row>>,
    total: RwSignal<u64>,
    selection: RwSignal<Vec<String>>,
    current: RwSignal<Option<String>>,
) -> impl IntoView {
    let desk = Desk::get();
    let all_selected = move || {
        rows.with(|r| {
            !r.is_empty()
                && r.iter()
                    .all(|row| selection.with(|s| s.contains(&row.reference)))
        })
    };
    let select_all = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let shown: Vec<String> =
            rows.with_untracked(|r| r.iter().map(|r| r.reference.clone()).collect());
        selection.update(|s| {
            s.retain(|r| !shown.contains(r));
            if on {
                s.extend(shown);
            }
        });
    };
    let shown = move || {
        desk.fill(
            T::Shown,
            &[
                ("shown", &rows.with(Vec::len).to_string()),
                ("total", &total.get().to_string()),
            ],
        )
    };
    view! {
        <p class="shown" role="status">{shown}</p>
        <div class="table-wrap">
            <table class="rows">
                <thead><tr>
                    <th scope="col">
                        <input type="checkbox" aria-label=move || desk.t(T::SelectAll)
                            prop:checked=all_selected on:change=select_all />
                    </th>
                    <th scope="col">{move || desk.t(T::ColReference)}</th>
                    <th scope="col">{move || desk.t(T::ColCategory)}</th>
                    <th scope="col">{move || desk.t(T::ColWords)}</th>
                    <th scope="col">{move || desk.t(T::ColStage)}</th>
                    <th scope="col">{move || desk.t(T::ColDeadline)}</th>
                    <th scope="col">{move || desk.t(T::ColAssignee)}</th>
                </tr></thead>
                <tbody>
                    <For each=move || rows.with(|r| r.iter().map(|r| r.reference.clone()).collect::<Vec<_>>())
                        key=|reference| reference.clone()
                        children=move |reference| view! { <RowView reference=reference rows=rows selection=selection current=current /> } />
                </tbody>
            </table>
        </div>
        {move || rows.with(Vec::is_empty).then(|| view! { <p class="empty">{desk.t(T::NoRows)}</p> })}
    }
}

#[component]
fn RowView(
    reference: String,
    rows: RwSignal<Vec<Row>>,
    selection: RwSignal<Vec<String>>,
    current: RwSignal<Option<String>>,
) -> impl IntoView {
    let desk = Desk::get();
    let link = crate::route::Route::Complaint(reference.clone()).path();
    let id = row_id(&reference);
    let reference = StoredValue::new(reference);
    // The row's data from the latest poll; the row itself (its checkbox, its focus) stays.
    let row = Memo::new(move |_| {
        rows.with(|r| {
            r.iter()
                .find(|x| x.reference == reference.get_value())
                .cloned()
        })
        .unwrap_or_default()
    });
    let checked = move || selection.with(|s| s.contains(&reference.get_value()));
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let r = reference.get_value();
        selection.update(|s| {
            s.retain(|x| *x != r);
            if on {
                s.push(r);
            }
        });
    };
    let here = move || current.get().as_deref() == Some(reference.get_value().as_str());
    let next = move || row.with(|r| r.next.clone());
    view! {
        <tr class:current=here>
            <td><input type="checkbox" prop:checked=checked on:change=toggle
                aria-label=move || desk.fill(T::SelectRow, &[("reference", &reference.get_value())]) /></td>
            <th scope="row">
                <a id=id href=link
                    on:focus=move |_| current.set(Some(reference.get_value()))
                    on:click=move |ev| {
                        ev.prevent_default();
                        desk.open_with(reference.get_value(), None);
                    }>
                    {reference.get_value()}
                </a>
            </th>
            <td>{move || desk.category(&row.with(|r| r.category.clone()))}</td>
            <td class="words" dir="auto">{move || row.with(|r| r.excerpt.clone())}</td>
            <td>{move || i18n::stage(desk.locale(), &row.with(|r| r.stage.clone()))}</td>
            <td><span class=move || clock::urgency(next().as_ref())>{move || clock::clock(desk.locale(), next().as_ref())}</span></td>
            <td>{move || {
                row.with(|r| r.assignee.as_ref().map(|w| w.name()))
                    .unwrap_or_else(|| desk.t(T::Nobody).to_owned())
            }}</td>
        </tr>
    }
}
