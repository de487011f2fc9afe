use super::page::{notice_page, Block};
use super::*;
use crate::retention::RetentionRule;

fn config() -> OrgConfig {
    OrgConfig::from_json(include_str!("../../../../public/api/v1/config.json")).unwrap()
}

fn all_text(config: &OrgConfig, locale: Locale) -> String {
    let page = notice_page(config, locale);
    let mut text = format!("{}\n{}\n{}\n", page.title, page.intro, page.version);
    for section in page.sections {
        text.push_str(&section.heading);
        for block in section.blocks {
            match block {
                Block::Paragraph(p) => text.push_str(&p),
                Block::List(items) => text.push_str(&items.join("\n")),
            }
            text.push('\n');
        }
    }
    text
}

#[test]
fn the_short_notice_says_how_long_from_the_retention_rule_of_the_category() {
    let mut config = config();
    config.retention.default.years_after_closure = 4;
    config.retention.default.round_to_end_of_year = false;
    config.retention.categories.insert(
        "service-billing".into(),
        RetentionRule {
            years_after_closure: 7,
            round_to_end_of_year: false,
            source: None,
        },
    );
    let said = |config: &OrgConfig, category: Option<&str>, locale| {
        short_notice(config, category, locale).join(" ")
    };
    assert!(said(&config, Some("delivery"), Locale::En).contains("for 4 years after"));
    assert!(said(&config, Some("service-billing"), Locale::En).contains("for 7 years after"));
    assert!(said(&config, Some("service-billing"), Locale::Ko).contains("7년"));
    assert!(said(&config, None, Locale::Pl).contains("przez 4 lata"));
    config.retention.default.years_after_closure = 1;
    config.retention.default.round_to_end_of_year = true;
    assert!(said(&config, None, Locale::En)
        .contains("for 1 year after your complaint is closed, to the end of that year"));
    assert!(said(&config, None, Locale::Pl).contains("mija 1 rok"));
}

#[test]
fn the_short_notice_names_the_basis_the_config_gives_the_category() {
    let mut config = config();
    config.privacy.legal_basis.default = LegalBasis::Contract;
    config
        .privacy
        .legal_basis
        .by_category
        .insert("gaming-account".into(), LegalBasis::LegalObligation);
    let said = |category| short_notice(&config, Some(category), Locale::En).join(" ");
    assert!(said("delivery").contains("art. 6(1)(b)"));
    assert!(said("gaming-account").contains("art. 6(1)(c)"));
    assert!(said("gaming-account").contains("PIPA art. 15(1)(2)"));
    assert!(!said("delivery").contains("consent (GDPR art. 6(1)(a)"));
}

#[test]
fn the_full_notice_has_every_category_with_its_years_and_basis_in_every_language() {
    let mut config = config();
    config.retention.categories.insert(
        "delivery".into(),
        RetentionRule {
            years_after_closure: 6,
            round_to_end_of_year: false,
            source: None,
        },
    );
    for locale in Locale::ALL {
        let text = all_text(&config, locale);
        for category in &config.categories {
            assert!(text.contains(category.label.get(locale)), "{locale:?}");
        }
        assert!(
            text.contains('6'),
            "{locale:?}: the delivery category's years"
        );
        assert!(
            !text.contains('{'),
            "{locale:?}: a placeholder left: {text}"
        );
    }
    assert_eq!(notice_page(&config, Locale::Ko).title, "개인정보 처리방침");
    assert_eq!(
        notice_page(&config, Locale::Pl).title,
        "Informacja o\u{a0}przetwarzaniu danych osobowych"
    );
    assert_eq!(notice_page(&config, Locale::En).title, "Privacy notice");
}

#[test]
fn the_phone_consent_is_explained_only_where_it_is_asked() {
    let mut config = config();
    config.privacy.consent_questions.phone_calls = false;
    assert!(!all_text(&config, Locale::En).contains("art. 6(1)(a)"));
    config.privacy.consent_questions.phone_calls = true;
    assert!(all_text(&config, Locale::En).contains("art. 6(1)(a)"));
}

#[test]
fn the_full_notice_is_linked_where_the_organisation_keeps_it_else_the_generated_page() {
    let mut config = config();
    config.organisation.privacy_url = Some("https://example.org/privacy".into());
    assert_eq!(
        notice_href(&config, Locale::Ko),
        "https://example.org/privacy"
    );
    config.organisation.privacy_url = None;
    assert_eq!(notice_href(&config, Locale::En), "/privacy.html");
    assert_eq!(notice_href(&config, Locale::Ko), "/privacy.ko.html");
}

#[test]
fn a_rule_for_a_category_the_config_lacks_is_refused() {
    let mut config = config();
    config
        .privacy
        .legal_basis
        .by_category
        .insert("no-such".into(), LegalBasis::Contract);
    config.retention.categories.insert(
        "nor-this".into(),
        RetentionRule {
            years_after_closure: 1,
            round_to_end_of_year: false,
            source: None,
        },
    );
    let problems = config.validate().unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:?}");
}
