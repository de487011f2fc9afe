//! What a rejected answer looks like, and the small checks every form shares.

use crate::i18n::{Counted, Msg};
use crate::localized::LocalizedText;

/// A problem with one answer: which field, and what to tell the customer beside it and in the error summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The `id` of the input the error summary links to.
    pub field: String,
    pub problem: Problem,
}

/// Why an answer was refused, in terms the UI can word in any language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A fixed message.
    Says(Msg),
    /// A counted message, e.g. "You have 12 characters too many".
    Counts(Counted, u64),
    /// An organisation-defined question was left empty; the message names the question.
    Unanswered(LocalizedText),
}

impl FieldError {
    pub fn says(field: impl Into<String>, msg: Msg) -> FieldError {
        FieldError {
            field: field.into(),
            problem: Problem::Says(msg),
        }
    }
}

/// Collects the errors of several independent checks, in the order the fields appear on the page.
pub fn collect(checks: impl IntoIterator<Item = Result<(), FieldError>>) -> Vec<FieldError> {
    checks.into_iter().filter_map(Result::err).collect()
}

/// Blank space is not an answer.
pub fn required(value: &str, field: &str, msg: Msg) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        Err(FieldError::says(field, msg))
    } else {
        Ok(())
    }
}

/// Length in characters as a person counts them (Unicode scalar values), never bytes: Korean and emoji
/// must not use up a limit three or four times faster.
pub fn char_count(value: &str) -> usize {
    value.chars().count()
}

/// The text is kept whole however long it is; the customer is told how much to cut.
pub fn at_most(value: &str, max: usize, field: &str) -> Result<(), FieldError> {
    let count = char_count(value);
    if count > max {
        Err(FieldError {
            field: field.into(),
            problem: Problem::Counts(Counted::CharactersTooMany, (count - max) as u64),
        })
    } else {
        Ok(())
    }
}

/// A plausible bare address: one `@`, something before it, a dotted domain after it, no spaces.
/// Deliverability is the mail server's to prove; this catches typing slips. Only the bare address: no
/// display name, quotes, angle brackets or lists (`"Northwind" <victim@third.example>`, `a@b.c, d@e.f`), which
/// would otherwise travel into the `To:` of mail sent to it as someone else's name or address.
pub fn looks_like_email(value: &str) -> bool {
    let value = value.trim();
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    // Characters with a meaning in a mail header's address syntax (RFC 5322 specials), and controls.
    let plain = |c: char| !c.is_control() && !c.is_whitespace() && !"()<>[]:;,\\\"".contains(c);
    !local.is_empty()
        && value.len() <= 254
        && !domain.contains('@')
        && value.chars().all(plain)
        && domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
}

/// Digits with the usual separators, 7 to 15 digits (E.164 allows 15).
pub fn looks_like_phone(value: &str) -> bool {
    let value = value.trim();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    (7..=15).contains(&digits)
        && value.chars().all(allowed)
        && value.rfind('+').is_none_or(|i| i == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_that_people_mistype_are_caught() {
        for good in [
            "a@b.co",
            "anna.kowalska+shop@poczta.example.pl",
            " jin@example.kr ",
        ] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.com",
            "anna@example",
            "an na@example.com",
            "a@b@c.com",
            "a@.com",
            "a@b..com",
            "\"Northwind\"<victim@third.example>",
            "Northwind<victim@third.example>",
            "<victim@third.example>",
            "anna@example.pl,victim@third.example",
            "anna@example.pl;victim@third.example",
            "anna(comment)@example.pl",
            "anna@[127.0.0.1]",
            "anna\u{7}@example.pl",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones_allow_separators_but_need_enough_digits() {
        for good in ["+44 20 7946 0000", "010-1234-5678", "(22) 123 45 67"] {
            assert!(looks_like_phone(good), "{good}");
        }
        for bad in [
            "",
            "12345",
            "call me",
            "+44 20 +7946 0000",
            "1234567890123456",
        ] {
            assert!(!looks_like_phone(bad), "{bad}");
        }
    }

    #[test]
    fn length_counts_characters_not_bytes_and_reports_the_excess() {
        assert_eq!(char_count("한국어💔"), 4);
        assert_eq!(at_most("한국어", 3, "f"), Ok(()));
        let err = at_most(&"ą".repeat(100_000), 5_000, "description").unwrap_err();
        assert_eq!(
            err.problem,
            Problem::Counts(Counted::CharactersTooMany, 95_000)
        );
    }
}
