//! The embedded widget: the filing flow and the tracker mounted inside a host page's `<complaint-desk>`
//! element (see `embed/embed.js` and docs/embed.md). The same Wasm module serves the standalone app; this is
//! its second entry, `mountWidget`, called by embed.js into a container in the element's shadow root.
//!
//! The widget is a guest: its language comes from its `lang` attribute (never `<html lang>`), its
//! organisation from `api`, and it never touches the host's address, history, title or focus outside itself.
//! Everything it starts (listeners, channels, timers) is released when the host removes the element.

mod events;

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use complaint_domain::i18n::{Locale, Msg};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::load_error::LoadError;
use crate::filing::{FilingFlow, FilingSession, RefusedNotice, SuggestedCategory, TrackInPlace};
use crate::i18n::{tr, I18n};
use crate::mount_scope::MountScope;
use crate::root::{Root, RootKind};
use crate::services::api::ApiBase;
use crate::services::locale;
use crate::services::store_scope::StoreScope;
use crate::services::submit::SendError;
use crate::tracking::Tracker;
pub use events::{HostElement, HostEvent};

/// What the widget shows: the form, or the tracker (with a reference to look up, from the confirmation).
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    File,
    Track(String),
}

/// The attributes embed.js read from the element, checked.
struct Options {
    api: ApiBase,
    locale: Locale,
    /// `lang` named a language we do not offer: the widget falls back and says so.
    lang_not_offered: bool,
    category: Option<String>,
    shown: Shown,
    store: StoreScope,
}

/// An attribute's value as given: trimmed, and `None` when missing or blank.
fn text_of(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `lang` as a language we offer; an unknown one falls back to the browser's, with a console note.
fn locale_of(tag: Option<String>) -> Locale {
    match text_of(tag) {
        Some(tag) => Locale::from_tag(&tag).unwrap_or_else(|| {
            warn(&format!(
                "complaint-desk: lang=\"{tag}\" is not offered (en, ko, pl); using the browser's"
            ));
            locale::from_browser()
        }),
        None => locale::from_browser(),
    }
}

/// `mode` as what to show; an unknown one shows the form, with a console note.
fn shown_of(mode: Option<String>) -> Shown {
    match text_of(mode).as_deref() {
        None | Some("file") => Shown::File,
        Some("track") => Shown::Track(String::new()),
        Some(other) => {
            warn(&format!(
                "complaint-desk: mode=\"{other}\" is not file or track; showing the form"
            ));
            Shown::File
        }
    }
}

impl Options {
    /// Reads `{ api, lang, category, mode, store }`; anything missing or unknown falls back, with a console
    /// note for the host's developer (the customer is told only what concerns them: an unknown category).
    fn read(options: &JsValue) -> Options {
        let text = |key: &str| {
            text_of(
                js_sys::Reflect::get(options, &key.into())
                    .ok()
                    .and_then(|v| v.as_string()),
            )
        };
        let api = text("api").and_then(|url| {
            let base = ApiBase::parse(&url);
            if base.is_none() {
                warn(&format!(
                    "complaint-desk: api=\"{url}\" is not a URL; using this site's /api/v1/"
                ));
            }
            base
        });
        let asked = text("lang");
        // The customer is told inside the box too, not only the host's developer on the console.
        let lang_not_offered = asked
            .as_deref()
            .is_some_and(|tag| Locale::from_tag(tag).is_none());
        Options {
            api: api.unwrap_or_default(),
            locale: locale_of(asked),
            lang_not_offered,
            category: text("category"),
            shown: shown_of(text("mode")),
            // embed.js names the store when the element first connects (docs/embed.md).
            store: StoreScope::widget(&text("store").unwrap_or_else(|| "file".to_owned())),
        }
    }
}

fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}

/// What the host may change on a mounted widget: its language, what it shows, the suggested category.
#[derive(Clone, Copy)]
struct Controls {
    i18n: I18n,
    shown: RwSignal<Shown>,
    category: RwSignal<Option<String>>,
}

/// A mounted widget; `unmount()` (embed.js calls it when the element leaves the page) removes its view and
/// runs every cleanup its root registered.
#[wasm_bindgen]
pub struct MountedWidget {
    /// Leptos's unmount handle (its type names the whole view; only dropping it matters).
    root: Option<Box<dyn Any>>,
    container: web_sys::HtmlElement,
    controls: Option<Controls>,
}

#[wasm_bindgen]
impl MountedWidget {
    pub fn unmount(&mut self) {
        if self.root.take().is_some() {
            crate::crash::forget_container(&self.container);
        }
        self.controls = None;
    }

    /// The host changed `lang`, `mode` or `category` (embed.js's `attributeChangedCallback`): applied in
    /// place, nothing typed is lost. `false` for an attribute the widget cannot change in place (`api`:
    /// embed.js starts it again).
    pub fn change(&mut self, name: &str, value: Option<String>) -> bool {
        let Some(controls) = self.controls else {
            return false;
        };
        match name {
            "lang" => {
                let locale = locale_of(value);
                controls.i18n.set_locale(locale);
                crate::crash::forget_container(&self.container);
                crate::crash::remember_container(&self.container, locale);
            }
            "mode" => {
                let wanted = shown_of(value);
                let same = controls.shown.try_with_untracked(|now| {
                    std::mem::discriminant(now) == std::mem::discriminant(&wanted)
                });
                if same == Some(false) {
                    controls.shown.try_set(wanted);
                }
            }
            "category" => {
                controls.category.try_set(text_of(value));
            }
            _ => return false,
        }
        true
    }
}

/// Mounts the widget into `container` (an element in `host`'s shadow root); `options` is
/// `{ api, lang, category, mode }` as strings. Exported as `mountWidget` by the tracker's module only
/// (`src/bin/tracker.rs`), so the filing page's module does not carry the widget and its tracker mode.
pub fn mount_widget(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    options: JsValue,
) -> MountedWidget {
    crate::crash::install_widget_notice();
    let options = Options::read(&options);
    let shadow = container
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok();
    crate::crash::remember_container(&container, options.locale);
    let controls = Rc::new(RefCell::new(None));
    let handle = leptos::mount::mount_to(container.clone(), {
        let controls = controls.clone();
        move || view! { <Widget host=host shadow=shadow options=options controls=controls /> }
    });
    let controls = *controls.borrow();
    MountedWidget {
        root: Some(Box::new(handle)),
        container,
        controls,
    }
}

#[component]
fn Widget(
    host: web_sys::HtmlElement,
    shadow: Option<web_sys::ShadowRoot>,
    options: Options,
    controls: Rc<RefCell<Option<Controls>>>,
) -> impl IntoView {
    let i18n = I18n::provide(options.locale);
    let lang_not_offered = options.lang_not_offered;
    MountScope::provide(shadow);
    let category = RwSignal::new(options.category);
    provide_context(SuggestedCategory(category));
    let host = HostElement::new(host);
    // The widget's own device store (its scope's), saver and couriers, owned by this root and released with it.
    let root = Root::start(RootKind::Widget {
        store: options.store,
        api: options.api,
    });
    let session = root.session;
    let shown = RwSignal::new(options.shown);
    *controls.borrow_mut() = Some(Controls {
        i18n,
        shown,
        category,
    });
    provide_context(TrackInPlace(Callback::new(move |reference: String| {
        shown.set(Shown::Track(reference))
    })));
    tell_host(host, session);
    if crate::crash::trip_wire_requested() {
        // The end-to-end tests' proof that a panic stays inside the box (see crash.rs).
        Effect::new(|_| panic!("crash test requested on this device"));
    }

    let config = root.config.0;
    Effect::new(move |told: Option<bool>| {
        let loaded = config.with(|c| c.as_ref().map(Result::is_ok));
        match loaded {
            Some(true) if told != Some(true) => host.tell(HostEvent::Ready),
            Some(false) => host.tell(HostEvent::Error("config_unavailable")),
            _ => {}
        }
        told == Some(true) || loaded == Some(true)
    });
    let body = move || {
        let content = match config.get() {
            None => {
                return view! { <p class="loading" role="status">{tr(Msg::Loading)}</p> }.into_any()
            }
            Some(Err(error)) => {
                return view! { <LoadError error=error on_retry=move || config.refetch() /> }
                    .into_any()
            }
            Some(Ok(config)) => config,
        };
        match shown.get() {
            // The step's question is the form's heading (an h2 here: the host page has its h1).
            Shown::File => view! { <FilingFlow config=content /> }.into_any(),
            Shown::Track(wanted) => view! {
                <h2 class="page-title">{tr(Msg::TrackTitle)}</h2>
                <Tracker config=content wanted=wanted />
            }
            .into_any(),
        }
    };
    let is_form = move || matches!(shown.get(), Shown::File);
    view! {
        <div class="desk-widget__body" lang=move || i18n.locale().tag()>
            <nav class="desk-widget__nav" aria-label=move || i18n.t(Msg::SiteName)>
                <button type="button" class="link-button" aria-pressed=move || is_form().to_string()
                    on:click=move |_| shown.set(Shown::File)>{tr(Msg::NavFile)}</button>
                <button type="button" class="link-button" aria-pressed=move || (!is_form()).to_string()
                    on:click=move |_| shown.set(Shown::Track(String::new()))>{tr(Msg::NavTrack)}</button>
            </nav>
            <RefusedNotice />
            {lang_not_offered.then(|| view! { <p class="notice" role="status">{tr(Msg::WidgetLanguageNotOffered)}</p> })}
            {body}
        </div>
    }
}

/// Steps, deliveries, the outbox and refusals, as host events.
fn tell_host(host: HostElement, session: FilingSession) {
    let step = Memo::new(move |_| session.draft.with(|d| d.step));
    Effect::new(move |previous: Option<_>| {
        let now = step.get();
        if previous.is_some_and(|p| p != now) {
            host.tell(HostEvent::Step(now));
        }
        now
    });
    Effect::new(move |told: Option<Option<String>>| {
        let reference = session
            .accepted
            .with(|a| a.as_ref().map(|a| a.reference.clone()));
        if reference.is_some() && told.as_ref() != Some(&reference) {
            if let Some(reference) = &reference {
                host.tell(HostEvent::Submitted(reference.clone()));
            }
        }
        reference
    });
    Effect::new(move |was: Option<bool>| {
        let queued = session.queued.get();
        if queued && was == Some(false) {
            host.tell(HostEvent::Queued);
        }
        queued
    });
    Effect::new(move |_| {
        let code = session.problem.with(|p| match p {
            Some(SendError::Refused(_)) => Some("rejected"),
            Some(SendError::Unavailable { .. }) => Some("unavailable"),
            None => None,
        });
        if let Some(code) = code {
            host.tell(HostEvent::Error(code));
        }
    });
}
