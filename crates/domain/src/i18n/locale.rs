use serde::{Deserialize, Serialize};

/// A language the desk ships. Adding one: a variant here, a file in `catalog/`, and the compiler lists
/// every message still to translate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    En,
    Ko,
    Pl,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Ko, Locale::Pl];

    /// The BCP 47 tag, as used in `lang` attributes and in the organisation's JSON.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ko => "ko",
            Locale::Pl => "pl",
        }
    }

    /// The language's own name for itself, so a reader finds it whatever language the page is in.
    pub fn endonym(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Ko => "한국어",
            Locale::Pl => "Polski",
        }
    }

    /// Matches a tag such as `pl-PL` or `KO` by its primary language subtag.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.trim();
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
    }

    /// The first of the reader's preferred languages that we ship, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        preferred
            .into_iter()
            .find_map(Locale::from_tag)
            .unwrap_or(Locale::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_by_primary_subtag_case_insensitively() {
        assert_eq!(Locale::from_tag("pl-PL"), Some(Locale::Pl));
        assert_eq!(Locale::from_tag("KO"), Some(Locale::Ko));
        assert_eq!(Locale::from_tag("en_GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("de"), None);
        assert_eq!(Locale::from_tag(""), None);
    }

    #[test]
    fn negotiation_takes_the_first_shipped_language() {
        assert_eq!(Locale::negotiate(["de-DE", "pl", "en"]), Locale::Pl);
        assert_eq!(Locale::negotiate(["fr", "ja"]), Locale::En);
        assert_eq!(Locale::negotiate([]), Locale::En);
    }

    #[test]
    fn tags_round_trip() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_tag(l.tag()), Some(l));
        }
    }
}
