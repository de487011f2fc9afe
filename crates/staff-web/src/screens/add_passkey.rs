//! After a sign-in with a recovery code (the API answered `add_passkey: true`): the code is used up, so the
//! desk asks the person to add a passkey on this device before they go on (`POST /me/passkeys/start`,
//! `/finish`, a real WebAuthn registration). "Not now" lets them work anyway; the next sign-in then needs
//! another code.

use leptos::prelude::*;

use crate::desk::Desk;
use crate::i18n::T;
use crate::passkey;

#[component]
pub fn AddPasskey() -> impl IntoView {
    let desk = Desk::get();
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let create = move |_| {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let outcome = passkey::add(desk.api).await;
            busy.set(false);
            match outcome {
                Ok(()) => done.set(true),
                Err(error) => problem.set(Some(super::sign_in::say(desk, error))),
            }
        });
    };
    let go_on = move |_| desk.ask_for_passkey(false);
    let body = move || {
        if done.get() {
            return view! {
                <p class="notice" role="status">{move || desk.t(T::AddPasskeyDone)}</p>
                <button type="button" class="button button--primary" on:click=go_on>
                    {move || desk.t(T::OpenDesk)}
                </button>
            }
            .into_any();
        }
        view! {
            <p>{move || desk.t(T::AddPasskeyIntro)}</p>
            <button type="button" class="button button--primary" disabled=move || busy.get() on:click=create>
                {move || desk.t(T::AddPasskeyCreate)}
            </button>
            <button type="button" class="button button--quiet" on:click=go_on>
                {move || desk.t(T::AddPasskeyLater)}
            </button>
        }
        .into_any()
    };
    view! {
        <section class="enrol" aria-labelledby="add-passkey-title">
            <h1 id="add-passkey-title">{move || desk.t(T::AddPasskeyTitle)}</h1>
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            {body}
        </section>
    }
}
