//! The complaint desk's rules, free of any browser or UI code.
//!
//! Everything here runs natively (`cargo test -p complaint-domain`) and is shared by the Wasm app and,
//! later, the intake service, so the same rules hold on both sides of the wire.

pub mod config;
pub mod draft;
pub mod i18n;
pub mod localized;
pub mod steps;
pub mod tracking;
pub mod validation;
