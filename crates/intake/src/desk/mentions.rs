//! What a mention gives (issue #23): a colleague @mentioned in an internal note is asked for advice on that
//! complaint, so they may open it and answer with notes of their own, even when it is neither theirs nor in
//! their queue. Nothing else: acknowledging, replying, deciding and the rest stay with the people who work
//! it, as in the helpdesks we compare with. The note's audit line names whom a mention let in (`granted`),
//! so the trail says why someone outside the queue read it. A complaint held in quarantine stays with the
//! leads, mentioned or not.

use super::{Actor, Desk, DeskError, Permission};
use crate::store::Complaint;

/// How far one person reaches into one complaint. Ordered: each reaches what the one before it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Not theirs, not their queue's, not mentioned: `404` to read, `403` to act.
    Outside,
    /// Mentioned in one of its notes, and not otherwise theirs: read it, add notes.
    Mentioned,
    /// Theirs to work ([`Actor::may_work`]): every action their role has.
    Works,
}

impl Reach {
    /// The word the API sends (`access` of a complaint): `work`, or `note` for one mentioned (a complaint
    /// one is outside of is never sent).
    pub fn name(self) -> &'static str {
        match self {
            Reach::Works => "work",
            Reach::Mentioned | Reach::Outside => "note",
        }
    }
}

impl Desk {
    /// How far `actor` reaches into `complaint`, assigned to `assignee`.
    pub(super) fn reach(
        &self,
        actor: &Actor,
        complaint: &Complaint,
        assignee: Option<i64>,
    ) -> Result<Reach, DeskError> {
        if actor.may_work(assignee, &complaint.record.category) {
            return Ok(Reach::Works);
        }
        let Actor::Staff(member) = actor else {
            return Ok(Reach::Outside);
        };
        if complaint.quarantine.is_some() && !actor.may(Permission::Quarantine) {
            return Ok(Reach::Outside);
        }
        let mentioned = self
            .store
            .notes(complaint.id)?
            .iter()
            .any(|note| note.mentions.contains(&member.id));
        Ok(if mentioned {
            Reach::Mentioned
        } else {
            Reach::Outside
        })
    }

    /// Of the colleagues a note mentions, those it lets in: the ones who may not work `complaint` otherwise.
    pub(super) fn let_in(
        &self,
        complaint: &Complaint,
        assignee: Option<i64>,
        mentions: &[i64],
    ) -> Result<Vec<i64>, DeskError> {
        let mut granted = Vec::new();
        for id in mentions {
            let Some(member) = self.store.staff_member(*id)? else {
                return Err(DeskError::Invalid(format!(
                    "no staff member has the id {id} (mentions)"
                )));
            };
            if !Actor::from(&member).may_work(assignee, &complaint.record.category)
                && !granted.contains(id)
            {
                granted.push(*id);
            }
        }
        Ok(granted)
    }
}
