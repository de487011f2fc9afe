//! The administrator's screens (role admin; the server refuses anyone else).

pub mod staff;
pub mod templates;
pub mod tokens;
pub mod webhooks;
