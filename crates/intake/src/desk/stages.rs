//! The desk's changes: moving a complaint through the ISO 10002 stages with a public message (acknowledge,
//! assess, investigate, respond with a decision and root causes, close, reopen), setting a date by hand, and
//! letting a held complaint out of quarantine or deleting it. Every change is made by the domain's lifecycle
//! rules (`StatusRecord::changed`, the ones the tracker reads by), saved, republished, and then followed by
//! the mail of [`super::after`].

use complaint_domain::calendar::Date;
use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{
    ChangeRefused, DeadlineStep, DecidedOutcome, Stage, StatusChange, StatusRecord,
};

use super::{Actor, Desk, DeskError, Notice};
use crate::publish::publish_complaint;
use crate::store::{Complaint, Storage};
use crate::zone;

/// A stage change as staff ask for it.
pub struct StageChange {
    pub stage: Stage,
    /// What the customer reads under the stage.
    pub message: Option<OrgText>,
    pub next_step: Option<OrgText>,
    /// Respond only: the decision and its summary.
    pub decision: Option<DecidedOutcome>,
    /// Respond only: the root causes found, checked against the config before anything changes.
    pub causes: Vec<String>,
}

/// A change saved and published, with what did not follow it (never a reason to undo it).
pub struct Changed {
    pub record: StatusRecord,
    pub notices: Vec<Notice>,
}

/// A refusal of the lifecycle rules, with the option that supplies what is missing.
pub(super) fn refused_words(reference: &str, refused: &ChangeRefused) -> String {
    match refused {
        ChangeRefused::DecisionMissing => format!("{reference}: {refused} (--decision)"),
        _ => format!("{reference} {refused}"),
    }
}

impl<S: Storage> Desk<S> {
    /// Moves a complaint to `change.stage`, records its causes, and tells the customer (when mail is
    /// on).
    pub fn stage(
        &mut self,
        _actor: &Actor,
        reference: &str,
        change: StageChange,
    ) -> Result<Changed, DeskError> {
        // Checked before anything changes: an unknown cause is a typo, not a new cause.
        let causes = if change.causes.is_empty() {
            Vec::new()
        } else {
            crate::insights::check_causes(self.settings()?, &change.causes)
                .map_err(DeskError::UnknownCause)?
        };
        let stage = StatusChange::Stage {
            stage: change.stage,
            message: change.message,
            next_step: change.next_step,
            decision: change.decision,
        };
        let record = self.apply(reference, stage, zone::now())?;
        if !causes.is_empty() {
            if let Some(saved) = self.store.complaint(&record.reference)? {
                let at = saved.record.updated_at;
                self.store.set_causes(saved.id, &causes, at)?;
            }
        }
        let notices: Vec<Notice> = self.tell_customer(&record.reference).into_iter().collect();
        Ok(Changed { record, notices })
    }

    /// Sets the date of `step` by hand (`rule`: why, shown to the customer) and tells the customer.
    pub fn extend(
        &mut self,
        _actor: &Actor,
        reference: &str,
        step: DeadlineStep,
        due: Date,
        rule: Option<OrgText>,
    ) -> Result<Changed, DeskError> {
        let change = StatusChange::Deadline { step, due, rule };
        let record = self.apply(reference, change, zone::now())?;
        // A new date is news too: the customer's mail names it as what comes next.
        let notices: Vec<Notice> = self.tell_customer(&record.reference).into_iter().collect();
        Ok(Changed { record, notices })
    }

    /// Applies a change to the stored complaint, by the domain's rules, and republishes its status file.
    fn apply(
        &mut self,
        reference: &str,
        change: StatusChange,
        at: Instant,
    ) -> Result<StatusRecord, DeskError> {
        let not_found = || DeskError::NotFound {
            reference: reference.to_owned(),
        };
        let complaint = self.store.complaint(reference)?.ok_or_else(not_found)?;
        if complaint.quarantine.is_some() {
            return Err(DeskError::Quarantined {
                reference: complaint.record.reference,
            });
        }
        let record = complaint
            .record
            .changed(change.first_in(complaint.locale), at)
            .map_err(|refused| DeskError::Refused {
                reference: complaint.record.reference.clone(),
                refused,
            })?;
        self.store.save(complaint.id, complaint.revision, &record)?;
        let saved = self.store.complaint(reference)?.ok_or_else(not_found)?;
        publish_complaint(&self.store, &self.publisher, &saved).map_err(DeskError::NotPublished)?;
        Ok(saved.record)
    }

    /// Lets a held complaint out of quarantine and publishes its status file, so the reference the customer
    /// was given (a real one all along) now tracks; the organisation's inbox hears of it as of a new one.
    pub fn release(&mut self, _actor: &Actor, reference: &str) -> Result<Changed, DeskError> {
        let complaint = self.held(reference)?;
        if !self.store.release(complaint.id)? {
            return Err(DeskError::NotQuarantined {
                reference: complaint.record.reference,
            });
        }
        publish_complaint(&self.store, &self.publisher, &complaint)
            .map_err(DeskError::NotPublished)?;
        // Held complaints were not mailed on arrival.
        let notices = self
            .tell_organisation(&complaint.record.reference)
            .into_iter()
            .collect();
        Ok(Changed {
            record: complaint.record,
            notices,
        })
    }

    /// Deletes a held complaint (a bot's) with its files and key. Returns its reference.
    pub fn delete(&mut self, _actor: &Actor, reference: &str) -> Result<String, DeskError> {
        let complaint = self.held(reference)?;
        if !self.store.delete_quarantined(complaint.id)? {
            return Err(DeskError::NotQuarantined {
                reference: complaint.record.reference,
            });
        }
        Ok(complaint.record.reference)
    }

    fn held(&self, reference: &str) -> Result<Complaint, DeskError> {
        let complaint = self
            .store
            .complaint(reference)?
            .ok_or_else(|| DeskError::NotFound {
                reference: reference.to_owned(),
            })?;
        if complaint.quarantine.is_none() {
            return Err(DeskError::NotQuarantined {
                reference: complaint.record.reference,
            });
        }
        Ok(complaint)
    }
}
