//! What the command line does for the whole service, for the desk in the browser too (issue #23): the
//! export of the complaints received since a day, the regulator's report, republishing the status files and
//! publishing the figures. Each needs [`Permission::Operations`] (leads and above; the command line is an
//! admin) and writes one audit line (the figures: unless the command line, which `serve`'s schedule runs,
//! published them): an export carries every customer's words and contact details, so who took one is on the record.

use std::path::Path;

use complaint_domain::calendar::Date;
use complaint_domain::i18n::Locale;
use serde_json::json;

use super::{Actor, Desk, DeskError, Permission};
use crate::dossier::ExportFormat;
use crate::insights::{Report, ReportFormat};
use crate::zone;

fn export_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Json => "json",
        ExportFormat::Csv => "csv",
    }
}

fn report_name(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Json => "json",
        ReportFormat::Csv => "csv",
    }
}

impl Desk {
    /// Complaints received on `since` or later, as text in `format`, labelled in `lang`; audited as
    /// `export`.
    pub fn export(
        &mut self,
        actor: &Actor,
        since: Date,
        format: ExportFormat,
        lang: Locale,
        address: Option<&str>,
    ) -> Result<String, DeskError> {
        actor.require(Permission::Operations)?;
        let settings = self.settings()?;
        let text = crate::dossier::export(&*self.store, settings, since, format, lang)?;
        let detail = json!({
            "since": since.to_string(),
            "format": export_name(format),
            "lang": lang.tag(),
        });
        self.audit(actor, "export", None, detail, address)?;
        Ok(text)
    }

    /// Writes the status files that lag behind the database (`all`: every one); audited as `republish`.
    /// Returns how many were written.
    pub fn republish(
        &mut self,
        actor: &Actor,
        all: bool,
        address: Option<&str>,
    ) -> Result<usize, DeskError> {
        actor.require(Permission::Operations)?;
        let written = crate::publish::republish(&*self.store, &self.publisher, all)?;
        let detail = json!({ "all": all, "written": written });
        self.audit(actor, "republish", None, detail, address)?;
        Ok(written)
    }

    /// Computes and publishes the figures to `path`; audited as `publish_figures`. Returns the file's size
    /// in bytes.
    pub fn publish_figures(
        &mut self,
        actor: &Actor,
        path: &Path,
        address: Option<&str>,
    ) -> Result<usize, DeskError> {
        actor.require(Permission::Operations)?;
        let settings = self.shared_settings()?;
        let bytes = crate::insights::publish(&mut *self.store, &settings, path, zone::now())?;
        // `serve` runs `insights` from the command line on its schedule: those runs are no one's action,
        // and a line each would bury the people's.
        if *actor != Actor::CommandLine {
            self.audit(
                actor,
                "publish_figures",
                None,
                json!({ "bytes": bytes }),
                address,
            )?;
        }
        Ok(bytes)
    }

    /// The regulator's return for complaints opened and closed from `from` to `to`; audited as `report`.
    pub fn report(
        &mut self,
        actor: &Actor,
        from: Date,
        to: Date,
        format: ReportFormat,
        address: Option<&str>,
    ) -> Result<Report, DeskError> {
        actor.require(Permission::Operations)?;
        let settings = self.shared_settings()?;
        let report = crate::insights::report(&mut *self.store, &settings, from, to, zone::now())?;
        let detail = json!({
            "from": from.to_string(),
            "to": to.to_string(),
            "format": report_name(format),
        });
        self.audit(actor, "report", None, detail, address)?;
        Ok(report)
    }
}
