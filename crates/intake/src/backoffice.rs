//! The back office: moving a complaint through the ISO 10002 stages with a public message, setting a
//! date by hand, and listing open complaints with their next deadline. Every change is made by the
//! domain's lifecycle rules (`StatusRecord::changed`, the ones the tracker reads by), saved, then
//! republished.

use std::cmp::Ordering;
use std::fmt::Write;

use complaint_domain::calendar::Date;
use complaint_domain::instant::Instant;
use complaint_domain::service_levels::{Due, Timeliness};
use complaint_domain::status::{ChangeRefused, Stage, StatusChange, StatusRecord};
use complaint_domain::tracking::Timeline;

use crate::publish::{publish_complaint, PublishError, Publisher};
use crate::settings::Settings;
use crate::store::{Store, StoreError};

/// Why a back-office command changed nothing, or only part of what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum BackofficeError {
    #[error("no complaint has the reference \"{reference}\"")]
    NotFound { reference: String },
    /// The domain's lifecycle rules refuse the change; nothing was saved.
    #[error("{}", refused_words(reference, refused))]
    Refused {
        reference: String,
        refused: ChangeRefused,
    },
    /// Held in quarantine: released (or deleted) first, so nothing is published for a complaint that may
    /// be a bot's.
    #[error("{reference} is in quarantine: `release` it first (or `delete` it if it is a bot's)")]
    Quarantined { reference: String },
    /// `release` or `delete` on a complaint that is not held.
    #[error("{reference} is not in quarantine (`list --quarantine` shows the ones that are)")]
    NotQuarantined { reference: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Saved, but its status file is not current yet.
    #[error("saved, but the status file was not written ({0}); run `republish`")]
    NotPublished(#[source] PublishError),
}

/// A refusal of the lifecycle rules, with the option that supplies what is missing.
fn refused_words(reference: &str, refused: &ChangeRefused) -> String {
    match refused {
        ChangeRefused::DecisionMissing => format!("{reference}: {refused} (--decision)"),
        _ => format!("{reference} {refused}"),
    }
}

/// Applies a change to the stored complaint, by the domain's rules, and republishes its status file.
pub fn apply(
    store: &mut Store,
    publisher: &Publisher,
    reference: &str,
    change: StatusChange,
    at: Instant,
) -> Result<StatusRecord, BackofficeError> {
    let not_found = || BackofficeError::NotFound {
        reference: reference.to_owned(),
    };
    let complaint = store.complaint(reference)?.ok_or_else(not_found)?;
    if complaint.quarantine.is_some() {
        return Err(BackofficeError::Quarantined {
            reference: complaint.record.reference,
        });
    }
    let record = complaint
        .record
        .changed(change.first_in(complaint.locale), at)
        .map_err(|refused| BackofficeError::Refused {
            reference: complaint.record.reference.clone(),
            refused,
        })?;
    store.save(complaint.id, complaint.revision, &record)?;
    let saved = store.complaint(reference)?.ok_or_else(not_found)?;
    publish_complaint(store, publisher, &saved).map_err(BackofficeError::NotPublished)?;
    Ok(saved.record)
}

/// Lets a held complaint out of quarantine and publishes its status file, so the reference the customer
/// was given (a real one all along) now tracks.
pub fn release(
    store: &mut Store,
    publisher: &Publisher,
    reference: &str,
) -> Result<StatusRecord, BackofficeError> {
    let complaint = held(store, reference)?;
    if !store.release(complaint.id)? {
        return Err(BackofficeError::NotQuarantined {
            reference: complaint.record.reference,
        });
    }
    publish_complaint(store, publisher, &complaint).map_err(BackofficeError::NotPublished)?;
    Ok(complaint.record)
}

/// Deletes a held complaint (a bot's) with its files and key. Returns its reference.
pub fn delete(store: &mut Store, reference: &str) -> Result<String, BackofficeError> {
    let complaint = held(store, reference)?;
    if !store.delete_quarantined(complaint.id)? {
        return Err(BackofficeError::NotQuarantined {
            reference: complaint.record.reference,
        });
    }
    Ok(complaint.record.reference)
}

fn held(store: &Store, reference: &str) -> Result<crate::store::Complaint, BackofficeError> {
    let complaint = store
        .complaint(reference)?
        .ok_or_else(|| BackofficeError::NotFound {
            reference: reference.to_owned(),
        })?;
    if complaint.quarantine.is_none() {
        return Err(BackofficeError::NotQuarantined {
            reference: complaint.record.reference,
        });
    }
    Ok(complaint)
}

/// The complaints held in quarantine, oldest first, with why each was held.
pub fn list_quarantine(store: &Store) -> Result<String, StoreError> {
    let held = store.quarantined()?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<15} {:<20} {:<20} {:<4} REASON",
        "REFERENCE", "RECEIVED", "CATEGORY", "LANG"
    );
    for complaint in &held {
        let record = &complaint.record;
        let _ = writeln!(
            out,
            "{:<15} {:<20} {:<20} {:<4} {}",
            record.reference,
            record
                .received_at()
                .map_or_else(|| "-".to_owned(), |at| at.to_string()),
            record.category,
            complaint.locale.tag(),
            complaint.quarantine.as_deref().unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "{} complaint(s) in quarantine; `show` one to read it, then `release` or `delete` it",
        held.len()
    );
    Ok(out)
}

struct Row {
    reference: String,
    stage: Stage,
    category: String,
    locale: &'static str,
    next: Option<(Stage, Due, Timeliness, bool)>,
    /// Customer replies `show` has not shown yet.
    unread: i64,
}

impl Row {
    /// Overdue first (a promise already broken), then those with customer replies nobody has read (the
    /// customer is waiting on us), then due today, then the rest.
    fn urgency(&self) -> u8 {
        match self.next {
            Some((_, _, Timeliness::Overdue, _)) => 0,
            _ if self.unread > 0 => 1,
            Some((_, _, Timeliness::DueToday, _)) => 2,
            Some((_, _, Timeliness::Ahead, _)) => 3,
            None => 4,
        }
    }

    /// When the next step is due, comparable across exact times and whole days.
    fn due_key(&self) -> Option<(Date, u16)> {
        self.next.map(|(_, due, ..)| match due {
            Due::At { local, .. } => (local.date, local.minute),
            Due::EndOf(date) => (date, 24 * 60),
        })
    }
}

/// A due date as the back office and its mail print it: `2026-12-04 17:00`, or the day alone.
pub(crate) fn due_text(due: Due) -> String {
    match due {
        Due::At { local, .. } => format!(
            "{} {:02}:{:02}",
            local.date,
            local.hour(),
            local.minute_of_hour()
        ),
        Due::EndOf(date) => date.to_string(),
    }
}

/// Open complaints (all with `include_closed`), overdue first, then due today, then by date.
pub fn list(
    store: &Store,
    settings: &Settings,
    now: Instant,
    include_closed: bool,
) -> Result<String, StoreError> {
    let mut rows: Vec<Row> = Vec::new();
    let unread = store.unread_replies()?;
    for complaint in store.all()? {
        let record = &complaint.record;
        let stage = record.current().map_or(Stage::Received, |e| e.stage);
        if stage == Stage::Closed && !include_closed {
            continue;
        }
        let timeline = Timeline::build(
            record,
            settings.config.category(&record.category),
            &settings.zone,
            &settings.holidays,
            now,
        );
        let next = timeline.next_expected().map(|(stage, expected)| {
            let by_hand = matches!(expected.rule, complaint_domain::tracking::Rule::Set(_));
            (stage, expected.due, expected.timeliness, by_hand)
        });
        rows.push(Row {
            reference: record.reference.clone(),
            stage,
            category: record.category.clone(),
            locale: complaint.locale.tag(),
            next,
            unread: unread.get(&complaint.id).copied().unwrap_or(0),
        });
    }
    rows.sort_by(|a, b| {
        a.urgency()
            .cmp(&b.urgency())
            .then_with(|| match (a.due_key(), b.due_key()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => Ordering::Equal,
            })
            .then_with(|| a.reference.cmp(&b.reference))
    });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<15} {:<14} {:<20} {:<4} {:<14} {:<17} {:<8} STATE",
        "REFERENCE", "STAGE", "CATEGORY", "LANG", "NEXT", "DUE", "REPLIES"
    );
    for row in &rows {
        let (next, due, state) = match row.next {
            Some((stage, due, timeliness, by_hand)) => (
                stage.as_str(),
                format!("{}{}", due_text(due), if by_hand { "*" } else { "" }),
                match timeliness {
                    Timeliness::Overdue => "OVERDUE",
                    Timeliness::DueToday => "due today",
                    Timeliness::Ahead => "",
                },
            ),
            None => ("-", "-".to_owned(), ""),
        };
        let replies = if row.unread > 0 {
            format!("{} new", row.unread)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{:<15} {:<14} {:<20} {:<4} {:<14} {:<17} {:<8} {state}",
            row.reference,
            row.stage.as_str(),
            row.category,
            row.locale,
            next,
            due,
            replies
        );
    }
    let _ = writeln!(
        out,
        "{} complaint(s); times in {}; * a date set by hand",
        rows.len(),
        settings.zone.name()
    );
    Ok(out)
}
