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
    }

    #[test]
    fn blank_translations_count_as_missing() {
        let text = LocalizedText::from([("en", "  "), ("ko", "")]);
        assert!(text.is_blank());
        assert_eq!(text.get(Locale::En), "");
    }
}
