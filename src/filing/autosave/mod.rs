//! Keeps the filing session's draft in IndexedDB as the customer types (≤ 400 ms after the last change, and
//! at once when the page is hidden or closed), and offers the last unfinished draft back on the next visit.
//! If storage is missing, blocked or never opens, the form works from memory and says so. If the device runs
//! out of space, the text goes to a `localStorage` copy and photos that do not fit stay in memory, listed in
//! `unsaved_files` so the customer is told. If the browser empties the store mid-draft, the store reopens and
//! what is in memory is written again.

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use complaint_domain::draft::Draft;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::flow::FilingSession;
use crate::device_store::DeviceStore;
pub use crate::device_store::StorageStatus;
use crate::services::drafts::{DraftStore, StoreError};
use crate::services::{device, snapshot};

mod files;
mod other_tabs;

use super::resume_offer::UnfinishedDrafts;
pub use files::EvidenceFiles;
pub use other_tabs::OtherTabs;

const DEBOUNCE: Duration = Duration::from_millis(400);
/// Past this the form is usable without storage (an `open()` that never settles must not block the customer).
const OPEN_TIMEOUT_MS: i32 = 1_500;

#[derive(Clone, Copy)]
pub struct DraftSaver {
    /// The root's device store (this saver opens it).
    device: DeviceStore,
    /// The save waiting for typing to pause; cleared when the root unmounts.
    timer: StoredValue<Option<TimeoutHandle>>,
    pub status: RwSignal<StorageStatus>,
    /// The organisation's draft lifetime, once its config has said (`drafts.expire_after_days`).
    expire_after_days: StoredValue<Option<u32>, LocalStorage>,
    /// Whether persistent storage has been asked for (once, when the first draft gets content).
    asked_to_persist: StoredValue<bool, LocalStorage>,
    /// An unfinished draft from an earlier visit, until the customer continues it or starts afresh.
    pub unfinished: UnfinishedDrafts,
    /// The device is out of space: the draft's text is kept in the `localStorage` copy instead.
    pub out_of_space: RwSignal<bool>,
    /// The other-tab watch: whether another tab has saved this draft since.
    pub other_tabs: OtherTabs,
    /// The draft's evidence files on the device.
    pub files: EvidenceFiles,
}

impl DraftSaver {
    /// Opens the store, looks for an unfinished draft, and starts saving `session`'s draft on every change.
    pub fn start(session: FilingSession) -> DraftSaver {
        let device = DeviceStore::use_or_app();
        let scope = device.scope();
        let saver = DraftSaver {
            device,
            timer: StoredValue::new(None),
            asked_to_persist: StoredValue::new_local(false),
            expire_after_days: StoredValue::new_local(None),
            status: device.status,
            unfinished: UnfinishedDrafts::new(),
            out_of_space: RwSignal::new(false),
            other_tabs: OtherTabs::watch(device, session),
            files: EvidenceFiles::new(device),
        };
        provide_context(saver);
        // Unmounted (a widget removed by its host): a save still waiting for typing to pause is written to
        // the synchronous copy now, and the next mount folds it into the store.
        on_cleanup(move || {
            if let Some(Some(pending)) = saver.timer.try_update_value(Option::take) {
                pending.clear();
                saver.save_before_leaving(session);
            }
        });
        saver.spawn(async move {
            let last_moment = snapshot::peek(&scope);
            match DraftStore::open_within(&scope.database(), OPEN_TIMEOUT_MS).await {
                Ok(store) => {
                    let mut kept_aside = None;
                    if let Some(copy) = last_moment {
                        // Unreadable: the copy is written over it (it is the customer's latest).
                        let stored = store.get(&copy.id).await.unwrap_or_else(|e| {
                            log_failure("the stored draft could not be read", &e);
                            None
                        });
                        let newer = stored.is_none_or(|s| s.revision < copy.revision);
                        let folded = if newer {
                            store.put(&copy).await
                        } else {
                            Ok(())
                        };
                        match folded {
                            Ok(()) => snapshot::discard(&scope, &copy.id),
                            // Still no room: the copy stays in `localStorage` and is offered from there.
                            Err(e) => {
                                saver.out_of_space.set(e == StoreError::Full);
                                kept_aside = Some(copy);
                            }
                        }
                    }
                    // The store is shared first, so an expiry set meanwhile by the form is never missed.
                    let store = Rc::new(store);
                    saver.device.opened(store.clone());
                    if let Some(days) = saver.expire_after_days.get_value() {
                        let current = session.draft.with_untracked(|d| d.id.clone());
                        prune(&store, days, &current).await;
                    }
                    // Unreadable now: no offer this visit, and nothing is removed (not_waiting logs it).
                    let mut unfinished = not_waiting(&store).await.unwrap_or_default();
                    if let Some(copy) = kept_aside {
                        unfinished.retain(|d| d.id != copy.id);
                        // Newest first, like the rest of the list.
                        let at = unfinished
                            .iter()
                            .position(|d| d.updated_at_ms < copy.updated_at_ms)
                            .unwrap_or(unfinished.len());
                        unfinished.insert(at, copy);
                    }
                    unfinished.retain(|d| !d.is_empty());
                    saver.status.set(StorageStatus::Ready);
                    saver.offer(session, unfinished);
                    // Anything typed or attached while the store was opening is saved now.
                    saver.save_now(session);
                    saver.files.write_all(store, session).await;
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
        // The draft on screen is this root's: another widget of the page sharing the store does not offer it.
        Effect::new(move |_| session.draft.with(|d| device.hold(&d.id)));
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
            d.id != current_id
                && !self.device.held_elsewhere(&d.id)
                && days.is_none_or(|days| !d.is_expired(device::now_ms(), days))
        });
        if empty {
            self.unfinished.offer(drafts);
        }
    }

    /// Deletes one offered draft for good.
    pub fn discard(self, id: String) {
        self.unfinished.withdraw(&id);
        self.forget(id);
    }

    /// Runs `task` while this saver's root is mounted (see [`crate::task::spawn_while_mounted`]).
    pub fn spawn(self, task: impl Future<Output = ()> + 'static) {
        crate::task::spawn_while_mounted(self.status, task);
    }

    fn schedule(self, session: FilingSession) {
        if let Some(Some(previous)) = self.timer.try_update_value(Option::take) {
            previous.clear();
        }
        let save = move || {
            self.timer.set_value(None);
            self.save_now(session);
        };
        self.timer
            .set_value(set_timeout_with_handle(save, DEBOUNCE).ok());
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
        let Some(store) = self.store() else {
            return;
        };
        let draft = session.draft.get_untracked();
        // A complaint in the outbox is final: saving it again would only make another tab think it changed.
        if draft.is_empty()
            || session.accepted.with_untracked(Option::is_some)
            || session.queued.get_untracked()
            || self.other_tabs.stale.get_untracked()
        {
            return;
        }
        self.ask_to_persist();
        let other_tabs = self.other_tabs;
        self.spawn(async move {
            match store.put(&draft).await {
                Ok(()) => {
                    other_tabs.announce(&draft.id);
                    if self.out_of_space.get_untracked() {
                        self.out_of_space.set(false);
                        snapshot::discard(&self.device.scope(), &draft.id);
                    }
                    if self.status.get_untracked() != StorageStatus::Ready {
                        self.status.set(StorageStatus::Ready);
                    }
                    if self.files.store_was_emptied(&store) {
                        // The browser emptied the store under us: the files in memory go back in too.
                        self.files.write_all(store, session).await;
                    }
                }
                Err(e) => self.keep_aside(&draft, &e),
            }
        });
    }

    /// IndexedDB refused the draft: keep its text in the `localStorage` copy, and say which safety net is left.
    fn keep_aside(self, draft: &Draft, error: &StoreError) {
        web_sys::console::warn_1(&format!("the draft could not be saved: {error}").into());
        if snapshot::keep(&self.device.scope(), draft) {
            self.out_of_space.set(*error == StoreError::Full);
        } else {
            // Nothing on the device holds it now: the customer must know it lives only in this page.
            self.status.set(StorageStatus::Unavailable);
        }
    }

    /// Whether the store is open (reactive).
    pub fn is_ready(self) -> bool {
        self.device.is_ready()
    }

    /// The open store, once it is open.
    pub fn store(self) -> Option<Rc<DraftStore>> {
        self.device.get()
    }

    /// The root's device store.
    pub fn device(self) -> DeviceStore {
        self.device
    }

    /// The scope of the root's store (its channels' names).
    pub fn scope(self) -> crate::services::store_scope::StoreScope {
        self.device.scope()
    }

    /// Makes `draft` the session's draft, with whichever of its files the device still has.
    pub async fn restore(self, session: FilingSession, mut draft: Draft) {
        let mut files = Vec::new();
        if let Some(store) = self.store() {
            for meta in &draft.attachments {
                match store.get_file(&meta.id).await {
                    Ok(Some(blob)) => files.push((meta.id.clone(), blob)),
                    Ok(None) => {}
                    // The file leaves the draft (the customer sees it is not attached, and can add it again).
                    Err(e) => log_failure("an evidence file could not be read", &e),
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
            let scope = self.device.scope();
            session.draft.with_untracked(|d| snapshot::keep(&scope, d));
        }
        self.save_now(session);
    }

    /// Deletes drafts left untouched for longer than `days` (now, or as soon as the store is open).
    pub fn expire_after(self, days: u32, session: FilingSession) {
        self.expire_after_days.set_value(Some(days));
        // Expired drafts leave the offer at once; the store is pruned in the background.
        self.unfinished
            .retain(|d| !d.is_expired(device::now_ms(), days));
        let Some(store) = self.store() else {
            return;
        };
        let current = session.draft.with_untracked(|d| d.id.clone());
        spawn_local(async move { prune(&store, days, &current).await });
    }

    /// "Clear everything stored on this device": drafts, files, the outbox and settings; the form starts afresh.
    pub fn clear_everything(self, session: FilingSession) {
        snapshot::clear_all();
        self.unfinished.clear();
        self.files.unsaved.set(Vec::new());
        self.out_of_space.set(false);
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

    /// Removes a draft that has been sent.
    pub fn forget(self, id: String) {
        snapshot::discard(&self.device.scope(), &id);
        let Some(store) = self.store() else {
            return;
        };
        spawn_local(async move {
            if let Err(e) = store.delete(&id).await {
                web_sys::console::warn_1(&format!("a sent draft could not be removed: {e}").into());
            }
        });
    }

    /// Saves when the page is hidden or goes; both listeners are removed when the root unmounts.
    fn save_when_hidden(self, session: FilingSession) {
        let on_pagehide = window_event_listener(leptos::ev::pagehide, move |_| {
            self.save_before_leaving(session)
        });
        let on_hide = Closure::<dyn Fn()>::new(move || {
            if document().visibility_state() == web_sys::VisibilityState::Hidden {
                self.save_before_leaving(session);
            }
        });
        let _ = document()
            .add_event_listener_with_callback("visibilitychange", on_hide.as_ref().unchecked_ref());
        let on_hide = StoredValue::new_local(Some(on_hide));
        on_cleanup(move || {
            on_pagehide.remove();
            if let Some(Some(listener)) = on_hide.try_update_value(Option::take) {
                let _ = document().remove_event_listener_with_callback(
                    "visibilitychange",
                    listener.as_ref().unchecked_ref(),
                );
            }
        });
    }
}

/// A store failure, for whoever reads the console: what could not be done, and why.
pub(crate) fn log_failure(what: &str, error: &dyn std::fmt::Display) {
    web_sys::console::warn_1(&format!("{what}: {error}").into());
}

pub fn use_saver() -> Option<DraftSaver> {
    use_context::<DraftSaver>()
}

/// Removes expired drafts, except the one being written and any waiting in the outbox.
async fn prune(store: &DraftStore, days: u32, current: &str) {
    let now = device::now_ms();
    // Without the outbox, a waiting complaint cannot be told from an old draft: nothing is removed then.
    let Some(drafts) = not_waiting(store).await else {
        return;
    };
    for draft in drafts {
        if draft.is_expired(now, days) && draft.id != current {
            if let Err(e) = store.delete(&draft.id).await {
                web_sys::console::warn_1(
                    &format!("an expired draft could not be removed: {e}").into(),
                );
            }
        }
    }
}

/// Stored drafts, newest first, except those waiting in the outbox (they are complaints being sent, not
/// drafts); `None` when the store cannot say (the failure is logged).
async fn not_waiting(store: &DraftStore) -> Option<Vec<Draft>> {
    let read = async {
        Ok::<_, crate::services::drafts::StoreError>((store.outbox().await?, store.all().await?))
    };
    match read.await {
        Ok((waiting, mut drafts)) => {
            drafts.retain(|d| !waiting.iter().any(|e| e.id == d.id));
            Some(drafts)
        }
        Err(e) => {
            web_sys::console::warn_1(&format!("the saved drafts could not be read: {e}").into());
            None
        }
    }
}
