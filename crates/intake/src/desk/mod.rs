//! The desk: every back-office action on complaints, in one place, for every front end. The command line
//! (`main.rs` with `cli.rs`) calls it today; the staff web desk and a staff API will call the same methods
//! (issue #23). Each action takes the [`Actor`] who asked, returns a typed result that the front end prints
//! or renders, or a [`DeskError`], and never prints. After a change the desk publishes the status file,
//! queues the customer's or the organisation's mail, so a second front end cannot forget one of them (the
//! published figures follow on `serve`'s fixed schedule, never a change).
//!
//! Rooms: [`stages`] (stage changes, dates set by hand, quarantine: release and delete), [`work`] (the checks
//! every staff action makes — permission, who may work the complaint, the revision opened — and acknowledge,
//! assign, notes, reply, ask, decide, close, reopen, each with one audit line), [`mentions`] (what a mention
//! in a note lets a colleague do), [`templates`] (templates and the customer's mail previewed), [`merge`]
//! (duplicates), [`bulk`] (one action over a selection), [`lists`] (the open list and the held ones),
//! [`queues`] and [`complaint_view`] (the staff desk's queues, lists and one complaint), [`after`] (what
//! follows a change: mail), [`access`], [`sessions`], [`sign_in`], [`enrol`] and [`tokens`] (who asks),
//! [`webhooks`] (outgoing webhooks), [`retention`] and [`erasure`] (keep-until, legal holds, the purge,
//! erasure), [`export`] (a person's data as a zip), [`operations`] (export, the report, republishing, the
//! figures: leads and above, audited), and here the reading actions (show, files).
//!
//! The desk reads and writes through the storage seam (`crate::store::Storage`), never SQL: it holds whichever
//! database `--db` chose as `dyn Storage` (why not generics: `crate::store::Db`).
//!
//! Customer-facing intake (`intake.rs`, `replies.rs`) does not go through the desk: it has rules of its own
//! (exactly once per Idempotency-Key, proofs, budgets).

pub mod access;
pub mod after;
pub mod bulk;
pub mod clock;
pub mod complaint_view;
pub mod data_requests;
pub mod enrol;
pub mod erasure;
pub mod export;
pub mod lists;
pub mod mentions;
pub mod merge;
pub mod oidc;
pub mod operations;
pub mod queues;
pub mod retention;
pub mod sessions;
pub mod sign_in;
pub mod staff_admin;
pub mod stages;
pub mod templates;
pub mod tokens;
pub mod webhooks;
pub mod work;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use complaint_domain::i18n::Locale;

use crate::dossier::{Dossier, DossierError};
use crate::insights::InsightsFailure;
use crate::mail::MailSettings;
use crate::publish::{PublishError, Publisher};
use crate::settings::{Settings, SettingsError};
use crate::store::{Storage, StoreError};
use crate::zone;

pub use access::{Actor, Permission, Role};
pub use after::Notice;
pub use lists::OpenList;
pub use stages::StageChange;
pub use work::Asked;

/// Why an action changed nothing, or only part of what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The actor lacks what the action needs (`access::Permission`); nothing was read or changed.
    #[error("not allowed: this needs the {} role", permission.least_role().name())]
    Forbidden { permission: Permission },
    #[error("no complaint has the reference \"{reference}\"")]
    NotFound { reference: String },
    /// The domain's lifecycle rules refuse the change; nothing was saved.
    #[error("{}", stages::refused_words(reference, refused))]
    Refused {
        reference: String,
        refused: complaint_domain::status::ChangeRefused,
    },
    /// Held in quarantine: released (or deleted) first, so nothing is published for a complaint that may
    /// be a bot's.
    #[error("{reference} is in quarantine: `release` it first (or `delete` it if it is a bot's)")]
    Quarantined { reference: String },
    /// `release` or `delete` on a complaint that is not held.
    #[error("{reference} is not in quarantine (`list --quarantine` shows the ones that are)")]
    NotQuarantined { reference: String },
    /// A root cause the config does not list: a typo, not a new cause. Checked before anything changed.
    #[error("{0}")]
    UnknownCause(String),
    /// Saved, but its status file is not current yet.
    #[error("saved, but the status file was not written ({0}); run `republish`")]
    NotPublished(#[source] PublishError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// The organisation's config, needed by this action, cannot be used.
    #[error(transparent)]
    Settings(Arc<SettingsError>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Dossier(#[from] DossierError),
    #[error(transparent)]
    Insights(#[from] InsightsFailure),
    /// A webhook request refused (a URL, an event name, an endpoint that is not there); nothing changed.
    #[error(transparent)]
    Webhook(#[from] webhooks::WebhookRefusal),
    /// A sign-in, an enrolment, a token or an account change refused (`sign_in::AuthRefusal`).
    #[error(transparent)]
    Auth(#[from] sign_in::AuthRefusal),
    /// The system gave no random bytes for a token.
    #[error("the system's random source failed")]
    NoRandomness,
    /// An agent acting on a complaint that is neither theirs nor unassigned in their queue.
    #[error(
        "{reference} is not yours to work: it is assigned to someone else or outside your queues"
    )]
    NotYours { reference: String },
    /// The complaint changed since the person opened it (at `seen`); nothing was changed. Who and when: the
    /// audit log's latest line on it (or the customer, when their reply is newer).
    #[error("{reference} was changed by {by} since you opened it; open it again")]
    Changed {
        reference: String,
        by: String,
        at: Option<complaint_domain::instant::Instant>,
        revision: i64,
    },
    /// What was asked cannot be done as given (a blank text, an unknown colleague); nothing was changed.
    #[error("{0}")]
    Invalid(String),
    /// A template has no text in the customer's language: never another language instead.
    #[error("template {template} has no {} text; add one before using it for this customer", language.tag())]
    TemplateLanguage { template: i64, language: Locale },
    #[error("no template has the id {0}")]
    NoTemplate(i64),
    /// A legal hold stops erasure (issue #25): nothing was erased.
    #[error(
        "{reference} is on legal hold since {since}, reason: {reason}; release the hold first"
    )]
    OnHold {
        reference: String,
        since: complaint_domain::instant::Instant,
        reason: String,
    },
}

impl DeskError {
    /// Whether the database could not be reached just now (`StoreError::Unavailable`), however deep in the
    /// action: nothing was changed, and the same action may succeed in a moment.
    pub fn is_unavailable(&self) -> bool {
        match self {
            DeskError::Store(e)
            | DeskError::Dossier(DossierError::Store(e))
            | DeskError::Insights(InsightsFailure::Store(e))
            | DeskError::Publish(PublishError::Store(e)) => e.is_unavailable(),
            _ => false,
        }
    }
}

/// What `show` gives a front end: the whole complaint and where its status file is; shown is read.
pub struct Shown {
    pub dossier: Dossier,
    pub status_file: PathBuf,
}

/// The back office's one service over the store, the publisher, the config and the outboxes.
pub struct Desk {
    /// Its own: on SQLite a connection of its own, on PostgreSQL a handle on the pool (`Db::own`).
    store: Box<dyn Storage + Send>,
    publisher: Publisher,
    /// Loaded once; an action that needs it and finds it broken fails on it, the others never look.
    settings: Result<Arc<Settings>, Arc<SettingsError>>,
    /// `None` without a relay: nothing is mailed.
    mail: Option<MailSettings>,
    /// The relying party for passkeys and the sessions' timeouts (`serve` sets them).
    sign_in: sign_in::SignIn,
}

impl Desk {
    pub fn new(
        store: Box<dyn Storage + Send>,
        publisher: Publisher,
        settings: Result<Arc<Settings>, Arc<SettingsError>>,
        mail: Option<MailSettings>,
    ) -> Desk {
        Desk {
            store,
            publisher,
            settings,
            mail,
            sign_in: sign_in::SignIn::default(),
        }
    }

    /// The organisation's config, for a front end that renders what an action returned.
    pub fn settings(&self) -> Result<&Settings, DeskError> {
        match &self.settings {
            Ok(settings) => Ok(settings),
            Err(e) => Err(DeskError::Settings(Arc::clone(e))),
        }
    }

    fn shared_settings(&self) -> Result<Arc<Settings>, DeskError> {
        match &self.settings {
            Ok(settings) => Ok(Arc::clone(settings)),
            Err(e) => Err(DeskError::Settings(Arc::clone(e))),
        }
    }

    /// The whole complaint, and marks its replies read (`list` puts complaints with unread replies first).
    pub fn show(&mut self, _actor: &Actor, reference: &str) -> Result<Shown, DeskError> {
        self.settings()?;
        let dossier = Dossier::load(&*self.store, reference)?;
        let status_file = self.publisher.path_for(&dossier.complaint.status_key);
        self.store
            .mark_replies_read(dossier.complaint.id, zone::now())?;
        Ok(Shown {
            dossier,
            status_file,
        })
    }

    /// Writes file `number` (1-based) of a complaint to `out`. Returns the bytes written.
    pub fn save_file(
        &self,
        _actor: &Actor,
        reference: &str,
        number: i64,
        out: &Path,
        force: bool,
    ) -> Result<i64, DeskError> {
        Ok(crate::dossier::export_file(
            &*self.store,
            reference,
            number,
            out,
            force,
        )?)
    }

    /// Writes every file of a complaint into the folder `out`. Returns the paths written.
    pub fn save_files(
        &self,
        _actor: &Actor,
        reference: &str,
        out: &Path,
        force: bool,
    ) -> Result<Vec<PathBuf>, DeskError> {
        Ok(crate::dossier::export_files(
            &*self.store,
            reference,
            out,
            force,
        )?)
    }

    /// Where status files are written.
    pub fn publish_dir(&self) -> &Path {
        self.publisher.dir()
    }
}
