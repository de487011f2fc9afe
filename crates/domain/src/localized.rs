use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

/// Text an organisation supplies in several languages, keyed by language tag: `{"en": "…", "pl": "…"}`.
///
/// A missing language falls back to English, then to any language given, so one untranslated label never
/// stops a customer from filing; [`crate::config::OrgConfig::validate`] rejects text with no language at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalizedText(BTreeMap<String, String>);

impl LocalizedText {
    pub fn get(&self, locale: Locale) -> &str {
        self.non_empty(locale.tag())
            .or_else(|| self.non_empty(Locale::En.tag()))
            .or_else(|| self.0.values().map(|s| s.trim()).find(|s| !s.is_empty()))
            .unwrap_or("")
    }

    /// The language [`LocalizedText::get`] falls back to when `locale` has no text: `None` when it has, so a
    /// page can mark the fallback (`lang="en"`) for screen readers and say it is another language.
    pub fn fallback_language(&self, locale: Locale) -> Option<Locale> {
        if self.non_empty(locale.tag()).is_some() {
            return None;
        }
        if self.non_empty(Locale::En.tag()).is_some() {
            return Some(Locale::En);
        }
        self.0
            .iter()
            .find(|(_, text)| !text.trim().is_empty())
            .and_then(|(tag, _)| Locale::from_tag(tag))
    }

    /// Every language's text, by tag, blanks included.
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(tag, text)| (tag.as_str(), text.as_str()))
    }

    /// True when no language has any text.
    pub fn is_blank(&self) -> bool {
        self.0.values().all(|s| s.trim().is_empty())
    }

    /// The shipped languages this text has no translation for.
    pub fn missing(&self) -> Vec<Locale> {
        Locale::ALL
            .into_iter()
            .filter(|l| self.non_empty(l.tag()).is_none())
            .collect()
    }

    fn non_empty(&self, tag: &str) -> Option<&str> {
        self.0.get(tag).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

impl<const N: usize> From<[(&str, &str); N]> for LocalizedText {
    fn from(pairs: [(&str, &str); N]) -> Self {
        LocalizedText(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_english_then_to_any_language() {
        let text = LocalizedText::from([("en", "Billing"), ("pl", "Płatności")]);
        assert_eq!(text.get(Locale::Pl), "Płatności");
        assert_eq!(text.get(Locale::Ko), "Billing");
        assert_eq!(
            LocalizedText::from([("ko", "배송")]).get(Locale::En),
            "배송"
        );
        assert_eq!(text.missing(), vec![Locale::Ko]);
        assert_eq!(text.fallback_language(Locale::Ko), Some(Locale::En));
        assert_eq!(text.fallback_language(Locale::Pl), None);
        assert_eq!(
            LocalizedText::from([("ko", "배송")]).fallback_language(Locale::Pl),
            Some(Locale::Ko)
        );
    }

    #[test]
    fn blank_translations_count_as_missing() {
        let text = LocalizedText::from([("en", "  "), ("ko", "")]);
        assert!(text.is_blank());
        assert_eq!(text.get(Locale::En), "");
    }
}

/// Text the organisation writes about one complaint (a stage's message, the next step, a decision's summary,
/// the reason for a date set by hand): a plain string, as every file before languages had it and still may, or
/// one text per language, `{"ko": "…", "en": "…"}`, the complaint's own language first.
///
/// A plain string's language is not known, so it is shown as it is. From a map the page's language is shown;
/// without it, the first entry (the customer's own language, as the intake publishes it), marked as such.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgText {
    Plain(String),
    /// In the order written; tags as given (`ko`, `pl-PL`), matched by their primary subtag.
    ByLanguage(Vec<(String, String)>),
}

/// What to show of an [`OrgText`] for a page in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown<'a> {
    pub text: &'a str,
    /// The language the text is in when it is not the page's (and known): the page says "shown in …".
    pub other_language: Option<Locale>,
    /// The text's language tag when known, for a `lang` attribute.
    pub lang: Option<&'a str>,
}

impl OrgText {
    /// Trimmed, without blank languages; `None` when nothing is left.
    pub fn cleaned(self) -> Option<OrgText> {
        match self {
            OrgText::Plain(text) => {
                let text = text.trim();
                (!text.is_empty()).then(|| OrgText::Plain(text.to_owned()))
            }
            OrgText::ByLanguage(texts) => {
                let texts: Vec<(String, String)> = texts
                    .into_iter()
                    .map(|(tag, text)| (tag.trim().to_owned(), text.trim().to_owned()))
                    .filter(|(tag, text)| !tag.is_empty() && !text.is_empty())
                    .collect();
                (!texts.is_empty()).then_some(OrgText::ByLanguage(texts))
            }
        }
    }

    /// The text for a page in `locale`: its own language, else the first given, marked as another language.
    pub fn show(&self, locale: Locale) -> Shown<'_> {
        match self {
            OrgText::Plain(text) => Shown {
                text,
                other_language: None,
                lang: None,
            },
            OrgText::ByLanguage(texts) => {
                let own = texts
                    .iter()
                    .find(|(tag, _)| Locale::from_tag(tag) == Some(locale));
                match own.or(texts.first()) {
                    Some((tag, text)) => Shown {
                        text,
                        other_language: Locale::from_tag(tag).filter(|l| *l != locale),
                        lang: Some(tag),
                    },
                    None => Shown {
                        text: "",
                        other_language: None,
                        lang: None,
                    },
                }
            }
        }
    }

    /// The same texts with `locale`'s first, as the intake publishes them for a customer in that language.
    pub fn first_in(self, locale: Locale) -> OrgText {
        match self {
            OrgText::ByLanguage(mut texts) => {
                texts.sort_by_key(|(tag, _)| Locale::from_tag(tag) != Some(locale));
                OrgText::ByLanguage(texts)
            }
            plain => plain,
        }
    }

    /// How a database keeps it: a plain string as it is, a map as its JSON.
    pub fn to_stored(&self) -> String {
        match self {
            OrgText::Plain(text) => text.clone(),
            OrgText::ByLanguage(_) => serde_json::to_string(self).unwrap_or_default(),
        }
    }

    /// Read back what [`OrgText::to_stored`] wrote: JSON of a map of known language tags is a map, anything
    /// else (every text stored before languages) a plain string.
    pub fn from_stored(text: String) -> OrgText {
        if text.starts_with('{') {
            if let Ok(OrgText::ByLanguage(texts)) = serde_json::from_str::<OrgText>(&text) {
                if texts.iter().all(|(tag, _)| Locale::from_tag(tag).is_some()) {
                    return OrgText::ByLanguage(texts);
                }
            }
        }
        OrgText::Plain(text)
    }
}

impl From<&str> for OrgText {
    fn from(text: &str) -> Self {
        OrgText::Plain(text.to_owned())
    }
}

impl From<String> for OrgText {
    fn from(text: String) -> Self {
        OrgText::Plain(text)
    }
}

/// For the back office's terminal: a plain text as it is, languages as `ko: …  en: …`.
impl std::fmt::Display for OrgText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrgText::Plain(text) => f.write_str(text),
            OrgText::ByLanguage(texts) => {
                for (i, (tag, text)) in texts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("  ")?;
                    }
                    write!(f, "{tag}: {text}")?;
                }
                Ok(())
            }
        }
    }
}

impl Serialize for OrgText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            OrgText::Plain(text) => serializer.serialize_str(text),
            OrgText::ByLanguage(texts) => {
                let mut map = serializer.serialize_map(Some(texts.len()))?;
                for (tag, text) in texts {
                    map.serialize_entry(tag, text)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for OrgText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = OrgText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, or an object of language tags to strings")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<OrgText, E> {
                Ok(OrgText::Plain(text.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<OrgText, E> {
                Ok(OrgText::Plain(text))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<OrgText, A::Error> {
                let mut texts = Vec::new();
                while let Some((tag, text)) = map.next_entry::<String, String>()? {
                    texts.push((tag, text));
                }
                Ok(OrgText::ByLanguage(texts))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

#[cfg(test)]
mod org_text_tests {
    use super::*;

    fn by(texts: &[(&str, &str)]) -> OrgText {
        OrgText::ByLanguage(
            texts
                .iter()
                .map(|(t, s)| ((*t).to_owned(), (*s).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_plain_string_and_a_map_both_read_and_keep_their_order() {
        let plain: OrgText = serde_json::from_str(r#""We have it.""#).unwrap();
        assert_eq!(plain, OrgText::Plain("We have it.".into()));
        let map: OrgText =
            serde_json::from_str(r#"{"ko": "접수했습니다.", "en": "We have it."}"#).unwrap();
        assert_eq!(map, by(&[("ko", "접수했습니다."), ("en", "We have it.")]));
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            r#"{"ko":"접수했습니다.","en":"We have it."}"#
        );
    }

    #[test]
    fn the_pages_language_else_the_first_marked_as_another() {
        let text = by(&[("ko", "접수했습니다."), ("en", "We have it.")]);
        let en = text.show(Locale::En);
        assert_eq!((en.text, en.other_language), ("We have it.", None));
        let pl = text.show(Locale::Pl);
        assert_eq!(
            (pl.text, pl.other_language, pl.lang),
            ("접수했습니다.", Some(Locale::Ko), Some("ko"))
        );
        let plain = OrgText::from("Hi.");
        let shown = plain.show(Locale::Ko);
        assert_eq!((shown.text, shown.other_language), ("Hi.", None));
    }

    #[test]
    fn the_customers_language_goes_first_and_blanks_go() {
        let text = by(&[("en", "Hi."), ("pl", " "), ("ko", "안녕하세요.")]);
        assert_eq!(
            text.cleaned().unwrap().first_in(Locale::Ko),
            by(&[("ko", "안녕하세요."), ("en", "Hi.")])
        );
        assert_eq!(OrgText::from("  ").cleaned(), None);
    }

    #[test]
    fn stored_text_reads_back_and_old_plain_text_stays_plain() {
        let map = by(&[("ko", "안녕"), ("en", "Hi")]);
        assert_eq!(OrgText::from_stored(map.to_stored()), map);
        assert_eq!(
            OrgText::from_stored("{not json} said the operator".into()),
            OrgText::from("{not json} said the operator")
        );
        assert_eq!(
            OrgText::from_stored(r#"{"note": "x"}"#.into()),
            OrgText::from(r#"{"note": "x"}"#)
        );
    }
}
