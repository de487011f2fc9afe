//! Erasure (issue #25, docs/retention.md): a complaint's personal data taken out for good, by the schedule
//! ([`super::retention`]) or by an admin on request, by reference or by the customer's email address across
//! their complaints. What goes: contact details, the description and answers, the replies' words, the
//! messages and notes, the files, the mail about it, the search index's words; the status file becomes a
//! tombstone (`{"erased": true, "on": …}`) the tracker explains calmly. What stays: the anonymous facts the
//! published figures count, so they do not change. A legal hold refuses it, saying since when and why.

use complaint_domain::instant::Instant;
use complaint_domain::submission::Submission;
use serde_json::json;

use super::work::Asked;
use super::{Desk, DeskError, Permission};
use crate::publish::publish_complaint;
use crate::store::{AuditEntry, Erased, Erasure, Hold};
use crate::zone;

/// Which complaints a staff export or erasure is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// One complaint, by reference as typed.
    Reference(String),
    /// Every complaint whose customer gave this email address (any case).
    Email(String),
}

/// Who erases: staff (with where they asked from), or the retention schedule.
#[derive(Clone, Copy)]
pub(super) enum Who<'a> {
    Staff(&'a Asked<'a>),
    Schedule,
}

impl Who<'_> {
    /// The audit line for `action` on complaint `id`.
    pub(super) fn line(self, action: &str, id: i64, detail: serde_json::Value) -> AuditEntry {
        let (actor, actor_name, address) = match self {
            Who::Staff(asked) => (
                asked.actor.audit_key(),
                asked.actor.audit_name().to_owned(),
                asked.address.map(str::to_owned),
            ),
            Who::Schedule => ("schedule".to_owned(), "retention schedule".to_owned(), None),
        };
        AuditEntry {
            at: zone::now(),
            actor,
            actor_name,
            action: action.to_owned(),
            complaint_id: Some(id),
            detail,
            address,
        }
    }
}

/// What became of one complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasedOne {
    /// Erased, and its status file is the tombstone.
    Erased,
    /// Erased; the tombstone is written by the next purge or `republish`.
    NotPublished,
    /// Erased before, on that day.
    Already(Instant),
    /// On legal hold: nothing changed.
    Held(Hold),
}

impl Desk {
    /// Erases the personal data of the complaints `selector` names (admin). Each is its own transaction; a
    /// held one is left whole and reported with its hold. By reference, a held one is refused
    /// ([`DeskError::OnHold`]). Returns each reference with what became of it.
    pub fn erase(
        &mut self,
        asked: &Asked<'_>,
        selector: &Selector,
        reason: &str,
    ) -> Result<Vec<(String, ErasedOne)>, DeskError> {
        asked.actor.require(Permission::Erase)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DeskError::Invalid(
                "an erasure needs a reason (the request it answers, say)".into(),
            ));
        }
        let references = self.selected(selector)?;
        let mut done = Vec::new();
        for reference in references {
            let complaint = self.found(&reference)?;
            let one = self.erase_one(
                Who::Staff(asked),
                (complaint.id, &reference),
                (reason, None),
                || {},
            )?;
            if let (Selector::Reference(_), ErasedOne::Held(hold)) = (selector, &one) {
                return Err(super::retention::on_hold(&reference, hold));
            }
            done.push((complaint.record.reference, one));
        }
        Ok(done)
    }

    /// The references `selector` names, oldest first; none found is [`DeskError::NotFound`].
    pub(super) fn selected(&self, selector: &Selector) -> Result<Vec<String>, DeskError> {
        let references = match selector {
            Selector::Reference(reference) => vec![self.found(reference)?.record.reference],
            Selector::Email(email) => self.store.references_by_email(email)?,
        };
        if references.is_empty() {
            return Err(DeskError::NotFound {
                reference: match selector {
                    Selector::Reference(r) | Selector::Email(r) => r.clone(),
                },
            });
        }
        Ok(references)
    }

    /// Erases complaint `id` (`reference`) in one transaction with its audit line (and, when it answers the
    /// customer's erasure request `answers`, that request marked done), then (`after_commit` having run)
    /// replaces its status file by the tombstone.
    pub(super) fn erase_one(
        &mut self,
        who: Who<'_>,
        (id, reference): (i64, &str),
        (reason, answers): (&str, Option<i64>),
        after_commit: impl FnOnce(),
    ) -> Result<ErasedOne, DeskError> {
        let filed = self.store.filed(id)?;
        // A submission this program cannot read is replaced whole: erasure never waits on a repair.
        let submission = Submission::from_received_json(filed.submission.as_bytes())
            .map_or_else(|_| "{}".to_owned(), |s| s.erased().to_canonical_json());
        let action = match who {
            Who::Staff(_) => "erase",
            Who::Schedule => "purge",
        };
        let detail = match answers {
            Some(request) => json!({ "reason": reason, "request": request }),
            None => json!({ "reason": reason }),
        };
        let audit = who.line(action, id, detail);
        let erased = self.store.erase(&Erasure {
            id,
            submission: &submission,
            at: audit.at,
            audit: &audit,
            answers,
        })?;
        match erased {
            Erased::Already(at) => return Ok(ErasedOne::Already(at)),
            Erased::Held(hold) => return Ok(ErasedOne::Held(hold)),
            Erased::Done => {}
        }
        after_commit();
        let Some(complaint) = self.store.complaint(reference)? else {
            return Ok(ErasedOne::NotPublished);
        };
        // A complaint held in quarantine never had a status file; it gets no tombstone either.
        if complaint.quarantine.is_some() {
            return Ok(ErasedOne::Erased);
        }
        match publish_complaint(&*self.store, &self.publisher, &complaint) {
            Ok(_) => Ok(ErasedOne::Erased),
            Err(e) => {
                crate::log!(
                    "erased {}, but its tombstone was not written: {e}",
                    complaint.record.reference
                );
                Ok(ErasedOne::NotPublished)
            }
        }
    }
}
