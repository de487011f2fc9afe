//! Reading what the root provides ([`crate::root::Root::start`]): a missing context is a bug in how the tree
//! was built, never papered over with a new store, saver or courier. Kept apart from `root.rs`, which imports
//! the rooms that read it.

use leptos::prelude::use_context;

/// A context [`crate::root::Root::start`] provides. Missing, the tree was built without it: a bug, which panics in debug
/// builds and is reported on the console (as `None`) in release builds, never papered over with a new one.
pub fn from_root<T: Clone + 'static>() -> Option<T> {
    let found = use_context::<T>();
    if found.is_none() {
        // The type's name in debug builds only: release builds carry no list of our type names.
        #[cfg(debug_assertions)]
        missing(std::any::type_name::<T>());
        #[cfg(not(debug_assertions))]
        missing("a context");
    }
    found
}

fn missing(what: &str) {
    debug_assert!(
        false,
        "{what} is missing: this root was not started with Root::start"
    );
    web_sys::console::error_1(&format!("complaint-desk: {what} is missing from this root").into());
}
