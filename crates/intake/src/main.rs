//! The reference intake service: receives complaints over HTTP (`docs/submission.md`), keeps them in
//! SQLite, publishes the static status files the tracker reads (`docs/status.md`), and moves complaints
//! through their stages from the command line. How to run it: `docs/intake.md`.

mod backoffice;
mod budget;
mod cli;
mod dossier;
mod error;
mod files;
mod http;
mod ids;
mod insights;
mod intake;
mod log;
mod mail;
mod private_files;
mod publish;
mod replies;
mod settings;
mod store;
mod uploads;
mod zone;

use std::process::ExitCode;
use std::sync::Arc;

use backoffice::BackofficeError;
use cli::{Command, Paths};
use complaint_domain::status::{DecidedOutcome, StatusChange};
use publish::{PublishError, Publisher};
use settings::{Settings, SettingsError};
use store::{Store, StoreError};

/// Why a command failed, by the part that failed; printed once, with exit status 1.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Backoffice(#[from] BackofficeError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error(transparent)]
    Serve(#[from] http::ServeError),
    #[error("cannot open the uploads folder: {0}")]
    Uploads(#[from] uploads::UploadError),
    #[error(transparent)]
    Dossier(#[from] dossier::DossierError),
    #[error(transparent)]
    Insights(#[from] insights::InsightsFailure),
    #[error("cannot write to stdout: {0}")]
    Output(std::io::Error),
    #[error("{0}")]
    Intake(#[from] error::IntakeError),
    /// A command's own arguments, refused before anything changed.
    #[error("{0}")]
    Usage(String),
}

fn main() -> ExitCode {
    let (paths, command) = match cli::parse(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(e) => {
            // `--help` to stdout with status 0; a usage error to stderr with status 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match run(&paths, command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("complaint-intake: {e}");
            ExitCode::FAILURE
        }
    }
}

fn open_store(paths: &Paths) -> Result<Store, StoreError> {
    Store::open(&paths.db)
}

fn run(paths: &Paths, command: Command) -> Result<(), Failure> {
    // The one setting a status file carries (until when a closed complaint can be reopened); a command whose
    // config cannot be read fails on it by itself, or never publishes.
    let publisher = Publisher::new(paths.publish.clone()).with_reopen_days(
        Settings::load(&paths.config)
            .map(|s| s.config.replies.reopen_days)
            .unwrap_or_default(),
    );
    match command {
        Command::Help => {
            print!("{}", cli::help());
            Ok(())
        }
        Command::Completions(shell) => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&cli::completions(shell))
                .map_err(Failure::Output)
        }
        Command::Serve(options) => serve(paths, publisher, options),
        Command::Stage {
            reference,
            stage,
            message,
            next_step,
            decision,
            causes,
        } => {
            // Checked before anything changes: an unknown cause is a typo, not a new cause.
            let causes = if causes.is_empty() {
                Vec::new()
            } else {
                insights::check_causes(&Settings::load(&paths.config)?, &causes)
                    .map_err(Failure::Usage)?
            };
            let change = StatusChange::Stage {
                stage,
                message,
                next_step,
                decision: decision.map(|(decision, summary)| DecidedOutcome { decision, summary }),
            };
            let mut store = open_store(paths)?;
            let record =
                backoffice::apply(&mut store, &publisher, &reference, change, zone::now())?;
            if !causes.is_empty() {
                if let Some(saved) = store.complaint(&record.reference)? {
                    let at = saved.record.updated_at;
                    store.set_causes(saved.id, &causes, at)?;
                }
            }
            println!("{} is now \"{}\"", record.reference, stage.as_str());
            schedule_insights(paths);
            if let Some(mail) = &paths.mail {
                tell_customer(paths, mail, &mut store, &record.reference);
            }
            Ok(())
        }
        Command::Extend {
            reference,
            step,
            due,
            rule,
        } => {
            let record = backoffice::apply(
                &mut open_store(paths)?,
                &publisher,
                &reference,
                StatusChange::Deadline { step, due, rule },
                zone::now(),
            )?;
            println!("{}: the date is now {due}", record.reference);
            if let Some(mail) = &paths.mail {
                // A new date is news too: the customer's mail names it as what comes next.
                tell_customer(paths, mail, &mut open_store(paths)?, &record.reference);
            }
            schedule_insights(paths);
            Ok(())
        }
        Command::List { all, at } => {
            let settings = Settings::load(&paths.config)?;
            let table = backoffice::list(
                &open_store(paths)?,
                &settings,
                at.unwrap_or_else(zone::now),
                all,
            )?;
            print!("{table}");
            Ok(())
        }
        Command::ListQuarantine => {
            print!("{}", backoffice::list_quarantine(&open_store(paths)?)?);
            Ok(())
        }
        Command::Release { reference } => {
            let mut store = open_store(paths)?;
            let record = backoffice::release(&mut store, &publisher, &reference)?;
            println!(
                "{} is released: its status file is published and the reference now tracks",
                record.reference
            );
            if let Some(mail) = &paths.mail {
                // Held complaints were not mailed on arrival: the inbox hears of it now, as of a new one.
                tell_organisation(paths, mail, &store, &publisher, &record.reference);
            }
            Ok(())
        }
        Command::Delete { reference } => {
            let reference = backoffice::delete(&mut open_store(paths)?, &reference)?;
            println!("{reference} is deleted, with its files and key");
            Ok(())
        }
        Command::Show { reference, lang } => {
            let settings = Settings::load(&paths.config)?;
            let store = open_store(paths)?;
            let dossier = dossier::Dossier::load(&store, &reference)?;
            let status_file = publisher.path_for(&dossier.complaint.status_key);
            print!("{}", dossier.show(&settings, lang, &status_file));
            // Shown is read: `list` puts complaints with replies nobody has seen first.
            store.mark_replies_read(dossier.complaint.id, zone::now())?;
            Ok(())
        }
        Command::Attachment {
            reference,
            which,
            out,
            force,
        } => {
            let store = open_store(paths)?;
            match which {
                cli::Which::One(number) => {
                    let bytes = dossier::export_file(&store, &reference, number, &out, force)?;
                    println!("{bytes} bytes written to {}", out.display());
                }
                cli::Which::All => {
                    let written = dossier::export_files(&store, &reference, &out, force)?;
                    for path in &written {
                        println!("{}", path.display());
                    }
                    println!("{} file(s) written to {}", written.len(), out.display());
                }
            }
            Ok(())
        }
        Command::Export {
            since,
            format,
            lang,
        } => {
            let settings = Settings::load(&paths.config)?;
            let text = dossier::export(&open_store(paths)?, &settings, since, format, lang)?;
            print!("{text}");
            Ok(())
        }
        Command::Insights { wait } => {
            if let Some(seconds) = wait {
                // A background run never creates a database or a folder (they may be gone by now, a test's
                // say): nothing to publish then.
                if !paths.db.exists()
                    || !insights_still_wanted(paths, seconds)
                    || !paths.db.exists()
                {
                    return Ok(());
                }
            }
            let settings = Settings::load(&paths.config)?;
            let mut store = open_store(paths)?;
            let bytes = insights::publish(&mut store, &settings, &paths.insights, zone::now())?;
            println!(
                "{bytes} bytes of insights written to {}",
                paths.insights.display()
            );
            Ok(())
        }
        Command::Report { from, to, format } => {
            let settings = Settings::load(&paths.config)?;
            let report =
                insights::report(&mut open_store(paths)?, &settings, from, to, zone::now())?;
            print!("{}", report.render(format));
            Ok(())
        }
        Command::Republish { all } => {
            let written = publish::republish(&open_store(paths)?, &publisher, all)?;
            println!(
                "{written} status file(s) written to {}",
                paths.publish.display()
            );
            Ok(())
        }
    }
}

/// How long a stage change waits before the figures are published, so a burst of changes publishes once.
const INSIGHTS_DEBOUNCE_SECONDS: u64 = 2;

/// The marker a debounced run leaves: the latest run to write it is the one that publishes.
fn pending_path(paths: &Paths) -> std::path::PathBuf {
    let mut name = paths.insights.as_os_str().to_owned();
    name.push(".pending");
    std::path::PathBuf::from(name)
}

/// The paths a background `insights` run needs, as arguments.
fn publish_args(paths: &Paths) -> Vec<std::ffi::OsString> {
    let mut args = Vec::new();
    for (flag, path) in [
        ("--config", &paths.config),
        ("--db", &paths.db),
        ("--publish", &paths.publish),
        ("--insights", &paths.insights),
    ] {
        args.push(flag.into());
        args.push(path.clone().into_os_string());
    }
    args
}

/// Starts `insights --wait` in the background and returns at once: the command that changed a stage
/// never waits for the figures, and a burst of changes publishes once, after the last.
fn schedule_insights(paths: &Paths) {
    let started = (|| -> std::io::Result<()> {
        let exe = std::env::current_exe()?;
        let mut command = std::process::Command::new(exe);
        command
            .arg("insights")
            .arg("--wait")
            .arg(INSIGHTS_DEBOUNCE_SECONDS.to_string())
            .args(publish_args(paths))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            // Not even the error stream is shared: a caller reading this command's output to its end (a
            // script, a test) would otherwise wait for the background run too. `insights` by hand reports.
            .stderr(std::process::Stdio::null());
        // Not waited for: it outlives this command and is then the init process's to reap.
        command.spawn().map(drop)
    })();
    if let Err(e) = started {
        eprintln!("complaint-intake: insights were not scheduled ({e}); run `insights`");
    }
}

/// Marks this run as the latest, waits, and says whether it still is (no later change came meanwhile).
fn insights_still_wanted(paths: &Paths, seconds: u64) -> bool {
    let token = format!("{}-{:?}", std::process::id(), std::time::SystemTime::now());
    let marker = pending_path(paths);
    if std::fs::write(&marker, &token).is_err() {
        // No marker can be left (a read-only folder): publish without debouncing.
        return true;
    }
    std::thread::sleep(std::time::Duration::from_secs(seconds));
    // Gone (the folder removed meanwhile) means nothing is waiting for this run either.
    std::fs::read_to_string(&marker).is_ok_and(|latest| latest == token)
}

/// Queues the customer's mail about the change just saved; never fails the command (the change is saved
/// and published), only says why nothing was queued.
fn tell_customer(paths: &Paths, mail: &mail::MailSettings, store: &mut Store, reference: &str) {
    let queued = (|| -> Result<(), Failure> {
        let settings = Settings::load(&paths.config)?;
        let dossier = dossier::Dossier::load(store, reference)?;
        let email = dossier.submission.contact.email.clone();
        // The link carries the Reply-Proof, so the customer can reply from the device that opens the mail.
        let proof = match email.as_deref() {
            Some(email) => replies::ReplyKey::load(store)?.proof(&publish::status_key(
                &dossier.complaint.record.reference,
                email,
            )),
            None => None,
        };
        mail::enqueue(
            store,
            dossier.complaint.id,
            mail::customer_update(
                &settings,
                mail,
                &dossier.complaint,
                email.as_deref(),
                proof.as_deref(),
                zone::now(),
            ),
        );
        Ok(())
    })();
    if let Err(e) = queued {
        eprintln!("complaint-intake: {reference}: the customer's mail was not queued: {e}");
    }
}

/// Queues the organisation's copy of a complaint released from quarantine (when an inbox is configured);
/// never fails the command.
fn tell_organisation(
    paths: &Paths,
    mail: &mail::MailSettings,
    store: &Store,
    publisher: &Publisher,
    reference: &str,
) {
    if mail.org_inbox.is_none() {
        return;
    }
    let queued = (|| -> Result<(), Failure> {
        let settings = Settings::load(&paths.config)?;
        let dossier = dossier::Dossier::load(store, reference)?;
        let reference = &dossier.complaint.record.reference;
        mail::queue_for_organisation(
            store,
            &settings,
            mail,
            publisher,
            reference,
            complaint_domain::i18n::IntakeMsg::MailOrgNewComplaint,
            mail::FilesOf::Complaint,
        )?;
        Ok(())
    })();
    if let Err(e) = queued {
        eprintln!("complaint-intake: {reference}: the organisation's mail was not queued: {e}");
    }
}

fn serve(paths: &Paths, publisher: Publisher, options: cli::Serve) -> Result<(), Failure> {
    let settings = Arc::new(Settings::load(&paths.config)?);
    let mut store = open_store(paths)?;
    let reply_key = replies::ReplyKey::load(&mut store)?;
    let crash_after_commit = std::env::var_os(intake::CRASH_AFTER_COMMIT_ENV).is_some();
    let intake = Arc::new(intake::Intake::new(
        settings,
        store,
        publisher,
        intake::Options {
            min_fill_seconds: options.min_fill_seconds,
            db_max_bytes: options.db_max_mb.saturating_mul(1024 * 1024),
            replies_per_day: options.replies_per_day,
            crash_after_commit,
            mail: paths.mail.clone(),
            reply_key,
            insights: Some(insights::Debouncer::start(
                std::time::Duration::from_secs(INSIGHTS_DEBOUNCE_SECONDS),
                options.insights_max_wait,
                {
                    let args = publish_args(paths);
                    move || {
                        let mut command = std::process::Command::new(
                            std::env::current_exe().unwrap_or_else(|_| "complaint-intake".into()),
                        );
                        // `--wait 0`: marks itself the latest (a back-office run waiting meanwhile stands
                        // down), and like any background run never creates a database.
                        command
                            .arg("insights")
                            .arg("--wait")
                            .arg("0")
                            .args(&args)
                            .stdin(std::process::Stdio::null())
                            .stdout(std::process::Stdio::null());
                        command
                    }
                },
            )),
        },
    ));
    // Files ahead of their complaint, only where the config tells the app to send them so.
    let uploads = match intake.settings().config.submission.uploads {
        Some(_) => Some(Arc::new(uploads::Uploads::open(
            uploads::Uploads::beside(&paths.db),
            intake.settings().config.limits.attachments.max_bytes,
            options.uploads_max_mb.saturating_mul(1024 * 1024),
        )?)),
        None => None,
    };
    let caught_up = intake.catch_up()?;
    if caught_up > 0 {
        log!("published {caught_up} status file(s) left unwritten by an earlier stop");
    }
    Ok(http::serve(
        http::ServeOptions {
            listen: options.listen,
            site: options.site,
            publish_dir: paths.publish.clone(),
            insights_file: paths.insights.clone(),
            cors: http::Cors::new(options.allow_origins),
            rate_limit_per_minute: options.rate_limit_per_minute,
            status_misses_per_minute: options.status_misses_per_minute,
            header_timeout: options.header_timeout,
            pace: http::pace::Pace {
                silence: options.silence_timeout,
                min_bytes_per_second: options.min_rate,
                window: options.rate_window,
            },
            max_connections: options.max_connections,
            uploads,
            spool: http::Spool::beside(&paths.db),
            // As much as the uploads folder: the same bytes, sent the other way.
            spool_max_bytes: options.uploads_max_mb.saturating_mul(1024 * 1024),
            max_connections_per_address: options.max_connections_per_address,
            max_bodies_per_address: options.max_bodies_per_address,
            idle_timeout: options.idle_timeout,
            connection_lifetime: options.connection_lifetime,
            trusted_proxies: http::TrustedProxies::new(options.trusted_proxies),
            mail: paths.mail.clone(),
            address_daily_bytes: options.address_daily_mb.saturating_mul(1024 * 1024),
        },
        intake,
    )?)
}
