//! @mentions in an internal note: what the person is typing after an `@` (the combobox's question), which
//! colleagues it matches, the note's text with the chosen name put in, and the ids the note finally
//! mentions (those whose `@Name` is still in the text when it is sent). Pure, so it is tested without a
//! page; the form is `screens::complaint::note`.

use serde::Deserialize;

/// Someone a note may mention (`GET /colleagues`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Colleague {
    pub id: i64,
    pub name: String,
}

/// The longest name query, in characters: past it the `@` was not the start of a mention.
const LONGEST_QUERY: usize = 40;

/// At most this many colleagues are offered at once.
pub const OFFERED: usize = 8;

/// The byte index of the `@` and the words typed after it, when the caret (`caret`, in UTF-16 units as the
/// browser counts) is in a mention being typed: an `@` at the start or after a space, then no line break.
pub fn typing_at(text: &str, caret: usize) -> Option<(usize, String)> {
    let end = byte_index(text, caret)?;
    let before = &text[..end];
    let at = before.rfind('@')?;
    let query = &before[at + 1..];
    let starts_word = before[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    let plausible = !query.contains(['\n', '\r', '@']) && query.chars().count() <= LONGEST_QUERY;
    (starts_word && plausible).then(|| (at, query.to_owned()))
}

/// The byte index of UTF-16 offset `units` in `text` (`None` past its end or inside a character).
pub fn byte_index(text: &str, units: usize) -> Option<usize> {
    let mut counted = 0;
    for (index, c) in text.char_indices() {
        if counted == units {
            return Some(index);
        }
        counted += c.len_utf16();
        if counted > units {
            return None;
        }
    }
    (counted == units).then_some(text.len())
}

/// The colleagues whose name, or one of its words, starts with `query` (any case), at most [`OFFERED`].
pub fn matching<'a>(colleagues: &'a [Colleague], query: &str) -> Vec<&'a Colleague> {
    let query = query.trim().to_lowercase();
    colleagues
        .iter()
        .filter(|c| {
            let name = c.name.to_lowercase();
            name.starts_with(&query) || name.split_whitespace().any(|w| w.starts_with(&query))
        })
        .take(OFFERED)
        .collect()
}

/// `text` with the mention being typed (from the `@` at byte `at` to the caret at byte `end`) replaced by
/// `@Name `, and the caret after it (in UTF-16 units).
pub fn put_in(text: &str, at: usize, end: usize, name: &str) -> (String, usize) {
    let head = format!("{}@{name} ", &text[..at]);
    let caret = head.encode_utf16().count();
    (format!("{head}{}", &text[end..]), caret)
}

/// The ids of the `chosen` colleagues whose `@Name` is still in `text`, each once, in the order chosen.
pub fn mentioned(text: &str, chosen: &[Colleague]) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    for colleague in chosen {
        if text.contains(&format!("@{}", colleague.name)) && !ids.contains(&colleague.id) {
            ids.push(colleague.id);
        }
    }
    ids
}
