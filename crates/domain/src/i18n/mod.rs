//! Localisation: the languages we ship, their plural rules and every user-facing string.
//!
//! Hand-written rather than a crate such as `leptos_i18n` (+45 KB gzip) or Fluent (+70 KB gzip): the catalogue
//! is a `match` per language, so the compiler refuses a build where any language misses any message, and
//! the Wasm carries nothing but the strings themselves. See docs/localisation.md.

mod catalog;
pub mod dates;
mod locale;
mod plural;
pub mod zones;

pub use catalog::{Counted, IntakeMsg, Message, Msg, NoticeMsg};
pub use locale::Locale;
pub use plural::PluralCategory;

/// A message in the given language, with `{name}` placeholders filled from `args`.
///
/// Placeholders without an argument are left as written so a missing argument is visible, not silent.
pub fn format(locale: Locale, msg: impl Message, args: &[(&str, &str)]) -> String {
    fill(msg.text(locale), args)
}

/// A counted message ("3 photos", "3 zdjęcia", "5 zdjęć") in the plural form the language needs for `n`;
/// `{n}` in the message is replaced by the number.
pub fn count(locale: Locale, msg: Counted, n: u64) -> String {
    let form = msg.form(locale, PluralCategory::of(locale, n));
    fill(form, &[("n", &n.to_string())])
}

/// "(shown in English)": the note after organisation text shown in another language than the page's
/// (an untranslated category, a status message in the customer's language only).
pub fn shown_in(language: Locale) -> Msg {
    match language {
        Locale::En => Msg::ShownInEnglish,
        Locale::Ko => Msg::ShownInKorean,
        Locale::Pl => Msg::ShownInPolish,
    }
}

fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match args.iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_named_placeholders_in_any_order() {
        assert_eq!(
            fill(
                "Step {current} of {total}",
                &[("total", "7"), ("current", "3")]
            ),
            "Step 3 of 7"
        );
    }

    #[test]
    fn leaves_unknown_placeholders_and_stray_braces_visible() {
        assert_eq!(fill("a {missing} b", &[]), "a {missing} b");
        assert_eq!(fill("open { brace", &[]), "open { brace");
    }

    #[test]
    fn counts_use_each_languages_plural_forms() {
        assert_eq!(count(Locale::En, Counted::Photos, 1), "1 photo");
        assert_eq!(count(Locale::En, Counted::Photos, 2), "2 photos");
        assert_eq!(count(Locale::Pl, Counted::Photos, 1), "1 zdjęcie");
        assert_eq!(count(Locale::Pl, Counted::Photos, 3), "3 zdjęcia");
        assert_eq!(count(Locale::Pl, Counted::Photos, 5), "5 zdjęć");
        assert_eq!(count(Locale::Pl, Counted::Photos, 22), "22 zdjęcia");
        assert_eq!(count(Locale::Ko, Counted::Photos, 5), "사진 5장");
    }
}
