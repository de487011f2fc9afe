//! The standalone app's own small history router: which page the address names, links that change it
//! without reloading, and the back button. Smaller than a general router (it is part of every first load),
//! and only the standalone shell uses it: an embedded form never touches the host page's address.
//!
//! The site's pages are drawn by two Wasm modules (the filing page's, and the tracker's with the insights;
//! `crate::app::Pages`): a link or a move to a page of the other module is a normal page load, so each
//! module carries only its own pages.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The current address, as signals.
#[derive(Clone, Copy)]
pub struct Location {
    path: RwSignal<String>,
    search: RwSignal<String>,
    /// Counts the customer's moves through history (Back, Forward), not the app's own writes, so a page
    /// can tell "the customer went back" from "I just wrote the address".
    history_moves: RwSignal<u64>,
    /// Whether this module draws the page at a path (trimmed of its trailing `/`); any other is loaded.
    draws: fn(&str) -> bool,
    /// This page was opened by a link of the site's other module in this tab (not typed, not reloaded).
    by_our_link: bool,
}

/// Set in the tab's session storage just before a link loads a page of the other module, and taken by the
/// page it loads: "the customer moved within the site", which a new visit or a reload is not.
const MOVED_KEY: &str = "complaint-desk.moved";

/// Whether an address write adds a history entry or rewrites the current one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Push,
    Replace,
}

impl Location {
    /// Reads the address, follows the back and forward buttons, and turns clicks on this site's own links
    /// to pages this module `draws` into in-app navigation.
    pub fn provide(draws: fn(&str) -> bool) -> Location {
        let location = Location {
            path: RwSignal::new(String::new()),
            search: RwSignal::new(String::new()),
            history_moves: RwSignal::new(0),
            draws,
            by_our_link: take_moved_mark(),
        };
        location.read_address();
        provide_context(location);
        if let Some(window) = web_sys::window() {
            let on_pop = Closure::<dyn Fn()>::new(move || {
                location.read_address();
                location.history_moves.update(|n| *n += 1);
            });
            let _ = window
                .add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
            let on_click =
                Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |e| location.follow_link(e));
            if let Some(document) = window.document() {
                let _ = document
                    .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
            }
            // Released with the shell (the closures live until then, and no longer).
            let listeners = StoredValue::new_local(Some((on_pop, on_click)));
            on_cleanup(move || {
                let Some(Some((on_pop, on_click))) = listeners.try_update_value(Option::take)
                else {
                    return;
                };
                let Some(window) = web_sys::window() else {
                    return;
                };
                let _ = window.remove_event_listener_with_callback(
                    "popstate",
                    on_pop.as_ref().unchecked_ref(),
                );
                if let Some(document) = window.document() {
                    let _ = document.remove_event_listener_with_callback(
                        "click",
                        on_click.as_ref().unchecked_ref(),
                    );
                }
            });
        }
        location
    }

    /// The path, e.g. `/track` (reactive).
    pub fn path(self) -> String {
        self.path.get()
    }

    /// The path, without tracking it.
    pub fn path_untracked(self) -> String {
        self.path.get_untracked()
    }

    /// A query parameter of the address as it was when the page was shown.
    pub fn query_untracked(self, name: &str) -> Option<String> {
        let search = self.search.get_untracked();
        web_sys::UrlSearchParams::new_with_str(&search)
            .ok()?
            .get(name)
    }

    /// A query parameter of the current address (reactive).
    pub fn query(self, name: &str) -> Option<String> {
        self.search.track();
        self.query_untracked(name)
    }

    /// How many times the customer has moved through history with Back or Forward (reactive).
    pub fn history_moves(self) -> u64 {
        self.history_moves.get()
    }

    /// What the app stored with the current history entry (`history.state`); `None` if nothing or not a string.
    pub fn entry_state_untracked(self) -> Option<String> {
        web_sys::window()?.history().ok()?.state().ok()?.as_string()
    }

    /// Sets (or, with `None`, removes) one query parameter of this page's address, keeping the path and the
    /// other parameters, as a new history entry or in place of the current one, with `state` kept beside it.
    /// Nothing scrolls and nothing reloads; the back button's listeners are not told (it was not the customer).
    pub fn set_query(self, name: &str, value: Option<&str>, entry: Entry, state: &str) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(params) = web_sys::UrlSearchParams::new_with_str(&self.search.get_untracked())
        else {
            return;
        };
        match value {
            Some(value) => params.set(name, value),
            None => params.delete(name),
        }
        let query = String::from(params.to_string());
        let path = self.path.get_untracked();
        let hash = window.location().hash().unwrap_or_default();
        let href = if query.is_empty() {
            format!("{path}{hash}")
        } else {
            format!("{path}?{query}{hash}")
        };
        let Ok(history) = window.history() else {
            return;
        };
        let state = wasm_bindgen::JsValue::from_str(state);
        let written = match entry {
            Entry::Push => history.push_state_with_url(&state, "", Some(&href)),
            Entry::Replace => history.replace_state_with_url(&state, "", Some(&href)),
        };
        if written.is_ok() {
            self.read_address();
        }
    }

    fn read_address(self) {
        let Some(location) = web_sys::window().map(|w| w.location()) else {
            return;
        };
        self.path
            .set(location.pathname().unwrap_or_else(|_| "/".to_owned()));
        self.search.set(location.search().unwrap_or_default());
    }

    /// Whether this module draws the page at `path` (else going there is a page load).
    pub fn draws(self, path: &str) -> bool {
        (self.draws)(path.trim_end_matches('/'))
    }

    /// Whether the root being built can show the filing form: the widget (no `Location`) and the filing
    /// page's module can; the tracker's pages, another Wasm module, cannot.
    pub fn form_here() -> bool {
        leptos::prelude::use_context::<Location>().is_none_or(|l| l.draws("/"))
    }

    /// Goes to `href` (on this site) as a new history entry: without reloading when this module draws that
    /// page, else as a normal page load.
    pub fn navigate(self, href: &str) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let path = href.split(['?', '#']).next().unwrap_or_default();
        if !self.draws(path) {
            self.load(href);
            return;
        }
        let pushed = window
            .history()
            .and_then(|h| h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href)));
        if pushed.is_err() {
            let _ = window.location().set_href(href);
            return;
        }
        self.read_address();
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }

    /// Loads `href`, a page of the other module, as a new visit, in this page's language when the address
    /// named it (`?lang=`, from a link in an email): the next page starts from its own address. A choice
    /// made with the language picker is remembered on the device and needs nothing here.
    fn load(self, href: &str) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let href = match self.query_untracked("lang") {
            Some(lang) => with_query(href, "lang", &lang),
            None => href.to_owned(),
        };
        if let Ok(Some(storage)) = window.session_storage() {
            let _ = storage.set_item(MOVED_KEY, "1");
        }
        let _ = window.location().set_href(&href);
    }

    /// Whether the customer came to this page by one of our links from the other module's page, in this
    /// tab (so the form can bring back the draft it had on screen, as moving within one module would).
    pub fn arrived_by_our_link(self) -> bool {
        self.by_our_link
    }

    /// A plain left click on a link to a page of this site: handled here. Anything else (new tab, download,
    /// another site, a `#fragment` such as the skip link) is left to the browser.
    fn follow_link(self, event: web_sys::MouseEvent) {
        if event.default_prevented()
            || event.button() != 0
            || event.meta_key()
            || event.ctrl_key()
            || event.shift_key()
            || event.alt_key()
        {
            return;
        }
        let anchor = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        let Some(anchor) = anchor else { return };
        let own_site = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .is_some_and(|origin| anchor.origin() == origin);
        let path = anchor.pathname();
        let is_page = !path.contains('.');
        if !own_site
            || !is_page
            || !anchor.target().is_empty()
            || anchor.has_attribute("download")
            || (anchor.hash().len() > 1 && path == self.path.get_untracked())
        {
            return;
        }
        event.prevent_default();
        if self.draws(&path) {
            self.navigate(&format!("{path}{}", anchor.search()));
        } else {
            self.load(&format!("{path}{}{}", anchor.search(), anchor.hash()));
        }
    }
}

/// Whether the previous page of this tab left the mark of a move within the site; the mark is removed, so
/// a reload of this page is not such a move.
fn take_moved_mark() -> bool {
    let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.session_storage()) else {
        return false;
    };
    let moved = storage.get_item(MOVED_KEY).ok().flatten().is_some();
    if moved {
        let _ = storage.remove_item(MOVED_KEY);
    }
    moved
}

/// `href` with `name=value` in its query, unless it has a `name` already.
fn with_query(href: &str, name: &str, value: &str) -> String {
    let (rest, hash) = href.find('#').map_or((href, ""), |at| href.split_at(at));
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(query) else {
        return href.to_owned();
    };
    if params.has(name) {
        return href.to_owned();
    }
    params.append(name, value);
    format!("{path}?{}{hash}", String::from(params.to_string()))
}

pub fn use_location() -> Location {
    expect_context::<Location>()
}

/// The standalone shell's address, if this is the standalone app (an embedded widget has none).
pub fn use_location_if_standalone() -> Option<Location> {
    use_context::<Location>()
}

/// A navigation link that says so when it names the page being shown (`aria-current="page"`).
#[component]
pub fn NavLink(href: &'static str, children: Children) -> impl IntoView {
    let location = use_location();
    let current = move || (location.path() == href).then_some("page");
    view! { <a href=href aria-current=current>{children()}</a> }
}
