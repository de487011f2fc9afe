//! Small pieces shared by pages, each named for what the customer sees.

pub mod error_summary;
pub mod file_picker;
pub mod language_picker;
pub mod load_error;
pub mod radio;
pub mod show_all;
pub mod site_header;
pub mod step_progress;
pub mod text_area;
pub mod text_field;
