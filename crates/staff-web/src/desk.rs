//! What every screen of the desk needs, provided once by the root ([`crate::app`]): the API, the person's
//! language, who is signed in, where they are, the organisation's config (category and cause names), and
//! the shortcut a screen was opened for. Screens change these through its operations.

use std::sync::Arc;

use complaint_domain::config::OrgConfig;
use leptos::prelude::*;

use crate::api::{Api, Me};
use crate::i18n::{self, Locale, T};
use crate::keys::Shortcut;
use crate::route::Route;

#[derive(Clone, Copy)]
pub struct Desk {
    pub api: Api,
    locale: RwSignal<Locale>,
    me: RwSignal<Option<Me>>,
    route: RwSignal<Route>,
    config: RwSignal<Option<Arc<OrgConfig>>>,
    /// The shortcut a complaint was opened with from the queue (`r` opens it at the reply).
    intent: RwSignal<Option<Shortcut>>,
    /// The shortcuts dialog is open.
    pub help: RwSignal<bool>,
    /// Signed in with a recovery code: the desk asks for a new passkey before anything else.
    add_passkey: RwSignal<bool>,
    /// Someone was signed in in this tab (so a 401 means "your session ended", not "please sign in").
    was_signed_in: StoredValue<bool>,
}

impl Desk {
    pub fn new() -> Desk {
        Desk {
            api: Api::new(),
            locale: RwSignal::new(i18n::initial_locale()),
            me: RwSignal::new(None),
            route: RwSignal::new(current_route()),
            config: RwSignal::new(None),
            intent: RwSignal::new(None),
            help: RwSignal::new(false),
            add_passkey: RwSignal::new(false),
            was_signed_in: StoredValue::new(false),
        }
    }

    pub fn get() -> Desk {
        expect_context::<Desk>()
    }

    /// A message in the person's language (reactive: it changes with the language).
    pub fn t(&self, key: T) -> &'static str {
        i18n::text(self.locale.get(), key)
    }

    pub fn fill(&self, key: T, args: &[(&str, &str)]) -> String {
        i18n::fill(self.locale.get(), key, args)
    }

    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    pub fn set_locale(&self, locale: Locale) {
        i18n::remember(locale);
        self.locale.set(locale);
    }

    pub fn me(&self) -> Option<Me> {
        self.me.get()
    }

    /// Asks the server who is signed in (after sign-in, or at start).
    pub async fn refresh_me(&self) -> bool {
        let me = self.api.me().await.ok();
        let signed_in = me.is_some();
        if signed_in {
            self.was_signed_in.set_value(true);
        }
        self.me.set(me);
        signed_in
    }

    /// After a sign-in whose answer said `add_passkey` (a recovery code was used up): the next screen
    /// offers a new passkey.
    pub fn ask_for_passkey(&self, ask: bool) {
        self.add_passkey.set(ask);
    }

    pub fn asks_for_passkey(&self) -> bool {
        self.add_passkey.get()
    }

    pub async fn sign_out(&self, everywhere: bool) {
        let path = if everywhere {
            "/sign-out-everywhere"
        } else {
            "/sign-out"
        };
        let _: Result<serde_json::Value, _> = self.api.post(path, &serde_json::json!({})).await;
        self.api.forget_session();
        self.was_signed_in.set_value(false);
        self.add_passkey.set(false);
        self.me.set(None);
    }

    /// The session ended under the person (not signed out by them, not a first visit).
    pub fn session_ended(&self) -> bool {
        self.was_signed_in.get_value() && self.api.is_signed_out()
    }

    pub fn route(&self) -> Route {
        self.route.get()
    }

    /// Moves to another screen, with an entry in the browser's history.
    pub fn go(&self, route: Route) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ =
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&route.path()));
        }
        self.route.set(route);
    }

    /// Moves to another screen in place of this one in the history (the enrolment link's token goes).
    pub fn go_instead(&self, route: Route) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&route.path()),
            );
        }
        self.route.set(route);
    }

    /// The browser went back or forward.
    pub fn follow_location(&self) {
        self.route.set(current_route());
    }

    pub fn open_with(&self, reference: String, intent: Option<Shortcut>) {
        self.intent.set(intent);
        self.go(Route::Complaint(reference));
    }

    /// The shortcut the screen was opened for, once.
    pub fn take_intent(&self) -> Option<Shortcut> {
        let intent = self.intent.get_untracked();
        self.intent.set(None);
        intent
    }

    pub fn set_config(&self, config: OrgConfig) {
        self.config.set(Some(Arc::new(config)));
    }

    /// A category's name in the person's language, else its id.
    pub fn category(&self, id: &str) -> String {
        let locale = self.locale.get();
        self.config
            .with(|c| {
                c.as_ref()?
                    .categories
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.label.get(locale).to_owned())
            })
            .unwrap_or_else(|| id.to_owned())
    }

    /// A time from the API as the organisation's wall clock, its zone named ([`crate::clock::local_time`]).
    pub fn local_time(&self, at: &str) -> String {
        let zone = self
            .config
            .with(|c| c.as_ref().map(|c| c.organisation.time_zone.clone()));
        crate::clock::local_time(at, zone.as_deref())
    }

    /// `(id, name)` of every category.
    pub fn categories(&self) -> Vec<(String, String)> {
        let locale = self.locale.get();
        self.config.with(|c| {
            c.iter()
                .flat_map(|c| c.categories.iter())
                .map(|c| (c.id.clone(), c.label.get(locale).to_owned()))
                .collect()
        })
    }

    /// `(id, name)` of every root cause the organisation tags decisions with.
    pub fn causes(&self) -> Vec<(String, String)> {
        let locale = self.locale.get();
        self.config.with(|c| {
            c.iter()
                .flat_map(|c| c.causes.iter())
                .map(|c| (c.id.clone(), c.label.get(locale).to_owned()))
                .collect()
        })
    }

    pub fn role_name(&self, role: &str) -> String {
        match role {
            "agent" => self.t(T::RoleAgent).to_owned(),
            "lead" => self.t(T::RoleLead).to_owned(),
            "admin" => self.t(T::RoleAdmin).to_owned(),
            other => other.to_owned(),
        }
    }
}

impl Default for Desk {
    fn default() -> Self {
        Desk::new()
    }
}

fn current_route() -> Route {
    let location = web_sys::window().map(|w| w.location());
    let path = location
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default();
    let hash = location
        .as_ref()
        .and_then(|l| l.hash().ok())
        .unwrap_or_default();
    Route::parse(&path, &hash)
}
