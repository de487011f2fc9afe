//! The hand-over from the static shell to the app. The shell (written at build time by `crates/shell`)
//! already shows the first question and takes an answer before the Wasm has arrived; the app is built off
//! screen and replaces the shell only once the organisation's config is in and the page is drawn, so the
//! customer never sees "Loading…" after the question. What they did in the shell comes with them: the
//! category they chose, a tap on Continue (the shell's inline script holds it, visibly), and the focus.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlFormElement, HtmlInputElement};

use crate::org_config::SharedConfig;

/// The shell on screen and the app's root waiting to replace it; taken once.
#[derive(Clone, Copy)]
struct Handover(StoredValue<Option<(HtmlElement, HtmlElement)>, LocalStorage>);

/// A new, detached `#app` for the app to render into while the shell stays on screen.
pub fn detached_root(shell: &HtmlElement) -> Option<HtmlElement> {
    let root = shell
        .owner_document()?
        .create_element("div")
        .ok()?
        .dyn_into::<HtmlElement>()
        .ok()?;
    root.set_id(crate::ROOT_ID);
    Some(root)
}

/// Called inside the mounted root, before the app: the shell it will replace.
pub fn provide(shell: HtmlElement, root: HtmlElement) {
    provide_context(Handover(StoredValue::new_local(Some((shell, root)))));
}

/// Replaces the shell with the app once the config has come (or failed: the app's own screen for that is
/// better than a question it cannot take further), in the next frame, after the page has been drawn.
pub fn replace_when_ready(config: SharedConfig) {
    let Some(handover) = use_context::<Handover>() else {
        return;
    };
    Effect::new(move |_| {
        if config.0.with(|c| c.is_some()) {
            if let Some((shell, root)) = handover.0.try_update_value(Option::take).flatten() {
                request_animation_frame(move || replace(&shell, &root));
            }
        }
    });
}

fn replace(shell: &HtmlElement, root: &HtmlElement) {
    let found = |selector: &str| shell.query_selector(selector).ok().flatten();
    // A panic before the hand-over drew its screen into the shell (`crash`): that stays.
    if found(".crash-screen").is_some() {
        return;
    }
    let chosen = found("input[type=radio]:checked").map(|el| el.id());
    let continued = found("form[data-continue]").is_some();
    let focused = document()
        .active_element()
        .filter(|el| shell.contains(Some(el)))
        .map(|el| el.id())
        .filter(|id| !id.is_empty());
    if shell.replace_with_with_node_1(root).is_err() {
        return;
    }
    let in_app = |id: &str| document().get_element_by_id(id);
    if let Some(radio) = chosen
        .as_deref()
        .and_then(in_app)
        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
        .filter(|input| input.type_() == "radio")
    {
        if !radio.checked() {
            // A click, so the app hears it as the customer's own choice (its change handler).
            radio.click();
        }
    }
    if continued {
        if let Some(form) = root
            .query_selector("form.step")
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<HtmlFormElement>().ok())
        {
            let _ = form.request_submit();
            return;
        }
    }
    if let Some(el) = focused
        .as_deref()
        .and_then(in_app)
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
