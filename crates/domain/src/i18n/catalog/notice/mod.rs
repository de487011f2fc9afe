//! The full privacy notice's words, one file per language like the rest of the catalogue.

pub(super) mod en;
pub(super) mod ko;
pub(super) mod pl;
