//! "Show all N …" under a long list drawn only in part: its newest rows first (what a customer with many
//! almost always wants), the rest one tap away.

use complaint_domain::i18n::Counted;
use leptos::html::Ul;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::use_i18n;

/// How many rows of `list` to draw: the first `first`, or all once "Show all" was tapped.
pub fn rows_to_draw(all_shown: RwSignal<bool>, first: usize) -> usize {
    if all_shown.get() {
        usize::MAX
    } else {
        first
    }
}

/// The button, while `list` (of `total` rows) shows only its first `first`. Tapped, it goes, and the focus
/// moves to the first row it brought rather than to the page's start.
#[component]
pub fn ShowAll(
    list: NodeRef<Ul>,
    first: usize,
    #[prop(into)] total: Signal<usize>,
    all_shown: RwSignal<bool>,
    msg: Counted,
) -> impl IntoView {
    let i18n = use_i18n();
    let hidden = move || {
        let total = total.get();
        (!all_shown.get() && total > first).then_some(total)
    };
    let show_all = move |_| {
        all_shown.set(true);
        focus_row(list, first);
    };
    move || {
        hidden().map(|total| {
            view! {
                <p class="show-all">
                    <button type="button" class="link-button" on:click=show_all>
                        {i18n.count(msg, total as u64)}
                    </button>
                </p>
            }
        })
    }
}

/// Once drawn, focuses the first button of row `index` of `list`.
fn focus_row(list: NodeRef<Ul>, index: usize) {
    request_animation_frame(move || {
        let selector = format!(":scope > li:nth-child({}) button", index + 1);
        let button = list
            .get_untracked()
            .and_then(|ul| ul.query_selector(&selector).ok().flatten())
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(button) = button {
            let _ = button.focus();
        }
    });
}
