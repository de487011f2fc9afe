//! The embedded widget: the filing flow and the tracker mounted inside a host page's `<complaint-desk>`
//! element (see `embed/embed.js` and docs/embed.md), through the entry `mountWidget` that embed.js calls into
//! a container in the element's shadow root.
//!
//! Two Wasm modules draw it, so a widget in file mode never downloads the tracker: the widget's own module
//! (`src/bin/widget.rs`: the form only) and the tracker's (`src/bin/tracker.rs`: the tracker and the form,
//! for `mode="track"`). When the customer opens tracking in a file-mode widget, it asks embed.js
//! (`elsewhere`) to show the tracker's module beside it, in the same shadow root, as a *companion* that draws
//! only the tracker and hands "Make a complaint" back to the form, which kept its place.
//!
//! The widget is a guest: its language comes from its `lang` attribute (never `<html lang>`), its
//! organisation from `api`, and it never touches the host's address, history, title or focus outside itself.
//! Everything it starts (listeners, channels, timers) is released when the host removes the element.

mod events;
mod options;

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::components::load_error::LoadError;
use crate::filing::{FilingFlow, FilingSession, RefusedNotice, SuggestedCategory, TrackInPlace};
use crate::i18n::{tr, I18n};
use crate::mount_scope::MountScope;
use crate::root::{Root, RootKind};
use crate::services::submit::SendError;
use crate::tracking::Tracker;
pub use events::{HostElement, HostEvent};
use options::{locale_of, shown_of, text_of, warn, Options, Shown};

/// The tracker as a widget draws it; passed to [`mount_widget`] by the tracker's module only, so the
/// widget's module links no tracking code.
pub type TrackView = fn(OrgConfig, String) -> AnyView;

/// The tracker in a widget, under its heading (an h2: the host page has its h1).
pub fn track_view(config: OrgConfig, wanted: String) -> AnyView {
    view! {
        <h2 class="page-title">{tr(Msg::TrackTitle)}</h2>
        <Tracker config=config wanted=wanted />
    }
    .into_any()
}

/// What one mounted widget draws itself; anything else goes to embed.js's `elsewhere`.
#[derive(Clone, Copy)]
struct Draws {
    file: bool,
    track: Option<TrackView>,
}

impl Draws {
    fn can(self, shown: &Shown) -> bool {
        match shown {
            Shown::File => self.file,
            Shown::Track(_) => self.track.is_some(),
        }
    }

    /// What it shows when asked for something it cannot draw at the start.
    fn fallback(self) -> Shown {
        if self.file {
            Shown::File
        } else {
            Shown::Track(String::new())
        }
    }
}

/// What the host may change on a mounted widget: its language, what it shows, the suggested category.
#[derive(Clone, Copy)]
struct Controls {
    i18n: I18n,
    shown: RwSignal<Shown>,
    category: RwSignal<Option<String>>,
    /// Shows the form or the tracker: here, or through embed.js in the other module's widget.
    open: Callback<Shown>,
}

/// A mounted widget: each widget module's entry wraps it in its exported `MountedWidget`
/// (`src/bin/shared/widget_export.rs`), so the filing page's module, which never mounts a widget, carries
/// none of it.
pub struct Mounted {
    /// Leptos's unmount handle (its type names the whole view; only dropping it matters).
    root: Option<Box<dyn Any>>,
    container: web_sys::HtmlElement,
    controls: Option<Controls>,
}

impl Mounted {
    /// Removes its view and runs every cleanup its root registered (embed.js calls it when the element
    /// leaves the page).
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
                    controls.open.run(wanted);
                }
            }
            "category" => {
                controls.category.try_set(text_of(value));
            }
            _ => return false,
        }
        true
    }

    /// Shows the tracker looking up `reference` (embed.js, when a file-mode widget beside this one opens
    /// tracking again).
    pub fn track(&mut self, reference: String) {
        if let Some(controls) = self.controls {
            controls.open.run(Shown::Track(reference));
        }
    }
}

/// Mounts the widget into `container` (an element in `host`'s shadow root); `options` is
/// `{ api, lang, category, mode, store }` as strings, with embed.js's `reference`, `companion` and
/// `elsewhere`. `track` is the tracker's module's [`track_view`]; `None` in the widget's module, whose
/// widget hands tracking to embed.js.
pub fn mount_widget(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    options: JsValue,
    track: Option<TrackView>,
) -> Mounted {
    crate::crash::install_widget_notice();
    let options = Options::read(&options);
    let draws = Draws {
        file: !(options.companion && track.is_some()),
        track,
    };
    let shadow = container
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok();
    crate::crash::remember_container(&container, options.locale);
    let controls = Rc::new(RefCell::new(None));
    let handle = leptos::mount::mount_to(container.clone(), {
        let controls = controls.clone();
        move || view! { <Widget host=host shadow=shadow options=options draws=draws controls=controls /> }
    });
    let controls = *controls.borrow();
    Mounted {
        root: Some(Box::new(handle)),
        container,
        controls,
    }
}

/// Asks embed.js to show `wanted`, which this widget does not draw (see the module's note).
fn hand_over(elsewhere: Option<&js_sys::Function>, wanted: &Shown) {
    let reference = match wanted {
        Shown::Track(reference) => reference.as_str(),
        Shown::File => "",
    };
    let told = elsewhere.map(|f| f.call2(&JsValue::NULL, &wanted.mode().into(), &reference.into()));
    if !matches!(told, Some(Ok(_))) {
        warn("complaint-desk: this widget cannot show that here");
    }
}

#[component]
fn Widget(
    host: web_sys::HtmlElement,
    shadow: Option<web_sys::ShadowRoot>,
    options: Options,
    draws: Draws,
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
    let first = if draws.can(&options.shown) {
        options.shown
    } else {
        draws.fallback()
    };
    let shown = RwSignal::new(first);
    let elsewhere = StoredValue::new_local(options.elsewhere);
    let open = Callback::new(move |wanted: Shown| {
        if draws.can(&wanted) {
            shown.set(wanted);
        } else {
            elsewhere.with_value(|f| hand_over(f.as_ref(), &wanted));
        }
    });
    *controls.borrow_mut() = Some(Controls {
        i18n,
        shown,
        category,
        open,
    });
    provide_context(TrackInPlace(Callback::new(move |reference: String| {
        open.run(Shown::Track(reference))
    })));
    tell_host(host, session);
    if crate::crash::trip_wire_requested() {
        // The end-to-end tests' proof that a panic stays inside the box (see crash.rs).
        Effect::new(|_| panic!("crash test requested on this device"));
    }

    let config = root.config.0;
    // A companion's host heard `complaint:ready` from the form beside it.
    let tells_ready = !options.companion;
    Effect::new(move |told: Option<bool>| {
        let loaded = config.with(|c| c.as_ref().map(Result::is_ok));
        match loaded {
            Some(true) if told != Some(true) && tells_ready => host.tell(HostEvent::Ready),
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
        match (shown.get(), draws.track) {
            (Shown::Track(wanted), Some(track)) => track(content, wanted),
            // The step's question is the form's heading (an h2 here: the host page has its h1).
            _ => view! { <FilingFlow config=content /> }.into_any(),
        }
    };
    let is_form = move || matches!(shown.get(), Shown::File);
    view! {
        <div class="desk-widget__body" lang=move || i18n.locale().tag()>
            <nav class="desk-widget__nav" aria-label=move || i18n.t(Msg::SiteName)>
                <button type="button" class="link-button" aria-pressed=move || is_form().to_string()
                    on:click=move |_| open.run(Shown::File)>{tr(Msg::NavFile)}</button>
                <button type="button" class="link-button" aria-pressed=move || (!is_form()).to_string()
                    on:click=move |_| open.run(Shown::Track(String::new()))>{tr(Msg::NavTrack)}</button>
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
