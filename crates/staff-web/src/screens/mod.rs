//! The desk's screens, one folder or file each; each owns its state.

pub mod add_passkey;
pub mod admin;
pub mod complaint;
pub mod data_requests;
pub mod enrol;
pub mod operations;
pub mod queue;
pub mod sign_in;
