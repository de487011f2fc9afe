//! `use_wake_up` in headless Chromium: the couriers' wake-ups (back online, the next due attempt) happen while
//! their root lives, a new plan replaces the old one, and nothing of them is left once the root is cleaned up
//! (a widget removed from its host page).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use complaint_desk::services::device;
use complaint_desk::wake_up::{use_wake_up, WakeUp};
use futures::channel::oneshot;
use leptos::prelude::Owner;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn back_online() {
    let event = web_sys::Event::new("online").expect("an online event");
    web_sys::window()
        .expect("a window")
        .dispatch_event(&event)
        .expect("dispatched");
}

/// Resolves when `wake_up` (planned `ms` from now) wakes.
async fn woken_after(wake_up: WakeUp, ms: f64) {
    let (tell, told) = oneshot::channel();
    wake_up.at(device::now_ms() + ms, move || {
        let _ = tell.send(());
    });
    told.await.expect("the wake-up came");
}

#[wasm_bindgen_test]
async fn wakes_when_online_and_when_due_until_the_root_is_cleaned_up() {
    let woken = Rc::new(RefCell::new(Vec::<&'static str>::new()));
    let root = Owner::new();
    let wake_up = root.with(|| {
        let wake_up = use_wake_up();
        let log = woken.clone();
        wake_up.when_online(move || log.borrow_mut().push("online"));
        wake_up
    });

    // The listener runs as the event is dispatched.
    back_online();
    assert_eq!(*woken.borrow(), ["online"]);

    // A new plan replaces the one before: the earlier one never comes, though it was due first.
    let log = woken.clone();
    wake_up.at(device::now_ms() + 10.0, move || {
        log.borrow_mut().push("replaced")
    });
    woken_after(wake_up, 60.0).await;
    assert_eq!(*woken.borrow(), ["online"]);

    // Cleaned up with a wake-up still planned: neither it nor the page's `online` reaches the root any more
    // (a wake-up of a root that lives, planned later, comes first).
    let log = woken.clone();
    wake_up.at(device::now_ms() + 10.0, move || {
        log.borrow_mut().push("after cleanup")
    });
    root.cleanup();
    back_online();
    let alive = Owner::new();
    woken_after(alive.with(use_wake_up), 60.0).await;
    assert_eq!(*woken.borrow(), ["online"]);
}
