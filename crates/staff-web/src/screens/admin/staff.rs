//! Staff accounts (admin): the list, an invitation (its one-time link shown to copy), role and categories,
//! turning an account off or on.

use leptos::prelude::*;
use serde_json::json;

use crate::api::{ApiError, Invitation, StaffList, StaffMember};
use crate::desk::Desk;
use crate::i18n::T;
use crate::widgets::{CopyButton, Problem};

#[component]
pub fn StaffScreen() -> impl IntoView {
    let desk = Desk::get();
    let staff = RwSignal::new(Vec::<StaffMember>::new());
    let problem = RwSignal::new(None::<ApiError>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match desk.api.get::<StaffList>("/staff").await {
                Ok(list) => staff.set(list.staff),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    load();
    view! {
        <h1>{move || desk.t(T::StaffTitle)}</h1>
        <Problem error=problem />
        <table>
            <thead><tr>
                <th scope="col">{move || desk.t(T::Name)}</th>
                <th scope="col">{move || desk.t(T::Email)}</th>
                <th scope="col">{move || desk.t(T::Role)}</th>
                <th scope="col">{move || desk.t(T::Categories)}</th>
                <th scope="col">{move || desk.t(T::Status)}</th>
                <th scope="col"><span class="meta">{move || desk.t(T::Save)}</span></th>
            </tr></thead>
            <tbody>
                {move || staff.get().into_iter().map(|member| view! {
                    <MemberRow member=member on_change=Callback::new(move |()| load()) problem=problem />
                }).collect_view()}
            </tbody>
        </table>
        <InviteForm on_done=Callback::new(move |()| load()) />
    }
}

/// One account: its role and categories changed in place, and turning it off or on (`PATCH /staff/{id}`).
#[component]
fn MemberRow(
    member: StaffMember,
    on_change: Callback<()>,
    problem: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let desk = Desk::get();
    let path = StoredValue::new(format!("/staff/{}", crate::route::encode(&member.id.0)));
    let role = RwSignal::new(member.role.clone());
    let categories = RwSignal::new(member.categories.join(", "));
    let off = member.disabled;
    let patch = move |body: serde_json::Value| {
        leptos::task::spawn_local(async move {
            match desk
                .api
                .patch::<_, serde_json::Value>(&path.get_value(), &body)
                .await
            {
                Ok(_) => {
                    on_change.try_run(());
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let save = move |_| {
        let cats: Vec<String> = split_categories(&categories.get_untracked());
        patch(json!({ "role": role.get_untracked(), "categories": cats }));
    };
    let id = member.id.0.clone();
    let (role_id, cats_id) = (format!("role-{id}"), format!("categories-{id}"));
    view! {
        <tr>
            <th scope="row">{member.name.clone()}</th>
            <td>{member.email.clone()}</td>
            <td>
                <label class="visually-hidden" for=role_id.clone()>{move || desk.t(T::Role)}</label>
                <select id=role_id on:change=move |ev| role.set(event_target_value(&ev))>
                    {["agent", "lead", "admin"].into_iter().map(|r| view! {
                        <option value=r selected=move || role.get() == r>{move || desk.role_name(r)}</option>
                    }).collect_view()}
                </select>
            </td>
            <td>
                <label class="visually-hidden" for=cats_id.clone()>{move || desk.t(T::Categories)}</label>
                <input id=cats_id type="text" prop:value=move || categories.get()
                    on:input=move |ev| categories.set(event_target_value(&ev)) />
            </td>
            <td>
                {move || desk.t(if off { T::TurnedOff } else { T::Active })}" "
                <button type="button" class="button button--quiet" on:click=move |_| patch(json!({ "disabled": !off }))>
                    {move || desk.t(if off { T::TurnOn } else { T::TurnOff })}
                </button>
            </td>
            <td><button type="button" class="button" on:click=save>{move || desk.t(T::Save)}</button></td>
        </tr>
    }
}

/// "a, b ,, c" → ["a", "b", "c"].
fn split_categories(text: &str) -> Vec<String> {
    text.split(',')
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

#[component]
fn InviteForm(on_done: Callback<()>) -> impl IntoView {
    let desk = Desk::get();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("agent".to_owned());
    let categories = RwSignal::new(String::new());
    let link = RwSignal::new(None::<(String, String)>);
    let problem = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cats = split_categories(&categories.get_untracked());
        let who = name.get_untracked();
        let body = json!({ "name": who, "email": email.get_untracked(), "role": role.get_untracked(), "categories": cats });
        leptos::task::spawn_local(async move {
            match desk
                .api
                .post::<_, Invitation>("/staff/invitations", &body)
                .await
            {
                Ok(invitation) => {
                    problem.set(None);
                    link.set(Some((who, invitation.link)));
                    on_done.try_run(());
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let field = move |id: &'static str, label: T, kind: &'static str, signal: RwSignal<String>| {
        view! {
            <label for=id>{move || desk.t(label)}</label>
            <input id=id type=kind required=kind != "text" || id == "invite-name" prop:value=move || signal.get()
                on:input=move |ev| signal.set(event_target_value(&ev)) />
        }
    };
    view! {
        <form class="action stack" on:submit=submit>
            <h2>{move || desk.t(T::InviteTitle)}</h2>
            {field("invite-name", T::Name, "text", name)}
            {field("invite-email", T::Email, "email", email)}
            <label for="invite-role">{move || desk.t(T::Role)}</label>
            <select id="invite-role" on:change=move |ev| role.set(event_target_value(&ev))>
                {["agent", "lead", "admin"].into_iter().map(|r| view! { <option value=r>{move || desk.role_name(r)}</option> }).collect_view()}
            </select>
            <label for="invite-categories">{move || desk.t(T::Categories)}</label>
            <p id="invite-categories-hint" class="meta">{move || desk.t(T::CategoriesHint)}</p>
            <input id="invite-categories" type="text" aria-describedby="invite-categories-hint"
                prop:value=move || categories.get() on:input=move |ev| categories.set(event_target_value(&ev)) />
            <button type="submit" class="button button--primary">{move || desk.t(T::Invite)}</button>
            <Problem error=problem />
            {move || link.get().map(|(who, url)| view! {
                <p role="status">{desk.fill(T::InviteLink, &[("name", &who)])}</p>
                <p class="secret">{url.clone()}</p>
                <CopyButton text=url />
            })}
        </form>
    }
}
