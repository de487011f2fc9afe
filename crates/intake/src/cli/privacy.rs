//! The privacy commands (issue #25, docs/retention.md): `purge` (what `serve` runs every `--purge-every`),
//! `hold` (a legal hold on, or `--release` off), `erase` (by reference or by the customer's email address),
//! `export --reference|--email --out FILE.zip` (read in `super`'s `Export`), and `data-requests list|done|refuse`
//! (customers' requests about their data, answered as in the desk: done erases an erasure's data).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use complaint_domain::instant::Instant;

use super::values::instant;
use crate::desk::data_requests::RequestAnswer;
use crate::desk::erasure::Selector;

/// Whose data: one complaint, or every complaint of one email address.
#[derive(Args)]
pub struct Person {
    /// One complaint's reference
    #[arg(long, value_name = "REFERENCE", conflicts_with = "email")]
    reference: Option<String>,
    /// Every complaint whose customer gave this email address
    #[arg(long, value_name = "ADDRESS")]
    email: Option<String>,
}

impl Person {
    pub fn selector(self) -> Result<Selector, String> {
        match (self.reference, self.email) {
            (Some(reference), None) => Ok(Selector::Reference(reference)),
            (None, Some(email)) if email.contains('@') => Ok(Selector::Email(email)),
            (None, Some(email)) => Err(format!("--email \"{email}\" is not an email address")),
            _ => Err("give --reference REFERENCE or --email ADDRESS".into()),
        }
    }
}

/// The privacy commands, as typed.
#[derive(Subcommand)]
pub enum PrivacySub {
    /// Erase the personal data of every complaint past its keep-until day and not on legal hold
    Purge {
        /// Count "today" from this instant instead of the clock (RFC 3339; for tests and dry rehearsals)
        #[arg(long, value_name = "INSTANT", value_parser = instant)]
        now: Option<Instant>,
    },
    /// Put a legal hold on a complaint (neither the purge nor an erasure touches it), or take it off
    Hold {
        /// The complaint's reference
        #[arg(value_name = "REFERENCE")]
        reference: String,
        /// Why (a claim, a regulator's inquiry): in the audit log and shown to whoever tries to erase it
        #[arg(
            long,
            value_name = "TEXT",
            required_unless_present = "release",
            conflicts_with = "release"
        )]
        reason: Option<String>,
        /// Take the hold off instead
        #[arg(long)]
        release: bool,
    },
    /// Erase a person's data now: contact details, words, files, mail; the anonymous facts stay
    Erase {
        #[command(flatten)]
        person: Person,
        /// Why (the request it answers): in the audit log
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Customers' requests about their data: list them, answer one done or refused
    DataRequests {
        #[command(subcommand)]
        action: DataRequestsSub,
    },
}

/// `data-requests …`: customers' requests for a copy of their data or its erasure.
#[derive(Subcommand)]
pub enum DataRequestsSub {
    /// Every request, the open ones first by the day they are due
    List,
    /// Mark a request done; for an erasure, its complaint's personal data is erased now (refused, with the
    /// reason the customer reads, when the complaint is on legal hold)
    Done {
        /// The request's number, as `list` shows it
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Refuse a request, with the reason the customer reads on their status page
    Refuse {
        /// The request's number, as `list` shows it
        #[arg(value_name = "ID")]
        id: i64,
        /// Why, in words for the customer (no personal data)
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
}

/// What main.rs runs.
pub enum PrivacyCommand {
    Purge { now: Option<Instant> },
    Hold { reference: String, reason: String },
    ReleaseHold { reference: String },
    Erase { selector: Selector, reason: String },
    Export { selector: Selector, out: PathBuf },
    DataRequests,
    AnswerRequest { id: i64, answer: RequestAnswer },
}

impl PrivacySub {
    /// The command, or the subcommand's name with what is wrong.
    pub fn resolve(self) -> Result<PrivacyCommand, (&'static str, String)> {
        Ok(match self {
            PrivacySub::Purge { now } => PrivacyCommand::Purge { now },
            PrivacySub::Hold {
                reference,
                release: true,
                ..
            } => PrivacyCommand::ReleaseHold { reference },
            PrivacySub::Hold {
                reference, reason, ..
            } => PrivacyCommand::Hold {
                reference,
                reason: reason.unwrap_or_default(),
            },
            PrivacySub::Erase { person, reason } => PrivacyCommand::Erase {
                selector: person.selector().map_err(|e| ("erase", e))?,
                reason,
            },
            PrivacySub::DataRequests { action } => match action {
                DataRequestsSub::List => PrivacyCommand::DataRequests,
                DataRequestsSub::Done { id } => PrivacyCommand::AnswerRequest {
                    id,
                    answer: RequestAnswer::Done,
                },
                DataRequestsSub::Refuse { id, reason } => PrivacyCommand::AnswerRequest {
                    id,
                    answer: RequestAnswer::Refused { reason },
                },
            },
        })
    }
}
