//! Service tokens (admin): the list, a new token (shown once, to copy), revoking one.

use leptos::prelude::*;
use serde_json::json;

use crate::api::{ApiError, Token, Tokens};
use crate::desk::Desk;
use crate::i18n::T;
use crate::widgets::{CopyButton, Problem};

#[component]
pub fn TokensScreen() -> impl IntoView {
    let desk = Desk::get();
    let tokens = RwSignal::new(Vec::<Token>::new());
    let problem = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("agent".to_owned());
    let days = RwSignal::new(String::new());
    let load = move || {
        leptos::task::spawn_local(async move {
            match desk.api.get::<Tokens>("/tokens").await {
                Ok(list) => tokens.set(list.tokens),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    load();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut body = json!({ "name": name.get_untracked(), "role": role.get_untracked() });
        // Empty: until revoked. Anything else goes as written, so the server's words say what is wrong.
        let days = days.get_untracked();
        let days = days.trim();
        if !days.is_empty() {
            body["expires_in_days"] = days
                .parse::<i64>()
                .map_or_else(|_| json!(days), |n| json!(n));
        }
        leptos::task::spawn_local(async move {
            match desk.api.post::<_, Token>("/tokens", &body).await {
                Ok(token) => {
                    created.set(Some(token.token));
                    load();
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let revoke = move |id: String| {
        leptos::task::spawn_local(async move {
            match desk
                .api
                .delete(&format!("/tokens/{}", crate::route::encode(&id)))
                .await
            {
                Ok(_) => load(),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    view! {
        <h1>{move || desk.t(T::TokensTitle)}</h1>
        <Problem error=problem />
        <table>
            <thead><tr>
                <th scope="col">{move || desk.t(T::Name)}</th>
                <th scope="col">{move || desk.t(T::Role)}</th>
                <th scope="col">{move || desk.t(T::Created)}</th>
                <th scope="col">{move || desk.t(T::TokenExpires)}</th>
                <th scope="col"><span class="meta">{move || desk.t(T::Revoke)}</span></th>
            </tr></thead>
            <tbody>
                {move || tokens.get().into_iter().map(|token| {
                    let id = token.id.0.clone();
                    view! {
                        <tr>
                            <th scope="row">{token.name.clone()}</th>
                            <td>{desk.role_name(&token.role)}</td>
                            <td><time datetime=token.created_at.clone()>{desk.local_time(&token.created_at)}</time></td>
                            <td>{match token.expires_at.clone() {
                                Some(at) => view! { <time datetime=at.clone()>{desk.local_time(&at)}</time> }.into_any(),
                                None => view! { {move || desk.t(T::TokenUntilRevoked)} }.into_any(),
                            }}</td>
                            <td><button type="button" class="button" on:click=move |_| revoke(id.clone())>
                                {desk.t(T::Revoke)}
                            </button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <form class="action stack" on:submit=create>
            <h2>{move || desk.t(T::TokenCreate)}</h2>
            <label for="token-name">{move || desk.t(T::Name)}</label>
            <input id="token-name" type="text" required prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            <label for="token-role">{move || desk.t(T::Role)}</label>
            <select id="token-role" on:change=move |ev| role.set(event_target_value(&ev))>
                {["agent", "lead", "admin"].into_iter().map(|r| view! { <option value=r>{move || desk.role_name(r)}</option> }).collect_view()}
            </select>
            <label for="token-days">{move || desk.t(T::TokenExpiresDays)}</label>
            <p id="token-days-hint" class="meta">{move || desk.t(T::TokenExpiresHint)}</p>
            <input id="token-days" type="number" min="1" max="730" inputmode="numeric"
                aria-describedby="token-days-hint" prop:value=move || days.get()
                on:input=move |ev| days.set(event_target_value(&ev)) />
            <button type="submit" class="button button--primary">{move || desk.t(T::TokenCreate)}</button>
            {move || created.get().map(|secret| view! {
                <p role="status">{desk.t(T::TokenShownOnce)}</p>
                <p class="secret">{secret.clone()}</p>
                <CopyButton text=secret />
            })}
        </form>
    }
}
