//! How long the form has been in front of the customer, for the server's spam signal: stretches measured
//! with the monotonic `performance.now()`, from when the form is shown until it is hidden or sent, summed on
//! the draft (`Draft::add_active_ms`). Moving the device's clock cannot make it zero or huge. The listeners
//! are released when the form unmounts.

use leptos::ev;
use leptos::prelude::*;

use super::flow::FilingSession;

#[derive(Clone, Copy)]
pub struct ActiveTime {
    session: FilingSession,
    /// `performance.now()` when the current stretch began; `None` while the page is hidden.
    since: StoredValue<Option<f64>, LocalStorage>,
}

fn monotonic_now() -> Option<f64> {
    Some(web_sys::window()?.performance()?.now())
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

impl ActiveTime {
    /// Adds the stretch so far to the draft and starts a new one (if the page is still shown). The draft
    /// changes without a new revision: time passing is not an edit another tab should hear of.
    pub fn flush(self) {
        let now = monotonic_now();
        if let (Some(since), Some(now)) = (self.since.get_value(), now) {
            self.session.add_active_ms(now - since);
        }
        self.since
            .set_value(if page_visible() { now } else { None });
    }
}

pub fn use_active_time(session: FilingSession) -> ActiveTime {
    let active = ActiveTime {
        session,
        since: StoredValue::new_local(if page_visible() {
            monotonic_now()
        } else {
            None
        }),
    };
    let on_visibility = window_event_listener(ev::visibilitychange, move |_| active.flush());
    let on_pagehide = window_event_listener(ev::pagehide, move |_| active.flush());
    on_cleanup(move || {
        active.flush();
        on_visibility.remove();
        on_pagehide.remove();
    });
    provide_context(active);
    active
}

pub fn use_active() -> Option<ActiveTime> {
    use_context::<ActiveTime>()
}
