//! Thin, typed wrappers over the browser: each returns typed errors and holds no UI state.

pub mod api;
pub mod device;
pub mod drafts;
pub mod locale;
