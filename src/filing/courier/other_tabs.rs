//! The app's other tabs (and other widgets on the store's scope) hear that a complaint was delivered.

use complaint_domain::submission::Accepted;
use leptos::prelude::*;

use super::Courier;
use crate::tab_channel::use_tab_channel;

/// Tells the app's other tabs (on the store's channel `….outbox`) that a complaint was delivered, so one
/// showing it as waiting shows the receipt. A message is `[id, reference, received_at, pin]`.
const CHANNEL: &str = "outbox";

pub(super) fn delivered_message<'a>(id: &'a str, accepted: &'a Accepted) -> [Option<&'a str>; 4] {
    [
        Some(id),
        Some(accepted.reference.as_str()),
        accepted.received_at.as_deref(),
        accepted.pin.as_deref(),
    ]
}

fn read_delivered(fields: &[Option<String>]) -> Option<(String, Accepted)> {
    let field = |i: usize| fields.get(i).cloned().flatten();
    let accepted = Accepted {
        reference: field(1)?,
        received_at: field(2),
        pin: field(3),
        // For the receipt only: the tab that delivered it kept the proof with the sent complaint.
        reply_proof: None,
    };
    Some((field(0)?, accepted))
}

impl Courier {
    /// Another tab delivered a complaint: if this tab shows it waiting, it shows the receipt instead.
    pub(super) fn listen_to_other_tabs(self) {
        let channel = use_tab_channel(&self.device.scope().name(CHANNEL), move |fields| {
            if let Some((id, accepted)) = read_delivered(&fields) {
                if self.session.accepted.with_untracked(Option::is_none) {
                    self.show_delivered(&id, accepted);
                }
            }
        });
        self.channel.set_value(Some(channel));
    }
}
