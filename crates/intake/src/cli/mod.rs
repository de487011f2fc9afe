//! The command line, described once with clap's derive (`Cli`): `serve`, the back-office commands, `list`,
//! `show`, `republish`, `insights`, `report` and `completions`, each with its own `--help`, and the flags
//! every command shares (`Shared`: `--config`, `--db`, `--publish`, `--insights`, the mail flags), taken
//! before or after the command's name. `parse` turns what was typed into `Paths` and the `Command` main.rs
//! runs. Domain values (dates, decisions, languages, LANG:TEXT) are read by the small value parsers in
//! [`values`]; what several values say together (a text both plain and per language, a period backwards) is
//! checked by `Sub::resolve`. Every usage error exits with clap's status 2.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};
use clap_complete::Shell;
use webauthn_rs::prelude::Url;

use complaint_domain::calendar::Date;
use complaint_domain::i18n::Locale;
use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{DeadlineStep, Decision, Stage};

use crate::dossier::ExportFormat;
use crate::insights::ReportFormat;
use crate::mail::MailSettings;

pub mod privacy;
#[cfg(test)]
mod tests;
mod values;

use values::{
    date, decision, every, export_format, file_number, hours, instant, locale, minutes, org_text,
    origin, relay, report_format, seconds, step, text, Text,
};

/// Printed after the list of commands by `--help` (and with no command at all).
const NOTES: &str = "\
TEXT for the customer (--message, --next-step, --summary, --rule) is plain text once, published as it is, or
LANG:TEXT once per language (--message ko:접수했습니다. --message en:We have it.): the customer's own language is
published first, and the tracker shows the page's language, else that one, marked as another language.

serve prints its address (http://127.0.0.1:PORT) as the first line on stdout; logs go to stderr.
Each command has its own --help; `completions bash|zsh|fish` prints a completion script. See docs/intake.md.";

/// The reference intake service of the complaint desk
#[derive(Parser)]
#[command(name = "complaint-intake", after_help = NOTES, args_override_self = true)]
struct Cli {
    #[command(flatten)]
    shared: Shared,
    #[command(subcommand)]
    command: Option<Sub>,
}

/// The flags every command takes, before or after its name.
#[derive(Args)]
#[command(next_help_heading = "Every command")]
struct Shared {
    /// The organisation's config.json
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        default_value = "public/api/v1/config.json"
    )]
    config: PathBuf,
    /// The database: a SQLite file (a path, or sqlite:PATH), or postgres://user@host:port/name
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        default_value = "var/intake.sqlite3"
    )]
    db: PathBuf,
    /// Where status files are written: a folder, or s3://BUCKET/PREFIX
    #[arg(long, global = true, value_name = "DIR", default_value = "var/status")]
    publish: PathBuf,
    /// Where insights.json is written (by `insights`, and by `serve` on its schedule): a path, or s3://BUCKET/NAME
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        default_value = "var/insights.json"
    )]
    insights: PathBuf,
    /// Where evidence files' bytes and resumable uploads are kept: a folder, or s3://BUCKET/PREFIX shared by every node [default: files in the database, uploads in a folder beside --db]
    #[arg(long, global = true, value_name = "PLACE")]
    files: Option<PathBuf>,
    #[command(flatten)]
    mail: MailFlags,
}

/// Mail customers on stage changes and the organisation on new complaints and replies, with their files
/// up to the size: queued by any command, sent by `serve`.
#[derive(Args)]
#[command(next_help_heading = "Mail, every command (none without --smtp-relay)")]
struct MailFlags {
    /// The relay, in plain SMTP
    #[arg(long, global = true, value_name = "HOST:PORT", value_parser = relay)]
    smtp_relay: Option<(String, u16)>,
    /// The sender (needed with --smtp-relay)
    #[arg(long, global = true, value_name = "ADDRESS")]
    mail_from: Option<String>,
    /// New complaints and customer replies are mailed here too
    #[arg(long, global = true, value_name = "ADDRESS")]
    org_inbox: Option<String>,
    /// The language of the organisation's own mail
    #[arg(long, global = true, value_name = "LANG", default_value = "en", value_parser = locale())]
    org_lang: Locale,
    /// The site the customer's link opens
    #[arg(
        long,
        global = true,
        value_name = "URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
    /// Seconds the relay may take over one mail
    #[arg(long, global = true, value_name = "S", default_value = "10", value_parser = seconds())]
    smtp_timeout: Duration,
    /// The most one mail to the organisation may weigh, files encoded, in MB
    #[arg(
        long, global = true, value_name = "MB", default_value_t = crate::mail::DEFAULT_MAX_MB,
        value_parser = clap::value_parser!(u64).range(1..=MAX_MAIL_MB)
    )]
    mail_max_mb: u64,
    /// Seconds a complaint's further reply mails wait, so that replies close together go in one mail (0: each at once)
    #[arg(
        long, global = true, value_name = "S", default_value_t = crate::mail::DEFAULT_GATHER_SECONDS,
        value_parser = clap::value_parser!(u64).range(0..=MAX_SECONDS)
    )]
    mail_gather_seconds: u64,
}

/// No relay takes a mail larger than this; a cap above it would only mean mail refused for good.
const MAX_MAIL_MB: u64 = 100;

/// The longest any timeout or lifetime may be: deadlines are "now + this", and an absurd value would
/// overflow the clock rather than mean "never".
const MAX_SECONDS: u64 = 86_400;

/// The commands, as typed.
#[derive(Subcommand)]
enum Sub {
    /// Receive complaints, uploads and replies over HTTP; serve the status files and, with --site, the app
    #[command(
        after_help = "Prints its address (http://127.0.0.1:PORT) as the first line on stdout and \
                            nothing else there; logs go to stderr. Stops on SIGINT or SIGTERM."
    )]
    Serve(Box<Serve>),
    /// Move a complaint to "acknowledged"
    Acknowledge(Change),
    /// Move a complaint to "assessing"
    Assess(Change),
    /// Move a complaint to "investigating"
    Investigate(Change),
    /// Move a complaint to "responded", with the decision and its root causes
    Respond {
        #[command(flatten)]
        change: Change,
        /// The decision
        #[arg(long, value_name = "DECISION", value_parser = decision())]
        decision: Decision,
        /// The decision's summary for the customer
        #[arg(long, value_name = "TEXT", value_parser = text, allow_hyphen_values = true)]
        summary: Vec<Text>,
        /// A root cause from the config's `causes` (repeatable, or a,b)
        #[arg(long = "cause", value_name = "ID")]
        causes: Vec<String>,
    },
    /// Move a complaint to "closed"
    Close(Change),
    /// Move a complaint to "reopened"
    Reopen(Change),
    /// Set by hand the date a step is due
    Extend {
        /// The complaint's reference
        #[arg(value_name = "REFERENCE")]
        reference: String,
        /// The step whose date moves
        #[arg(long, value_name = "STEP", value_parser = step())]
        step: DeadlineStep,
        /// The new date
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
        due: Date,
        /// Why, for the customer
        #[arg(long, value_name = "TEXT", value_parser = text, allow_hyphen_values = true)]
        rule: Vec<Text>,
    },
    /// Open complaints, overdue first
    List {
        /// Closed ones too
        #[arg(long)]
        all: bool,
        /// The list as it will look at this time
        #[arg(long, value_name = "2026-12-01T09:00:00Z", value_parser = instant)]
        at: Option<Instant>,
        /// Instead, the complaints held as possibly automated, with the reason
        #[arg(long, conflicts_with_all = ["all", "at"])]
        quarantine: bool,
    },
    /// Let a complaint out of quarantine: its status file is published
    Release {
        /// The complaint's reference
        #[arg(value_name = "REFERENCE")]
        reference: String,
    },
    /// Delete a complaint held in quarantine, with its files and key
    Delete {
        /// The complaint's reference
        #[arg(value_name = "REFERENCE")]
        reference: String,
    },
    /// Print the whole complaint as a person reads it (and mark its replies read)
    Show {
        /// The complaint's reference
        #[arg(value_name = "REFERENCE")]
        reference: String,
        /// The language of the labels
        #[arg(long, value_name = "LANG", default_value = "en", value_parser = locale())]
        lang: Locale,
    },
    /// Write a complaint's file N (as `show` numbers them), or all of them, to disk
    Attachment {
        /// The complaint's reference
        #[arg(value_name = "REFERENCE")]
        reference: String,
        /// The file's number: 1, 2, …
        #[arg(value_name = "N", value_parser = file_number, required_unless_present = "all", conflicts_with = "all")]
        number: Option<i64>,
        /// Every file, into the folder --out names
        #[arg(long)]
        all: bool,
        /// The file to write (the folder, with --all)
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Overwrite what exists
        #[arg(long)]
        force: bool,
    },
    /// Print the complaints received since a date; or, with --reference or --email, write everything held
    /// about a person (JSON and files) into a zip
    Export {
        /// The first day
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = date, required_unless_present_any = ["reference", "email"], requires = "format", conflicts_with_all = ["reference", "email", "out"])]
        since: Option<Date>,
        #[arg(long, value_name = "FORMAT", value_parser = export_format())]
        format: Option<ExportFormat>,
        /// The language of the labels
        #[arg(long, value_name = "LANG", default_value = "en", value_parser = locale())]
        lang: Locale,
        #[command(flatten)]
        person: privacy::Person,
        /// The zip to write (with --reference or --email)
        #[arg(long, value_name = "FILE.zip", required_unless_present = "since")]
        out: Option<PathBuf>,
    },
    #[command(flatten)]
    Privacy(privacy::PrivacySub),
    /// Write the status files from the database (those not current)
    Republish {
        /// Every complaint's, e.g. into a new folder
        #[arg(long)]
        all: bool,
    },
    /// Compute and publish insights.json now
    Insights,
    /// Print the regulator's return for complaints opened and closed in a period
    Report {
        /// The first day
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
        from: Date,
        /// The last day
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
        to: Date,
        #[arg(long, value_name = "FORMAT", value_parser = report_format())]
        format: ReportFormat,
    },
    /// Staff accounts of the desk in the browser
    #[command(subcommand)]
    Staff(StaffSub),
    /// Copy a SQLite desk, every table and file, into an empty PostgreSQL database, and check the copy
    #[command(
        after_help = "Stop every serve first. The copy is checked table by table: rows counted and \
                      hashed on both sides; any difference is an error. See docs/scaling.md."
    )]
    Migrate {
        /// The SQLite file to copy from
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The PostgreSQL database to copy into: postgres://user@host:port/name, empty
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Print the record of processing's part the config decides (docs/privacy.md), as Markdown
    PrivacyRecord,
    /// Print a completion script for a shell
    Completions {
        #[arg(value_name = "SHELL")]
        shell: Shell,
    },
}

/// What the six stage commands take.
#[derive(Args)]
struct Change {
    /// The complaint's reference, however typed (CMP-Z3DT-220A, cmp-z3dt-220a)
    #[arg(value_name = "REFERENCE")]
    reference: String,
    /// For the customer, published on the tracker
    #[arg(long, value_name = "TEXT", value_parser = text, allow_hyphen_values = true)]
    message: Vec<Text>,
    /// What happens next, for the customer (cleared by a stage change without it)
    #[arg(long, value_name = "TEXT", value_parser = text, allow_hyphen_values = true)]
    next_step: Vec<Text>,
}

/// `serve`'s flags. Adding one: a field here, and its line where main.rs builds `http::ServeOptions`.
#[derive(Args)]
pub struct Serve {
    /// Address and port; port 0 picks a free one
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Also serve this static site (the built app, dist/)
    #[arg(long, value_name = "DIR")]
    pub site: Option<PathBuf>,
    /// Pages on this origin may send complaints and read status files (CORS); repeatable
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,
    /// Complaints a minute from one client (replies are counted apart, at the same rate)
    #[arg(long = "rate-limit", value_name = "N", default_value_t = 20)]
    pub rate_limit_per_minute: u32,
    /// Seconds from a connection's first byte to the end of a request's headers
    #[arg(long, value_name = "S", default_value = "10", value_parser = seconds())]
    pub header_timeout: Duration,
    /// A request body that sends nothing for this many seconds is cut (--body-timeout is read as this)
    #[arg(long, alias = "body-timeout", value_name = "S", default_value = "30", value_parser = seconds())]
    pub silence_timeout: Duration,
    /// Bytes a second a body must average over each --rate-window; slower is cut
    #[arg(long, value_name = "B", default_value_t = 2048)]
    pub min_rate: u64,
    /// Seconds over which --min-rate is averaged
    #[arg(long, value_name = "S", default_value = "20", value_parser = seconds())]
    pub rate_window: Duration,
    /// The most the uploads folder may hold, in MiB
    #[arg(long, value_name = "N", default_value_t = 2048)]
    pub uploads_max_mb: u64,
    /// The most the database may take, in MiB: files past it wait; complaints without files go in
    #[arg(long, value_name = "MB", default_value_t = 20 * 1024)]
    pub db_max_mb: u64,
    /// The bytes of files one address may have kept in a day, in MiB
    #[arg(long, value_name = "MB", default_value_t = 256)]
    pub address_daily_mb: u64,
    /// Replies one complaint may have in 24 hours
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub replies_per_day: u32,
    /// The time of the organisation's day the figures are published at, in its time zone (HH:MM or HH:MM:SS)
    #[arg(long, value_name = "HH:MM", default_value = "06:00", value_parser = crate::insights::time_of_day)]
    pub insights_at: u32,
    /// How often the figures are published: every day, or every week on Mondays
    #[arg(long, value_name = "EVERY", default_value = "day", value_parser = every())]
    pub insights_every: crate::insights::Every,
    /// Status lookups that find nothing, per client per minute; past it every lookup gets 429
    #[arg(long = "status-misses", value_name = "N", default_value_t = 30)]
    pub status_misses_per_minute: u32,
    /// Complaints filled in faster than this are held in quarantine as possibly automated
    #[arg(long, value_name = "S", default_value_t = 3)]
    pub min_fill_seconds: u64,
    /// Open connections at once, from everyone
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_connections: usize,
    /// Open connections at once from one client
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub max_connections_per_address: usize,
    /// Request bodies arriving at once from one client (an IPv4 address, an IPv6 /64)
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_bodies_per_address: usize,
    /// A connection whose answer cannot be written for this many seconds is closed
    #[arg(long, value_name = "S", default_value = "20", value_parser = seconds())]
    pub idle_timeout: Duration,
    /// A connection older than this many seconds takes no new request
    #[arg(long, value_name = "S", default_value = "300", value_parser = seconds())]
    pub connection_lifetime: Duration,
    /// A reverse proxy whose X-Forwarded-For is believed: an address or a network; repeatable
    #[arg(long = "trusted-proxy", value_name = "ADDR[/BITS]")]
    pub trusted_proxies: Vec<crate::http::Network>,
    /// Webhooks may call loopback and private addresses (off: an admin's URL cannot reach this network)
    #[arg(long)]
    pub webhooks_allow_private: bool,
    /// Seconds before a failed webhook is tried again; each later wait is longer, up to 2880 times this
    #[arg(long, value_name = "S", default_value = "30", value_parser = seconds())]
    pub webhooks_first_retry: Duration,
    /// Where staff open the desk (passkeys are bound to its host; not an IP address) [default: http://localhost:PORT]
    #[arg(long, value_name = "URL", value_parser = origin)]
    pub staff_origin: Option<Url>,
    /// A desk session unused this many minutes ends (decimals allowed)
    #[arg(long, value_name = "MIN", default_value = "30", value_parser = minutes)]
    pub staff_idle_minutes: Duration,
    /// A desk session ends this many hours after sign-in, however used (decimals allowed)
    #[arg(long, value_name = "H", default_value = "12", value_parser = hours)]
    pub staff_session_hours: Duration,
    /// Sign-in and enrolment requests a minute from one client
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub staff_sign_in_limit: u32,
    /// Staff may sign in with this OpenID Connect provider (its issuer URL); needs the client id and secret file
    #[arg(long, value_name = "URL", requires_all = ["oidc_client_id", "oidc_client_secret_file"])]
    pub oidc_issuer: Option<String>,
    /// The desk's client id at the OpenID Connect provider
    #[arg(long, value_name = "ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// A file holding the desk's client secret at the provider (never on the command line)
    #[arg(long, value_name = "PATH", requires = "oidc_issuer")]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// The words on the desk's button for the provider
    #[arg(
        long,
        value_name = "TEXT",
        requires = "oidc_issuer",
        default_value = "Sign in with your organisation's account"
    )]
    pub oidc_label: String,
    /// This node's own folder: bodies being received, and uploads without --files [default: beside a SQLite --db; needed with postgres://]
    #[arg(long, value_name = "DIR")]
    pub node_dir: Option<PathBuf>,
    /// Status files not written when their complaint was saved (the place down) are tried again this often
    #[arg(long, value_name = "S", default_value = "30", value_parser = seconds())]
    pub republish_every: Duration,
    /// How often the purge erases the complaints past their keep-until day (config `retention`), in seconds
    #[arg(long, value_name = "S", default_value = "3600", value_parser = seconds())]
    pub purge_every: Duration,
}

/// `staff`'s commands.
#[derive(Subcommand)]
enum StaffSub {
    /// Print a one-time enrolment link (72 hours) for a new staff member
    Invite {
        /// agent, lead or admin
        #[arg(long, value_name = "ROLE")]
        role: String,
        /// The person's name
        #[arg(long, value_name = "NAME")]
        name: String,
        /// The person's email address (their account's name)
        #[arg(long, value_name = "ADDRESS")]
        email: String,
        /// A category whose queue they work (repeatable)
        #[arg(long = "category", value_name = "ID")]
        categories: Vec<String>,
        /// The desk's origin, as given to serve's --staff-origin
        #[arg(long, value_name = "URL", value_parser = origin, default_value = "http://localhost:8080")]
        origin: Url,
    },
}

pub struct Paths {
    pub config: PathBuf,
    /// The database: a SQLite file (`--db PATH` or `--db sqlite:PATH`) or a PostgreSQL address.
    pub db: crate::store::Address,
    pub publish: PathBuf,
    /// The published figures (`docs/insights.md`).
    pub insights: PathBuf,
    /// Where evidence files' bytes and uploads are (`--files`); `None`: bytes in the database.
    pub files: Option<PathBuf>,
    /// Mail through a relay; `None` without `--smtp-relay`, and then nothing is mailed.
    pub mail: Option<MailSettings>,
}

/// What main.rs runs: the commands as typed, with the six stage commands as one.
pub enum Command {
    /// No command: the help is printed.
    Help,
    Serve(Box<Serve>),
    Stage {
        reference: String,
        stage: Stage,
        message: Option<OrgText>,
        next_step: Option<OrgText>,
        decision: Option<(Decision, Option<OrgText>)>,
        /// Root causes found (respond only), checked against the config.
        causes: Vec<String>,
    },
    Extend {
        reference: String,
        step: DeadlineStep,
        due: Date,
        rule: Option<OrgText>,
    },
    List {
        all: bool,
        at: Option<Instant>,
    },
    /// Complaints held as possibly automated.
    ListQuarantine,
    /// Out of quarantine, and published.
    Release {
        reference: String,
    },
    /// A held complaint, deleted with its files and key.
    Delete {
        reference: String,
    },
    /// The whole complaint, labelled in `lang` (the organisation's language).
    Show {
        reference: String,
        lang: Locale,
    },
    /// One file (`number`, 1-based) to a file, or all of them into a folder.
    Attachment {
        reference: String,
        which: Which,
        out: PathBuf,
        force: bool,
    },
    Export {
        since: Date,
        format: ExportFormat,
        lang: Locale,
    },
    /// Purge, hold, erase, and a person's data as a zip (issue #25).
    Privacy(privacy::PrivacyCommand),
    Republish {
        all: bool,
    },
    /// Computes and publishes insights.json now (`serve` does on its schedule).
    Insights,
    /// The regulator's return for a period.
    Report {
        from: Date,
        to: Date,
        format: ReportFormat,
    },
    /// A completion script for the shell, on stdout.
    Completions(Shell),
    /// The generated part of the record of processing, from the config, on stdout.
    PrivacyRecord,
    /// A one-time enrolment link for a new staff member, printed.
    StaffInvite {
        invite: crate::desk::enrol::Invite,
        origin: Url,
    },
    /// A SQLite desk copied into PostgreSQL.
    Migrate {
        from: PathBuf,
        to: String,
    },
}

pub enum Which {
    One(i64),
    All,
}

/// Reads the command line (`args` with the program's name first); an error is clap's, to be printed
/// with its exit status (2 for usage, 0 for `--help`).
pub fn parse<I, T>(args: I) -> Result<(Paths, Command), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = Cli::try_parse_from(args)?;
    let command = match cli.command {
        None => Command::Help,
        Some(sub) => sub.resolve()?,
    };
    Ok((cli.shared.into_paths()?, command))
}

/// The help, as `-h` prints it.
pub fn help() -> String {
    Cli::command().render_help().to_string()
}

/// The completion script for `shell` (written to memory: clap_complete panics on a failed write).
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "complaint-intake", &mut script);
    script
}

impl Shared {
    fn into_paths(self) -> Result<Paths, clap::Error> {
        let mail = self.mail;
        // Checked here, not with clap's `requires`: the two flags may stand on either side of the command.
        let mail = match (mail.smtp_relay, mail.mail_from) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(Cli::command().error(
                    ErrorKind::MissingRequiredArgument,
                    "--smtp-relay needs --mail-from ADDRESS",
                ))
            }
            (Some((relay_host, relay_port)), Some(from)) => Some(MailSettings {
                relay_host,
                relay_port,
                from,
                org_inbox: mail.org_inbox,
                org_lang: mail.org_lang,
                public_url: mail.public_url,
                timeout: mail.smtp_timeout,
                max_bytes: mail.mail_max_mb * 1024 * 1024,
                gather: Duration::from_secs(mail.mail_gather_seconds),
            }),
        };
        Ok(Paths {
            config: self.config,
            db: crate::store::Address::parse(&self.db),
            publish: self.publish,
            insights: self.insights,
            files: self.files,
            mail,
        })
    }
}

impl Sub {
    /// The command to run, once what several values say together is checked.
    fn resolve(self) -> Result<Command, clap::Error> {
        Ok(match self {
            Sub::Serve(serve) => Command::Serve(serve),
            Sub::Acknowledge(change) => change.into_stage("acknowledge", Stage::Acknowledged)?,
            Sub::Assess(change) => change.into_stage("assess", Stage::Assessing)?,
            Sub::Investigate(change) => change.into_stage("investigate", Stage::Investigating)?,
            Sub::Close(change) => change.into_stage("close", Stage::Closed)?,
            Sub::Reopen(change) => change.into_stage("reopen", Stage::Reopened)?,
            Sub::Respond {
                change,
                decision,
                summary,
                causes,
            } => {
                let summary = org_text("--summary", summary).map_err(|e| refuse("respond", e))?;
                let decided = Some((decision, summary));
                change.into_command("respond", Stage::Responded, decided, causes)?
            }
            Sub::Extend {
                reference,
                step,
                due,
                rule,
            } => Command::Extend {
                reference,
                step,
                due,
                rule: org_text("--rule", rule).map_err(|e| refuse("extend", e))?,
            },
            Sub::List {
                quarantine: true, ..
            } => Command::ListQuarantine,
            Sub::List { all, at, .. } => Command::List { all, at },
            Sub::Release { reference } => Command::Release { reference },
            Sub::Delete { reference } => Command::Delete { reference },
            Sub::Show { reference, lang } => Command::Show { reference, lang },
            Sub::Attachment {
                reference,
                number,
                all: _,
                out,
                force,
            } => Command::Attachment {
                reference,
                // `required_unless_present = "all"`: no number means --all.
                which: number.map_or(Which::All, Which::One),
                out,
                force,
            },
            Sub::Export {
                since: Some(since),
                format: Some(format),
                lang,
                ..
            } => Command::Export {
                since,
                format,
                lang,
            },
            Sub::Export { person, out, .. } => {
                let out = out.ok_or_else(|| refuse("export", "--out FILE.zip is needed".into()))?;
                Command::Privacy(privacy::PrivacyCommand::Export {
                    selector: person.selector().map_err(|e| refuse("export", e))?,
                    out,
                })
            }
            Sub::Privacy(sub) => {
                Command::Privacy(sub.resolve().map_err(|(name, e)| refuse(name, e))?)
            }
            Sub::Republish { all } => Command::Republish { all },
            Sub::Insights => Command::Insights,
            Sub::Report { from, to, format } => {
                if to < from {
                    return Err(refuse("report", "--to is before --from".into()));
                }
                Command::Report { from, to, format }
            }
            Sub::Completions { shell } => Command::Completions(shell),
            Sub::Migrate { from, to } => {
                if !matches!(
                    crate::store::Address::parse(std::path::Path::new(&to)),
                    crate::store::Address::Postgres(_)
                ) {
                    return Err(refuse("migrate", "--to takes a postgres:// address".into()));
                }
                Command::Migrate { from, to }
            }
            Sub::PrivacyRecord => Command::PrivacyRecord,
            Sub::Staff(StaffSub::Invite {
                role,
                name,
                email,
                categories,
                origin,
            }) => Command::StaffInvite {
                invite: crate::desk::enrol::Invite {
                    name,
                    email,
                    role,
                    categories,
                },
                origin,
            },
        })
    }
}

impl Change {
    fn into_stage(self, name: &str, stage: Stage) -> Result<Command, clap::Error> {
        self.into_command(name, stage, None, Vec::new())
    }

    fn into_command(
        self,
        name: &str,
        stage: Stage,
        decision: Option<(Decision, Option<OrgText>)>,
        causes: Vec<String>,
    ) -> Result<Command, clap::Error> {
        let text = |flag, values| org_text(flag, values).map_err(|e| refuse(name, e));
        Ok(Command::Stage {
            reference: self.reference,
            stage,
            message: text("--message", self.message)?,
            next_step: text("--next-step", self.next_step)?,
            decision,
            causes,
        })
    }
}

/// A usage error found after parsing, in clap's form (with the command's usage) and exit status 2.
fn refuse(command: &str, message: String) -> clap::Error {
    let mut cli = Cli::command();
    cli.build();
    match cli.find_subcommand_mut(command) {
        Some(sub) => sub.error(ErrorKind::ArgumentConflict, message),
        None => cli.error(ErrorKind::ArgumentConflict, message),
    }
}
