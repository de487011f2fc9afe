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
    let toggle = move |member: StaffMember| {
        let body = json!({ "disabled": !member.disabled });
        leptos::task::spawn_local(async move {
            let path = format!("/staff/{}", crate::route::encode(&member.id.0));
            match desk.api.patch::<_, serde_json::Value>(&path, &body).await {
                Ok(_) => load(),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
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
            </tr></thead>
            <tbody>
                {move || staff.get().into_iter().map(|member| {
                    let off = member.disabled;
                    let m = member.clone();
                    view! {
                        <tr>
                            <th scope="row">{member.name.clone()}</th>
                            <td>{member.email.clone()}</td>
                            <td>{desk.role_name(&member.role)}</td>
                            <td>{member.categories.join(", ")}</td>
                            <td>
                                {desk.t(if off { T::TurnedOff } else { T::Active })}" "
                                <button type="button" class="button button--quiet" on:click=move |_| toggle(m.clone())>
                                    {desk.t(if off { T::TurnOn } else { T::TurnOff })}
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <InviteForm on_done=Callback::new(move |()| load()) />
    }
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
        let cats: Vec<String> = categories
            .get_untracked()
            .split(',')
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
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
                    on_done.run(());
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
