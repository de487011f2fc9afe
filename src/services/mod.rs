//! Thin, typed wrappers over the browser: each returns typed errors and holds no UI state.

pub mod api;
pub mod clock;
pub mod device;
pub mod drafts;
pub mod evidence;
pub mod helped;
pub mod images;
pub mod json;
pub mod locale;
pub mod locks;
pub mod offline;
pub mod replies;
pub mod snapshot;
pub mod status;
pub mod store_scope;
pub mod submit;
pub mod transfer;
pub mod your_data;
