//! The reference intake service: receives complaints over HTTP (`docs/submission.md`), keeps them in
//! SQLite, publishes the static status files the tracker reads (`docs/status.md`), and moves complaints
//! through their stages from the command line. How to run it: `docs/intake.md`.
//!
//! This file is the command line's front end and nothing more: parse (`cli.rs`), call the desk (`desk/`,
//! every back-office action) and print what it returned (`tables.rs` for the lists); or start `serve`
//! (`http/`) with the intake it needs.

mod budget;
mod cli;
mod desk;
mod dossier;
mod error;
mod files;
mod http;
mod ids;
mod insights;
mod intake;
mod log;
mod mail;
mod objects;
mod oidc;
mod places;
mod privacy;
mod privacy_record;
mod private_files;
mod publish;
mod replies;
mod reply_proof;
mod settings;
mod store;
mod tables;
mod uploads;
mod webhooks;
mod zone;

use std::process::ExitCode;
use std::sync::Arc;

use cli::{Command, Paths};
use complaint_domain::status::DecidedOutcome;
use desk::{Actor, Desk, DeskError, Notice, StageChange};
use objects::evidence::Evidence;
use publish::Publisher;
use settings::{Settings, SettingsError};
use store::StoreError;

/// Why a command failed, by the part that failed; printed once, with exit status 1.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Desk(#[from] DeskError),
    #[error(transparent)]
    Serve(#[from] http::ServeError),
    #[error("cannot open the uploads folder: {0}")]
    Uploads(#[from] uploads::UploadError),
    #[error(transparent)]
    Publish(#[from] publish::PublishError),
    #[error("cannot write to stdout: {0}")]
    Output(std::io::Error),
    #[error("{0}")]
    Intake(#[from] error::IntakeError),
    /// A place named `s3://…` that cannot be opened (another desk's place: `Place`).
    #[error("{0}")]
    Objects(String),
    #[error(transparent)]
    Place(#[from] places::PlaceError),
    #[error(transparent)]
    Migrate(#[from] store::MigrateError),
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

fn run(paths: &Paths, command: Command) -> Result<(), Failure> {
    match command {
        Command::Help => {
            print!("{}", cli::help());
            return Ok(());
        }
        Command::Completions(shell) => {
            use std::io::Write;
            return std::io::stdout()
                .write_all(&cli::completions(shell))
                .map_err(Failure::Output);
        }
        Command::Migrate { from, to } => {
            let checked = store::migrate(&from, &to)?;
            print!("{}", tables::migrated(&checked));
            return Ok(());
        }
        _ => {}
    }
    // Loaded once: a command whose config cannot be read fails on it by itself, or never needs it.
    let settings = Settings::load(&paths.config)
        .map(Arc::new)
        .map_err(Arc::new);
    // The one setting a status file carries (until when a closed complaint can be reopened).
    let publisher = publisher_at(&paths.publish)?.with_reopen_days(
        settings
            .as_ref()
            .map(|s| s.config.replies.reopen_days)
            .unwrap_or_default(),
    );
    if let Command::PrivacyRecord = command {
        // Read again for its own error: the shared copy's error is behind an Arc.
        let settings = match settings {
            Ok(settings) => settings,
            Err(_) => Arc::new(Settings::load(&paths.config)?),
        };
        print!("{}", privacy_record::record(&settings.config));
        return Ok(());
    }
    let files = files_at(paths.files.as_deref())?;
    let evidence = match &files {
        Some(place) => Evidence::in_place(Arc::clone(place)),
        None => Evidence::in_database(),
    };
    let db = store::open_storage(&paths.db, evidence)?;
    // Every status file also under the name the customer's mail link finds (`Publisher::link_name`).
    let publisher = publisher.with_link_key(reply_proof::ReplyKey::load(&mut *db.handle())?);
    match command {
        Command::Serve(options) => serve(paths, db, files, publisher, *options),
        command => desk_command(
            &mut Desk::new(db.into_own(), publisher, settings, paths.mail.clone()),
            paths,
            command,
        ),
    }
}

/// Runs a back-office command on the desk and prints what it returned: the changes here, the rest in
/// [`read_command`].
fn desk_command(desk: &mut Desk, paths: &Paths, command: Command) -> Result<(), Failure> {
    let actor = &Actor::CommandLine;
    match command {
        Command::Stage {
            reference,
            stage,
            message,
            next_step,
            decision,
            causes,
        } => {
            let change = StageChange {
                stage,
                message,
                next_step,
                decision: decision.map(|(decision, summary)| DecidedOutcome { decision, summary }),
                causes,
            };
            let changed = desk.stage(actor, &reference, change)?;
            println!("{} is now \"{}\"", changed.record.reference, stage.as_str());
            warn(&changed.notices);
        }
        Command::Extend {
            reference,
            step,
            due,
            rule,
        } => {
            let changed = desk.extend(actor, &reference, step, due, rule)?;
            println!("{}: the date is now {due}", changed.record.reference);
            warn(&changed.notices);
        }
        Command::Release { reference } => {
            let changed = desk.release(actor, &reference)?;
            println!(
                "{} is released: its status file is published, so the customer can track it",
                changed.record.reference
            );
            warn(&changed.notices);
        }
        Command::Delete { reference } => {
            let reference = desk.delete(actor, &reference)?;
            println!("{reference} is deleted, with its files and key");
        }
        Command::StaffInvite { invite, origin } => {
            let invited = desk.invite(actor, &invite, None, zone::now())?;
            let origin = desk::sign_in::origin_text(&origin);
            println!("{}", desk::enrol::enrol_link(&origin, &invited.token));
            eprintln!(
                "complaint-intake: a one-time link for {} ({}), good until {}; open it on {origin}",
                invite.name.trim(),
                invite.role,
                invited.expires_at
            );
        }
        Command::Privacy(command) => privacy::run(desk, command)?,
        command => return read_command(desk, paths, command),
    }
    Ok(())
}

/// Runs a back-office command that reads (and at most marks replies read) and prints what it returned.
fn read_command(desk: &mut Desk, paths: &Paths, command: Command) -> Result<(), Failure> {
    let actor = &Actor::CommandLine;
    match command {
        Command::List { all, at } => {
            let list = desk.list(actor, at.unwrap_or_else(zone::now), all)?;
            print!("{}", tables::open_list(&list));
        }
        Command::ListQuarantine => print!("{}", tables::quarantine(&desk.quarantined(actor)?)),
        Command::Show { reference, lang } => {
            let shown = desk.show(actor, &reference)?;
            print!(
                "{}",
                shown
                    .dossier
                    .show(desk.settings()?, lang, &shown.status_file)
            );
        }
        Command::Attachment {
            reference,
            which,
            out,
            force,
        } => match which {
            cli::Which::One(number) => {
                let bytes = desk.save_file(actor, &reference, number, &out, force)?;
                println!("{bytes} bytes written to {}", out.display());
            }
            cli::Which::All => {
                let written = desk.save_files(actor, &reference, &out, force)?;
                for path in &written {
                    println!("{}", path.display());
                }
                println!("{} file(s) written to {}", written.len(), out.display());
            }
        },
        Command::Export {
            since,
            format,
            lang,
        } => print!("{}", desk.export(actor, since, format, lang, None)?),
        Command::Insights => {
            let bytes = desk.publish_figures(actor, &paths.insights, None)?;
            println!(
                "{bytes} bytes of insights written to {}",
                paths.insights.display()
            );
        }
        Command::Report { from, to, format } => {
            print!(
                "{}",
                desk.report(actor, from, to, format, None)?.render(format)
            );
        }
        Command::Republish { all } => {
            let written = desk.republish(actor, all, None)?;
            println!(
                "{written} status file(s) written to {}",
                desk.publish_dir().display()
            );
        }
        // Changes are `desk_command`'s; the rest never reach the desk.
        Command::Stage { .. }
        | Command::Extend { .. }
        | Command::Release { .. }
        | Command::Delete { .. }
        | Command::Help
        | Command::Completions(_)
        | Command::Migrate { .. }
        | Command::PrivacyRecord
        | Command::StaffInvite { .. }
        | Command::Privacy(_)
        | Command::Serve(_) => {}
    }
    Ok(())
}

/// What did not follow a saved change, on the error stream; the command still succeeds.
fn warn(notices: &[Notice]) {
    for notice in notices {
        eprintln!("complaint-intake: {notice}");
    }
}

/// The status files' place, as `--publish` names it: a folder, or an `s3://` bucket.
fn publisher_at(publish: &std::path::Path) -> Result<Publisher, Failure> {
    match objects::Place::parse(publish).map_err(Failure::Objects)? {
        objects::Place::Folder(dir) => Ok(Publisher::new(dir)),
        place => {
            let opened = place
                .open()
                .map_err(|e| Failure::Objects(format!("cannot open {}: {e}", publish.display())))?;
            Ok(Publisher::at(publish.to_owned(), opened))
        }
    }
}

/// Publishes, every `every`, the status files that could not be written when their complaint was saved
/// (the object store down or refusing writes): the complaint was kept, only its file waits.
fn keep_publishing(intake: Arc<intake::Intake>, every: std::time::Duration) {
    std::thread::spawn(move || loop {
        std::thread::sleep(every);
        match intake.catch_up() {
            Ok(0) => {}
            Ok(n) => log!("published {n} status file(s) that had waited"),
            Err(e) => log!("status files still unpublished: {e}"),
        }
    });
}

/// The files place `--files` names, opened: where evidence files' bytes are kept (and uploads, in `serve`).
/// Without it the bytes stay in the database, as before: a single desk stays one file to back up, and
/// `--db-max-mb` bounds all it holds.
fn files_at(files: Option<&std::path::Path>) -> Result<Option<Arc<dyn objects::Objects>>, Failure> {
    let Some(files) = files else { return Ok(None) };
    let place = objects::Place::parse(files)
        .map_err(Failure::Objects)?
        .open()
        .map_err(|e| Failure::Objects(format!("cannot open --files: {e}")))?;
    Ok(Some(place))
}

/// The uploads' place: `--files` (a folder, or an `s3://` bucket every node shares, `opened` already),
/// else the folder beside the database.
fn open_uploads(
    node: &places::NodeFolders,
    files: Option<&std::path::Path>,
    opened: Option<&Arc<dyn objects::Objects>>,
    max_file_bytes: u64,
    ceiling: u64,
) -> Result<uploads::Uploads, Failure> {
    let place = files
        .map(objects::Place::parse)
        .transpose()
        .map_err(Failure::Objects)?;
    let dir = node.uploads.clone();
    Ok(match (place, opened) {
        (Some(objects::Place::Bucket { .. }), Some(bucket)) => {
            uploads::Uploads::open(dir, max_file_bytes, ceiling)?.in_bucket(Arc::clone(bucket))
        }
        (Some(objects::Place::Folder(folder)), _) => {
            uploads::Uploads::open(folder, max_file_bytes, ceiling)?
        }
        _ => uploads::Uploads::open(dir, max_file_bytes, ceiling)?,
    })
}

fn serve(
    paths: &Paths,
    db: store::Db,
    files: Option<Arc<dyn objects::Objects>>,
    publisher: Publisher,
    options: cli::Serve,
) -> Result<(), Failure> {
    let settings = Arc::new(Settings::load(&paths.config)?);
    let node = places::NodeFolders::of(options.node_dir.as_deref(), &paths.db)?;
    let folder = matches!(
        objects::Place::parse(&paths.publish),
        Ok(objects::Place::Folder(_))
    );
    places::claim(&mut *db.handle(), publisher.place(), folder)?;
    // A files bucket holds evidence and uploads: another desk's is refused before anything is written.
    // (A folder is one machine's, and its uploads' sweep takes any file it does not know.)
    let bucket = matches!(
        paths.files.as_deref().map(objects::Place::parse),
        Some(Ok(objects::Place::Bucket { .. }))
    );
    if let (Some(files), true) = (&files, bucket) {
        places::claim(&mut *db.handle(), &**files, false)?;
    }
    let reply_key = reply_proof::ReplyKey::load(&mut *db.handle())?;
    let desk_store = db.own()?;
    let crash_after_commit = std::env::var_os(intake::CRASH_AFTER_COMMIT_ENV).is_some();
    let publisher_for_desk = publisher.clone();
    let intake = Arc::new(intake::Intake::new(
        Arc::clone(&settings),
        db,
        publisher,
        intake::Options {
            min_fill_seconds: options.min_fill_seconds,
            db_max_bytes: options.db_max_mb.saturating_mul(1024 * 1024),
            replies_per_day: options.replies_per_day,
            crash_after_commit,
            mail: paths.mail.clone(),
            reply_key,
        },
    ));
    // Files ahead of their complaint, only where the config tells the app to send them so.
    let uploads = match intake.settings().config.submission.uploads {
        Some(_) => Some(Arc::new(open_uploads(
            &node,
            paths.files.as_deref(),
            files.as_ref(),
            intake.settings().config.limits.attachments.max_bytes,
            options.uploads_max_mb.saturating_mul(1024 * 1024),
        )?)),
        None => None,
    };
    figures_on_schedule(paths, &options, settings.zone.clone());
    match intake.catch_up() {
        Ok(0) => {}
        Ok(n) => log!("published {n} status file(s) left unwritten by an earlier stop"),
        // The place is down: serving goes on, and the files follow when it is back.
        Err(e) => log!("status files still unpublished: {e}"),
    }
    keep_publishing(Arc::clone(&intake), options.republish_every);
    privacy::purge_on_schedule(paths, options.purge_every);
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
            spool: node.spool,
            // As much as the uploads folder: the same bytes, sent the other way.
            spool_max_bytes: options.uploads_max_mb.saturating_mul(1024 * 1024),
            max_connections_per_address: options.max_connections_per_address,
            max_bodies_per_address: options.max_bodies_per_address,
            idle_timeout: options.idle_timeout,
            connection_lifetime: options.connection_lifetime,
            trusted_proxies: http::TrustedProxies::new(options.trusted_proxies),
            mail: paths.mail.clone(),
            address_daily_bytes: options.address_daily_mb.saturating_mul(1024 * 1024),
            webhooks: webhooks::WebhookSettings {
                allow_private: options.webhooks_allow_private,
                first_retry: options.webhooks_first_retry,
            },
            staff: http::StaffOptions {
                origin: options.staff_origin,
                idle: options.staff_idle_minutes,
                lifetime: options.staff_session_hours,
                attempts_per_minute: options.staff_sign_in_limit,
                oidc: oidc_options(
                    options.oidc_issuer,
                    options.oidc_client_id,
                    options.oidc_client_secret_file.as_deref(),
                    options.oidc_label,
                )?,
            },
            desk: Arc::new(std::sync::Mutex::new(Desk::new(
                desk_store,
                publisher_for_desk,
                Ok(settings),
                paths.mail.clone(),
            ))),
        },
        intake,
    )?)
}

/// `serve`'s worker for the figures: a fresh `complaint-intake insights` run at each time of the schedule
/// (`--insights-at`, `--insights-every`; `insights::Schedule`), never after a change.
fn figures_on_schedule(paths: &Paths, options: &cli::Serve, zone: zone::OrgZone) {
    let mut args: Vec<std::ffi::OsString> = vec!["insights".into()];
    for (flag, value) in [
        ("--config", paths.config.clone().into_os_string()),
        ("--db", paths.db.flag()),
        ("--publish", paths.publish.clone().into_os_string()),
        ("--insights", paths.insights.clone().into_os_string()),
    ] {
        args.push(flag.into());
        args.push(value);
    }
    let schedule = insights::Schedule {
        every: options.insights_every,
        at: options.insights_at,
    };
    schedule.start(zone, move || {
        let mut command = std::process::Command::new(
            std::env::current_exe().unwrap_or_else(|_| "complaint-intake".into()),
        );
        command
            .args(&args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null());
        command
    });
}

/// The OpenID Connect provider's settings from `serve`'s flags (clap makes them come together), the client
/// secret read from its file.
fn oidc_options(
    issuer: Option<String>,
    client_id: Option<String>,
    secret_file: Option<&std::path::Path>,
    label: String,
) -> Result<Option<oidc::OidcOptions>, Failure> {
    let (Some(issuer), Some(client_id), Some(secret_file)) = (issuer, client_id, secret_file)
    else {
        return Ok(None);
    };
    let doing = format!("read --oidc-client-secret-file {}", secret_file.display());
    let secret = std::fs::read_to_string(secret_file).map_err(|source| http::ServeError {
        doing: doing.clone(),
        source,
    })?;
    let client_secret = secret.trim().to_owned();
    if client_secret.is_empty() {
        return Err(http::ServeError {
            doing,
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is empty"),
        }
        .into());
    }
    Ok(Some(oidc::OidcOptions {
        issuer,
        client_id,
        client_secret,
        label,
    }))
}
