//! Tracking a complaint: the lookup form, the fetch (with the device's saved copy when offline), and what
//! the customer sees of the status file: where it stands, the timeline with expected dates, overdue help.

mod complaint_status;
mod lookup_form;
mod overdue_help;
mod sent_list;
mod stage_timeline;

pub use complaint_status::ComplaintStatus;
pub use lookup_form::LookupForm;
pub use sent_list::SentFromThisDevice;

use complaint_domain::instant::{Instant, Zone};
use complaint_domain::status::StatusRecord;

use crate::i18n::I18n;
use crate::services::clock::{self, OrgZone};
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
}

/// Looks a complaint up; an unreachable host falls back to the last copy fetched on this device. The fetch
/// stops when `cancel` aborts (the tracker unmounted).
pub async fn look_up(
    status_base: &str,
    reference: &str,
    verifier: &str,
    cancel: Option<&web_sys::AbortSignal>,
) -> Lookup {
    let key = match status::status_key(reference, verifier).await {
        Ok(key) => key,
        Err(e) => return Lookup::Failed(e),
    };
    match status::fetch_status(status_base, &key, cancel).await {
        Ok(record) => Lookup::Found(Shown {
            record,
            fetched_at_ms: device::now_ms(),
            saved_copy_because: None,
        }),
        Err(error @ StatusError::Unreachable(_)) => match status::saved(&key) {
            Some(saved) => Lookup::Found(Shown {
                record: saved.record,
                fetched_at_ms: saved.fetched_at_ms,
                saved_copy_because: Some(error),
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

/// An instant as the organisation's clock shows it, in the customer's language.
pub fn format_instant(i18n: I18n, zone: &OrgZone, at: Instant) -> String {
    zone.local(at)
        .map(|local| clock::format_date_time(local, i18n.locale()))
        .unwrap_or_else(|| at.to_string())
}
