//! The command line: `serve`, the back-office commands, `list`, `show` and `republish`, sharing
//! `--config`, `--db` and `--publish`. Hand-rolled: a dozen flags do not justify a parser crate's build time.

use std::path::PathBuf;
use std::time::Duration;

use complaint_domain::calendar::Date;
use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{DeadlineStep, Decision, Stage};

use complaint_domain::i18n::Locale;

use crate::dossier::ExportFormat;
use crate::mail::MailSettings;
use crate::store::parse_decision;

pub const USAGE: &str = "\
complaint-intake: the reference intake service of the complaint desk

USAGE
  complaint-intake serve [--listen 127.0.0.1:8080] [--site DIR] [--allow-origin ORIGIN]...
                         [--rate-limit 20] [--header-timeout 10] [--silence-timeout 30]
                         [--min-rate 2048] [--rate-window 20] [--uploads-max-mb 2048]
                         [--min-fill-seconds 3] [--max-connections 256]
                         [--max-connections-per-address 32] [--idle-timeout 20]
                         [--connection-lifetime 300] [--trusted-proxy ADDR[/BITS]]...
                         [--insights-max-wait 60] [--status-misses 30]
  complaint-intake acknowledge|assess|investigate|close|reopen REFERENCE [--message TEXT] [--next-step TEXT]
  complaint-intake respond REFERENCE --decision upheld|partly_upheld|not_upheld [--summary TEXT]
                           [--cause ID]... [--message TEXT] [--next-step TEXT]
  complaint-intake extend REFERENCE --step acknowledge|decide --due YYYY-MM-DD [--rule TEXT]
  complaint-intake list [--all] [--at 2026-12-01T09:00:00Z]
  complaint-intake list --quarantine
  complaint-intake release REFERENCE
  complaint-intake delete REFERENCE
  complaint-intake show REFERENCE [--lang en|ko|pl]
  complaint-intake attachment REFERENCE N --out FILE [--force]
  complaint-intake attachment REFERENCE --all --out DIR [--force]
  complaint-intake export --since YYYY-MM-DD --format json|csv [--lang en|ko|pl]
  complaint-intake republish [--all]
  complaint-intake insights [--wait SECONDS]
  complaint-intake report --from YYYY-MM-DD --to YYYY-MM-DD --format csv|json

EVERY COMMAND
  --config FILE    the organisation's config.json   (default public/api/v1/config.json)
  --db FILE        the SQLite database              (default var/intake.sqlite3)
  --publish DIR    where status files are written   (default var/status)
  --insights FILE  where insights.json is written   (default var/insights.json; after every stage change)
  --smtp-relay HOST:PORT --mail-from ADDRESS [--org-inbox ADDRESS] [--org-lang en|ko|pl]
  [--public-url URL] [--smtp-timeout 10] [--mail-max-mb 10]  mail customers on stage changes and the organisation
                   on new complaints and replies, with their files up to the size (queued by any command, sent by
                   serve); no mail without --smtp-relay

TEXT for the customer (--message, --next-step, --summary, --rule) is plain text once, published as it is, or
LANG:TEXT once per language (--message ko:접수했습니다. --message en:We have it.): the customer's own language is
published first, and the tracker shows the page's language, else that one, marked as another language.

serve prints its address (http://127.0.0.1:PORT) as the first line on stdout; logs go to stderr.
See docs/intake.md.";

pub struct Paths {
    pub config: PathBuf,
    pub db: PathBuf,
    pub publish: PathBuf,
    /// The published figures (`docs/insights.md`).
    pub insights: PathBuf,
    /// Mail through a relay; `None` without `--smtp-relay`, and then nothing is mailed.
    pub mail: Option<MailSettings>,
}

pub struct Serve {
    pub listen: String,
    pub site: Option<PathBuf>,
    pub allow_origins: Vec<String>,
    pub rate_limit_per_minute: u32,
    pub header_timeout: Duration,
    /// A request body that sends nothing for this long is cut.
    pub silence_timeout: Duration,
    /// A body slower than this (bytes a second, averaged over `rate_window`) is cut.
    pub min_rate: u64,
    pub rate_window: Duration,
    /// The most the uploads folder may hold, in MiB.
    pub uploads_max_mb: u64,
    pub min_fill_seconds: u64,
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    pub idle_timeout: Duration,
    pub connection_lifetime: Duration,
    pub trusted_proxies: Vec<crate::http::Network>,
    /// The figures are published at the latest this long after a change, however many follow it.
    pub insights_max_wait: Duration,
    /// Status lookups that find nothing, per client per minute.
    pub status_misses_per_minute: u32,
}

pub enum Command {
    Help,
    Serve(Serve),
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
    Republish {
        all: bool,
    },
    /// Computes and publishes insights.json; with `wait`, only if no later change asked for it meanwhile
    /// (the debounced run every stage change starts).
    Insights {
        wait: Option<u64>,
    },
    /// The regulator's return for a period.
    Report {
        from: Date,
        to: Date,
        format: crate::insights::ReportFormat,
    },
}

pub enum Which {
    One(i64),
    All,
}

/// Flags and positional words, before each command says which it takes.
struct Words {
    flags: Vec<(String, Option<String>)>,
    positional: Vec<String>,
}

/// Flags that stand alone; every other flag takes a value.
const SWITCHES: [&str; 4] = ["--all", "--force", "--help", "--quarantine"];

fn split(args: &[String]) -> Result<Words, String> {
    let mut words = Words {
        flags: Vec::new(),
        positional: Vec::new(),
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if let Some(flag) = arg.strip_prefix("--").map(|_| arg.as_str()) {
            if let Some((name, value)) = flag.split_once('=') {
                words.flags.push((name.to_owned(), Some(value.to_owned())));
            } else if SWITCHES.contains(&flag) {
                words.flags.push((flag.to_owned(), None));
            } else {
                let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
                words.flags.push((flag.to_owned(), Some(value.clone())));
            }
        } else {
            words.positional.push(arg.clone());
        }
    }
    Ok(words)
}

/// A text for the customer: `--message TEXT` once, as before (published as it is), or once per language as
/// `LANG:TEXT` (`--message ko:접수했습니다. --message en:We have it.`); the customer's language is published
/// first, and the tracker shows the page's language, else that first one, marked as another language.
fn org_text(words: &mut Words, flag: &str) -> Result<Option<OrgText>, String> {
    let values = words.take_all(flag);
    if values.is_empty() {
        return Ok(None);
    }
    let mut tagged = Vec::new();
    let mut plain = Vec::new();
    for value in values {
        let language = value
            .split_once(':')
            .filter(|(tag, _)| !tag.contains(char::is_whitespace))
            .and_then(|(tag, text)| Some((Locale::from_tag(tag)?, text)));
        match language {
            Some((locale, text)) => tagged.push((locale.tag().to_owned(), text.trim().to_owned())),
            None => plain.push(value),
        }
    }
    match (plain.pop(), tagged.is_empty()) {
        (None, false) => Ok(Some(OrgText::ByLanguage(tagged))),
        (Some(text), true) if plain.is_empty() => Ok(Some(OrgText::Plain(text))),
        _ => Err(format!(
            "{flag} is plain text given once, or LANG:TEXT once per language (en:, ko:, pl:), not both"
        )),
    }
}

impl Words {
    /// The last value given for a flag, and it is marked as understood.
    fn take(&mut self, name: &str) -> Option<String> {
        let mut found = None;
        self.flags.retain(|(flag, value)| {
            if flag == name {
                found = value.clone().or(Some(String::new()));
                false
            } else {
                true
            }
        });
        found
    }

    fn take_all(&mut self, name: &str) -> Vec<String> {
        let mut found = Vec::new();
        self.flags.retain(|(flag, value)| {
            if flag == name {
                found.extend(value.clone());
                false
            } else {
                true
            }
        });
        found
    }

    fn switch(&mut self, name: &str) -> bool {
        self.take(name).is_some()
    }

    fn number<T: std::str::FromStr>(&mut self, name: &str, default: T) -> Result<T, String> {
        match self.take(name) {
            None => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|_| format!("{name} takes a whole number, not \"{text}\"")),
        }
    }

    /// The organisation's language for labels, `en` unless `--lang` says otherwise.
    fn lang(&mut self) -> Result<Locale, String> {
        self.lang_named("--lang")
    }

    fn lang_named(&mut self, flag: &str) -> Result<Locale, String> {
        match self.take(flag) {
            None => Ok(Locale::En),
            Some(tag) => Locale::from_tag(&tag)
                .ok_or_else(|| format!("{flag} is en, ko or pl, not \"{tag}\"")),
        }
    }

    fn reference(&mut self, command: &str) -> Result<String, String> {
        if self.positional.len() != 1 {
            return Err(format!("{command} takes one complaint reference"));
        }
        Ok(self.positional.remove(0))
    }

    /// Anything left was not understood: say so rather than ignore a typo.
    fn finish(self) -> Result<(), String> {
        if let Some((flag, _)) = self.flags.first() {
            return Err(format!("unknown option {flag}"));
        }
        if let Some(word) = self.positional.first() {
            return Err(format!("unexpected \"{word}\""));
        }
        Ok(())
    }
}

pub fn parse(args: &[String]) -> Result<(Paths, Command), String> {
    let Some((command, rest)) = args.split_first() else {
        return Ok((default_paths(), Command::Help));
    };
    let mut words = split(rest)?;
    let paths = Paths {
        config: words
            .take("--config")
            .map_or_else(|| default_paths().config, PathBuf::from),
        db: words
            .take("--db")
            .map_or_else(|| default_paths().db, PathBuf::from),
        publish: words
            .take("--publish")
            .map_or_else(|| default_paths().publish, PathBuf::from),
        insights: words
            .take("--insights")
            .map_or_else(|| default_paths().insights, PathBuf::from),
        mail: mail_settings(&mut words)?,
    };
    if words.switch("--help") {
        return Ok((paths, Command::Help));
    }
    let stage = match command.as_str() {
        "acknowledge" => Some(Stage::Acknowledged),
        "assess" => Some(Stage::Assessing),
        "investigate" => Some(Stage::Investigating),
        "respond" => Some(Stage::Responded),
        "close" => Some(Stage::Closed),
        "reopen" => Some(Stage::Reopened),
        _ => None,
    };
    let parsed = if let Some(stage) = stage {
        let reference = words.reference(command)?;
        let decision = if stage == Stage::Responded {
            let text = words
                .take("--decision")
                .ok_or("respond needs --decision upheld, partly_upheld or not_upheld")?;
            let decision = parse_decision(&text).ok_or_else(|| {
                format!("--decision is upheld, partly_upheld or not_upheld, not \"{text}\"")
            })?;
            Some((decision, org_text(&mut words, "--summary")?))
        } else {
            None
        };
        let causes = if stage == Stage::Responded {
            words.take_all("--cause")
        } else {
            Vec::new()
        };
        Command::Stage {
            reference,
            stage,
            message: org_text(&mut words, "--message")?,
            next_step: org_text(&mut words, "--next-step")?,
            decision,
            causes,
        }
    } else {
        match command.as_str() {
            "help" | "--help" | "-h" => Command::Help,
            "serve" => Command::Serve(serve(&mut words)?),
            "extend" => {
                let reference = words.reference(command)?;
                let step = match words.take("--step").as_deref() {
                    Some("acknowledge") => DeadlineStep::Acknowledge,
                    Some("decide") => DeadlineStep::Decide,
                    _ => return Err("extend needs --step acknowledge or --step decide".into()),
                };
                let due_text = words.take("--due").ok_or("extend needs --due YYYY-MM-DD")?;
                let due = Date::parse_iso(&due_text).ok_or_else(|| {
                    format!("--due takes a date as YYYY-MM-DD, not \"{due_text}\"")
                })?;
                Command::Extend {
                    reference,
                    step,
                    due,
                    rule: org_text(&mut words, "--rule")?,
                }
            }
            "list" if words.switch("--quarantine") => Command::ListQuarantine,
            "list" => Command::List {
                all: words.switch("--all"),
                at: match words.take("--at") {
                    None => None,
                    Some(text) => Some(Instant::parse_rfc3339(&text).ok_or_else(|| {
                        format!("--at takes a time like 2026-12-01T09:00:00Z, not \"{text}\"")
                    })?),
                },
            },
            "show" => Command::Show {
                lang: words.lang()?,
                reference: words.reference(command)?,
            },
            "attachment" => {
                let all = words.switch("--all");
                let force = words.switch("--force");
                let out = words
                    .take("--out")
                    .map(PathBuf::from)
                    .ok_or("attachment needs --out FILE (or --all --out DIR)")?;
                let (reference, which) = match (all, words.positional.len()) {
                    (true, 1) => (words.positional.remove(0), Which::All),
                    (false, 2) => {
                        let number = words.positional.remove(1);
                        let number =
                            number
                                .parse::<i64>()
                                .ok()
                                .filter(|n| *n >= 1)
                                .ok_or_else(|| {
                                    format!("the file number is 1, 2, …, not \"{number}\"")
                                })?;
                        (words.positional.remove(0), Which::One(number))
                    }
                    _ => return Err(
                        "attachment takes a reference and a file number, or a reference and --all"
                            .into(),
                    ),
                };
                Command::Attachment {
                    reference,
                    which,
                    out,
                    force,
                }
            }
            "export" => {
                let since_text = words
                    .take("--since")
                    .ok_or("export needs --since YYYY-MM-DD")?;
                let since = Date::parse_iso(&since_text).ok_or_else(|| {
                    format!("--since takes a date as YYYY-MM-DD, not \"{since_text}\"")
                })?;
                let format = match words.take("--format").as_deref() {
                    Some("json") => ExportFormat::Json,
                    Some("csv") => ExportFormat::Csv,
                    _ => return Err("export needs --format json or --format csv".into()),
                };
                Command::Export {
                    since,
                    format,
                    lang: words.lang()?,
                }
            }
            "release" => Command::Release {
                reference: words.reference(command)?,
            },
            "delete" => Command::Delete {
                reference: words.reference(command)?,
            },
            "republish" => Command::Republish {
                all: words.switch("--all"),
            },
            "insights" => {
                Command::Insights {
                    wait: match words.take("--wait") {
                        None => None,
                        Some(text) => {
                            Some(text.parse::<u64>().ok().filter(|n| *n <= 600).ok_or_else(
                                || format!("--wait takes 0 to 600 seconds, not \"{text}\""),
                            )?)
                        }
                    },
                }
            }
            "report" => {
                let date = |words: &mut Words, flag: &str| -> Result<Date, String> {
                    let text = words
                        .take(flag)
                        .ok_or_else(|| format!("report needs {flag} YYYY-MM-DD"))?;
                    Date::parse_iso(&text)
                        .ok_or_else(|| format!("{flag} takes a date as YYYY-MM-DD, not \"{text}\""))
                };
                let from = date(&mut words, "--from")?;
                let to = date(&mut words, "--to")?;
                if to < from {
                    return Err("report: --to is before --from".into());
                }
                let format = match words.take("--format").as_deref() {
                    Some("json") => crate::insights::ReportFormat::Json,
                    Some("csv") => crate::insights::ReportFormat::Csv,
                    _ => return Err("report needs --format csv or --format json".into()),
                };
                Command::Report { from, to, format }
            }
            other => return Err(format!("unknown command \"{other}\"")),
        }
    };
    words.finish()?;
    Ok((paths, parsed))
}

fn default_paths() -> Paths {
    Paths {
        config: PathBuf::from("public/api/v1/config.json"),
        db: PathBuf::from("var/intake.sqlite3"),
        publish: PathBuf::from("var/status"),
        insights: PathBuf::from("var/insights.json"),
        mail: None,
    }
}

/// The mail flags every command takes (the back office queues mail, `serve` sends it).
fn mail_settings(words: &mut Words) -> Result<Option<MailSettings>, String> {
    let relay = words.take("--smtp-relay");
    let from = words.take("--mail-from");
    let org_inbox = words.take("--org-inbox");
    let org_lang = words.lang_named("--org-lang")?;
    let public_url = words.take("--public-url");
    let timeout: u64 = words.number("--smtp-timeout", 10)?;
    if !(1..=MAX_SECONDS).contains(&timeout) {
        return Err(format!("--smtp-timeout is 1 to {MAX_SECONDS} seconds"));
    }
    let max_mb: u64 = words.number("--mail-max-mb", crate::mail::DEFAULT_MAX_MB)?;
    if !(1..=MAX_MAIL_MB).contains(&max_mb) {
        return Err(format!("--mail-max-mb is 1 to {MAX_MAIL_MB}"));
    }
    let Some(relay) = relay else {
        return Ok(None);
    };
    let (host, port) = relay
        .rsplit_once(':')
        .and_then(|(host, port)| Some((host.to_owned(), port.parse::<u16>().ok()?)))
        .filter(|(host, _)| !host.is_empty())
        .ok_or_else(|| format!("--smtp-relay takes HOST:PORT, not \"{relay}\""))?;
    Ok(Some(MailSettings {
        relay_host: host,
        relay_port: port,
        from: from.ok_or("--smtp-relay needs --mail-from ADDRESS")?,
        org_inbox,
        org_lang,
        public_url: public_url.unwrap_or_else(|| "http://127.0.0.1:8080".to_owned()),
        timeout: Duration::from_secs(timeout),
        max_bytes: max_mb * 1024 * 1024,
    }))
}

/// No relay takes a mail larger than this; a cap above it would only mean mail refused for good.
const MAX_MAIL_MB: u64 = 100;

/// The longest any timeout or lifetime may be.
const MAX_SECONDS: u64 = 86_400;

fn serve(words: &mut Words) -> Result<Serve, String> {
    let seconds = |words: &mut Words, name: &str, default: u64| -> Result<Duration, String> {
        let n: u64 = words.number(name, default)?;
        if n == 0 {
            return Err(format!("{name} must be at least 1 second"));
        }
        // Deadlines are "now + this": an absurd value would overflow the clock rather than mean "never".
        if n > MAX_SECONDS {
            return Err(format!(
                "{name} must be at most {MAX_SECONDS} seconds (a day)"
            ));
        }
        Ok(Duration::from_secs(n))
    };
    Ok(Serve {
        listen: words
            .take("--listen")
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
        site: words.take("--site").map(PathBuf::from),
        allow_origins: words.take_all("--allow-origin"),
        rate_limit_per_minute: words.number("--rate-limit", 20)?,
        header_timeout: seconds(words, "--header-timeout", 10)?,
        // `--body-timeout` was a total; it is read as the silence allowed, so old scripts keep working.
        silence_timeout: match words.take("--body-timeout") {
            Some(text) => match text.parse::<u64>() {
                Ok(n) if n > 0 => Duration::from_secs(n),
                _ => {
                    return Err(format!(
                        "--body-timeout takes whole seconds, not \"{text}\""
                    ))
                }
            },
            None => seconds(words, "--silence-timeout", 30)?,
        },
        min_rate: words.number("--min-rate", 2048)?,
        rate_window: seconds(words, "--rate-window", 20)?,
        uploads_max_mb: words.number("--uploads-max-mb", 2048)?,
        min_fill_seconds: words.number("--min-fill-seconds", 3)?,
        max_connections: words.number("--max-connections", 256)?,
        max_connections_per_address: words.number("--max-connections-per-address", 32)?,
        idle_timeout: seconds(words, "--idle-timeout", 20)?,
        connection_lifetime: seconds(words, "--connection-lifetime", 300)?,
        trusted_proxies: words
            .take_all("--trusted-proxy")
            .iter()
            .map(|text| text.parse().map_err(|e| format!("--trusted-proxy: {e}")))
            .collect::<Result<_, String>>()?,
        insights_max_wait: seconds(words, "--insights-max-wait", 60)?,
        status_misses_per_minute: words.number("--status-misses", 30)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn serve_takes_repeated_origins_and_shared_paths() {
        let (paths, command) = parse(&args(
            "serve --listen 127.0.0.1:0 --db /tmp/x.db --allow-origin https://a.example --allow-origin=https://b.example",
        ))
        .unwrap();
        assert_eq!(paths.db, PathBuf::from("/tmp/x.db"));
        assert_eq!(paths.publish, PathBuf::from("var/status"));
        let Command::Serve(serve) = command else {
            panic!("not serve")
        };
        assert_eq!(serve.listen, "127.0.0.1:0");
        assert_eq!(
            serve.allow_origins,
            ["https://a.example", "https://b.example"]
        );
        assert_eq!(serve.rate_limit_per_minute, 20);
        assert_eq!(serve.max_connections_per_address, 32);
        assert!(serve.trusted_proxies.is_empty());
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let (_, command) = parse(&args(
            "serve --trusted-proxy 127.0.0.1 --trusted-proxy 10.0.0.0/8 --trusted-proxy fd00::/8",
        ))
        .unwrap();
        let Command::Serve(serve) = command else {
            panic!("not serve")
        };
        assert_eq!(serve.trusted_proxies.len(), 3);
        let err = parse(&args("serve --trusted-proxy proxy.example"))
            .err()
            .unwrap();
        assert!(err.contains("proxy.example"), "{err}");
        assert!(parse(&args("serve --idle-timeout 0")).is_err());
        assert!(parse(&args("serve --idle-timeout 18446744073709551615")).is_err());
    }

    #[test]
    fn respond_needs_a_known_decision() {
        assert!(parse(&args("respond CMP-1")).is_err());
        assert!(parse(&args("respond CMP-1 --decision maybe")).is_err());
        let (_, command) = parse(&args(
            "respond CMP-1 --decision partly_upheld --summary Half",
        ))
        .unwrap();
        assert!(matches!(
            command,
            Command::Stage {
                stage: Stage::Responded,
                decision: Some((Decision::PartlyUpheld, Some(_))),
                ..
            }
        ));
    }

    #[test]
    fn respond_takes_causes_and_report_takes_a_period() {
        let (_, command) = parse(&args(
            "respond CMP-1 --decision upheld --cause courier-delay --cause billing-error",
        ))
        .unwrap();
        assert!(matches!(
            command,
            Command::Stage { causes, .. } if causes == ["courier-delay", "billing-error"]
        ));
        assert!(parse(&args("close CMP-1 --cause courier-delay")).is_err());
        assert!(matches!(
            parse(&args(
                "report --from 2026-01-01 --to 2026-06-30 --format csv"
            ))
            .unwrap()
            .1,
            Command::Report {
                format: crate::insights::ReportFormat::Csv,
                ..
            }
        ));
        assert!(parse(&args(
            "report --from 2026-06-30 --to 2026-01-01 --format csv"
        ))
        .is_err());
        assert!(parse(&args(
            "report --from 2026-01-01 --to 2026-06-30 --format xls"
        ))
        .is_err());
        assert!(parse(&args("insights --wait 9999")).is_err());
    }

    #[test]
    fn typos_are_reported_not_ignored() {
        assert_eq!(
            parse(&args("acknowledge CMP-1 --mesage hi")).err().unwrap(),
            "unknown option --mesage"
        );
        assert!(parse(&args("acknowledge")).is_err());
        assert!(parse(&args("extend CMP-1 --step decide --due 2026-13-01")).is_err());
        assert!(parse(&args("fly")).is_err());
    }

    #[test]
    fn attachment_and_export_take_what_they_need() {
        assert!(matches!(
            parse(&args("attachment CMP-1 2 --out x.jpg")).unwrap().1,
            Command::Attachment {
                which: Which::One(2),
                force: false,
                ..
            }
        ));
        assert!(matches!(
            parse(&args("attachment CMP-1 --all --out dir --force"))
                .unwrap()
                .1,
            Command::Attachment {
                which: Which::All,
                force: true,
                ..
            }
        ));
        assert!(parse(&args("attachment CMP-1 0 --out x")).is_err());
        assert!(parse(&args("attachment CMP-1 1")).is_err());
        assert!(parse(&args("attachment CMP-1 --out x")).is_err());
        assert!(matches!(
            parse(&args("export --since 2026-11-01 --format csv --lang pl"))
                .unwrap()
                .1,
            Command::Export {
                format: ExportFormat::Csv,
                lang: Locale::Pl,
                ..
            }
        ));
        assert!(parse(&args("export --since 2026-11-01 --format xml")).is_err());
        assert!(parse(&args("show CMP-1 --lang de")).is_err());
    }

    #[test]
    fn mail_is_off_without_a_relay_and_a_relay_needs_a_sender() {
        assert!(parse(&args("list")).unwrap().0.mail.is_none());
        let (paths, _) = parse(&args(
            "list --smtp-relay 127.0.0.1:2525 --mail-from desk@example.com --org-inbox in@example.com",
        ))
        .unwrap();
        let mail = paths.mail.unwrap();
        assert_eq!(
            (mail.relay_host.as_str(), mail.relay_port),
            ("127.0.0.1", 2525)
        );
        assert_eq!(mail.org_inbox.as_deref(), Some("in@example.com"));
        assert_eq!(mail.max_bytes, 10 * 1024 * 1024, "10 MB unless told");
        let (paths, _) = parse(&args(
            "list --smtp-relay 127.0.0.1:2525 --mail-from desk@example.com --mail-max-mb 25",
        ))
        .unwrap();
        assert_eq!(paths.mail.unwrap().max_bytes, 25 * 1024 * 1024);
        for bad in ["0", "101", "ten"] {
            assert!(parse(&args(&format!(
                "list --smtp-relay 127.0.0.1:2525 --mail-from a@b.c --mail-max-mb {bad}"
            )))
            .is_err());
        }
        assert!(parse(&args("list --smtp-relay 127.0.0.1:2525")).is_err());
        assert!(parse(&args("list --smtp-relay nowhere --mail-from a@b.c")).is_err());
    }

    #[test]
    fn quarantine_commands_take_one_reference() {
        assert!(matches!(
            parse(&args("list --quarantine")).unwrap().1,
            Command::ListQuarantine
        ));
        assert!(matches!(
            parse(&args("release CMP-1")).unwrap().1,
            Command::Release { reference } if reference == "CMP-1"
        ));
        assert!(matches!(
            parse(&args("delete CMP-1")).unwrap().1,
            Command::Delete { reference } if reference == "CMP-1"
        ));
        assert!(parse(&args("release")).is_err());
        assert!(parse(&args("delete CMP-1 CMP-2")).is_err());
    }

    #[test]
    fn a_text_is_plain_once_or_one_per_language() {
        let parse = |line: &[&str]| {
            let args: Vec<String> = line.iter().map(|s| (*s).to_owned()).collect();
            match parse(&args) {
                Ok((_, Command::Stage { message, .. })) => Ok(message),
                Ok(_) => Err("not a stage change".to_owned()),
                Err(e) => Err(e),
            }
        };
        assert_eq!(
            parse(&["acknowledge", "CMP-1", "--message", "Note: we have it."]),
            Ok(Some(OrgText::from("Note: we have it.")))
        );
        assert_eq!(
            parse(&[
                "acknowledge",
                "CMP-1",
                "--message",
                "ko:접수했습니다.",
                "--message",
                "EN: We have it."
            ]),
            Ok(Some(OrgText::ByLanguage(vec![
                ("ko".into(), "접수했습니다.".into()),
                ("en".into(), "We have it.".into())
            ])))
        );
        assert!(parse(&[
            "acknowledge",
            "CMP-1",
            "--message",
            "Hi",
            "--message",
            "ko:안녕"
        ])
        .is_err());
    }
}
