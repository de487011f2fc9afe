//! What the customer sent, for the organisation to read: `show` prints a whole complaint as a person reads
//! it (`news`, for a mail about replies, only what is new), `attachment` writes its files out, `export` hands
//! complaints to a CRM as JSON or CSV.
//!
//! Everything here is customer text shown on an operator's terminal or opened in a spreadsheet, so it is
//! treated as hostile: terminal control characters (C0, C1, ESC sequences, bidi overrides) are shown as
//! `<U+001B>` instead of being obeyed, a file name never chooses where it is written, and a CSV cell never
//! starts a formula.
//!
//! Here: the dossier itself (`show`, `news`); [`hostile`] holds the escaping of customer text, [`export`] the
//! JSON and CSV for a CRM and the files written out.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use complaint_domain::draft::Channel;
use complaint_domain::i18n::{format, IntakeMsg, Locale, Msg};
use complaint_domain::status::{ReplyKind, Stage};
use complaint_domain::submission::Submission;

use crate::settings::Settings;
use crate::store::{
    decision_name, Complaint, FileSource, Filed, FiledFile, Storage, StoreError, StoredReply,
};

mod export;
mod hostile;
#[cfg(test)]
mod tests;

pub use export::{export, export_file, export_files, ExportFormat};
pub use hostile::{csv_cell, one_line, safe_file_name, terminal_safe};

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
/// "Investigation (investigating)", "일부 수용 (partly_upheld)", "partly upheld".
fn staff_words(words: &str, command: &str) -> String {
    if words.to_lowercase() == command.replace('_', " ") {
        words.to_owned()
    } else {
        format!("{words} ({command})")
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
        row(
            &mut out,
            IntakeMsg::DossierReference.text(lang),
            &record.reference,
        );
        row(
            &mut out,
            IntakeMsg::DossierReceived.text(lang),
            &self.filed.received_at.to_string(),
        );
        row(
            &mut out,
            Msg::RowCategory.text(lang),
            &self.category_label(settings, lang),
        );
        row(
            &mut out,
            IntakeMsg::DossierStage.text(lang),
            &staff_words(self.stage().label().text(lang), self.stage().as_str()),
        );
        row(
            &mut out,
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
            reply_text(&mut out, reply.text.as_deref());
        }
        self.news_files(&mut out, lang, from_reply);
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

    /// The files that came with the replies from `from_reply` on, if any.
    fn news_files(&self, out: &mut String, lang: Locale, from_reply: i64) {
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
                file_line(out, file, lang, "");
            }
        }
    }

    /// The whole complaint as a person reads it, labelled in `lang`, safe to print on a terminal: one
    /// section after another, each ending where the next begins.
    pub fn show(&self, settings: &Settings, lang: Locale, status_file: &Path) -> String {
        let mut out = String::new();
        self.show_summary(&mut out, settings, lang, status_file);
        self.show_answers(&mut out, settings, lang);
        self.show_contact(&mut out, lang);
        self.show_files(&mut out, lang);
        self.show_stages(&mut out, lang);
        self.show_replies(&mut out, lang);
        self.show_decision(&mut out, lang);
        out
    }

    /// The reference, dates, category, stage, where its status file is, and the description.
    fn show_summary(
        &self,
        out: &mut String,
        settings: &Settings,
        lang: Locale,
        status_file: &Path,
    ) {
        let s = &self.submission;
        let record = &self.complaint.record;
        row(
            out,
            IntakeMsg::DossierReference.text(lang),
            &record.reference,
        );
        row(
            out,
            IntakeMsg::DossierReceived.text(lang),
            &self.filed.received_at.to_string(),
        );
        row(
            out,
            Msg::RowCategory.text(lang),
            &self.category_label(settings, lang),
        );
        row(out, IntakeMsg::DossierLanguage.text(lang), s.locale.tag());
        row(
            out,
            IntakeMsg::DossierStage.text(lang),
            &staff_words(self.stage().label().text(lang), self.stage().as_str()),
        );
        if let Some(reason) = &self.complaint.quarantine {
            row(out, IntakeMsg::DossierQuarantine.text(lang), reason);
        }
        row(
            out,
            IntakeMsg::DossierStatusFile.text(lang),
            &status_file.display().to_string(),
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", one_line(Msg::RowDescription.text(lang)));
        for line in terminal_safe(&s.description).lines() {
            let _ = writeln!(out, "    {line}");
        }
    }

    /// The customer's other answers.
    fn show_answers(&self, out: &mut String, settings: &Settings, lang: Locale) {
        let s = &self.submission;
        row(
            out,
            Msg::RowHappenedOn.text(lang),
            &s.happened_on.to_string(),
        );
        for (label, answer) in self.details(settings, lang) {
            row(out, &label, &answer);
        }
        row(
            out,
            Msg::RowOutcome.text(lang),
            s.outcome.label().text(lang),
        );
        if let Some(other) = &s.outcome_other {
            row(out, "", other);
        }
        let _ = writeln!(out);
    }

    /// How to reach the customer, and the PIN when they gave no email address.
    fn show_contact(&self, out: &mut String, lang: Locale) {
        let s = &self.submission;
        let not_given = Msg::NotGiven.text(lang);
        row(out, Msg::RowName.text(lang), &s.contact.name);
        row(
            out,
            Msg::RowEmail.text(lang),
            s.contact.email.as_deref().unwrap_or(not_given),
        );
        row(
            out,
            Msg::RowPhone.text(lang),
            s.contact.phone.as_deref().unwrap_or(not_given),
        );
        row(
            out,
            Msg::RowPreferred.text(lang),
            channel_msg(s.contact.preferred).text(lang),
        );
        if let Some(pin) = &self.filed.pin {
            row(out, "PIN", pin);
        }
        let _ = writeln!(out);
    }

    /// The files, with the complaint's and the replies' marked.
    fn show_files(&self, out: &mut String, lang: Locale) {
        let _ = writeln!(
            out,
            "{} ({})",
            one_line(Msg::RowEvidence.text(lang)),
            self.filed.files.len()
        );
        for file in &self.filed.files {
            let from_reply = if matches!(file.source, FileSource::Reply { .. }) {
                format!("  {}", IntakeMsg::DossierFileFromReply.text(lang))
            } else {
                String::new()
            };
            file_line(out, file, lang, &from_reply);
        }
        let _ = writeln!(out);
    }

    /// The stages so far, the next step, and the dates set by hand.
    fn show_stages(&self, out: &mut String, lang: Locale) {
        let record = &self.complaint.record;
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
    }

    /// The conversation: each reply, the new ones marked.
    fn show_replies(&self, out: &mut String, lang: Locale) {
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
                reply_text(out, reply.text.as_deref());
            }
        }
    }

    /// The customer's rating, the decision and its causes.
    fn show_decision(&self, out: &mut String, lang: Locale) {
        let record = &self.complaint.record;
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
    }
}

/// A reply's words under its heading, indented, terminal hazards shown rather than obeyed.
fn reply_text(out: &mut String, text: Option<&str>) {
    for line in text.map(terminal_safe).unwrap_or_default().lines() {
        let _ = writeln!(out, "      {line}");
    }
}

/// One file of the dossier: its number, name, type, size and hash, then `marked` (e.g. "from a reply").
fn file_line(out: &mut String, file: &FiledFile, lang: Locale, marked: &str) {
    let _ = writeln!(
        out,
        "  {:>2}  {}  {}  {}  sha256 {}{marked}",
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

/// How wide the label column shows, in terminal columns.
const LABEL_COLUMNS: usize = 22;

/// One labelled line of the dossier, both sides on one line whatever the customer typed. Padded by display
/// width, not by characters: a Korean label's characters take two columns each, and must still align.
fn row(out: &mut String, label: &str, value: &str) {
    let label = one_line(label);
    let label: &str = &label;
    let pad = LABEL_COLUMNS.saturating_sub(unicode_width::UnicodeWidthStr::width(label));
    let _ = writeln!(out, "{label}{:pad$} {}", "", one_line(value));
}
