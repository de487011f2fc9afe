//! Operations (leads and above; the server refuses anyone else): what the command line does for the whole
//! service, in the desk — the export (`GET /operations/export`), the regulator's report
//! (`GET /operations/report`), writing the status files again (`POST /operations/republish`) and publishing
//! the figures now (`POST /operations/figures`). Each is one audit line on the server. The two files are
//! downloads: the form's answer is `Content-Disposition: attachment`, so the browser saves it and the desk
//! stays where it is.

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::api::{ApiError, API};
use crate::desk::Desk;
use crate::i18n::{Locale, T};
use crate::route::encode;
use crate::widgets::Problem;

/// Today as `YYYY-MM-DD` (the browser's clock, in UTC: a starting value the person changes).
fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.get(..10).unwrap_or_default().to_owned()
}

/// Saves the answer of `path` (a file the server marks as an attachment).
fn download(path: String) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(&format!("{API}{path}"));
    }
}

#[component]
pub fn OperationsScreen() -> impl IntoView {
    let desk = Desk::get();
    view! {
        <section class="operations" aria-labelledby="operations-title">
            <h1 id="operations-title">{move || desk.t(T::OpsTitle)}</h1>
            <Export />
            <Report />
            <Republish />
            <Figures />
        </section>
    }
}

#[component]
fn Export() -> impl IntoView {
    let desk = Desk::get();
    let since = RwSignal::new(format!("{}01", today().get(..8).unwrap_or_default()));
    let format = RwSignal::new("csv".to_owned());
    let lang = RwSignal::new(desk.locale().tag().to_owned());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        download(format!(
            "/operations/export?since={}&format={}&lang={}",
            encode(&since.get_untracked()),
            encode(&format.get_untracked()),
            encode(&lang.get_untracked()),
        ));
    };
    view! {
        <form class="action" aria-labelledby="export-title" on:submit=submit>
            <h2 id="export-title">{move || desk.t(T::OpsExport)}</h2>
            <p class="meta">{move || desk.t(T::OpsExportIntro)}</p>
            <label for="export-since">{move || desk.t(T::OpsSince)}</label>
            <input id="export-since" type="date" required prop:value=move || since.get()
                on:input=move |ev| since.set(event_target_value(&ev)) />
            <label for="export-format">{move || desk.t(T::OpsFormat)}</label>
            <select id="export-format" on:change=move |ev| format.set(event_target_value(&ev))>
                <option value="csv">"CSV"</option>
                <option value="json">"JSON"</option>
            </select>
            <label for="export-lang">{move || desk.t(T::OpsLabels)}</label>
            <select id="export-lang" on:change=move |ev| lang.set(event_target_value(&ev))>
                {Locale::ALL.into_iter().map(|l| view! {
                    <option value=l.tag() lang=l.tag() selected=move || lang.get() == l.tag()>{l.endonym()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button">{move || desk.t(T::OpsDownload)}</button>
        </form>
    }
}

#[component]
fn Report() -> impl IntoView {
    let desk = Desk::get();
    let from = RwSignal::new(format!("{}01-01", today().get(..5).unwrap_or_default()));
    let to = RwSignal::new(today());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        download(format!(
            "/operations/report?from={}&to={}&format=csv",
            encode(&from.get_untracked()),
            encode(&to.get_untracked()),
        ));
    };
    view! {
        <form class="action" aria-labelledby="report-title" on:submit=submit>
            <h2 id="report-title">{move || desk.t(T::OpsReport)}</h2>
            <p class="meta">{move || desk.t(T::OpsReportIntro)}</p>
            <label for="report-from">{move || desk.t(T::OpsFrom)}</label>
            <input id="report-from" type="date" required prop:value=move || from.get()
                on:input=move |ev| from.set(event_target_value(&ev)) />
            <label for="report-to">{move || desk.t(T::OpsTo)}</label>
            <input id="report-to" type="date" required prop:min=move || from.get() prop:value=move || to.get()
                on:input=move |ev| to.set(event_target_value(&ev)) />
            <button type="submit" class="button">{move || desk.t(T::OpsDownload)}</button>
        </form>
    }
}

#[derive(Deserialize)]
struct Written {
    written: u64,
}

#[component]
fn Republish() -> impl IntoView {
    let desk = Desk::get();
    let all = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let written = RwSignal::new(None::<u64>);
    let problem = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        written.set(None);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let body = json!({ "all": all.get_untracked() });
            let answer = desk
                .api
                .post::<_, Written>("/operations/republish", &body)
                .await;
            busy.set(false);
            match answer {
                Ok(done) => written.set(Some(done.written)),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    view! {
        <form class="action" aria-labelledby="republish-title" on:submit=submit>
            <h2 id="republish-title">{move || desk.t(T::OpsRepublish)}</h2>
            <p class="meta">{move || desk.t(T::OpsRepublishIntro)}</p>
            <label class="check">
                <input type="checkbox" prop:checked=move || all.get()
                    on:change=move |ev| all.set(event_target_checked(&ev)) />
                {move || desk.t(T::OpsRepublishAll)}
            </label>
            <button type="submit" class="button" disabled=move || busy.get()>{move || desk.t(T::OpsRepublishSend)}</button>
            <Problem error=problem />
            <p role="status">{move || written.get().map(|n| desk.fill(T::OpsRepublished, &[("count", &n.to_string())]))}</p>
        </form>
    }
}

#[component]
fn Figures() -> impl IntoView {
    let desk = Desk::get();
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let problem = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        done.set(false);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let answer = desk
                .api
                .post::<_, serde_json::Value>("/operations/figures", &json!({}))
                .await;
            busy.set(false);
            match answer {
                Ok(_) => done.set(true),
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    view! {
        <form class="action" aria-labelledby="figures-title" on:submit=submit>
            <h2 id="figures-title">{move || desk.t(T::OpsFigures)}</h2>
            <p class="meta">{move || desk.t(T::OpsFiguresIntro)}</p>
            <button type="submit" class="button" disabled=move || busy.get()>{move || desk.t(T::OpsFiguresSend)}</button>
            <Problem error=problem />
            <p role="status">{move || done.get().then(|| desk.t(T::OpsFiguresDone))}</p>
        </form>
    }
}
