//! The privacy commands run and printed (issue #25, docs/retention.md), and `serve`'s purge on its schedule:
//! every `--purge-every` it runs `complaint-intake purge` as a child process with the same files, as the
//! figures are published, so a purge that fails or is killed never takes the server with it, and the next
//! run finishes what it left.

use std::ffi::OsString;
use std::time::Duration;

use complaint_domain::calendar::Date;
use complaint_domain::data_requests::overdue;
use complaint_domain::instant::Zone;

use crate::cli::privacy::PrivacyCommand;
use crate::cli::Paths;
use crate::desk::erasure::{ErasedOne, Selector};
use crate::desk::{Actor, Asked, Desk};
use crate::store::DataRequest;
use crate::{log, zone, Failure};

/// Runs one privacy command on the desk and prints what it did.
pub fn run(desk: &mut Desk, command: PrivacyCommand) -> Result<(), Failure> {
    let actor = &Actor::CommandLine;
    match command {
        PrivacyCommand::Purge { now } => {
            let purged = desk.purge(now.unwrap_or_else(zone::now))?;
            println!(
                "{} complaint(s) erased, {} given their keep-until day, {} status file(s) written again",
                purged.erased.len(),
                purged.scheduled,
                purged.republished
            );
            for reference in &purged.unpublished {
                eprintln!("complaint-intake: {reference} is erased; its status file follows at the next purge");
            }
        }
        PrivacyCommand::Hold { reference, reason } => {
            let hold = desk.hold(&Asked::unseen(actor, &reference), &reason)?;
            println!(
                "{reference} is on legal hold since {}: {}",
                hold.since, hold.reason
            );
        }
        PrivacyCommand::ReleaseHold { reference } => {
            desk.release_hold(&Asked::unseen(actor, &reference))?;
            println!("{reference} is no longer on legal hold");
        }
        PrivacyCommand::Erase { selector, reason } => {
            for (reference, one) in desk.erase(&Asked::unseen(actor, ""), &selector, &reason)? {
                println!("{reference}: {}", erased_words(&one));
            }
        }
        PrivacyCommand::Export { selector, out } => {
            let zip = desk.export_zip(actor, &selector)?;
            crate::files::write_atomically_private(&out, &zip).map_err(Failure::Output)?;
            let whose = match &selector {
                Selector::Reference(r) => r.clone(),
                Selector::Email(e) => e.clone(),
            };
            println!(
                "{} bytes about {whose} written to {}",
                zip.len(),
                out.display()
            );
        }
        PrivacyCommand::DataRequests => {
            let requests = desk.data_requests(actor)?;
            let now = zone::now();
            let today = desk
                .settings()?
                .zone
                .local(now)
                .map_or_else(|| now.utc_wall_clock().date, |local| local.date);
            print!("{}", requests_table(&requests, today));
        }
        PrivacyCommand::AnswerRequest { id, answer } => {
            let answered = desk.answer_data_request(actor, None, id, answer)?;
            let request = &answered.request;
            match (&answered.hold, &request.entry.reason) {
                (Some(hold), reason) => println!(
                    "request {id} ({}) REFUSED: on legal hold since {}, reason: {}; the customer reads: {}",
                    request.reference,
                    hold.since,
                    hold.reason,
                    reason.as_deref().unwrap_or_default()
                ),
                (None, _) => println!(
                    "request {id} ({}) is {}",
                    request.reference,
                    request.entry.state.as_str()
                ),
            }
        }
    }
    Ok(())
}

/// The requests as a table: number, reference, kind, asked, due (with "overdue"), and the answer.
fn requests_table(requests: &[DataRequest], today: Date) -> String {
    let mut out = format!(
        "{:>4}  {:<15} {:<8} {:<10} {:<18} {}\n",
        "ID", "REFERENCE", "KIND", "ASKED", "DUE", "ANSWER"
    );
    for request in requests {
        let entry = &request.entry;
        let due = if overdue(entry.due_on, entry.state, today) {
            format!("{} overdue", entry.due_on)
        } else {
            entry.due_on.to_string()
        };
        let answer = match (&entry.reason, entry.answered_at) {
            (Some(reason), _) => format!("{}: {reason}", entry.state.as_str()),
            (None, Some(at)) => format!("{} on {}", entry.state.as_str(), at.utc_wall_clock().date),
            (None, None) => entry.state.as_str().to_owned(),
        };
        out.push_str(&format!(
            "{:>4}  {:<15} {:<8} {:<10} {:<18} {answer}\n",
            request.id,
            request.reference,
            entry.kind.as_str(),
            entry.at.utc_wall_clock().date.to_string(),
            due,
        ));
    }
    out
}

fn erased_words(one: &ErasedOne) -> String {
    match one {
        ErasedOne::Erased => "erased; its status file now says so".into(),
        ErasedOne::NotPublished => {
            "erased; its status file is replaced at the next `purge` or `republish`".into()
        }
        ErasedOne::Already(at) => format!("already erased on {}", at.utc_wall_clock().date),
        ErasedOne::Held(hold) => format!(
            "NOT erased: on legal hold since {}, reason: {}",
            hold.since, hold.reason
        ),
    }
}

/// Runs `complaint-intake purge` every `every`, the first soon after start.
pub fn purge_on_schedule(paths: &Paths, every: Duration) {
    let mut args: Vec<OsString> = vec![
        "purge".into(),
        "--config".into(),
        paths.config.clone().into_os_string(),
        "--db".into(),
        paths.db.flag(),
        "--publish".into(),
        paths.publish.clone().into_os_string(),
    ];
    // The erased files' bytes go from the files place too.
    if let Some(files) = &paths.files {
        args.extend(["--files".into(), files.clone().into_os_string()]);
    }
    std::thread::spawn(move || loop {
        std::thread::sleep(every.min(Duration::from_secs(60)));
        let program = std::env::current_exe().unwrap_or_else(|_| "complaint-intake".into());
        let ran = std::process::Command::new(program)
            .args(&args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .status();
        match ran {
            Ok(status) if status.success() => {}
            Ok(status) => log!("the purge stopped ({status}); the next run finishes it"),
            Err(e) => log!("cannot start the purge: {e}"),
        }
        std::thread::sleep(every.saturating_sub(Duration::from_secs(60)));
    });
}
