//! The regulator's return (`report`, FCA DISP 1.10A style): complaints opened and closed in a period per
//! category, with the shares closed in time and upheld. Unsuppressed, unlike the published figures: it goes
//! to the regulator, not to the public.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use complaint_domain::calendar::Date;
use complaint_domain::instant::Instant;

use super::{local_midnight, refresh_facts};
use crate::dossier::csv_cell;
use crate::settings::Settings;
use crate::store::{FactStore, FigureStore, StoreError};

/// The format `report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Csv,
}

/// One line of the regulator's return (FCA DISP 1.10A style): a category, or all of them (`None`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportLine {
    pub category: Option<String>,
    pub opened: u64,
    pub closed: u64,
    /// Of those closed: closed within 3 business days of receipt, within 8 weeks, upheld, partly upheld.
    pub closed_within_3_business_days_pct: Option<f64>,
    pub closed_within_8_weeks_pct: Option<f64>,
    pub upheld_pct: Option<f64>,
    pub partly_upheld_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub from: Date,
    pub to: Date,
    pub time_zone: String,
    pub lines: Vec<ReportLine>,
}

fn pct(part: u64, base: u64) -> Option<f64> {
    (base > 0).then(|| (1000.0 * part as f64 / base as f64).round() / 10.0)
}

/// The return for complaints opened and closed from `from` to `to` (whole days in the organisation's zone).
/// Unsuppressed: it goes to the regulator, not to the public.
pub fn report(
    store: &mut (impl FactStore + FigureStore + ?Sized),
    settings: &Settings,
    from: Date,
    to: Date,
    now: Instant,
) -> Result<Report, StoreError> {
    refresh_facts(store, settings, now)?;
    let zone = &settings.zone;
    let (start, end) = (
        local_midnight(from, zone),
        local_midnight(to.add_days(1), zone),
    );
    let mut lines: BTreeMap<String, ReportLine> = BTreeMap::new();
    let blank = |category: &str| ReportLine {
        category: Some(category.to_owned()),
        opened: 0,
        closed: 0,
        closed_within_3_business_days_pct: None,
        closed_within_8_weeks_pct: None,
        upheld_pct: None,
        partly_upheld_pct: None,
    };
    for (category, opened) in store.opened_per_category(start, end)? {
        lines
            .entry(category.clone())
            .or_insert_with(|| blank(&category))
            .opened = opened;
    }
    let closed_counts = store.closed_per_category(start, end)?;
    for category in closed_counts.keys() {
        lines
            .entry(category.clone())
            .or_insert_with(|| blank(category));
    }
    let mut total = [0u64; 6];
    let mut out: Vec<ReportLine> = Vec::new();
    for (category, mut line) in lines {
        let c = closed_counts.get(&category).copied().unwrap_or_default();
        line.closed = c[0];
        line.closed_within_3_business_days_pct = pct(c[1], c[0]);
        line.closed_within_8_weeks_pct = pct(c[2], c[0]);
        line.upheld_pct = pct(c[3], c[0]);
        line.partly_upheld_pct = pct(c[4], c[0]);
        total[0] += line.opened;
        for (i, v) in c.iter().enumerate() {
            total[i + 1] += v;
        }
        out.push(line);
    }
    out.push(ReportLine {
        category: None,
        opened: total[0],
        closed: total[1],
        closed_within_3_business_days_pct: pct(total[2], total[1]),
        closed_within_8_weeks_pct: pct(total[3], total[1]),
        upheld_pct: pct(total[4], total[1]),
        partly_upheld_pct: pct(total[5], total[1]),
    });
    Ok(Report {
        from,
        to,
        time_zone: settings.zone.name().to_owned(),
        lines: out,
    })
}

impl Report {
    pub fn render(&self, format: ReportFormat) -> String {
        match format {
            ReportFormat::Json => serde_json::to_string_pretty(self).unwrap_or_default() + "\n",
            ReportFormat::Csv => {
                let mut out = String::new();
                let header = [
                    "from",
                    "to",
                    "category",
                    "opened",
                    "closed",
                    "closed_within_3_business_days_pct",
                    "closed_within_8_weeks_pct",
                    "upheld_pct",
                    "partly_upheld_pct",
                ];
                let _ = writeln!(out, "{}", header.map(csv_cell).join(","));
                let number = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
                for line in &self.lines {
                    let cells = [
                        self.from.to_string(),
                        self.to.to_string(),
                        line.category.clone().unwrap_or_else(|| "all".to_owned()),
                        line.opened.to_string(),
                        line.closed.to_string(),
                        number(line.closed_within_3_business_days_pct),
                        number(line.closed_within_8_weeks_pct),
                        number(line.upheld_pct),
                        number(line.partly_upheld_pct),
                    ];
                    let _ = writeln!(
                        out,
                        "{}",
                        cells
                            .iter()
                            .map(|c| csv_cell(c))
                            .collect::<Vec<_>>()
                            .join(",")
                    );
                }
                out
            }
        }
    }
}
