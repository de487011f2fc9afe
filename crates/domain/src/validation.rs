//! What a rejected answer looks like, for every form in the app (and, later, the intake service).

use crate::i18n::Msg;

/// A problem with one answer: which field, and the message to show beside it and in the error summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    /// The `id` of the input the error summary links to.
    pub field: &'static str,
    pub message: Msg,
}

/// Collects the errors of several independent checks, in the order the fields appear on the page.
pub fn collect(checks: impl IntoIterator<Item = Result<(), FieldError>>) -> Vec<FieldError> {
    checks.into_iter().filter_map(Result::err).collect()
}
