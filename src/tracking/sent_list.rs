use std::collections::BTreeMap;

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::{Counted, Msg};
use complaint_domain::my_complaints::SentComplaint;
use complaint_domain::status::{Stage, StatusRecord};
use leptos::prelude::*;

use crate::components::show_all::{rows_to_draw, ShowAll};
use crate::device_store::use_device_store;
use crate::i18n::{tr, use_i18n};
use crate::services::{clock, status};
use crate::task::{abort_on_cleanup, after_paint, spawn_while_mounted};

/// How many sent complaints the list shows before "Show all": the newest, about a phone's screenful.
pub const FIRST_SENT: usize = 5;

/// "Complaints sent from this device", newest first, each with its last known status (saved on the device,
/// then refreshed from the host); one tap looks it up, with no reference or verifier to retype. Past
/// [`FIRST_SENT`], the rest wait behind "Show all N complaints sent from this device". `on_loaded` hears the
/// list once it is read from the device. While `hold` is true (the complaint a mail link opened is still
/// loading) the list waits, so that its reading, hashing and drawing come after what the customer came for.
#[component]
pub fn SentFromThisDevice(
    config: OrgConfig,
    #[prop(into)] on_track: Callback<SentComplaint>,
    #[prop(into)] on_loaded: Callback<Vec<SentComplaint>>,
    #[prop(into, default = Signal::stored(false))] hold: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sent = RwSignal::new(Vec::<SentComplaint>::new());
    let last_known = RwSignal::new(BTreeMap::<String, Stage>::new());
    let base = config.tracking.status_base.clone();
    let cancel = abort_on_cleanup();
    if let Some(device) = use_device_store() {
        Effect::new(move |_| {
            // As soon as the store is open: the list needs nothing the drafts' own reading brings.
            if let (false, true, Some(store)) = (hold.get(), device.is_open(), device.get()) {
                let base = base.clone();
                let cancel = cancel.clone();
                spawn_while_mounted(sent, async move {
                    let list = match store.sent().await {
                        Ok(list) => list,
                        Err(e) => {
                            // The lookup form still works; only the one-tap list is missing.
                            web_sys::console::warn_1(
                                &format!(
                                    "the complaints sent from this device could not be read: {e}"
                                )
                                .into(),
                            );
                            return;
                        }
                    };
                    on_loaded.run(list.clone());
                    sent.set(list.clone());
                    // The rows first: 200 status names hashed in the same task would keep them off screen.
                    after_paint().await;
                    // The status files' names first, and what this device saw last of each, shown at once in
                    // one change; then the latest, one by one, as the host answers.
                    let mut keys = Vec::with_capacity(list.len());
                    let mut saved = BTreeMap::new();
                    for item in &list {
                        let Some(verifier) = item.verifier.as_deref() else {
                            continue;
                        };
                        let Ok(key) = status::status_key(&item.reference, verifier).await else {
                            continue;
                        };
                        if let Some(stage) =
                            status::saved(&key).and_then(|s| current_stage(&s.record))
                        {
                            saved.insert(item.reference.clone(), stage);
                        }
                        keys.push((item.reference.clone(), key));
                    }
                    if !saved.is_empty() {
                        last_known.set(saved);
                    }
                    for (reference, key) in keys {
                        if let Ok(latest) = status::fetch_status(&base, &key, cancel.as_ref()).await
                        {
                            if let Some(stage) = current_stage(&latest) {
                                last_known.update(|known| {
                                    known.insert(reference, stage);
                                });
                            }
                        }
                    }
                });
            }
        });
    }
    let config = StoredValue::new(config);
    let category_label = Callback::new(move |id: String| {
        config.with_value(|config| {
            config
                .category(&id)
                .map(|c| i18n.pick(&c.label))
                .unwrap_or(id)
        })
    });
    // Each row is drawn in one language, and drawn again when the language changes (the key holds it): one
    // reactive list rather than a few reactive texts in each of what may be hundreds of rows.
    let all_shown = RwSignal::new(false);
    let list = NodeRef::<leptos::html::Ul>::new();
    let rows = move || {
        let locale = i18n.locale();
        let limit = rows_to_draw(all_shown, FIRST_SENT);
        sent.with(|sent| {
            sent.iter()
                .take(limit)
                .map(|item| (locale, item.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || sent.with(|s| !s.is_empty())>
            <section class="my-complaints" aria-labelledby="my-complaints-title">
                <h2 class="my-complaints__title" id="my-complaints-title">{tr(Msg::MyComplaintsTitle)}</h2>
                <ul class="my-complaints__list" node_ref=list>
                    <For
                        each=rows
                        key=|(locale, item)| (*locale, item.reference.clone())
                        children=move |(_, item)| view! {
                            <SentRow item=item last_known=last_known label=category_label on_track=on_track />
                        }
                    />
                </ul>
                <ShowAll
                    list=list
                    first=FIRST_SENT
                    total=Signal::derive(move || sent.with(Vec::len))
                    all_shown=all_shown
                    msg=Counted::MyComplaintsShowAll
                />
            </section>
        </Show>
    }
}

fn current_stage(record: &StatusRecord) -> Option<Stage> {
    record.current().map(|entry| entry.stage)
}

/// One complaint on the list: its reference, what it is about, when it was sent, the last status this
/// device knows, and "Track this", in the language of the list. Only the last-known status follows its own
/// changes.
#[component]
fn SentRow(
    item: SentComplaint,
    last_known: RwSignal<BTreeMap<String, Stage>>,
    label: Callback<String, String>,
    on_track: Callback<SentComplaint>,
) -> impl IntoView {
    let i18n = use_i18n();
    let known = {
        let reference = item.reference.clone();
        Memo::new(move |_| last_known.with(|k| k.get(&reference).copied()))
    };
    let date = {
        let date = clock::local_date_of(item.sent_at_ms as f64)
            .map(|d| clock::format_date(d, i18n.locale()))
            .unwrap_or_default();
        i18n.format(Msg::SentOn, &[("date", &date)])
    };
    let category = label.run(item.category.clone());
    let reference = item.reference.clone();
    view! {
        <li class="my-complaints__item">
            <strong>{item.reference.clone()}</strong>
            <span>{category}</span>
            <span>{date}</span>
            {move || known.get().map(|stage| view! {
                <span>{i18n.format(Msg::LastKnownStatus, &[("stage", i18n.t(stage.label()))])}</span>
            })}
            <button type="button" class="link-button" on:click=move |_| on_track.run(item.clone())>
                {i18n.t(Msg::TrackThis)}
                <span class="visually-hidden">" " {reference}</span>
            </button>
        </li>
    }
}
