//! The Web Locks helper in headless Chromium: work under one lock name never overlaps, even within one page
//! (two tabs behave the same way: a lock is per origin, not per page).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use complaint_desk::services::{device, locks};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn step(log: Rc<RefCell<Vec<&'static str>>>, start: &'static str, end: &'static str) {
    log.borrow_mut().push(start);
    device::sleep(100).await;
    log.borrow_mut().push(end);
}

#[wasm_bindgen_test]
async fn work_under_the_same_lock_runs_one_at_a_time() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let name = format!("test-lock-{}", device::new_uuid());
    futures::future::join(
        locks::exclusive(&name, step(log.clone(), "first starts", "first ends")),
        locks::exclusive(&name, step(log.clone(), "second starts", "second ends")),
    )
    .await;
    assert_eq!(
        *log.borrow(),
        ["first starts", "first ends", "second starts", "second ends"]
    );
}

#[wasm_bindgen_test]
async fn work_under_different_locks_overlaps() {
    let log = Rc::new(RefCell::new(Vec::new()));
    futures::future::join(
        locks::exclusive(&device::new_uuid(), step(log.clone(), "a starts", "a ends")),
        locks::exclusive(&device::new_uuid(), step(log.clone(), "b starts", "b ends")),
    )
    .await;
    assert_eq!(*log.borrow(), ["a starts", "b starts", "a ends", "b ends"]);
}
