//! What staff do to one complaint (issue #23, docs/staff-api.md, Actions), whichever front end asked: the
//! checks every action makes in one order (the permission, whether the person may work this complaint,
//! whether it changed since they opened it), the change through the domain's lifecycle rules, and one audit
//! line. Stage changes themselves are in [`super::stages`]; templates, merging and bulk changes in rooms of
//! their own.

use complaint_domain::i18n::Locale;
use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{
    ChangeRefused, DecidedOutcome, MessageKind, Stage, StatusChange, StatusRecord, MAX_STATUS_BYTES,
};
use serde_json::json;

use super::mentions::Reach;
use super::templates::Words;
use super::{Actor, Desk, DeskError, Notice, Permission, StageChange};
use crate::publish::publish_complaint;
use crate::store::{Complaint, NewNote, StoreError, TemplateKind, Waiting, WorkState};
use crate::zone;

/// Who asks, from where, about which complaint, having seen which revision of it.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub actor: &'a Actor,
    /// The client's address, for the audit log; `None` for the command line.
    pub address: Option<&'a str>,
    /// As typed (`cmp-7k4q 2m9x` finds `CMP-7K4Q-2M9X`).
    pub reference: &'a str,
    /// The complaint's revision the person opened; `None`: no check (the command line, a bulk change).
    pub revision: Option<i64>,
}

impl<'a> Asked<'a> {
    /// Asked at the service's own terminal, or anywhere nobody opened the complaint first.
    pub fn unseen(actor: &'a Actor, reference: &'a str) -> Asked<'a> {
        Asked {
            actor,
            address: None,
            reference,
            revision: None,
        }
    }
}

/// A complaint after an action: its revision now, and what did not follow the change (never a reason to
/// undo it).
pub struct Done {
    pub complaint: Complaint,
    pub notices: Vec<Notice>,
}

/// A decision as staff give it.
pub struct Decided {
    pub outcome: complaint_domain::status::Decision,
    pub summary: Option<Words>,
    pub causes: Vec<String>,
}

/// The longest text one message, stage message or summary may have, in characters: a letter, not a file
/// (the customer's own replies have the same cap).
pub const MAX_MESSAGE_CHARS: usize = 5000;

/// The longest internal note, in characters.
pub const MAX_NOTE_CHARS: usize = 20_000;

/// Refuses a text longer than `max` characters, naming what it was.
pub(super) fn within(text: &OrgText, max: usize, what: &str) -> Result<(), DeskError> {
    let longest = match text {
        OrgText::Plain(text) => text.chars().count(),
        OrgText::ByLanguage(texts) => texts
            .iter()
            .map(|(_, t)| t.chars().count())
            .max()
            .unwrap_or(0),
    };
    if longest > max {
        return Err(DeskError::Invalid(format!(
            "{what} is {longest} characters long; at most {max} are sent"
        )));
    }
    Ok(())
}

/// A change to a complaint's status record: a stage or a date by the lifecycle rules, a message, a merge.
pub(super) enum Change {
    Status(StatusChange),
    Message { kind: MessageKind, text: OrgText },
    Merged { into: String },
}

impl Change {
    /// The record after the change, its texts in the customer's language first, or the domain's refusal.
    fn applied(
        self,
        record: &StatusRecord,
        locale: Locale,
        at: Instant,
    ) -> Result<StatusRecord, ChangeRefused> {
        match self {
            Change::Status(change) => record.changed(change.first_in(locale), at),
            Change::Message { kind, text } => record.messaged(kind, text.first_in(locale), at),
            Change::Merged { into } => record.merged(into, None, at),
        }
    }

    /// What it does to the wait for the customer: a question starts it, a decision or a closing ends it.
    fn waiting_after(&self, at: Instant) -> Waiting {
        match self {
            Change::Message {
                kind: MessageKind::Ask,
                ..
            } => Waiting::Since(at),
            Change::Status(StatusChange::Stage {
                stage: Stage::Responded | Stage::Closed,
                ..
            })
            | Change::Merged { .. } => Waiting::Over,
            _ => Waiting::Keep,
        }
    }
}

impl Desk {
    /// The complaint `asked` names, once the actor may act on it with `permission` and it is still as they
    /// saw it: the permission first, then whether they may work this one, then the revision.
    pub(super) fn opened(
        &self,
        asked: &Asked<'_>,
        permission: Permission,
    ) -> Result<(Complaint, WorkState), DeskError> {
        self.reached(asked, permission, Reach::Works)
    }

    /// [`Desk::opened`] for an action that needs the actor to reach only `least` into the complaint (a note:
    /// [`Reach::Mentioned`]).
    pub(super) fn reached(
        &self,
        asked: &Asked<'_>,
        permission: Permission,
        least: Reach,
    ) -> Result<(Complaint, WorkState), DeskError> {
        asked.actor.require(permission)?;
        let complaint =
            self.store
                .complaint(asked.reference)?
                .ok_or_else(|| DeskError::NotFound {
                    reference: asked.reference.to_owned(),
                })?;
        let work = self.store.work_state(complaint.id)?;
        if self.reach(asked.actor, &complaint, work.assignee)? < least {
            return Err(DeskError::NotYours {
                reference: complaint.record.reference,
            });
        }
        if asked
            .revision
            .is_some_and(|seen| seen != complaint.revision)
        {
            return Err(self.changed_since(&complaint)?);
        }
        Ok((complaint, work))
    }

    /// [`DeskError::Changed`] for a complaint read at a later revision than the person saw: who changed it
    /// last and when, from its audit log, or the customer when their reply is newer.
    pub(super) fn changed_since(&self, complaint: &Complaint) -> Result<DeskError, DeskError> {
        let latest = self.store.audit_for(complaint.id)?.pop();
        let reply = self.store.replies(complaint.id)?.pop().map(|r| r.at);
        let (by, at) = match latest {
            Some(line) if reply.is_none_or(|r| r <= line.at) => (line.actor_name, Some(line.at)),
            _ => ("the customer".to_owned(), reply),
        };
        let now = self.store.complaint(&complaint.record.reference)?;
        Ok(DeskError::Changed {
            reference: complaint.record.reference.clone(),
            by,
            at,
            revision: now.map_or(complaint.revision, |c| c.revision),
        })
    }

    /// Makes `change` to a complaint opened with [`Desk::opened`], by the domain's rules, saves it under the
    /// revision read, publishes its status file and writes the audit line.
    pub(super) fn commit(
        &mut self,
        asked: &Asked<'_>,
        complaint: Complaint,
        change: Change,
        audit: (&str, serde_json::Value),
    ) -> Result<Complaint, DeskError> {
        if complaint.quarantine.is_some() {
            return Err(DeskError::Quarantined {
                reference: complaint.record.reference,
            });
        }
        if let Some(at) = complaint.erased_at {
            return Err(DeskError::Invalid(format!(
                "{} was erased on {}: nothing of it is left to change",
                complaint.record.reference,
                at.utc_wall_clock().date
            )));
        }
        let now = zone::now();
        let waiting = change.waiting_after(now);
        let record = change
            .applied(&complaint.record, complaint.locale, now)
            .map_err(|refused| DeskError::Refused {
                reference: complaint.record.reference.clone(),
                refused,
            })?;
        // The tracker refuses a status file over this, so a change never writes one.
        if record.to_json().len() > MAX_STATUS_BYTES {
            return Err(DeskError::Invalid(format!(
                "{} has too many messages for its status file; close it, or write less",
                complaint.record.reference
            )));
        }
        match self
            .store
            .save_work(complaint.id, complaint.revision, &record, waiting)
        {
            Err(StoreError::Conflict) => return Err(self.changed_since(&complaint)?),
            other => other?,
        };
        let saved = self.reload(&complaint)?;
        self.schedule(&saved)?;
        let (action, detail) = audit;
        self.audit(asked.actor, action, Some(saved.id), detail, asked.address)?;
        publish_complaint(&*self.store, &self.publisher, &saved)
            .map_err(DeskError::NotPublished)?;
        Ok(saved)
    }

    fn reload(&self, complaint: &Complaint) -> Result<Complaint, DeskError> {
        self.store
            .complaint(&complaint.record.reference)?
            .ok_or_else(|| DeskError::NotFound {
                reference: complaint.record.reference.clone(),
            })
    }

    /// Marks a new complaint as seen by the organisation (`received` → `acknowledged`).
    pub fn acknowledge(
        &mut self,
        asked: &Asked<'_>,
        message: Option<OrgText>,
    ) -> Result<Done, DeskError> {
        self.move_stage(
            asked,
            "acknowledge",
            StageChange::to(Stage::Acknowledged, message),
        )
    }

    /// Responds with a decision, its summary and the root causes found.
    pub fn decide(&mut self, asked: &Asked<'_>, decided: Decided) -> Result<Done, DeskError> {
        let (complaint, _) = self.opened(asked, Permission::Work)?;
        let summary = decided
            .summary
            .map(|words| self.words_for(&complaint, &words, TemplateKind::Decide))
            .transpose()?;
        let change = StageChange {
            decision: Some(DecidedOutcome {
                decision: decided.outcome,
                summary,
            }),
            causes: decided.causes,
            ..StageChange::to(Stage::Responded, None)
        };
        self.move_stage(asked, "decide", change)
    }

    pub fn close(
        &mut self,
        asked: &Asked<'_>,
        message: Option<OrgText>,
    ) -> Result<Done, DeskError> {
        self.move_stage(asked, "close", StageChange::to(Stage::Closed, message))
    }

    pub fn reopen(
        &mut self,
        asked: &Asked<'_>,
        message: Option<OrgText>,
    ) -> Result<Done, DeskError> {
        self.move_stage(asked, "reopen", StageChange::to(Stage::Reopened, message))
    }

    /// Writes to the customer without moving the stage (`Ask`: and waits for their answer): published on the
    /// status file's timeline and mailed as a stage's news is.
    pub fn message(
        &mut self,
        asked: &Asked<'_>,
        kind: MessageKind,
        words: &Words,
    ) -> Result<Done, DeskError> {
        let (complaint, _) = self.opened(asked, Permission::Work)?;
        let text = self.words_for(&complaint, words, super::templates::message_template(kind))?;
        within(&text, MAX_MESSAGE_CHARS, "the message")?;
        let template = match words {
            Words::Template(id) => Some(*id),
            Words::Text(_) => None,
        };
        let change = Change::Message {
            kind,
            text: text.clone(),
        };
        let detail = json!({ "template": template, "revision": complaint.revision + 1 });
        let saved = self.commit(asked, complaint, change, (kind.as_str(), detail))?;
        let text = text.first_in(saved.locale);
        let notices: Vec<Notice> = self
            .tell_customer(&saved.record.reference, Some(&text))
            .into_iter()
            .collect();
        Ok(Done {
            complaint: saved,
            notices,
        })
    }

    /// Gives a complaint to a colleague, or back to its queue (`None`). A lead and above give any to anyone
    /// active; an agent only takes an unassigned one of their queue, for themselves.
    pub fn assign(&mut self, asked: &Asked<'_>, assignee: Option<i64>) -> Result<Done, DeskError> {
        let lead = asked.actor.may(Permission::Assign);
        let (complaint, work) = self.opened(asked, Permission::Work)?;
        if !lead {
            let own = match asked.actor {
                Actor::Staff(member) => Some(member.id),
                _ => None,
            };
            if work.assignee.is_some() || assignee.is_none() || assignee != own {
                return Err(DeskError::Forbidden {
                    permission: Permission::Assign,
                });
            }
        }
        if let Some(id) = assignee {
            let active = self
                .store
                .staff_member(id)?
                .is_some_and(|m| m.disabled_at.is_none());
            if !active {
                return Err(DeskError::Invalid(format!(
                    "no active staff member has the id {id}"
                )));
            }
        }
        match self
            .store
            .assign(complaint.id, complaint.revision, assignee)
        {
            Err(StoreError::Conflict) => return Err(self.changed_since(&complaint)?),
            other => other?,
        };
        let detail =
            json!({ "from": work.assignee, "to": assignee, "revision": complaint.revision + 1 });
        self.audit(
            asked.actor,
            "assign",
            Some(complaint.id),
            detail,
            asked.address,
        )?;
        Ok(Done {
            complaint: self.reload(&complaint)?,
            notices: Vec::new(),
        })
    }

    /// An internal note, for colleagues only: never published, never mailed, and no revision to check (it
    /// changes nothing another person edits). Those it mentions may read the complaint and add notes from
    /// then on ([`super::mentions`]); so may the mentioned write one. Returns the note's id.
    pub fn note(
        &mut self,
        asked: &Asked<'_>,
        text: &str,
        mentions: &[i64],
    ) -> Result<i64, DeskError> {
        let (complaint, work) = self.reached(
            &Asked {
                revision: None,
                ..*asked
            },
            Permission::Work,
            Reach::Mentioned,
        )?;
        let text = text.trim();
        if text.is_empty() {
            return Err(DeskError::Invalid("a note needs some words".into()));
        }
        within(&OrgText::Plain(text.to_owned()), MAX_NOTE_CHARS, "the note")?;
        let granted = self.let_in(&complaint, work.assignee, mentions)?;
        let author = match asked.actor {
            Actor::Staff(member) => Some(member.id),
            _ => None,
        };
        let id = self.store.add_note(&NewNote {
            complaint_id: complaint.id,
            author,
            at: zone::now(),
            text,
            mentions,
        })?;
        let detail = json!({ "note": id, "mentions": mentions, "granted": granted });
        self.audit(
            asked.actor,
            "note",
            Some(complaint.id),
            detail,
            asked.address,
        )?;
        Ok(id)
    }
}
