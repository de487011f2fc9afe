//! Merging duplicates (issue #23): one customer filed the same complaint twice, or two reports are one case.
//! The duplicate is closed and marked merged into the survivor, whose reference its status file names, so
//! its customer follows the survivor; the duplicate takes no more replies (`merged`, docs/replies.md).

use complaint_domain::i18n::{self, Msg};
use complaint_domain::localized::OrgText;
use serde_json::json;

use super::work::{Change, Done};
use super::{Asked, Desk, DeskError, Notice, Permission};

impl Desk {
    /// Merges the complaint `asked` names into the one `into` names (lead and above).
    pub fn merge(&mut self, asked: &Asked<'_>, into: &str) -> Result<Done, DeskError> {
        let (duplicate, _) = self.opened(asked, Permission::Assign)?;
        let survivor = self
            .store
            .complaint(into)?
            .ok_or_else(|| DeskError::NotFound {
                reference: into.to_owned(),
            })?;
        if survivor.id == duplicate.id {
            return Err(DeskError::Invalid(
                "a complaint cannot be merged into itself".into(),
            ));
        }
        if let Some(further) = &survivor.record.merged_into {
            return Err(DeskError::Invalid(format!(
                "{} was itself merged into {further}: merge into {further}",
                survivor.record.reference
            )));
        }
        if survivor.quarantine.is_some() {
            return Err(DeskError::Quarantined {
                reference: survivor.record.reference,
            });
        }
        let into = survivor.record.reference;
        let change = Change::Merged { into: into.clone() };
        let detail = json!({ "into": into, "revision": duplicate.revision + 1 });
        let saved = self.commit(asked, duplicate, change, ("merge", detail))?;
        // The mail says where to look now, in the customer's language (the tracker says it from the file).
        let locale = saved.locale;
        let words = i18n::format(locale, Msg::MergedInto, &[("reference", &into)]);
        let words = OrgText::ByLanguage(vec![(locale.tag().to_owned(), words)]);
        let notices: Vec<Notice> = self
            .tell_customer(&saved.record.reference, Some(&words))
            .into_iter()
            .collect();
        Ok(Done {
            complaint: saved,
            notices,
        })
    }
}
