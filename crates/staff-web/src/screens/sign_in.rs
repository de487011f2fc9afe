//! Sign-in: with a passkey, with one of the recovery codes shown at enrolment (then the desk asks for a new
//! passkey, `screens::add_passkey`), or with the organisation's
//! provider (a plain link to `/oidc/start` when `GET /sign-in/methods` names one). A failed provider sign-in
//! comes back as `?signin_error=<code>`, shown in the person's words, never as the raw value.

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::api::{ApiError, API};
use crate::desk::Desk;
use crate::i18n::T;
use crate::passkey::{self, PasskeyError};

#[component]
pub fn SignIn() -> impl IntoView {
    let desk = Desk::get();
    let recovery = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let ended = desk.session_ended();
    let provider = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(methods) = desk.api.get::<Methods>("/sign-in/methods").await {
            provider.set(methods.oidc.map(|o| o.label));
        }
    });
    let returned = provider_error();
    let with_passkey = move |_| {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let outcome = passkey::sign_in(desk.api).await;
            busy.set(false);
            match outcome {
                Ok(()) => {
                    desk.refresh_me().await;
                }
                Err(error) => problem.set(Some(say(desk, error))),
            }
        });
    };
    view! {
        <section class="sign-in" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">{move || desk.t(T::SignInTitle)}</h1>
            {ended.then(|| view! { <p class="notice" role="status">{move || desk.t(T::SessionEnded)}</p> })}
            {returned.map(|key| view! { <p class="problem" role="alert">{move || desk.t(key)}</p> })}
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            {move || if recovery.get() {
                view! { <RecoveryForm problem=problem /> }.into_any()
            } else {
                view! {
                    <button type="button" class="button button--primary" disabled=move || busy.get()
                        on:click=with_passkey>
                        {move || desk.t(T::SignInPasskey)}
                    </button>
                }.into_any()
            }}
            <button type="button" class="button button--quiet" on:click=move |_| recovery.update(|r| *r = !*r)>
                {move || desk.t(if recovery.get() { T::UsePasskeyInstead } else { T::UseRecoveryCode })}
            </button>
            {move || provider.get().map(|label| view! {
                <p class="meta">{move || desk.t(T::SignInWithProvider)}</p>
                <a class="button" href=format!("{API}/oidc/start") rel="external">{label}</a>
            })}
        </section>
    }
}

#[component]
fn RecoveryForm(problem: RwSignal<Option<String>>) -> impl IntoView {
    let desk = Desk::get();
    let email = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let body =
            json!({ "email": email.get_untracked().trim(), "code": code.get_untracked().trim() });
        leptos::task::spawn_local(async move {
            match desk
                .api
                .post::<_, serde_json::Value>("/sign-in/recovery", &body)
                .await
            {
                Ok(signed_in) => {
                    // The code is used up: the desk asks for a new passkey next (docs/staff-api.md).
                    let add = signed_in
                        .get("add_passkey")
                        .and_then(serde_json::Value::as_bool);
                    desk.ask_for_passkey(add == Some(true));
                    desk.refresh_me().await;
                }
                Err(error) => problem.set(Some(say(desk, PasskeyError::Api(error)))),
            }
        });
    };
    view! {
        <form class="stack" on:submit=submit>
            <label for="recovery-email">{move || desk.t(T::Email)}</label>
            <input id="recovery-email" type="email" autocomplete="username" required
                prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
            <label for="recovery-code">{move || desk.t(T::RecoveryCode)}</label>
            <input id="recovery-code" type="text" autocomplete="one-time-code" required spellcheck="false"
                prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
            <button type="submit" class="button button--primary">{move || desk.t(T::SignIn)}</button>
        </form>
    }
}

/// A failed ceremony in the person's language.
pub fn say(desk: Desk, error: PasskeyError) -> String {
    match error {
        PasskeyError::Unsupported => desk.t(T::PasskeyUnsupported).to_owned(),
        PasskeyError::Cancelled => desk.t(T::PasskeyCancelled).to_owned(),
        // At sign-in a 401 is "not you", not "your session ended".
        PasskeyError::Api(ApiError::SignedOut) => desk.t(T::PasskeyCancelled).to_owned(),
        PasskeyError::Api(error) => error.say(desk.locale()),
    }
}

/// `GET /sign-in/methods`: the ways in; `oidc` when the organisation's provider is set up.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Methods {
    oidc: Option<Provider>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Provider {
    label: String,
}

/// The words for `?signin_error=<code>` (an unknown code reads as a failed sign-in); the code then leaves
/// the address bar, so a reload does not show it again.
fn provider_error() -> Option<T> {
    let window = web_sys::window()?;
    let search = window.location().search().ok()?;
    let code = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("signin_error="))?;
    if let Ok(history) = window.history() {
        let path = window.location().pathname().unwrap_or_default();
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    Some(crate::i18n::signin_error(code))
}
