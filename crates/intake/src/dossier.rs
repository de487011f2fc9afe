//! What the customer sent, for the organisation to read: `show` prints a whole complaint as a person reads
//! it (`news`, for a mail about replies, only what is new), `attachment` writes its files out, `export` hands
//! complaints to a CRM as JSON or CSV.
//!
//! Everything here is customer text shown on an operator's terminal or opened in a spreadsheet, so it is
//! treated as hostile: terminal control characters (C0, C1, ESC sequences, bidi overrides) are shown as
//! `<U+001B>` instead of being obeyed, a file name never chooses where it is written, and a CSV cell never
//! starts a formula.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use complaint_domain::calendar::Date;
use complaint_domain::draft::Channel;
use complaint_domain::i18n::{format, IntakeMsg, Locale, Msg};
use complaint_domain::instant::{Instant, Zone};
use complaint_domain::status::{ReplyKind, Stage};
use complaint_domain::submission::Submission;
use serde_json::{json, Value};

use crate::settings::Settings;
use crate::store::{decision_name, Complaint, FileSource, Filed, Storage, StoreError, StoredReply};

/// Why a complaint or its files could not be shown or written out.
#[derive(Debug, thiserror::Error)]
pub enum DossierError {
    #[error("no complaint has the reference \"{reference}\"")]
    NotFound { reference: String },
    /// `attachment REF N` for a number the complaint has no file for.
    #[error("{reference} has {count} file(s); there is no file {number} (`show` lists them)")]
    NoSuchFile {
        reference: String,
        number: i64,
        count: usize,
    },
    /// The file is there already, and `--force` was not given.
    #[error("{} exists already; nothing was written (--force replaces it)", path.display())]
    Exists { path: PathBuf },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    /// The stored complaint part no longer reads as a complaint (a hand edit, or a newer program's).
    #[error("{reference}: the stored complaint cannot be read ({problem})")]
    Unreadable { reference: String, problem: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A stage's or decision's name in the reader's language, with the command word staff type for it
/// (`move REF investigating`, `--decision partly_upheld`) in brackets when the two differ:
/// "Being investigated (investigating)", "일부 수용 (partly_upheld)", "partly upheld".
fn staff_words(words: &str, command: &str) -> String {
    if words.to_lowercase() == command.replace('_', " ") {
        words.to_owned()
    } else {
        format!("{words} ({command})")
    }
}

/// A character a terminal (or a bidi-aware viewer) would obey rather than show: C0 controls but tab and line
/// feed, DEL, C1 controls (U+009B is a one-character CSI to many terminals), and the marks and overrides
/// that reorder text, so `gpj.exe` cannot display as `exe.jpg`.
fn is_hazard(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escaped(out: &mut String, c: char) {
    let _ = write!(out, "<U+{:04X}>", u32::from(c));
}

/// Customer text as it may be printed: every hazard shown as `<U+XXXX>`; tabs and line feeds kept.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hazard(c) {
            escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A field that must stay on its own line (a name, a file name): line feeds and tabs are shown too, so a
/// name cannot print a line that looks like another field.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hazard(c) || c == '\n' || c == '\t' {
            escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// The longest file name written, in bytes; file systems stop at 255.
const FILE_NAME_MAX_BYTES: usize = 200;

/// A customer's file name made safe to create in a folder: numbered (two files may share a name), no path
/// separators, no controls, no leading dots (no hidden files, no `..`), and short enough for any file system.
pub fn safe_file_name(name: &str, number: i64) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':') || c.is_control() || is_hazard(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches(['.', ' ']);
    let mut base = String::new();
    for c in trimmed.chars() {
        if base.len() + c.len_utf8() > FILE_NAME_MAX_BYTES {
            break;
        }
        base.push(c);
    }
    if base.is_empty() {
        format!("{number}-file")
    } else {
        format!("{number}-{base}")
    }
}

fn channel_msg(channel: Channel) -> Msg {
    match channel {
        Channel::Email => Msg::ChannelEmail,
        Channel::Phone => Msg::ChannelPhone,
    }
}

/// A complaint with what its customer sent.
pub struct Dossier {
    pub complaint: Complaint,
    pub filed: Filed,
    pub submission: Submission,
    /// The customer's replies, oldest first.
    pub replies: Vec<StoredReply>,
    /// The root causes found when responding (`respond --cause`).
    pub causes: Vec<String>,
}

fn reply_words(kind: ReplyKind, stars: Option<u8>, lang: Locale) -> String {
    match kind {
        ReplyKind::Information => IntakeMsg::DossierAddedInformation.text(lang).into(),
        ReplyKind::Resolved => IntakeMsg::DossierConfirmedResolved.text(lang).into(),
        ReplyKind::NotSatisfied => IntakeMsg::DossierNotSatisfied.text(lang).into(),
        ReplyKind::Rating => format(
            lang,
            IntakeMsg::DossierRated,
            &[("stars", &stars.unwrap_or(0).to_string())],
        ),
    }
}

impl Dossier {
    pub fn load(store: &dyn Storage, reference: &str) -> Result<Dossier, DossierError> {
        let complaint = store
            .complaint(reference)?
            .ok_or_else(|| DossierError::NotFound {
                reference: reference.to_owned(),
            })?;
        Dossier::of(store, complaint)
    }

    fn of(store: &dyn Storage, complaint: Complaint) -> Result<Dossier, DossierError> {
        let filed = store.filed(complaint.id)?;
        let submission =
            Submission::from_received_json(filed.submission.as_bytes()).map_err(|problem| {
                DossierError::Unreadable {
                    reference: complaint.record.reference.clone(),
                    problem: problem.to_string(),
                }
            })?;
        let replies = store.replies(complaint.id)?;
        let causes = store.causes(complaint.id)?;
        Ok(Dossier {
            complaint,
            filed,
            submission,
            replies,
            causes,
        })
    }

    fn stage(&self) -> Stage {
        self.complaint
            .record
            .current()
            .map_or(Stage::Received, |e| e.stage)
    }

    /// The category's own questions with their answers, labelled in `lang`, in the config's order; an
    /// answer to a question the config no longer asks keeps its id as the label.
    fn details(&self, settings: &Settings, lang: Locale) -> Vec<(String, String)> {
        let category = settings.config.category(&self.submission.category);
        let mut rows = Vec::new();
        if let Some(category) = category {
            for question in &category.questions {
                if let Some(answer) = self.submission.details.get(&question.id) {
                    rows.push((question.label.get(lang).to_owned(), answer.clone()));
                }
            }
        }
        for (id, answer) in &self.submission.details {
            let asked = category.is_some_and(|c| c.questions.iter().any(|q| &q.id == id));
            if !asked {
                rows.push((id.clone(), answer.clone()));
            }
        }
        rows
    }

    fn category_label(&self, settings: &Settings, lang: Locale) -> String {
        settings
            .config
            .category(&self.submission.category)
            .map_or_else(
                || self.submission.category.clone(),
                |c| c.label.get(lang).to_owned(),
            )
    }

    /// What is new since the organisation's last mail: the complaint's heading (reference, received,
    /// category, stage, status file), the customer's replies from `from_reply` on with their files, and the
    /// command that shows the whole complaint. Labelled in `lang`, safe to print.
    pub fn news(
        &self,
        settings: &Settings,
        lang: Locale,
        status_file: &Path,
        from_reply: i64,
    ) -> String {
        let record = &self.complaint.record;
        let mut out = String::new();
        let mut row = |label: &str, value: &str| {
            let _ = writeln!(out, "{:<22} {}", one_line(label), one_line(value));
        };
        row(IntakeMsg::DossierReference.text(lang), &record.reference);
        row(
            IntakeMsg::DossierReceived.text(lang),
            &self.filed.received_at.to_string(),
        );
        row(
            Msg::RowCategory.text(lang),
            &self.category_label(settings, lang),
        );
        row(
            IntakeMsg::DossierStage.text(lang),
            &staff_words(self.stage().label().text(lang), self.stage().as_str()),
        );
        row(
            IntakeMsg::DossierStatusFile.text(lang),
            &status_file.display().to_string(),
        );
        let new: Vec<&StoredReply> = self.replies.iter().filter(|r| r.id >= from_reply).collect();
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            format(
                lang,
                IntakeMsg::MailNewReplies,
                &[("count", &new.len().to_string())]
            )
        );
        for reply in new {
            let _ = writeln!(
                out,
                "  {}  {}",
                reply.at,
                reply_words(reply.kind, reply.stars, lang)
            );
            for line in reply
                .text
                .as_deref()
                .map(terminal_safe)
                .unwrap_or_default()
                .lines()
            {
                let _ = writeln!(out, "      {line}");
            }
        }
        let files: Vec<_> = self
            .filed
            .files
            .iter()
            .filter(|f| matches!(f.source, FileSource::Reply { reply_id, .. } if reply_id >= from_reply))
            .collect();
        if !files.is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "{} ({})",
                one_line(Msg::RowEvidence.text(lang)),
                files.len()
            );
            for file in files {
                let _ = writeln!(
                    out,
                    "  {:>2}  {}  {}  {}  sha256 {}",
                    file.number,
                    one_line(&file.name),
                    one_line(&file.kind),
                    format(
                        lang,
                        IntakeMsg::DossierFileBytes,
                        &[("bytes", &file.bytes.to_string())]
                    ),
                    one_line(&file.sha256),
                );
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            format(
                lang,
                IntakeMsg::MailWholeComplaint,
                &[(
                    "command",
                    &format!("complaint-intake show {}", record.reference)
                )]
            )
        );
        out
    }

    /// The whole complaint as a person reads it, labelled in `lang`, safe to print on a terminal.
    pub fn show(&self, settings: &Settings, lang: Locale, status_file: &Path) -> String {
        let s = &self.submission;
        let record = &self.complaint.record;
        let not_given = Msg::NotGiven.text(lang);
        let mut out = String::new();
        let mut row = |label: &str, value: &str| {
            let _ = writeln!(out, "{:<22} {}", one_line(label), one_line(value));
        };
        row(IntakeMsg::DossierReference.text(lang), &record.reference);
        row(
            IntakeMsg::DossierReceived.text(lang),
            &self.filed.received_at.to_string(),
        );
        row(
            Msg::RowCategory.text(lang),
            &self.category_label(settings, lang),
        );
        row(IntakeMsg::DossierLanguage.text(lang), s.locale.tag());
        row(
            IntakeMsg::DossierStage.text(lang),
            &staff_words(self.stage().label().text(lang), self.stage().as_str()),
        );
        if let Some(reason) = &self.complaint.quarantine {
            row(IntakeMsg::DossierQuarantine.text(lang), reason);
        }
        row(
            IntakeMsg::DossierStatusFile.text(lang),
            &status_file.display().to_string(),
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", one_line(Msg::RowDescription.text(lang)));
        for line in terminal_safe(&s.description).lines() {
            let _ = writeln!(out, "    {line}");
        }
        let mut row = |label: &str, value: &str| {
            let _ = writeln!(out, "{:<22} {}", one_line(label), one_line(value));
        };
        row(Msg::RowHappenedOn.text(lang), &s.happened_on.to_string());
        for (label, answer) in self.details(settings, lang) {
            row(&label, &answer);
        }
        row(Msg::RowOutcome.text(lang), s.outcome.label().text(lang));
        if let Some(other) = &s.outcome_other {
            row("", other);
        }
        let _ = writeln!(out);
        let mut row = |label: &str, value: &str| {
            let _ = writeln!(out, "{:<22} {}", one_line(label), one_line(value));
        };
        row(Msg::RowName.text(lang), &s.contact.name);
        row(
            Msg::RowEmail.text(lang),
            s.contact.email.as_deref().unwrap_or(not_given),
        );
        row(
            Msg::RowPhone.text(lang),
            s.contact.phone.as_deref().unwrap_or(not_given),
        );
        row(
            Msg::RowPreferred.text(lang),
            channel_msg(s.contact.preferred).text(lang),
        );
        if let Some(pin) = &self.filed.pin {
            row("PIN", pin);
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{} ({})",
            one_line(Msg::RowEvidence.text(lang)),
            self.filed.files.len()
        );
        for file in &self.filed.files {
            let _ = writeln!(
                out,
                "  {:>2}  {}  {}  {}  sha256 {}{}",
                file.number,
                one_line(&file.name),
                one_line(&file.kind),
                format(
                    lang,
                    IntakeMsg::DossierFileBytes,
                    &[("bytes", &file.bytes.to_string())]
                ),
                one_line(&file.sha256),
                if matches!(file.source, FileSource::Reply { .. }) {
                    format!("  {}", IntakeMsg::DossierFileFromReply.text(lang))
                } else {
                    String::new()
                }
            );
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", IntakeMsg::DossierStages.text(lang));
        for entry in &record.history {
            let stage = staff_words(entry.stage.label().text(lang), entry.stage.as_str());
            let _ = write!(out, "  {}  {stage}", entry.at);
            if let Some(message) = &entry.message {
                let _ = write!(out, ": {}", one_line(&message.to_string()));
            }
            let _ = writeln!(out);
        }
        if let Some(next) = &record.next_step {
            let text = one_line(&next.to_string());
            let _ = writeln!(
                out,
                "{}",
                format(lang, IntakeMsg::DossierNextStep, &[("text", &text)])
            );
        }
        for deadline in &record.deadlines {
            let step = match deadline.step {
                complaint_domain::status::DeadlineStep::Acknowledge => {
                    IntakeMsg::DossierStepAcknowledge
                }
                complaint_domain::status::DeadlineStep::Decide => IntakeMsg::DossierStepDecide,
            };
            let set = format(
                lang,
                IntakeMsg::DossierDateByHand,
                &[
                    ("step", step.text(lang)),
                    ("date", &deadline.due.to_string()),
                ],
            );
            let _ = writeln!(
                out,
                "{set}{}",
                deadline
                    .rule
                    .as_ref()
                    .map(|r| format!(" ({})", one_line(&r.to_string())))
                    .unwrap_or_default()
            );
        }
        if !self.replies.is_empty() {
            let unread = self.replies.iter().filter(|r| r.unread).count();
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "{}",
                format(
                    lang,
                    IntakeMsg::DossierConversation,
                    &[
                        ("count", &self.replies.len().to_string()),
                        ("unread", &unread.to_string())
                    ]
                )
            );
            for reply in &self.replies {
                let _ = writeln!(
                    out,
                    "  {}  {}{}",
                    reply.at,
                    reply_words(reply.kind, reply.stars, lang),
                    if reply.unread {
                        format!("  {}", IntakeMsg::DossierNew.text(lang))
                    } else {
                        String::new()
                    }
                );
                for line in reply
                    .text
                    .as_deref()
                    .map(terminal_safe)
                    .unwrap_or_default()
                    .lines()
                {
                    let _ = writeln!(out, "      {line}");
                }
            }
        }
        if let Some(stars) = record.rating() {
            let stars = stars.to_string();
            let _ = writeln!(
                out,
                "{}",
                format(lang, IntakeMsg::DossierRating, &[("stars", &stars)])
            );
        }
        if let Some(outcome) = &record.outcome {
            let decision = format!(
                "{}{}",
                staff_words(
                    outcome.decision.staff_label().text(lang),
                    decision_name(outcome.decision)
                ),
                outcome
                    .summary
                    .as_ref()
                    .map(|s| format!(" ({})", one_line(&s.to_string())))
                    .unwrap_or_default()
            );
            let _ = writeln!(
                out,
                "{}",
                format(lang, IntakeMsg::DossierDecision, &[("decision", &decision)])
            );
        }
        if !self.causes.is_empty() {
            let causes = self.causes.join(", ");
            let _ = writeln!(
                out,
                "{}",
                format(lang, IntakeMsg::DossierCauses, &[("causes", &causes)])
            );
        }
        out
    }

    /// One complaint as the JSON `export` writes: the answers as sent, labelled details, file descriptions.
    fn to_json(&self, settings: &Settings, lang: Locale) -> Value {
        let record = &self.complaint.record;
        json!({
            "reference": record.reference,
            "received_at": self.filed.received_at.to_string(),
            "stage": self.stage().as_str(),
            "updated_at": record.updated_at.to_string(),
            "category_label": self.category_label(settings, lang),
            "decision": record.outcome.as_ref().map(|o| decision_name(o.decision)),
            "complaint": serde_json::to_value(&self.submission).unwrap_or(Value::Null),
            "details_labelled": self
                .details(settings, lang)
                .into_iter()
                .map(|(question, answer)| json!({ "question": question, "answer": answer }))
                .collect::<Vec<_>>(),
            "files": self
                .filed
                .files
                .iter()
                .map(|f| json!({
                    "number": f.number, "name": f.name, "kind": f.kind, "bytes": f.bytes, "sha256": f.sha256
                }))
                .collect::<Vec<_>>(),
            "history": record.history,
            "replies": self
                .replies
                .iter()
                .map(|r| json!({
                    "kind": r.kind.as_str(), "at": r.at.to_string(), "text": r.text, "stars": r.stars
                }))
                .collect::<Vec<_>>(),
            "rating": record.rating(),
        })
    }

    fn csv_row(&self, settings: &Settings, lang: Locale) -> Vec<String> {
        let s = &self.submission;
        let record = &self.complaint.record;
        vec![
            record.reference.clone(),
            self.filed.received_at.to_string(),
            s.locale.tag().to_owned(),
            s.category.clone(),
            self.category_label(settings, lang),
            self.stage().as_str().to_owned(),
            record
                .outcome
                .as_ref()
                .map(|o| decision_name(o.decision).to_owned())
                .unwrap_or_default(),
            s.contact.name.clone(),
            s.contact.email.clone().unwrap_or_default(),
            s.contact.phone.clone().unwrap_or_default(),
            match s.contact.preferred {
                Channel::Email => "email".into(),
                Channel::Phone => "phone".into(),
            },
            s.happened_on.to_string(),
            s.outcome.id().to_owned(),
            s.outcome_other.clone().unwrap_or_default(),
            s.description.clone(),
            self.details(settings, lang)
                .into_iter()
                .map(|(q, a)| format!("{q}: {a}"))
                .collect::<Vec<_>>()
                .join("\n"),
            self.filed
                .files
                .iter()
                .map(|f| format!("{}. {} ({}, {} bytes)", f.number, f.name, f.kind, f.bytes))
                .collect::<Vec<_>>()
                .join("\n"),
        ]
    }
}

const CSV_HEADER: [&str; 17] = [
    "reference",
    "received_at",
    "language",
    "category",
    "category_label",
    "stage",
    "decision",
    "name",
    "email",
    "phone",
    "preferred",
    "happened_on",
    "outcome",
    "outcome_other",
    "description",
    "details",
    "files",
];

/// One CSV cell (RFC 4180): always quoted, quotes doubled. A cell a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, or a tab or carriage return that hides one) gets a leading `'`, so
/// it stays text. Terminal hazards are shown as `<U+XXXX>`, as on `show`: the file is often printed.
pub fn csv_cell(text: &str) -> String {
    let text = terminal_safe(text);
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    format!(
        "\"{}{}\"",
        if formula { "'" } else { "" },
        text.replace('"', "\"\"")
    )
}

/// The format `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Csv,
}

/// JSON escapes C0 controls itself; C1 controls and bidi marks it writes as they are, and a terminal may obey
/// them. Written as `\uXXXX` instead, the JSON means the same.
fn json_terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hazard(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Complaints received on `since` or later (in the organisation's time zone), oldest first, held ones left
/// out (they may be a bot's; `list --quarantine` shows them).
pub fn export(
    store: &dyn Storage,
    settings: &Settings,
    since: Date,
    format: ExportFormat,
    lang: Locale,
) -> Result<String, DossierError> {
    let mut dossiers = Vec::new();
    for complaint in store.all()? {
        let received = complaint
            .record
            .received_at()
            .unwrap_or_else(|| Instant::from_unix_seconds(0));
        let local = settings.zone.local(received).map(|at| at.date);
        if local.is_some_and(|date| date >= since) {
            dossiers.push(Dossier::of(store, complaint)?);
        }
    }
    Ok(match format {
        ExportFormat::Json => {
            let all: Vec<Value> = dossiers.iter().map(|d| d.to_json(settings, lang)).collect();
            let text = serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into());
            format!("{}\n", json_terminal_safe(&text))
        }
        ExportFormat::Csv => {
            let mut out = String::new();
            let header: Vec<String> = CSV_HEADER.iter().map(|h| csv_cell(h)).collect();
            out.push_str(&header.join(","));
            out.push_str("\r\n");
            for dossier in &dossiers {
                let cells: Vec<String> = dossier
                    .csv_row(settings, lang)
                    .iter()
                    .map(|c| csv_cell(c))
                    .collect();
                out.push_str(&cells.join(","));
                out.push_str("\r\n");
            }
            out
        }
    })
}

/// Writes `bytes` to `path` readable by this user only. Without `force`, an existing file (or a symlink
/// there) is left alone and refused; with it, the new file replaces the name by rename, never writing
/// through a symlink into whatever it points at.
fn write_private(path: &Path, bytes: &[u8], force: bool) -> Result<(), DossierError> {
    let failed = |source: io::Error| DossierError::Write {
        path: path.to_owned(),
        source,
    };
    let create = |target: &Path| -> io::Result<std::fs::File> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(target)
    };
    if !force {
        let mut file = create(path).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                DossierError::Exists {
                    path: path.to_owned(),
                }
            } else {
                failed(e)
            }
        })?;
        return file
            .write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(failed);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let written = create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed(e));
    }
    Ok(())
}

/// Writes file `number` of the complaint to `out`. Returns the bytes written.
pub fn export_file(
    store: &dyn Storage,
    reference: &str,
    number: i64,
    out: &Path,
    force: bool,
) -> Result<i64, DossierError> {
    let dossier = Dossier::load(store, reference)?;
    let no_such = || DossierError::NoSuchFile {
        reference: dossier.complaint.record.reference.clone(),
        number,
        count: dossier.filed.files.len(),
    };
    let file = dossier
        .filed
        .files
        .iter()
        .find(|f| f.number == number)
        .ok_or_else(no_such)?;
    let bytes = store.file_bytes(file.source)?.ok_or_else(no_such)?;
    write_private(out, &bytes, force)?;
    Ok(bytes.len() as i64)
}

/// Writes every file of the complaint into `dir` (created if missing, 0700), named by [`safe_file_name`].
/// Without `force` nothing is written if any of the names is taken. Returns the paths written.
pub fn export_files(
    store: &dyn Storage,
    reference: &str,
    dir: &Path,
    force: bool,
) -> Result<Vec<PathBuf>, DossierError> {
    let dossier = Dossier::load(store, reference)?;
    crate::private_files::create_dir(dir).map_err(|source| DossierError::Write {
        path: dir.to_owned(),
        source,
    })?;
    let targets: Vec<(FileSource, PathBuf)> = dossier
        .filed
        .files
        .iter()
        .map(|f| (f.source, dir.join(safe_file_name(&f.name, f.number))))
        .collect();
    if !force {
        if let Some((_, taken)) = targets
            .iter()
            .find(|(_, path)| std::fs::symlink_metadata(path).is_ok())
        {
            return Err(DossierError::Exists {
                path: taken.clone(),
            });
        }
    }
    let mut written = Vec::new();
    for (source, path) in targets {
        let bytes = store.file_bytes(source)?.unwrap_or_default();
        write_private(&path, &bytes, force)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_hazards_are_shown_not_obeyed() {
        assert_eq!(
            terminal_safe("a\u{1b}[2Jb\u{9b}31m\u{202e}gpj.exe\r\nline"),
            "a<U+001B>[2Jb<U+009B>31m<U+202E>gpj.exe<U+000D>\nline"
        );
        assert_eq!(
            one_line("Anna\nStage: closed\t"),
            "Anna<U+000A>Stage: closed<U+0009>"
        );
        assert_eq!(terminal_safe("Zażółć 한국어"), "Zażółć 한국어");
    }

    #[test]
    fn file_names_from_customers_cannot_choose_where_they_go() {
        assert_eq!(safe_file_name("../../etc/passwd", 1), "1-_.._etc_passwd");
        assert_eq!(safe_file_name(".bashrc", 2), "2-bashrc");
        assert_eq!(safe_file_name("..", 3), "3-file");
        assert_eq!(safe_file_name("C:\\x\\y.jpg", 4), "4-C__x_y.jpg");
        assert_eq!(safe_file_name("a\u{202e}gpj.exe", 5), "5-a_gpj.exe");
        assert_eq!(safe_file_name("zdjęcie.jpg", 6), "6-zdjęcie.jpg");
        let long = safe_file_name(&"ł".repeat(300), 7);
        assert!(long.len() <= FILE_NAME_MAX_BYTES + 2, "{}", long.len());
    }

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("plain"), "\"plain\"");
        assert_eq!(csv_cell("say \"hi\", ok"), "\"say \"\"hi\"\", ok\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for start in ["+44 20", "-1", "@SUM(A1)", "\tx"] {
            assert!(csv_cell(start).starts_with("\"'"), "{start}");
        }
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn json_keeps_its_meaning_without_raw_c1_or_bidi_controls() {
        let text = serde_json::to_string(&json!({ "n": "a\u{9b}b\u{202e}c" })).unwrap();
        let safe = json_terminal_safe(&text);
        assert!(!safe.contains('\u{9b}') && !safe.contains('\u{202e}'));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["n"], "a\u{9b}b\u{202e}c");
    }
}
