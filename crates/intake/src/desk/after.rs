//! What follows a change the desk saved: the customer's mail about it, and the organisation's copy of a
//! complaint let out of quarantine. None of it undoes the change when it fails: the change is saved and
//! published, and the front end is told why something did not follow ([`Notice`]). The published figures do
//! not follow a change: `serve` publishes them on a fixed schedule (`crate::insights::Schedule`), so no
//! publication can be lined up with one change.

use complaint_domain::i18n::IntakeMsg;
use complaint_domain::localized::OrgText;

use super::{Desk, DeskError};
use crate::dossier::Dossier;

/// Something that did not follow a saved change; the change stands.
#[derive(Debug)]
pub enum Notice {
    /// The customer's mail about the change was not queued, and why.
    CustomerNotMailed { reference: String, why: String },
    /// The organisation's copy was not queued, and why.
    OrganisationNotMailed { reference: String, why: String },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::CustomerNotMailed { reference, why } => {
                write!(f, "{reference}: the customer's mail was not queued: {why}")
            }
            Notice::OrganisationNotMailed { reference, why } => {
                write!(
                    f,
                    "{reference}: the organisation's mail was not queued: {why}"
                )
            }
        }
    }
}

impl Desk {
    /// Queues the customer's mail about the change just saved (when mail is on): `message` is what it says,
    /// else the current stage's message.
    pub(super) fn tell_customer(
        &mut self,
        reference: &str,
        message: Option<&OrgText>,
    ) -> Option<Notice> {
        let mail = self.mail.as_ref()?;
        let queued = (|| -> Result<(), DeskError> {
            let settings = self.settings()?;
            let dossier = Dossier::load(&*self.store, reference)?;
            let email = dossier.submission.contact.email.clone();
            // The link carries the Reply-Proof in place of the email address: it finds the status file and
            // lets the customer reply from the device that opens the mail.
            let proof = self.publisher.link_proof(&dossier.complaint.status_key);
            crate::mail::enqueue(
                &*self.store,
                dossier.complaint.id,
                crate::mail::customer_update(
                    settings,
                    mail,
                    &dossier.complaint,
                    email.as_deref(),
                    proof.as_deref(),
                    crate::zone::now(),
                    message,
                ),
            );
            Ok(())
        })();
        queued.err().map(|e| Notice::CustomerNotMailed {
            reference: reference.to_owned(),
            why: e.to_string(),
        })
    }

    /// Queues the organisation's copy of a complaint released from quarantine (when an inbox is set).
    pub(super) fn tell_organisation(&self, reference: &str) -> Option<Notice> {
        let mail = self.mail.as_ref()?;
        mail.org_inbox.as_ref()?;
        let queued = (|| -> Result<(), DeskError> {
            let settings = self.settings()?;
            let dossier = Dossier::load(&*self.store, reference)?;
            crate::mail::queue_for_organisation(
                &*self.store,
                settings,
                mail,
                &self.publisher,
                &dossier.complaint.record.reference,
                IntakeMsg::MailOrgNewComplaint,
                crate::mail::FilesOf::Complaint,
            )?;
            Ok(())
        })();
        queued.err().map(|e| Notice::OrganisationNotMailed {
            reference: reference.to_owned(),
            why: e.to_string(),
        })
    }
}
