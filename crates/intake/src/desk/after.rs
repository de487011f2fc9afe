//! What follows a change the desk saved: the customer's mail about it, the organisation's copy of a
//! complaint let out of quarantine, and the published figures ([`Figures`]). None of it undoes the change
//! when it fails: the change is saved and published, and the front end is told why something did not follow
//! ([`Notice`]).
//!
//! [`BackgroundFigures`] is how a short-lived process (the command line) schedules the figures: one
//! `complaint-intake insights --wait` in the background, debounced by a marker file so a burst of changes
//! publishes once, after the last. `serve` keeps its own worker (`insights::Debouncer`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use complaint_domain::i18n::IntakeMsg;
use complaint_domain::localized::OrgText;

use super::{Desk, DeskError};
use crate::dossier::Dossier;
use crate::store::Storage;

/// Something that did not follow a saved change; the change stands.
#[derive(Debug)]
pub enum Notice {
    /// The customer's mail about the change was not queued, and why.
    CustomerNotMailed { reference: String, why: String },
    /// The organisation's copy was not queued, and why.
    OrganisationNotMailed { reference: String, why: String },
    /// The figures were not scheduled (`insights` by hand publishes them), and why.
    FiguresNotScheduled { why: String },
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
            Notice::FiguresNotScheduled { why } => {
                write!(f, "insights were not scheduled ({why}); run `insights`")
            }
        }
    }
}

/// Brings the published figures up to date after a change, without holding up whoever made it.
pub trait Figures {
    fn changed(&self) -> std::io::Result<()>;
}

/// How long a stage change waits before the figures are published, so a burst of changes publishes once.
pub const DEBOUNCE_SECONDS: u64 = 2;

/// The files a background `insights` run reads and writes.
#[derive(Debug, Clone)]
pub struct BackgroundFigures {
    pub config: PathBuf,
    pub db: PathBuf,
    pub publish: PathBuf,
    pub insights: PathBuf,
}

impl BackgroundFigures {
    /// The paths a background `insights` run needs, as arguments.
    pub fn args(&self) -> Vec<OsString> {
        let mut args = Vec::new();
        for (flag, path) in [
            ("--config", &self.config),
            ("--db", &self.db),
            ("--publish", &self.publish),
            ("--insights", &self.insights),
        ] {
            args.push(flag.into());
            args.push(path.clone().into_os_string());
        }
        args
    }
}

impl Figures for BackgroundFigures {
    /// Starts `insights --wait` in the background and returns at once: the command that changed a stage
    /// never waits for the figures, and a burst of changes publishes once, after the last.
    fn changed(&self) -> std::io::Result<()> {
        let exe = std::env::current_exe()?;
        let mut command = std::process::Command::new(exe);
        command
            .arg("insights")
            .arg("--wait")
            .arg(DEBOUNCE_SECONDS.to_string())
            .args(self.args())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            // Not even the error stream is shared: a caller reading this command's output to its end (a
            // script, a test) would otherwise wait for the background run too. `insights` by hand reports.
            .stderr(std::process::Stdio::null());
        // Not waited for: it outlives this command and is then the init process's to reap.
        command.spawn().map(drop)
    }
}

/// The marker a debounced run leaves: the latest run to write it is the one that publishes.
fn pending_path(insights: &Path) -> PathBuf {
    let mut name = insights.as_os_str().to_owned();
    name.push(".pending");
    PathBuf::from(name)
}

/// Marks this run as the latest, waits, and says whether it still is (no later change came meanwhile).
pub fn still_wanted(insights: &Path, wait: Duration) -> bool {
    let token = format!("{}-{:?}", std::process::id(), std::time::SystemTime::now());
    let marker = pending_path(insights);
    if std::fs::write(&marker, &token).is_err() {
        // No marker can be left (a read-only folder): publish without debouncing.
        return true;
    }
    std::thread::sleep(wait);
    // Gone (the folder removed meanwhile) means nothing is waiting for this run either.
    std::fs::read_to_string(&marker).is_ok_and(|latest| latest == token)
}

impl<S: Storage> Desk<S> {
    pub(super) fn figures_changed(&self) -> Option<Notice> {
        self.figures
            .changed()
            .err()
            .map(|e| Notice::FiguresNotScheduled { why: e.to_string() })
    }

    /// Queues the customer's mail about the change just saved (when mail is on): `message` is what it says,
    /// else the current stage's message.
    pub(super) fn tell_customer(
        &mut self,
        reference: &str,
        message: Option<&OrgText>,
    ) -> Option<Notice> {
        self.mail.as_ref()?;
        // The link carries the Reply-Proof, so the customer can reply from the device that opens the mail.
        let key = crate::reply_proof::ReplyKey::load(&mut self.store);
        let mail = self.mail.as_ref()?;
        let queued = (|| -> Result<(), DeskError> {
            let settings = self.settings()?;
            let dossier = Dossier::load(&self.store, reference)?;
            let email = dossier.submission.contact.email.clone();
            let proof = match (email.as_deref(), &key) {
                (Some(email), Ok(key)) => key.proof(&crate::publish::status_key(
                    &dossier.complaint.record.reference,
                    email,
                )),
                _ => None,
            };
            crate::mail::enqueue(
                &self.store,
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
            let dossier = Dossier::load(&self.store, reference)?;
            crate::mail::queue_for_organisation(
                &self.store,
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
