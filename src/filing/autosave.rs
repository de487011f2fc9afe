//! Keeps the filing session's draft in IndexedDB as the customer types (≤ 400 ms after the last change, and
//! at once when the page is hidden or closed), and offers the last unfinished draft back on the next visit.
//! If storage is missing, blocked or never opens, the form works from memory and says so.

use std::rc::Rc;

use complaint_domain::draft::Draft;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::flow::FilingSession;
use crate::services::drafts::{DraftStore, StoredFile, DEFAULT_DB_NAME};
use crate::services::{device, snapshot};

const DEBOUNCE_MS: i32 = 400;
/// Past this the form is usable without storage (an `open()` that never settles must not block the customer).
const OPEN_TIMEOUT_MS: i32 = 1_500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageStatus {
    Opening,
    Ready,
    Unavailable,
}

#[derive(Clone, Copy)]
pub struct DraftSaver {
    store: StoredValue<Option<Rc<DraftStore>>, LocalStorage>,
    timer: StoredValue<Option<i32>, LocalStorage>,
    pub status: RwSignal<StorageStatus>,
    /// The organisation's draft lifetime, once its config has said (`drafts.expire_after_days`).
    expire_after_days: StoredValue<Option<u32>, LocalStorage>,
    /// Whether persistent storage has been asked for (once, when the first draft gets content).
    asked_to_persist: StoredValue<bool, LocalStorage>,
    /// An unfinished draft from an earlier visit, until the customer continues it or starts afresh.
    pub resumable: RwSignal<Vec<Draft>>,
    /// Another tab has saved the draft this tab holds: this tab stops saving rather than overwrite it.
    pub stale: RwSignal<bool>,
    /// Tells the app's other tabs which draft this tab has just saved.
    channel: StoredValue<Option<web_sys::BroadcastChannel>, LocalStorage>,
    tab_id: StoredValue<String>,
}

impl DraftSaver {
    /// Opens the store, looks for an unfinished draft, and starts saving `session`'s draft on every change.
    pub fn start(session: FilingSession) -> DraftSaver {
        let saver = DraftSaver {
            store: StoredValue::new_local(None),
            timer: StoredValue::new_local(None),
            asked_to_persist: StoredValue::new_local(false),
            expire_after_days: StoredValue::new_local(None),
            status: RwSignal::new(StorageStatus::Opening),
            resumable: RwSignal::new(Vec::new()),
            stale: RwSignal::new(false),
            channel: StoredValue::new_local(None),
            tab_id: StoredValue::new(device::new_uuid()),
        };
        provide_context(saver);
        saver.listen_to_other_tabs(session);
        spawn_local(async move {
            let last_moment = snapshot::take();
            match DraftStore::open_within(DEFAULT_DB_NAME, OPEN_TIMEOUT_MS).await {
                Ok(store) => {
                    if let Some(copy) = last_moment {
                        let stored = store.get(&copy.id).await.ok().flatten();
                        if stored.is_none_or(|s| s.revision < copy.revision) {
                            let _ = store.put(&copy).await;
                        }
                    }
                    // The store is shared first, so an expiry set meanwhile by the form is never missed.
                    let store = Rc::new(store);
                    saver.store.set_value(Some(store.clone()));
                    if let Some(days) = saver.expire_after_days.get_value() {
                        let current = session.draft.with_untracked(|d| d.id.clone());
                        prune(&store, days, &current).await;
                    }
                    let mut unfinished = not_waiting(&store).await;
                    unfinished.retain(|d| !d.is_empty());
                    saver.status.set(StorageStatus::Ready);
                    saver.offer(session, unfinished);
                    // Anything typed while the store was opening is saved now.
                    saver.save_now(session);
                }
                Err(e) => {
                    web_sys::console::warn_1(
                        &format!("drafts are kept in memory only: {e}").into(),
                    );
                    saver.status.set(StorageStatus::Unavailable);
                    saver.offer(
                        session,
                        last_moment.into_iter().filter(|d| !d.is_empty()).collect(),
                    );
                }
            }
        });
        Effect::new(move |_| {
            session.draft.track();
            saver.schedule(session);
        });
        saver.save_when_hidden(session);
        saver
    }

    /// Offers unfinished drafts back (newest first) unless the customer has already started on something else.
    fn offer(self, session: FilingSession, mut drafts: Vec<Draft>) {
        let (empty, current_id) = session
            .draft
            .with_untracked(|d| (d.is_empty(), d.id.clone()));
        // Read the lifetime now: the form may have set it while the store was being read.
        let days = self.expire_after_days.get_value();
        drafts.retain(|d| {
            d.id != current_id && days.is_none_or(|days| !d.is_expired(device::now_ms(), days))
        });
        if empty {
            self.resumable.set(drafts);
        }
    }

    /// Deletes one offered draft for good.
    pub fn discard(self, id: String) {
        self.resumable
            .update(|drafts| drafts.retain(|d| d.id != id));
        self.forget(id);
    }

    fn schedule(self, session: FilingSession) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(previous) = self.timer.get_value() {
            window.clear_timeout_with_handle(previous);
        }
        let save = Closure::once_into_js(move || self.save_now(session));
        let handle = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            save.unchecked_ref(),
            DEBOUNCE_MS,
        );
        self.timer.set_value(handle.ok());
    }

    /// Asks the browser not to evict the drafts under storage pressure. Chromium decides silently; others
    /// may ask the customer, which is why it waits until there is something worth keeping.
    fn ask_to_persist(self) {
        if self.asked_to_persist.get_value() {
            return;
        }
        self.asked_to_persist.set_value(true);
        if let Some(window) = web_sys::window() {
            if let Ok(promise) = window.navigator().storage().persist() {
                spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                });
            }
        }
    }

    /// Writes the current draft at once (an empty draft is not worth keeping).
    pub fn save_now(self, session: FilingSession) {
        let Some(store) = self.store.get_value() else {
            return;
        };
        let draft = session.draft.get_untracked();
        if draft.is_empty()
            || session.accepted.with_untracked(Option::is_some)
            || self.stale.get_untracked()
        {
            return;
        }
        self.ask_to_persist();
        let announce = self
            .channel
            .get_value()
            .map(|c| (c, format!("{}|{}", draft.id, self.tab_id.get_value())));
        spawn_local(async move {
            match store.put(&draft).await {
                Ok(()) => {
                    if let Some((channel, message)) = announce {
                        let _ = channel.post_message(&message.into());
                    }
                }
                Err(e) => {
                    web_sys::console::warn_1(&format!("the draft could not be saved: {e}").into())
                }
            }
        });
    }

    /// Whether the store is open (reactive).
    pub fn is_ready(self) -> bool {
        self.status.get() == StorageStatus::Ready
    }

    /// The open store, once it is open.
    pub fn store(self) -> Option<Rc<DraftStore>> {
        self.store.get_value()
    }

    /// Keeps an evidence file with its draft.
    pub fn save_file(self, id: String, draft_id: String, blob: web_sys::Blob) {
        let Some(store) = self.store() else { return };
        spawn_local(async move {
            if let Err(e) = store.put_file(&StoredFile { id, draft_id, blob }).await {
                web_sys::console::warn_1(&format!("the file could not be saved: {e}").into());
            }
        });
    }

    pub fn delete_file(self, id: String) {
        let Some(store) = self.store() else { return };
        spawn_local(async move {
            let _ = store.delete_file(&id).await;
        });
    }

    /// Makes `draft` the session's draft, with whichever of its files the device still has.
    pub async fn restore(self, session: FilingSession, mut draft: Draft) {
        let mut files = Vec::new();
        if let Some(store) = self.store() {
            for meta in &draft.attachments {
                if let Ok(Some(blob)) = store.get_file(&meta.id).await {
                    files.push((meta.id.clone(), blob));
                }
            }
        }
        draft
            .attachments
            .retain(|a| files.iter().any(|(id, _)| *id == a.id));
        session.files.set_value(files);
        session.draft.set(draft);
    }

    /// The page may be about to go: a synchronous copy as well as the usual save.
    fn save_before_leaving(self, session: FilingSession) {
        let worth_keeping = session.draft.with_untracked(|d| !d.is_empty())
            && session.accepted.with_untracked(Option::is_none);
        if worth_keeping {
            session.draft.with_untracked(snapshot::keep);
        }
        self.save_now(session);
    }

    /// Deletes drafts left untouched for longer than `days` (now, or as soon as the store is open).
    pub fn expire_after(self, days: u32, session: FilingSession) {
        self.expire_after_days.set_value(Some(days));
        // Expired drafts leave the offer at once; the store is pruned in the background.
        self.resumable
            .update(|drafts| drafts.retain(|d| !d.is_expired(device::now_ms(), days)));
        let Some(store) = self.store() else {
            return;
        };
        spawn_local(async move {
            prune(
                &store,
                days,
                &session.draft.with_untracked(|d| d.id.clone()),
            )
            .await;
        });
    }

    /// "Clear everything stored on this device": drafts, files, the outbox and settings; the form starts afresh.
    pub fn clear_everything(self, session: FilingSession) {
        snapshot::clear_all();
        self.resumable.set(Vec::new());
        session.start_afresh();
        let Some(store) = self.store() else {
            return;
        };
        spawn_local(async move {
            if let Err(e) = store.clear_all().await {
                web_sys::console::warn_1(
                    &format!("the device store could not be cleared: {e}").into(),
                );
            }
        });
    }

    fn listen_to_other_tabs(self, session: FilingSession) {
        let Ok(channel) = web_sys::BroadcastChannel::new("complaint-desk.drafts") else {
            return;
        };
        let me = self.tab_id.get_value();
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let Some(message) = event.data().as_string() else {
                    return;
                };
                let Some((draft_id, tab)) = message.split_once('|') else {
                    return;
                };
                if tab != me && session.draft.with_untracked(|d| d.id == draft_id) {
                    self.stale.set(true);
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        self.channel.set_value(Some(channel));
    }

    /// Takes the other tab's newer copy of this tab's draft, and resumes saving.
    pub fn load_latest(self, session: FilingSession) {
        let Some(store) = self.store() else {
            return;
        };
        let id = session.draft.with_untracked(|d| d.id.clone());
        spawn_local(async move {
            if let Ok(Some(latest)) = store.get(&id).await {
                self.stale.set(false);
                self.restore(session, latest).await;
            }
        });
    }

    /// Removes a draft that has been sent.
    pub fn forget(self, id: String) {
        snapshot::discard(&id);
        let Some(store) = self.store.get_value() else {
            return;
        };
        spawn_local(async move {
            let _ = store.delete(&id).await;
        });
    }

    fn save_when_hidden(self, session: FilingSession) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let on_hide = Closure::<dyn Fn()>::new(move || {
            let hidden = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
            if hidden {
                self.save_before_leaving(session);
            }
        });
        let on_pagehide = Closure::<dyn Fn()>::new(move || self.save_before_leaving(session));
        if let Some(document) = window.document() {
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                on_hide.as_ref().unchecked_ref(),
            );
        }
        let _ = window
            .add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
        // The listeners live as long as the page.
        on_hide.forget();
        on_pagehide.forget();
    }
}

pub fn use_saver() -> Option<DraftSaver> {
    use_context::<DraftSaver>()
}

/// Removes expired drafts, except the one being written and any waiting in the outbox.
async fn prune(store: &DraftStore, days: u32, current: &str) {
    let now = device::now_ms();
    for draft in not_waiting(store).await {
        if draft.is_expired(now, days) && draft.id != current {
            let _ = store.delete(&draft.id).await;
        }
    }
}

/// Stored drafts, newest first, except those waiting in the outbox (they are complaints being sent, not drafts).
async fn not_waiting(store: &DraftStore) -> Vec<Draft> {
    let waiting: Vec<String> = store
        .outbox()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.id)
        .collect();
    let mut drafts = store.all().await.unwrap_or_default();
    drafts.retain(|d| !waiting.contains(&d.id));
    drafts
}
