//! Which law applies: a rule scoped to consumers in some countries is used only for them, a rule without a
//! scope for everyone, and of the rules that apply the earliest due date wins (with its words beside it).

use std::collections::BTreeSet;

use proptest::prelude::*;

use crate::i18n::Locale;
use crate::instant::test_zones::LONDON;
use crate::instant::Instant;
use crate::localized::LocalizedText;
use crate::service_levels::{Period, Scope, ServiceLevel, ServiceLevels, StepRules};

fn level(within: Period, words: &str, countries: Option<&[&str]>) -> ServiceLevel {
    ServiceLevel {
        within,
        rule: LocalizedText::from([("en", words)]),
        applies_to: countries.map(|c| Scope {
            consumer_country: c.iter().map(|s| (*s).to_owned()).collect(),
        }),
    }
}

fn words(rules: &StepRules, country: Option<&str>) -> Option<String> {
    let received = Instant::from_unix_seconds(1_795_000_000);
    rules
        .plan_from(received, &LONDON, &BTreeSet::new(), country)
        .map(|p| p.rule.get(Locale::En).to_owned())
}

#[test]
fn the_earliest_rule_that_applies_wins_and_a_rule_out_of_scope_is_never_used() {
    let rules = StepRules(vec![
        level(Period::CalendarDays(30), "own", None),
        level(Period::CalendarDays(14), "polish", Some(&["PL"])),
    ]);
    assert_eq!(words(&rules, Some("PL")).as_deref(), Some("polish"));
    assert_eq!(words(&rules, Some("pl")).as_deref(), Some("polish"));
    assert_eq!(words(&rules, Some("GB")).as_deref(), Some("own"));
    assert_eq!(words(&rules, Some("KR")).as_deref(), Some("own"));
    assert_eq!(words(&rules, None).as_deref(), Some("own"));
}

#[test]
fn a_later_statutory_rule_does_not_push_the_promise_back() {
    let rules = StepRules(vec![
        level(Period::BusinessDays(5), "own", None),
        level(Period::CalendarDays(14), "polish", Some(&["PL"])),
    ]);
    assert_eq!(words(&rules, Some("PL")).as_deref(), Some("own"));
}

#[test]
fn an_exact_time_comes_before_the_end_of_its_own_day() {
    let rules = StepRules(vec![
        level(Period::CalendarDays(1), "a day", None),
        level(Period::Hours(24), "24 hours", None),
    ]);
    assert_eq!(words(&rules, None).as_deref(), Some("24 hours"));
}

#[test]
fn a_single_object_still_reads_as_a_list_of_one_and_null_as_none() {
    let levels: ServiceLevels = serde_json::from_str(
        r#"{"acknowledge": {"within": {"hours": 24}, "rule": {"en": "a"}}, "decide": null}"#,
    )
    .unwrap();
    assert_eq!(levels.acknowledge.0.len(), 1);
    assert!(levels.decide.is_empty());
    let listed: ServiceLevels = serde_json::from_str(
        r#"{"decide": [{"within": {"weeks": 8}, "rule": {"en": "own"}},
                       {"within": {"calendar_days": 14}, "rule": {"en": "pl"},
                        "applies_to": {"consumer_country": ["PL"]}}]}"#,
    )
    .unwrap();
    assert_eq!(listed.decide.0.len(), 2);
    assert_eq!(listed.countries(), BTreeSet::from(["PL".to_owned()]));
    let back: ServiceLevels =
        serde_json::from_str(&serde_json::to_string(&listed).unwrap()).unwrap();
    assert_eq!(back, listed);
}

fn any_period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (1_u32..200).prop_map(Period::Hours),
        (1_u32..60).prop_map(Period::CalendarDays),
        (1_u32..40).prop_map(Period::BusinessDays),
        (1_u32..12).prop_map(Period::Weeks),
    ]
}

const COUNTRIES: [&str; 4] = ["PL", "GB", "KR", "DE"];

fn any_scope() -> impl Strategy<Value = Option<Vec<&'static str>>> {
    prop::option::of(prop::sample::subsequence(COUNTRIES.to_vec(), 0..3))
}

fn any_rules() -> impl Strategy<Value = Vec<(Period, Option<Vec<&'static str>>)>> {
    prop::collection::vec((any_period(), any_scope()), 0..6)
}

proptest! {
    #[test]
    fn the_plan_is_the_earliest_of_exactly_the_rules_in_scope(
        rules in any_rules(),
        country in prop::option::of(prop::sample::select(COUNTRIES.to_vec())),
        received in 1_577_836_800_i64..2_082_758_399,
    ) {
        let received = Instant::from_unix_seconds(received);
        let none = BTreeSet::new();
        let step = StepRules(
            rules
                .iter()
                .enumerate()
                .map(|(i, (within, scope))| level(*within, &i.to_string(), scope.as_deref()))
                .collect(),
        );
        let in_scope: Vec<usize> = rules
            .iter()
            .enumerate()
            .filter(|(_, (_, scope))| match scope {
                None => true,
                Some(named) => country.is_some_and(|c| named.contains(&c)),
            })
            .map(|(i, _)| i)
            .collect();
        let planned = step.plan_from(received, &LONDON, &none, country);
        prop_assert_eq!(planned.is_some(), !in_scope.is_empty());
        if let Some(planned) = planned {
            let winner: usize = planned.rule.get(Locale::En).parse().unwrap();
            // A rule out of scope is never shown; no scope means always in scope.
            prop_assert!(in_scope.contains(&winner));
            for i in &in_scope {
                let due = rules[*i].0.due_from(received, &LONDON, &none).unwrap();
                prop_assert!(!due.is_before(planned.due), "rule {} is earlier than the winner {}", i, winner);
            }
        }
    }
}

mod demo {
    use super::*;
    use crate::calendar::Date;
    use crate::config::OrgConfig;
    use crate::service_levels::Due;

    fn config() -> OrgConfig {
        OrgConfig::from_json(include_str!("../../../public/api/v1/config.json")).unwrap()
    }

    /// The decision's date and the words shown beside it, for a consumer living in `country`.
    fn decide(category: &str, country: Option<&str>) -> (Due, String) {
        let config = config();
        let received = Instant::parse_rfc3339("2026-11-23T10:00:00Z").unwrap();
        let planned = config
            .category(category)
            .unwrap()
            .service_levels
            .plan(
                received,
                &LONDON,
                &config.organisation.holiday_set(),
                country,
            )
            .decide
            .unwrap();
        (planned.due, planned.rule.get(Locale::Pl).to_owned())
    }

    fn end_of(day: &str) -> Due {
        Due::EndOf(Date::parse_iso(day).unwrap())
    }

    #[test]
    fn a_uk_consumer_gets_the_organisations_own_promises_and_no_polish_law() {
        for category in [
            "defective-product",
            "service-billing",
            "delivery",
            "something-else",
        ] {
            let (_, words) = decide(category, Some("GB"));
            assert!(!words.contains("7a"), "{category}: {words}");
        }
        assert_eq!(
            decide("defective-product", Some("GB")).0,
            end_of("2026-12-21")
        );
    }

    #[test]
    fn a_polish_consumer_gets_art_7a_where_it_applies_and_the_earlier_date_wins() {
        let (due, words) = decide("defective-product", Some("PL"));
        assert_eq!(due, end_of("2026-12-07"), "14 days beat the own 28");
        assert!(words.contains("art.\u{a0}7a") && words.contains("niezgodnego z\u{a0}umową"));
        assert!(
            words.contains("uznaną"),
            "the claim counts as accepted: {words}"
        );
        let (due, words) = decide("service-billing", Some("PL"));
        assert_eq!(due, end_of("2026-12-07"));
        assert!(words.contains("art.\u{a0}7a"));
        // Ten working days from a Monday end before fourteen calendar days: the own promise stays.
        let (due, words) = decide("delivery", Some("PL"));
        assert_eq!(due, end_of("2026-12-07"));
        assert!(!words.contains("7a"), "{words}");
        // "Something else" is not a reklamacja, and gaming is the UK regulator's: no art. 7a there.
        assert!(!decide("something-else", Some("PL")).1.contains("7a"));
        assert!(!decide("gaming-account", Some("PL")).1.contains("7a"));
    }

    #[test]
    fn over_christmas_the_polish_fourteen_days_beat_ten_working_days() {
        let config = config();
        let received = Instant::parse_rfc3339("2026-12-21T10:00:00Z").unwrap();
        let levels = &config.category("delivery").unwrap().service_levels;
        let holidays = config.organisation.holiday_set();
        let own = levels
            .plan(received, &LONDON, &holidays, Some("GB"))
            .decide
            .unwrap();
        let polish = levels
            .plan(received, &LONDON, &holidays, Some("PL"))
            .decide
            .unwrap();
        assert_eq!(own.due, end_of("2027-01-07"));
        assert_eq!(polish.due, end_of("2027-01-04"));
        assert!(polish.rule.get(Locale::En).contains("art. 7a"));
    }

    #[test]
    fn a_korean_consumer_gets_the_organisations_own_promises_only() {
        // No Korean statute sets a deadline for answering a complaint to a UK trader: none is invented.
        let config = config();
        assert!(config
            .categories
            .iter()
            .all(|c| !c.service_levels.countries().contains("KR")));
        assert_eq!(
            decide("defective-product", Some("KR")),
            decide("defective-product", None)
        );
        assert_eq!(
            decide("service-billing", Some("KR")).0,
            end_of("2026-12-23")
        );
    }

    #[test]
    fn gaming_escalates_to_its_adr_provider_and_the_rest_to_the_organisations_body() {
        let config = config();
        let gaming = config.escalation_for("gaming-account").unwrap();
        assert!(gaming.name.get(Locale::En).contains("ADR"));
        assert!(gaming
            .url
            .as_deref()
            .unwrap()
            .ends_with(".example/complain"));
        let goods = config.escalation_for("defective-product").unwrap();
        assert_eq!(Some(goods), config.organisation.escalation.as_ref());
        assert!(!goods.name.get(Locale::Pl).contains("rzecznik"));
    }

    #[test]
    fn a_scope_must_name_countries_by_their_iso_codes() {
        let mut config = config();
        let rules = &mut config.categories[0].service_levels.decide.0;
        rules[1].applies_to = Some(Scope {
            consumer_country: vec!["Poland".into()],
        });
        assert_eq!(
            config.validate(),
            Err(vec![crate::config::ConfigProblem::BadCountry(
                "defective-product".into(),
                "Poland".into()
            )])
        );
    }
}
