//! Retention that runs by itself (issue #25, docs/retention.md): the day a closed complaint's personal data is
//! kept until (set when it closes, by the config's `retention` rule through the domain), the legal hold that
//! stops its erasure, and the purge that erases every complaint past its day. The erasure itself is in
//! [`super::erasure`].
//!
//! The purge is safe on every node and after a crash: each complaint is erased in its own write transaction,
//! which first looks whether another run erased it already; its status file is replaced by the tombstone only
//! after that commit, and a run first writes the files a crash left behind (`republish`), so a reader sees the
//! whole complaint or the tombstone, never half of one.

use complaint_domain::instant::{Instant, Zone};
use complaint_domain::status::Stage;
use serde_json::json;

use super::erasure::{ErasedOne, Who};
use super::work::Asked;
use super::{Desk, DeskError, Permission};
use crate::store::{Complaint, Hold};
use crate::zone;

/// How many complaints one step of the purge reads at a time.
const BATCH: i64 = 200;

/// The longest reason a hold may give, in characters.
const MAX_REASON_CHARS: usize = 500;

/// The environment variable that makes a purge stop dead after that many erasures (tests of a crash).
pub const CRASH_AFTER: &str = "COMPLAINT_INTAKE_TEST_CRASH_AFTER_ERASURES";

/// What one purge did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Closed complaints given their keep-until day in this run (closed before, or by the customer).
    pub scheduled: usize,
    /// References erased, in order.
    pub erased: Vec<String>,
    /// Status files written again that a crash had left behind.
    pub republished: usize,
    /// Erased in the database, but the tombstone not yet written (written by the next run).
    pub unpublished: Vec<String>,
}

impl Desk {
    /// Sets (or clears) the day a complaint is kept until, after a change: closed, by the config's rule;
    /// otherwise none.
    pub(super) fn schedule(&mut self, complaint: &Complaint) -> Result<(), DeskError> {
        // A broken config does not undo a change; the next purge sets the day instead.
        let Ok(settings) = self.shared_settings() else {
            return Ok(());
        };
        let retention = &settings.config.retention;
        let keep_until = complaint
            .record
            .current()
            .filter(|e| e.stage == Stage::Closed)
            .map(|e| retention.keep_until(&complaint.record.category, e.at, &settings.zone));
        Ok(self.store.set_keep_until(complaint.id, keep_until)?)
    }

    /// Puts a legal hold on a complaint: neither the purge nor anyone's erasure touches it until released.
    pub fn hold(&mut self, asked: &Asked<'_>, reason: &str) -> Result<Hold, DeskError> {
        asked.actor.require(Permission::Hold)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(DeskError::Invalid(format!(
                "a legal hold needs a reason of 1 to {MAX_REASON_CHARS} characters"
            )));
        }
        let complaint = self.found(asked.reference)?;
        let keeping = self.store.keeping(complaint.id)?;
        if let Some(at) = keeping.erased_at {
            return Err(DeskError::Invalid(format!(
                "{} was erased on {}; there is nothing left to hold",
                complaint.record.reference,
                at.utc_wall_clock().date
            )));
        }
        if let Some(hold) = keeping.hold {
            return Err(on_hold(&complaint.record.reference, &hold));
        }
        let hold = Hold {
            since: zone::now(),
            by: asked.actor.audit_key(),
            reason: reason.to_owned(),
        };
        let line = Who::Staff(asked).line("hold", complaint.id, json!({ "reason": reason }));
        if !self.store.set_hold(complaint.id, Some(&hold), &line)? {
            return Err(self.held_meanwhile(&complaint));
        }
        Ok(hold)
    }

    /// Takes a complaint's legal hold off: the purge erases it when its day has passed.
    pub fn release_hold(&mut self, asked: &Asked<'_>) -> Result<(), DeskError> {
        asked.actor.require(Permission::Hold)?;
        let complaint = self.found(asked.reference)?;
        let Some(hold) = self.store.keeping(complaint.id)?.hold else {
            return Err(DeskError::Invalid(format!(
                "{} is not on legal hold",
                complaint.record.reference
            )));
        };
        let detail = json!({ "held_since": hold.since.to_string() });
        let line = Who::Staff(asked).line("release_hold", complaint.id, detail);
        self.store.set_hold(complaint.id, None, &line)?;
        Ok(())
    }

    fn held_meanwhile(&self, complaint: &Complaint) -> DeskError {
        match self.store.keeping(complaint.id) {
            Ok(keeping) => match keeping.hold {
                Some(hold) => on_hold(&complaint.record.reference, &hold),
                None => DeskError::Store(crate::store::StoreError::Conflict),
            },
            Err(e) => e.into(),
        }
    }

    pub(super) fn found(&self, reference: &str) -> Result<Complaint, DeskError> {
        self.store
            .complaint(reference)?
            .ok_or_else(|| DeskError::NotFound {
                reference: reference.to_owned(),
            })
    }

    /// Erases every complaint kept until before `now`'s date (the organisation's) and not on hold, in the
    /// audit log as the schedule's. Run by `serve` every `--purge-every` and by `complaint-intake purge`.
    pub fn purge(&mut self, now: Instant) -> Result<Purged, DeskError> {
        let settings = self.shared_settings()?;
        let retention = settings.config.retention.clone();
        let mut purged = Purged {
            republished: crate::publish::republish(&*self.store, &self.publisher, false)?,
            ..Purged::default()
        };
        loop {
            let unscheduled = self.store.unscheduled(BATCH)?;
            for closed in &unscheduled {
                let day = retention.keep_until(&closed.category, closed.closed_at, &settings.zone);
                self.store.set_keep_until(closed.id, Some(day))?;
            }
            purged.scheduled += unscheduled.len();
            if unscheduled.len() < BATCH as usize {
                break;
            }
        }
        let today = settings
            .zone
            .local(now)
            .map_or_else(|| now.utc_wall_clock().date, |d| d.date);
        let crash_after: Option<usize> =
            std::env::var(CRASH_AFTER).ok().and_then(|n| n.parse().ok());
        loop {
            let due = self.store.due_for_erasure(today, BATCH)?;
            for (id, reference) in &due {
                let reason = "the retention period ended";
                match self.erase_one(Who::Schedule, (*id, reference), (reason, None), || {
                    if crash_after.is_some_and(|n| purged.erased.len() + 1 >= n) {
                        // A test of a crash between the commit and the tombstone: stop dead, as a kill would.
                        std::process::abort();
                    }
                })? {
                    ErasedOne::Erased => purged.erased.push(reference.clone()),
                    ErasedOne::NotPublished => {
                        purged.erased.push(reference.clone());
                        purged.unpublished.push(reference.clone());
                    }
                    // Another node got there first, or a hold came meanwhile: not this run's to do.
                    ErasedOne::Already(_) | ErasedOne::Held(_) => {}
                }
            }
            if due.len() < BATCH as usize {
                return Ok(purged);
            }
        }
    }
}

/// The refusal of an erasure or a second hold on a held complaint, saying since when and why.
pub(super) fn on_hold(reference: &str, hold: &Hold) -> DeskError {
    DeskError::OnHold {
        reference: reference.to_owned(),
        since: hold.since,
        reason: hold.reason.clone(),
    }
}
