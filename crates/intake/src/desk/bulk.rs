//! Bulk changes (issue #23): one action over a selection of complaints (lead and above). Each complaint is its
//! own action, checked and recorded on its own: one that fails (changed meanwhile, a step its stage does not
//! allow) never stops the others, and the answer says which did what.

use complaint_domain::status::Stage;

use super::{Actor, Asked, Desk, DeskError, Permission, StageChange};

/// What a bulk change does to each complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    /// To a colleague, or back to the queue.
    Assign(Option<i64>),
    Acknowledge,
    /// To a stage that needs nothing more (not `responded`, which needs a decision each).
    Stage(Stage),
}

/// Each reference as sent, with what its action did.
pub type BulkResults = Vec<(String, Result<(), DeskError>)>;

impl Desk {
    /// Does `action` to each of `references`, in order. The whole request is refused only when the actor may
    /// not make bulk changes at all; otherwise each complaint has its own outcome.
    pub fn bulk(
        &mut self,
        actor: &Actor,
        address: Option<&str>,
        action: BulkAction,
        references: &[String],
    ) -> Result<BulkResults, DeskError> {
        actor.require(Permission::Assign)?;
        let mut results = Vec::with_capacity(references.len());
        for reference in references {
            let asked = Asked {
                actor,
                address,
                reference,
                revision: None,
            };
            let done = match action {
                BulkAction::Assign(assignee) => self.assign(&asked, assignee).map(drop),
                BulkAction::Acknowledge => self.acknowledge(&asked, None).map(drop),
                BulkAction::Stage(stage) => self
                    .move_stage(&asked, "stage", StageChange::to(stage, None))
                    .map(drop),
            };
            results.push((reference.clone(), done));
        }
        Ok(results)
    }
}
