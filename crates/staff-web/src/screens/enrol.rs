//! Enrolment from an invitation link (`/staff/enrol#<token>`): who the link is for, the passkey created,
//! then the recovery codes, shown once, until the person says they have saved them.

use leptos::prelude::*;

use crate::api::Enrolment;
use crate::desk::Desk;
use crate::i18n::T;
use crate::passkey;
use crate::route::Route;
use crate::widgets::CopyButton;

#[component]
pub fn Enrol(token: String) -> impl IntoView {
    let desk = Desk::get();
    let token = StoredValue::new(token);
    let who = RwSignal::new(None::<Enrolment>);
    let bad_link = RwSignal::new(false);
    let codes = RwSignal::new(Vec::<String>::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        let path = format!("/enrolments/{}", crate::route::encode(&token.get_value()));
        match desk.api.get::<Enrolment>(&path).await {
            Ok(enrolment) => who.set(Some(enrolment)),
            Err(_) => bad_link.set(true),
        }
    });
    let create = move |_| {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let outcome = passkey::enrol(desk.api, &token.get_value()).await;
            busy.set(false);
            match outcome {
                Ok(enrolled) => codes.set(enrolled.recovery_codes),
                Err(error) => problem.set(Some(super::sign_in::say(desk, error))),
            }
        });
    };
    let saved = move |_| {
        leptos::task::spawn_local(async move {
            desk.refresh_me().await;
            desk.go_instead(Route::Home);
        });
    };
    let body = move || {
        if bad_link.get() {
            return view! { <p class="problem" role="alert">{desk.t(T::EnrolBadLink)}</p> }
                .into_any();
        }
        let list = codes.get();
        if !list.is_empty() {
            let all = list.join("\n");
            return view! {
                <h2>{desk.t(T::RecoveryTitle)}</h2>
                <p>{desk.t(T::EnrolDone)}" "{desk.t(T::RecoveryIntro)}</p>
                <ol class="codes">{list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ol>
                <CopyButton text=all />
                <button type="button" class="button button--primary" on:click=saved>
                    {desk.t(T::RecoverySaved)}
                </button>
            }
            .into_any();
        }
        let intro = who.get().map(|w| {
            desk.fill(
                T::EnrolFor,
                &[("name", &w.name), ("role", &desk.role_name(&w.role))],
            )
        });
        view! {
            <p>{intro}</p>
            <button type="button" class="button button--primary" disabled=move || busy.get() on:click=create>
                {desk.t(T::EnrolCreate)}
            </button>
        }
        .into_any()
    };
    view! {
        <section class="enrol" aria-labelledby="enrol-title">
            <h1 id="enrol-title">{move || desk.t(T::EnrolTitle)}</h1>
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            {body}
        </section>
    }
}
