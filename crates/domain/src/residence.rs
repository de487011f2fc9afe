//! Where the consumer lives: asked only where a category's deadlines depend on it (a statutory rule scoped
//! to consumers in some countries, [`crate::service_levels::Scope`]), and used to pick the rules that apply.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::config::Category;
use crate::i18n::Locale;

/// The customer's answer to "Where do you live?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Residence {
    /// One of the countries the organisation's rules name (an ISO 3166-1 alpha-2 code, upper case).
    In(String),
    /// None of them: only the rules without a scope apply.
    Elsewhere,
}

impl Residence {
    /// The country sent with the complaint: none for "somewhere else".
    pub fn country(&self) -> Option<&str> {
        match self {
            Residence::In(code) => Some(code),
            Residence::Elsewhere => None,
        }
    }
}

/// Two capital letters A–Z: the shape of an ISO 3166-1 alpha-2 code.
pub fn is_country_code(text: &str) -> bool {
    text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase())
}

/// The countries the form offers for a category (sorted, upper case): those its rules are scoped to.
/// Empty when its deadlines are the same wherever the consumer lives; then the question is not asked.
pub fn countries_asked(category: Option<&Category>) -> BTreeSet<String> {
    category.map_or_else(BTreeSet::new, |c| c.service_levels.countries())
}

/// A country's name in the customer's language, as a list item ("Poland", "폴란드", "Polska"); the code
/// itself for a country this table does not know yet.
pub fn country_name(code: &str, locale: Locale) -> &str {
    let names: Option<[&'static str; 3]> = match code {
        "PL" => Some(["Poland", "폴란드", "Polska"]),
        "GB" => Some(["United Kingdom", "영국", "Wielka Brytania"]),
        "IE" => Some(["Ireland", "아일랜드", "Irlandia"]),
        "DE" => Some(["Germany", "독일", "Niemcy"]),
        "FR" => Some(["France", "프랑스", "Francja"]),
        "KR" => Some(["South Korea", "대한민국", "Korea Południowa"]),
        _ => None,
    };
    match (names, locale) {
        (Some([en, _, _]), Locale::En) => en,
        (Some([_, ko, _]), Locale::Ko) => ko,
        (Some([_, _, pl]), Locale::Pl) => pl,
        (None, _) => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_code_is_two_capitals() {
        assert!(is_country_code("PL"));
        for not in ["pl", "POL", "P", "", "P1", "ŁL"] {
            assert!(!is_country_code(not), "{not}");
        }
    }

    #[test]
    fn the_demo_asks_only_where_a_rule_depends_on_the_country() {
        let config =
            crate::config::OrgConfig::from_json(include_str!("../../../public/api/v1/config.json"))
                .unwrap();
        let asked = |id: &str| countries_asked(config.category(id));
        assert_eq!(
            asked("defective-product"),
            BTreeSet::from(["PL".to_owned()])
        );
        assert_eq!(asked("service-billing"), BTreeSet::from(["PL".to_owned()]));
        assert!(asked("gaming-account").is_empty());
        assert!(asked("something-else").is_empty());
        assert_eq!(country_name("PL", Locale::Pl), "Polska");
        assert_eq!(country_name("XK", Locale::Ko), "XK");
    }

    #[test]
    fn somewhere_else_sends_no_country() {
        assert_eq!(Residence::Elsewhere.country(), None);
        assert_eq!(Residence::In("PL".into()).country(), Some("PL"));
        let json = serde_json::to_string(&Residence::In("PL".into())).unwrap();
        assert_eq!(json, r#"{"in":"PL"}"#);
    }
}
