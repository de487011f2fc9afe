//! The colleagues a note mentions: `@name` words, sent beside the note for the server to match.

/// `@name` words of a note, without the `@` (the server matches them to colleagues).
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .split_whitespace()
        .filter_map(|w| w.strip_prefix('@'))
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '_' && c != '.')
        })
        .map(|w| w.trim_end_matches('.').to_owned())
        .filter(|w| !w.is_empty())
        .collect();
    found.dedup();
    found
}
