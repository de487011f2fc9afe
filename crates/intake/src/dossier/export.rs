//! Complaints handed over: `export` as JSON or CSV for a CRM (each cell and string made safe by
//! [`super::hostile`]), and `attachment` writing a complaint's files out, readable by this user only.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use complaint_domain::calendar::Date;
use complaint_domain::draft::Channel;
use complaint_domain::i18n::Locale;
use complaint_domain::instant::{Instant, Zone};
use serde_json::{json, Value};

use super::hostile::{csv_cell, json_terminal_safe, safe_file_name};
use super::{Dossier, DossierError};
use crate::settings::Settings;
use crate::store::{decision_name, FileSource, Storage};

impl Dossier {
    /// One complaint as the JSON `export` writes: the answers as sent, labelled details, file descriptions.
    pub(crate) fn to_json(&self, settings: &Settings, lang: Locale) -> Value {
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

/// The format `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Csv,
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
    crate::files::write_atomically_private(path, bytes).map_err(failed)
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
