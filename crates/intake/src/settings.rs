//! The organisation's configuration as the service uses it: the same `config.json` the app reads, so the
//! limits, categories, service levels, time zone and holidays are one source of truth.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use complaint_domain::calendar::Date;
use complaint_domain::config::{ConfigError, OrgConfig};

use crate::zone::OrgZone;

pub struct Settings {
    pub config: OrgConfig,
    pub zone: OrgZone,
    pub holidays: BTreeSet<Date>,
}

/// Why the config cannot be used; the service does not start without one.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The same refusal the app gives a broken config.
    #[error("{}: {problem}", path.display())]
    Config { path: PathBuf, problem: ConfigError },
}

/// Room for the complaint JSON and the multipart framing around the files.
const FRAMING_BYTES: u64 = 1024 * 1024;

impl Settings {
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.to_owned(),
            source,
        })?;
        let config = OrgConfig::from_json(&text).map_err(|problem| SettingsError::Config {
            path: path.to_owned(),
            problem,
        })?;
        Ok(Settings::from_config(config))
    }

    pub fn from_config(config: OrgConfig) -> Settings {
        let zone = OrgZone::named_or_utc(&config.organisation.time_zone);
        if zone.name() != config.organisation.time_zone {
            crate::log!(
                "unknown time zone \"{}\" in the config: deadlines are counted in UTC, as the app does",
                config.organisation.time_zone
            );
        }
        Settings {
            holidays: config.organisation.holiday_set(),
            zone,
            config,
        }
    }

    /// The largest request body worth reading: every file at its limit plus the framing.
    pub fn body_limit(&self) -> u64 {
        let files = &self.config.limits.attachments;
        (files.max_count as u64)
            .saturating_mul(files.max_bytes)
            .saturating_add(FRAMING_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_loads_with_its_zone_and_a_body_limit_from_its_file_limits() {
        let settings = Settings::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../public/api/v1/config.json"
        )))
        .unwrap();
        assert_eq!(settings.zone.name(), "Europe/London");
        assert_eq!(settings.body_limit(), 5 * 10 * 1024 * 1024 + 1024 * 1024);
        assert!(!settings.holidays.is_empty());
    }

    #[test]
    fn a_broken_config_names_the_file() {
        let err = Settings::load(Path::new("/nonexistent/config.json"))
            .err()
            .unwrap();
        assert!(matches!(err, SettingsError::Read { .. }), "{err}");
        assert!(
            err.to_string().contains("/nonexistent/config.json"),
            "{err}"
        );
    }
}
