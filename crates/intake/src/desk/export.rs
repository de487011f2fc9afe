//! A person's data, handed over (issue #25: GDPR art. 15 and 20, PIPA art. 35): every complaint a selector
//! names as JSON — what `show` shows, the status record, until when it is kept — with its files beside it,
//! in one zip. Staff ask by reference or by email address (admin); the customer's own export from the
//! tracker calls the same builder once their proof is checked.

use std::io::{Cursor, Write};

use serde_json::json;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::erasure::Selector;
use super::{Actor, Desk, DeskError, Permission};
use crate::dossier::{safe_file_name, Dossier};
use crate::store::Keeping;

impl Desk {
    /// The zip of everything held about the complaints `selector` names (admin). Each complaint is a folder
    /// named by its reference: `complaint.json` and `files/N-name`.
    pub fn export_zip(&self, actor: &Actor, selector: &Selector) -> Result<Vec<u8>, DeskError> {
        actor.require(Permission::Erase)?;
        let references = self.selected(selector)?;
        self.zip_of(&references)
    }

    /// The zip of the complaints `references` name, for a caller that has already checked who asks (the
    /// tracker's export, on the customer's proof).
    pub fn zip_of(&self, references: &[String]) -> Result<Vec<u8>, DeskError> {
        let settings = self.settings()?;
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for reference in references {
            let dossier = Dossier::load(&*self.store, reference)?;
            let keeping = self.store.keeping(dossier.complaint.id)?;
            let mut described = dossier.to_json(settings, dossier.complaint.locale);
            described["status"] = serde_json::from_str(&dossier.complaint.record.to_json())
                .unwrap_or(serde_json::Value::Null);
            described["kept"] = kept(&keeping);
            // A reference is letters, digits and hyphens (`CMP-7K4Q-2M9X`): a safe folder name as it is.
            let folder = &dossier.complaint.record.reference;
            let text = serde_json::to_vec_pretty(&described).unwrap_or_default();
            put(
                &mut zip,
                &format!("{folder}/complaint.json"),
                &text,
                options,
            )?;
            for file in &dossier.filed.files {
                let Some(bytes) = self.store.file_bytes(file.source)? else {
                    continue;
                };
                let name = safe_file_name(&file.name, file.number);
                put(&mut zip, &format!("{folder}/files/{name}"), &bytes, options)?;
            }
        }
        let cursor = zip.finish().map_err(|e| zip_failed(&e))?;
        Ok(cursor.into_inner())
    }
}

fn kept(keeping: &Keeping) -> serde_json::Value {
    json!({
        "keep_until": keeping.keep_until.map(|d| d.to_string()),
        "erased_at": keeping.erased_at.map(|at| at.to_string()),
        "legal_hold": keeping.hold.as_ref().map(|h| json!({
            "since": h.since.to_string(), "reason": h.reason
        })),
    })
}

fn put(
    zip: &mut ZipWriter<Cursor<Vec<u8>>>,
    name: &str,
    bytes: &[u8],
    options: SimpleFileOptions,
) -> Result<(), DeskError> {
    zip.start_file(name, options).map_err(|e| zip_failed(&e))?;
    zip.write_all(bytes).map_err(|e| zip_failed(&e))
}

/// Writing into memory fails only on a bug (a name twice); said as such, nothing is half handed over.
fn zip_failed(e: &dyn std::fmt::Display) -> DeskError {
    DeskError::Invalid(format!("the export could not be put together: {e}"))
}
