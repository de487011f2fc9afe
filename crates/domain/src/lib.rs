//! The complaint desk's rules, free of any browser or UI code.
//!
//! Everything here runs natively (`cargo test -p complaint-domain`) and is shared by the Wasm app and,
//! later, the intake service, so the same rules hold on both sides of the wire.

pub mod calendar;
#[cfg(test)]
mod calendar_oracle;
pub mod checks;
pub mod config;
pub mod data_requests;
#[cfg(test)]
mod deadline_properties;
pub mod disclosure;
#[cfg(test)]
mod disclosure_properties;
pub mod draft;
pub mod evidence;
pub mod i18n;
pub mod insights;
pub mod instant;
pub mod json;
pub mod knowledge;
pub mod links;
pub mod localized;
pub mod money;
pub mod my_complaints;
pub mod outbox;
pub mod privacy;
pub mod receipt;
pub mod replies;
pub mod residence;
pub mod retention;
#[cfg(test)]
mod scope_properties;
pub mod service_levels;
pub mod sorting;
pub mod status;
pub mod steps;
pub mod submission;
pub mod tracking;
pub mod validation;
