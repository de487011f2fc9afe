//! Looking up a complaint: what the customer must give before the tracker fetches anything.

use crate::i18n::Msg;
use crate::validation::{collect, required, FieldError};

pub const REFERENCE_FIELD: &str = "reference";
pub const VERIFIER_FIELD: &str = "verifier";

/// Both parts are required; neither is echoed back in a message, so errors reveal nothing.
pub fn check_lookup(reference: &str, verifier: &str) -> Vec<FieldError> {
    collect([
        required(reference, REFERENCE_FIELD, Msg::ReferenceRequired),
        required(verifier, VERIFIER_FIELD, Msg::VerifierRequired),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_are_required_and_blank_space_is_not_an_answer() {
        let fields =
            |errors: Vec<FieldError>| errors.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(
            fields(check_lookup("", " \t")),
            vec![REFERENCE_FIELD, VERIFIER_FIELD]
        );
        assert_eq!(fields(check_lookup("CMP-1", "")), vec![VERIFIER_FIELD]);
        assert!(check_lookup("CMP-1", "1234").is_empty());
    }
}
