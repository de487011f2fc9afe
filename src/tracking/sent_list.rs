use std::collections::BTreeMap;

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use complaint_domain::my_complaints::SentComplaint;
use complaint_domain::status::{Stage, StatusRecord};
use leptos::prelude::*;

use crate::device_store::use_device_store;
use crate::i18n::{tr, use_i18n};
use crate::services::{clock, status};
use crate::task::{abort_on_cleanup, spawn_while_mounted};

/// "Complaints sent from this device", each with its last known status (saved on the device, then refreshed
/// from the host); one tap looks it up, with no reference or verifier to retype. `on_loaded` hears the list once it is read from the device.
#[component]
pub fn SentFromThisDevice(
    config: OrgConfig,
    #[prop(into)] on_track: Callback<SentComplaint>,
    #[prop(into)] on_loaded: Callback<Vec<SentComplaint>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sent = RwSignal::new(Vec::<SentComplaint>::new());
    let last_known = RwSignal::new(BTreeMap::<String, Stage>::new());
    let base = config.tracking.status_base.clone();
    let cancel = abort_on_cleanup();
    if let Some(device) = use_device_store() {
        Effect::new(move |_| {
            if let (true, Some(store)) = (device.is_ready(), device.get()) {
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
                    for item in list {
                        let Some(verifier) = item.verifier.as_deref() else {
                            continue;
                        };
                        let Ok(key) = status::status_key(&item.reference, verifier).await else {
                            continue;
                        };
                        let remember = |record: &StatusRecord| {
                            if let Some(current) = record.current() {
                                last_known.update(|known| {
                                    known.insert(item.reference.clone(), current.stage);
                                });
                            }
                        };
                        // What this device saw last, at once; then the latest, when the host answers.
                        if let Some(saved) = status::saved(&key) {
                            remember(&saved.record);
                        }
                        if let Ok(latest) = status::fetch_status(&base, &key, cancel.as_ref()).await
                        {
                            remember(&latest);
                        }
                    }
                });
            }
        });
    }
    let config = StoredValue::new(config);
    let category_label = move |id: &str| {
        config.with_value(|config| {
            config
                .category(id)
                .map(|c| i18n.pick(&c.label))
                .unwrap_or_else(|| id.to_owned())
        })
    };
    view! {
        <Show when=move || sent.with(|s| !s.is_empty())>
            <section class="my-complaints" aria-labelledby="my-complaints-title">
                <h2 class="my-complaints__title" id="my-complaints-title">{tr(Msg::MyComplaintsTitle)}</h2>
                <ul class="my-complaints__list">
                    {move || {
                        sent.get()
                            .into_iter()
                            .map(|item| {
                                let date = clock::local_date_of(item.sent_at_ms as f64)
                                    .map(|d| clock::format_date(d, i18n.locale()))
                                    .unwrap_or_default();
                                let reference = item.reference.clone();
                                let known = last_known.with(|k| k.get(&item.reference).copied());
                                let label = category_label(&item.category);
                                view! {
                                    <li class="my-complaints__item">
                                        <strong>{item.reference.clone()}</strong>
                                        <span>{label}</span>
                                        <span>{i18n.format(Msg::SentOn, &[("date", &date)])}</span>
                                        {known.map(|stage| view! {
                                            <span>{i18n.format(Msg::LastKnownStatus, &[("stage", i18n.t(stage.label()))])}</span>
                                        })}
                                        <button type="button" class="link-button" on:click=move |_| on_track.run(item.clone())>
                                            {i18n.t(Msg::TrackThis)}
                                            <span class="visually-hidden">" " {reference}</span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
        </Show>
    }
}
