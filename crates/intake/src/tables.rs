//! The command line's tables: the desk's open list and its quarantine list as fixed-width text, with the
//! line under each that says what to do next. Only the command line draws these; another front end renders
//! the same typed rows (`desk::lists`) its own way.

use std::fmt::Write;

use complaint_domain::service_levels::{Due, Timeliness};

use crate::desk::OpenList;
use crate::store::Complaint;

/// A due date as the back office prints it: `2026-12-04 17:00`, or the day alone.
pub fn due_text(due: Due) -> String {
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

/// The open list as `list` prints it.
pub fn open_list(list: &OpenList) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<15} {:<14} {:<20} {:<4} {:<14} {:<17} {:<8} STATE",
        "REFERENCE", "STAGE", "CATEGORY", "LANG", "NEXT", "DUE", "REPLIES"
    );
    for row in &list.rows {
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
        list.rows.len(),
        list.zone
    );
    out
}

/// The held complaints as `list --quarantine` prints them, oldest first, with why each was held.
pub fn quarantine(held: &[Complaint]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<15} {:<20} {:<20} {:<4} REASON",
        "REFERENCE", "RECEIVED", "CATEGORY", "LANG"
    );
    for complaint in held {
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
    out
}

/// What `migrate` prints: each table's rows and hash, the same on both sides.
pub fn migrated(checks: &[crate::store::TableCheck]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<24} {:>10}  SHA-256 (the same in SQLite and PostgreSQL)",
        "TABLE", "ROWS"
    );
    for check in checks {
        let _ = writeln!(
            out,
            "{:<24} {:>10}  {}",
            check.table, check.rows, check.sha256
        );
    }
    let rows: u64 = checks.iter().map(|c| c.rows).sum();
    let _ = writeln!(
        out,
        "copied and checked: {} table(s), {rows} row(s); nothing differs",
        checks.len()
    );
    out
}
