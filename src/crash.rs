//! The last line of defence: a panic anywhere replaces the page with a calm, localised message instead of
//! leaving it blank. Drafts live in IndexedDB, so reloading carries on where the customer left off.
//!
//! Written with plain DOM calls, not Leptos: after a panic the reactive runtime cannot be trusted.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU8, Ordering};

use complaint_domain::i18n::{Locale, Msg};
use web_sys::Document;

static LOCALE: AtomicU8 = AtomicU8::new(0);

/// Keeps the crash screen in the language the customer is reading.
pub fn remember_locale(locale: Locale) {
    let index = Locale::ALL.iter().position(|l| *l == locale).unwrap_or(0);
    LOCALE.store(index as u8, Ordering::Relaxed);
}

fn locale() -> Locale {
    Locale::ALL
        .get(LOCALE.load(Ordering::Relaxed) as usize)
        .copied()
        .unwrap_or(Locale::En)
}

pub fn install_panic_screen() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("complaint desk crashed: {info}").into());
        show_crash_screen();
    }));
}

fn show_crash_screen() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(root) = document
        .get_element_by_id(crate::ROOT_ID)
        .or_else(|| document.body().map(Into::into))
    else {
        return;
    };
    let locale = locale();
    root.set_inner_html("");
    let _ = build_screen(&document, &root, locale);
}

fn build_screen(document: &Document, root: &web_sys::Element, locale: Locale) -> Option<()> {
    let main = document.create_element("main").ok()?;
    main.set_class_name("page crash-screen");
    main.set_attribute("role", "alert").ok()?;
    let heading = document.create_element("h1").ok()?;
    heading.set_text_content(Some(Msg::CrashTitle.text(locale)));
    let body = document.create_element("p").ok()?;
    body.set_text_content(Some(Msg::CrashBody.text(locale)));
    // A link to the current address reloads without any script, which a dead Wasm module cannot run.
    let reload = document.create_element("a").ok()?;
    reload.set_class_name("button");
    reload.set_attribute("href", &reload_target()).ok()?;
    reload.set_text_content(Some(Msg::CrashReload.text(locale)));
    main.append_with_node_3(&heading, &body, &reload).ok()?;
    root.append_child(&main).ok()?;
    Some(())
}

/// This page's path as a same-site link: `//evil.example/x` is a path to the server but a link to another
/// site in `href`, so leading slashes fold into one. No query, no fragment.
fn reload_target() -> String {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    complaint_domain::links::same_site_path(&path)
}

/// The key that trips a deliberate panic after the app has mounted, so the end-to-end tests can prove this
/// screen works in the very build customers get. Device storage, not the address: a link someone sends
/// cannot make the page crash.
const TRIP_WIRE_KEY: &str = "complaint-desk.crash-test";

pub fn trip_wire_requested() -> bool {
    crate::services::device::local_storage()
        .and_then(|s| s.get_item(TRIP_WIRE_KEY).ok().flatten())
        .is_some_and(|v| v == "1")
}

thread_local! {
    /// The widgets' containers on this page, each with its language: a panic writes the notice there only,
    /// never over the host's page.
    static CONTAINERS: RefCell<Vec<(web_sys::HtmlElement, Locale)>> = const { RefCell::new(Vec::new()) };
    static WIDGET_NOTICE: Cell<bool> = const { Cell::new(false) };
}

pub fn remember_container(container: &web_sys::HtmlElement, locale: Locale) {
    CONTAINERS.with_borrow_mut(|all| all.push((container.clone(), locale)));
}

pub fn forget_container(container: &web_sys::HtmlElement) {
    CONTAINERS.with_borrow_mut(|all| all.retain(|(c, _)| c != container));
}

/// The widget's panic hook (once per page): the calm message inside each widget's box.
pub fn install_widget_notice() {
    if WIDGET_NOTICE.replace(true) {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("complaint desk crashed: {info}").into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let containers = CONTAINERS.try_with(|all| all.try_borrow().map(|a| a.clone()).ok());
        for (container, locale) in containers.ok().flatten().unwrap_or_default() {
            container.set_inner_html("");
            let _ = build_notice(&document, &container, locale);
        }
    }));
}

fn build_notice(document: &Document, root: &web_sys::Element, locale: Locale) -> Option<()> {
    let box_ = document.create_element("div").ok()?;
    box_.set_class_name("crash-screen");
    box_.set_attribute("role", "alert").ok()?;
    let heading = document.create_element("h2").ok()?;
    heading.set_text_content(Some(Msg::CrashTitle.text(locale)));
    let body = document.create_element("p").ok()?;
    body.set_text_content(Some(Msg::CrashBody.text(locale)));
    box_.append_with_node_2(&heading, &body).ok()?;
    root.append_child(&box_).ok()?;
    Some(())
}
