//! The device store as one context, owned by the root that mounted it (the standalone app, or one widget):
//! drafts, their evidence files, the outbox and the sent list, in the IndexedDB database of its
//! [`StoreScope`]. `crate::root::Root::start` provides it and hands it to the autosave and both kinds of
//! the delivery outbox; the other pieces that use it (evidence files, the resume offer, the other-tab
//! watch, the tracker's sent list) reach it through those or from context; none of them owns it.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::services::drafts::DraftStore;
use crate::services::store_scope::StoreScope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageStatus {
    Opening,
    Ready,
    Unavailable,
}

#[derive(Clone, Copy)]
pub struct DeviceStore {
    scope: StoredValue<StoreScope>,
    handle: StoredValue<Option<Rc<DraftStore>>, LocalStorage>,
    pub status: RwSignal<StorageStatus>,
    /// The store has opened (before the autosave has read the drafts and said `Ready`).
    open: RwSignal<bool>,
    /// Which root of the page this is, for the drafts held on screen (see [`DeviceStore::hold`]).
    root: StoredValue<u32>,
}

thread_local! {
    /// Drafts on screen in the page's mounted roots, by root: two widgets sharing a scope never offer each
    /// other's draft (one would only make the other stop saving).
    static HELD: RefCell<Vec<(u32, String)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ROOT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

impl DeviceStore {
    /// Provides this root's store (opened by the autosave, the first piece that needs it); `Root::start`
    /// calls it.
    pub(crate) fn provide(scope: StoreScope) -> DeviceStore {
        let root = NEXT_ROOT.with(|n| n.replace(n.get().wrapping_add(1)));
        let store = DeviceStore {
            scope: StoredValue::new(scope),
            handle: StoredValue::new_local(None),
            status: RwSignal::new(StorageStatus::Opening),
            open: RwSignal::new(false),
            root: StoredValue::new(root),
        };
        provide_context(store);
        // Unmounted: the connection closes (its `Drop` detaches its handlers) and nothing is held.
        on_cleanup(move || {
            store.handle.try_update_value(Option::take);
            HELD.with_borrow_mut(|held| held.retain(|(r, _)| *r != root));
        });
        store
    }

    pub fn scope(self) -> StoreScope {
        self.scope.get_value()
    }

    /// The open store, once it is open.
    pub fn get(self) -> Option<Rc<DraftStore>> {
        self.handle.try_get_value().flatten()
    }

    pub(crate) fn opened(self, store: Rc<DraftStore>) {
        self.handle.set_value(Some(store));
        self.open.set(true);
    }

    /// Whether the store has opened (reactive); unlike [`DeviceStore::is_ready`], without waiting for the
    /// autosave to have read the drafts.
    pub fn is_open(self) -> bool {
        self.open.get()
    }

    /// Whether the store is open (reactive).
    pub fn is_ready(self) -> bool {
        self.status.get() == StorageStatus::Ready
    }

    /// This root now shows draft `id`.
    pub fn hold(self, id: &str) {
        let root = self.root.get_value();
        HELD.with_borrow_mut(|held| {
            held.retain(|(r, _)| *r != root);
            held.push((root, id.to_owned()));
        });
    }

    /// Whether another root of the page shows draft `id`.
    pub fn held_elsewhere(self, id: &str) -> bool {
        let root = self.root.get_value();
        HELD.with_borrow(|held| held.iter().any(|(r, held)| *r != root && held == id))
    }
}

/// The root's store (`crate::root::Root::start` provides it).
pub fn use_device_store() -> Option<DeviceStore> {
    crate::root_context::from_root::<DeviceStore>()
}
