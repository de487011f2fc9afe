//! Small pieces every screen uses: the header (title, sections, language, sign-out), the shortcuts dialog,
//! a refusal line, and the Copy button.

use complaint_domain::i18n::Locale;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::desk::Desk;
use crate::i18n::T;
use crate::keys::Shortcut;
use crate::route::Route;

#[component]
pub fn Header() -> impl IntoView {
    let desk = Desk::get();
    let link = move |route: Route, key: T| {
        let path = route.path();
        let current = move || desk.route().path() == path;
        let href = route.path();
        view! {
            <a
                href=href
                aria-current=move || current().then_some("page")
                on:click=move |ev| {
                    ev.prevent_default();
                    desk.go(route.clone());
                }
            >
                {move || desk.t(key)}
            </a>
        }
    };
    let nav = move || {
        let me = desk.me()?;
        let leads = me
            .leads()
            .then(|| link(Route::DataRequests, T::NavDataRequests));
        let admin = me.admin().then(|| {
            view! {
                {link(Route::Staff, T::NavStaff)}
                {link(Route::Templates, T::NavTemplates)}
                {link(Route::Tokens, T::NavTokens)}
                {link(Route::Webhooks, T::NavWebhooks)}
            }
        });
        Some(view! {
            <nav class="desk-nav" aria-label=move || desk.t(T::MainNav)>
                {link(Route::Home, T::NavQueues)}
                {me.leads().then(|| link(Route::Operations, T::NavOperations))}
                {leads}
                {admin}
            </nav>
            <p class="who">{desk.fill(T::SignedInAs, &[("name", &me.name)])}</p>
            <button type="button" class="button button--quiet" on:click=move |_| {
                leptos::task::spawn_local(async move { desk.sign_out(false).await });
            }>{move || desk.t(T::SignOut)}</button>
            <button type="button" class="button button--quiet" on:click=move |_| {
                leptos::task::spawn_local(async move { desk.sign_out(true).await });
            }>{move || desk.t(T::SignOutEverywhere)}</button>
        })
    };
    view! {
        <header class="desk-header">
            <p class="desk-title">{move || desk.t(T::DeskTitle)}</p>
            {nav}
            <LocalePicker />
            <button type="button" class="button button--quiet" aria-keyshortcuts="?"
                on:click=move |_| desk.help.set(true)>
                {move || desk.t(T::ShortcutsTitle)}
            </button>
        </header>
    }
}

#[component]
fn LocalePicker() -> impl IntoView {
    let desk = Desk::get();
    view! {
        <div class="locale">
            <label for="desk-locale">{move || desk.t(T::Language)}</label>
            <select id="desk-locale" on:change=move |ev| {
                if let Some(locale) = Locale::from_tag(&event_target_value(&ev)) {
                    desk.set_locale(locale);
                }
            }>
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.tag() lang=l.tag() selected=move || desk.locale() == l>
                                {l.endonym()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// The list of shortcuts (`?`), a modal `<dialog>`: the browser keeps the focus inside and Escape closes it.
#[component]
pub fn ShortcutsDialog() -> impl IntoView {
    let desk = Desk::get();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move || {
        let open = desk.help.get();
        if let Some(dialog) = dialog.get() {
            if open && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !open && dialog.open() {
                dialog.close();
            }
        }
    });
    let rows = move || {
        Shortcut::ALL
            .into_iter()
            .map(|(shortcut, key)| {
                view! { <tr><td><kbd>{key}</kbd></td><td>{desk.t(shortcut.label())}</td></tr> }
            })
            .collect_view()
    };
    view! {
        <dialog node_ref=dialog class="shortcuts" aria-labelledby="shortcuts-title"
            on:close=move |_| desk.help.set(false)>
            <h2 id="shortcuts-title">{move || desk.t(T::ShortcutsTitle)}</h2>
            <table>
                <thead><tr>
                    <th scope="col">{move || desk.t(T::ShortcutKey)}</th>
                    <th scope="col">{move || desk.t(T::ShortcutAction)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <button type="button" class="button" on:click=move |_| desk.help.set(false)>
                {move || desk.t(T::Close)}
            </button>
        </dialog>
    }
}

/// A refusal, announced (`role="alert"`), in the person's language.
#[component]
pub fn Problem(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let desk = Desk::get();
    move || {
        error
            .get()
            .map(|e| view! { <p class="problem" role="alert">{e.say(desk.locale())}</p> })
    }
}

/// Copies `text` to the clipboard and says so.
#[component]
pub fn CopyButton(text: String) -> impl IntoView {
    let desk = Desk::get();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <button type="button" class="button" on:click=copy>{move || desk.t(T::Copy)}</button>
        <span role="status">{move || copied.get().then(|| desk.t(T::Copied))}</span>
    }
}
