//! Tracking a complaint: the lookup form, the fetch (with the device's saved copy when offline), and what
//! the customer sees of the status file: where it stands, the timeline with expected dates, overdue help,
//! and what the customer can answer back (replies, kept and sent by the reply courier, which the mounted
//! root starts so that a waiting reply goes from any page).

mod complaint_status;
mod lookup_form;
mod org_words;
mod overdue_help;
mod reply_courier;
mod reply_forms;
mod reply_panel;
mod sent_list;
mod stage_timeline;
mod tracker;
mod your_data;

pub use complaint_status::ComplaintStatus;
pub use lookup_form::LookupForm;
pub use reply_courier::{use_reply_courier, ReplyCourier};
pub use sent_list::SentFromThisDevice;
pub use tracker::{Linked, Tracker};

use complaint_domain::instant::Instant;
use complaint_domain::status::StatusRecord;

use crate::i18n::I18n;
use crate::services::clock;
use crate::services::device;
use crate::services::status::{self, StatusError};

/// What the tracker shows below the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Idle,
    Searching,
    Found(Shown),
    Failed(StatusError),
}

/// A status to show, fresh or (when the host could not be reached) the copy saved on this device.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub record: StatusRecord,
    pub fetched_at_ms: f64,
    pub saved_copy_because: Option<StatusError>,
    /// The email address or PIN it was looked up with: a reply's proof is made from it.
    pub verifier: String,
    /// The Reply-Proof the organisation's mail link carried, when it was opened from that link.
    pub proof: Option<String>,
}

/// Looks a complaint up; an unreachable host falls back to the last copy fetched on this device. The fetch
/// stops when `cancel` aborts (the tracker unmounted). While the request is on its way, the organisation's
/// time zone (`org_time_zone`) is made ready for the dates the answer will need: a page's first
/// `Intl.DateTimeFormat` loads the browser's locale and zone data (~90 ms at CPU ×4 in the benchmark's
/// profile), which would otherwise come after the answer, before the status could be drawn.
pub async fn look_up(
    status_base: &str,
    reference: &str,
    verifier: &str,
    org_time_zone: &str,
    cancel: Option<&web_sys::AbortSignal>,
) -> Lookup {
    let key = match status::status_key(reference, verifier).await {
        Ok(key) => key,
        Err(e) => return Lookup::Failed(e),
    };
    // `join` polls the fetch first, so the request is sent before the zone's formatters are made.
    let (fetched, ()) = futures::join!(status::fetch_status(status_base, &key, cancel), async {
        let zone = clock::OrgZone::new(org_time_zone);
        zone.differs_from_device();
    });
    match fetched {
        Ok(record) => Lookup::Found(Shown {
            record,
            fetched_at_ms: device::now_ms(),
            saved_copy_because: None,
            verifier: verifier.to_owned(),
            proof: None,
        }),
        Err(error @ StatusError::Unreachable(_)) => match status::saved(&key) {
            Some(saved) => Lookup::Found(Shown {
                record: saved.record,
                fetched_at_ms: saved.fetched_at_ms,
                saved_copy_because: Some(error),
                verifier: verifier.to_owned(),
                proof: None,
            }),
            None => Lookup::Failed(error),
        },
        Err(error) => {
            if let StatusError::Unreadable(problem) = &error {
                // The customer gets a plain message; whoever publishes the file gets the reason here.
                web_sys::console::warn_1(&format!("status file refused: {problem}").into());
            }
            Lookup::Failed(error)
        }
    }
}

/// An instant on the customer's own clock, in their language (hour-precise times are never the
/// organisation's wall clock, which a customer elsewhere would read as theirs).
pub fn format_instant(i18n: I18n, at: Instant) -> String {
    clock::format_instant(at, i18n.locale())
}
