//! Two tabs on one draft: each save is announced on a BroadcastChannel, and a tab that hears another save
//! the draft it holds stops saving (rather than overwrite it) until the customer takes the newer copy.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::DraftSaver;
use crate::filing::flow::FilingSession;

impl DraftSaver {
    pub(super) fn listen_to_other_tabs(self, session: FilingSession) {
        let Ok(channel) = web_sys::BroadcastChannel::new(&self.device.scope().name("drafts"))
        else {
            return;
        };
        let me = self.tab_id.get_value();
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let Some(message) = event.data().as_string() else {
                    return;
                };
                let Some((draft_id, tab)) = message.split_once('|') else {
                    return;
                };
                if tab != me && session.draft.with_untracked(|d| d.id == draft_id) {
                    self.stale.set(true);
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_message = StoredValue::new_local(Some(on_message));
        self.channel.set_value(Some(channel));
        // Unmounted: the channel closes and its handler goes with it.
        on_cleanup(move || {
            if let Some(Some(channel)) = self.channel.try_update_value(Option::take) {
                channel.set_onmessage(None);
                channel.close();
            }
            on_message.try_update_value(Option::take);
        });
    }

    /// Takes the other tab's newer copy of this tab's draft, and resumes saving.
    pub fn load_latest(self, session: FilingSession) {
        let Some(store) = self.store() else {
            return;
        };
        let id = session.draft.with_untracked(|d| d.id.clone());
        self.spawn(async move {
            match store.get(&id).await {
                Ok(Some(latest)) => {
                    self.stale.set(false);
                    self.restore(session, latest).await;
                }
                // Gone (sent or discarded by the other tab): this tab stays stopped, nothing is overwritten.
                Ok(None) => super::log_failure("the newer draft is no longer stored", &id),
                Err(e) => super::log_failure("the newer draft could not be read", &e),
            }
        });
    }
}
