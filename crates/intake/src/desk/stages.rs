//! The desk's changes: moving a complaint through the ISO 10002 stages with a public message (acknowledge,
//! assess, investigate, respond with a decision and root causes, close, reopen), setting a date by hand, and
//! letting a held complaint out of quarantine or deleting it. Every change is made by the domain's lifecycle
//! rules (`StatusRecord::changed`, the ones the tracker reads by), checked and saved as [`super::work`] does
//! every staff action (permission, who may work it, the revision opened, one audit line), republished, and
//! then followed by the mail of [`super::after`]. The command line's `stage`, `extend`, `release`
//! and `delete` are the same actions, asked as [`Actor::CommandLine`] with no revision to check.

use complaint_domain::calendar::Date;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{
    ChangeRefused, DeadlineStep, DecidedOutcome, Stage, StatusChange, StatusRecord,
};
use serde_json::json;

use super::work::{Change, Done};
use super::{Actor, Asked, Desk, DeskError, Notice, Permission};
use crate::publish::publish_complaint;
use crate::store::Complaint;

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

impl StageChange {
    /// A move to `stage` with `message` and nothing else.
    pub fn to(stage: Stage, message: Option<OrgText>) -> StageChange {
        StageChange {
            stage,
            message,
            next_step: None,
            decision: None,
            causes: Vec::new(),
        }
    }
}

impl Desk {
    /// Moves a complaint to `change.stage` for the command line (`stage`); see [`Desk::move_stage`].
    pub fn stage(
        &mut self,
        actor: &Actor,
        reference: &str,
        change: StageChange,
    ) -> Result<Changed, DeskError> {
        let done = self.move_stage(&Asked::unseen(actor, reference), "stage", change)?;
        Ok(Changed {
            record: done.complaint.record,
            notices: done.notices,
        })
    }

    /// Moves a complaint to `change.stage`, records its causes, tells the customer (when mail is on) and
    /// schedules the figures; the audit log names it `action`.
    pub fn move_stage(
        &mut self,
        asked: &Asked<'_>,
        action: &str,
        change: StageChange,
    ) -> Result<Done, DeskError> {
        let (complaint, _) = self.opened(asked, Permission::Work)?;
        for text in [&change.message, &change.next_step]
            .into_iter()
            .flatten()
            .chain(change.decision.as_ref().and_then(|d| d.summary.as_ref()))
        {
            super::work::within(text, super::work::MAX_MESSAGE_CHARS, "the text")?;
        }
        // Checked before anything changes: an unknown cause is a typo, not a new cause.
        let causes = if change.causes.is_empty() {
            Vec::new()
        } else {
            crate::insights::check_causes(self.settings()?, &change.causes)
                .map_err(DeskError::UnknownCause)?
        };
        let detail = json!({
            "stage": change.stage.as_str(),
            "decision": change.decision.as_ref().map(|d| crate::store::decision_name(d.decision)),
            "causes": causes,
            "revision": complaint.revision + 1,
        });
        let stage = StatusChange::Stage {
            stage: change.stage,
            message: change.message,
            next_step: change.next_step,
            decision: change.decision,
        };
        let saved = self.commit(asked, complaint, Change::Status(stage), (action, detail))?;
        if !causes.is_empty() {
            self.store
                .set_causes(saved.id, &causes, saved.record.updated_at)?;
        }
        let notices: Vec<Notice> = self
            .tell_customer(&saved.record.reference, None)
            .into_iter()
            .collect();
        Ok(Done {
            complaint: saved,
            notices,
        })
    }

    /// Moves a complaint on to `assessing` or `investigating` (ISO 10002's steps between acknowledging and
    /// responding), with what the customer reads under the stage; the audit log names it `stage`, as the
    /// command line and bulk changes do. The other stages have actions of their own, because each needs
    /// something these do not (a decision, a reason to reopen), so they are refused here.
    pub fn move_on(
        &mut self,
        asked: &Asked<'_>,
        stage: Stage,
        message: Option<OrgText>,
    ) -> Result<Done, DeskError> {
        if !matches!(stage, Stage::Assessing | Stage::Investigating) {
            return Err(DeskError::Invalid(format!(
                "a complaint moves on to \"assessing\" or \"investigating\" here; \"{}\" has an action of its own",
                stage.as_str()
            )));
        }
        self.move_stage(asked, "stage", StageChange::to(stage, message))
    }

    /// Sets the date of `step` by hand for the command line (`extend`); see [`Desk::extend_as`].
    pub fn extend(
        &mut self,
        actor: &Actor,
        reference: &str,
        step: DeadlineStep,
        due: Date,
        rule: Option<OrgText>,
    ) -> Result<Changed, DeskError> {
        let done = self.extend_as(&Asked::unseen(actor, reference), step, due, rule)?;
        Ok(Changed {
            record: done.complaint.record,
            notices: done.notices,
        })
    }

    /// Sets the date of `step` by hand (`rule`: why, shown to the customer), tells the customer and
    /// schedules the figures.
    pub fn extend_as(
        &mut self,
        asked: &Asked<'_>,
        step: DeadlineStep,
        due: Date,
        rule: Option<OrgText>,
    ) -> Result<Done, DeskError> {
        let (complaint, _) = self.opened(asked, Permission::Extend)?;
        if let Some(rule) = &rule {
            super::work::within(rule, super::work::MAX_MESSAGE_CHARS, "the reason")?;
        }
        let detail = json!({
            "step": match step { DeadlineStep::Acknowledge => "acknowledge", DeadlineStep::Decide => "decide" },
            "until": due.to_string(),
            "revision": complaint.revision + 1,
        });
        let change = StatusChange::Deadline { step, due, rule };
        let saved = self.commit(asked, complaint, Change::Status(change), ("extend", detail))?;
        // A new date is news too: the customer's mail names it as what comes next.
        let notices: Vec<Notice> = self
            .tell_customer(&saved.record.reference, None)
            .into_iter()
            .collect();
        Ok(Done {
            complaint: saved,
            notices,
        })
    }

    /// Lets a held complaint out of quarantine and publishes its status file, so the reference the customer
    /// was given (a real one all along) now tracks; the organisation's inbox hears of it as of a new one.
    pub fn release(&mut self, actor: &Actor, reference: &str) -> Result<Changed, DeskError> {
        self.release_as(&Asked::unseen(actor, reference))
    }

    /// [`Desk::release`], recorded with where it was asked from.
    pub fn release_as(&mut self, asked: &Asked<'_>) -> Result<Changed, DeskError> {
        asked.actor.require(Permission::Quarantine)?;
        let complaint = self.held(asked.reference)?;
        if !self.store.release(complaint.id)? {
            return Err(DeskError::NotQuarantined {
                reference: complaint.record.reference,
            });
        }
        self.audit(
            asked.actor,
            "release",
            Some(complaint.id),
            json!({}),
            asked.address,
        )?;
        publish_complaint(&*self.store, &self.publisher, &complaint)
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
    pub fn delete(&mut self, actor: &Actor, reference: &str) -> Result<String, DeskError> {
        self.delete_as(&Asked::unseen(actor, reference))
    }

    /// [`Desk::delete`], recorded with where it was asked from. The audit line outlives the complaint, so it
    /// names the reference rather than the row.
    pub fn delete_as(&mut self, asked: &Asked<'_>) -> Result<String, DeskError> {
        asked.actor.require(Permission::Quarantine)?;
        let complaint = self.held(asked.reference)?;
        if !self.store.delete_quarantined(complaint.id)? {
            return Err(DeskError::NotQuarantined {
                reference: complaint.record.reference,
            });
        }
        let detail = json!({ "reference": complaint.record.reference });
        self.audit(asked.actor, "delete", None, detail, asked.address)?;
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
