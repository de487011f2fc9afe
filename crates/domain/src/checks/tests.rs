use super::*;
use crate::evidence::{AttachmentMeta, FileKind};

fn config() -> OrgConfig {
    OrgConfig::from_json(include_str!("../../../../public/api/v1/config.json")).unwrap()
}

fn today() -> Date {
    Date::parse_iso("2026-11-22").unwrap()
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

/// A draft that passes every step, to break one answer at a time.
fn complete() -> Draft {
    let mut d = Draft::new("d", 0.0);
    d.category = Some("defective-product".into());
    d.description = "The kettle stopped heating after a week.".into();
    d.happened_on = "2026-11-20".into();
    d.details.insert("product".into(), "Kettle K-200".into());
    d.details.insert("purchased_on".into(), "2026-11-01".into());
    d.outcome = Some(Outcome::Replacement);
    d.contact.name = "Anna Kowalska".into();
    d.contact.email = "anna@example.pl".into();
    d.contact.preferred = Some(Channel::Email);
    d.residence = Some(crate::residence::Residence::In("PL".into()));
    d
}

#[test]
fn a_complete_draft_has_no_incomplete_step() {
    assert_eq!(first_incomplete(&complete(), &config(), today()), None);
}

#[test]
fn what_happened_needs_a_description_a_past_date_and_the_categorys_required_questions() {
    let mut d = complete();
    d.description = "   ".into();
    d.happened_on = "2026-11-23".into();
    d.details.remove("product");
    d.details.insert("purchased_on".into(), "not a date".into());
    let errors = check_step(Step::WhatHappened, &d, &config(), today());
    assert_eq!(
        fields(&errors),
        [
            "description",
            "happened-on",
            "detail-product",
            "detail-purchased_on"
        ]
    );
    assert_eq!(errors[1].problem, Problem::Says(Msg::DateInFuture));
    assert!(
        matches!(&errors[2].problem, Problem::Unanswered(label) if label.get(crate::i18n::Locale::En) == "Which product?")
    );
    assert_eq!(errors[3].problem, Problem::Says(Msg::DateInvalid));
}

#[test]
fn an_oversized_description_is_kept_and_the_excess_reported() {
    let mut d = complete();
    d.description = "가".repeat(100_000);
    let errors = check_step(Step::WhatHappened, &d, &config(), today());
    assert_eq!(
        errors[0].problem,
        Problem::Counts(Counted::CharactersTooMany, 95_000)
    );
    assert_eq!(d.description.chars().count(), 100_000, "nothing is cut");
    d.description = "💔".repeat(5_000);
    assert!(
        check_step(Step::WhatHappened, &d, &config(), today()).is_empty(),
        "the limit counts characters"
    );
}

#[test]
fn optional_questions_may_be_blank_but_not_too_long() {
    let mut d = complete();
    d.details
        .insert("batch".into(), "x".repeat(QUESTION_MAX_CHARS + 1));
    assert_eq!(
        fields(&check_step(Step::WhatHappened, &d, &config(), today())),
        ["detail-batch"]
    );
}

#[test]
fn other_outcome_needs_words() {
    let mut d = complete();
    d.outcome = None;
    assert_eq!(
        fields(&check_step(Step::Outcome, &d, &config(), today())),
        ["outcome"]
    );
    d.outcome = Some(Outcome::Other);
    assert_eq!(
        fields(&check_step(Step::Outcome, &d, &config(), today())),
        ["outcome-other-text"]
    );
    d.outcome_other = "Compensation for the spoiled food".into();
    assert!(check_step(Step::Outcome, &d, &config(), today()).is_empty());
}

#[test]
fn contact_needs_a_name_and_a_way_to_reach_the_customer_but_no_consent() {
    let mut d = complete();
    d.contact = Default::default();
    let errors = check_step(Step::Contact, &d, &config(), today());
    assert_eq!(fields(&errors), ["name", "email", "preferred"]);
    assert_eq!(errors[1].problem, Problem::Says(Msg::ContactRequired));
}

#[test]
fn the_preferred_channel_must_have_its_details() {
    let mut d = complete();
    d.contact.email = String::new();
    d.contact.phone = "+48 22 123 45 67".into();
    let errors = check_step(Step::Contact, &d, &config(), today());
    assert_eq!(
        errors,
        vec![FieldError::says("preferred", Msg::PreferredEmailMissing)]
    );
    d.contact.preferred = Some(Channel::Phone);
    assert!(check_step(Step::Contact, &d, &config(), today()).is_empty());
    d.contact.email = "not-an-email".into();
    d.contact.phone = "12".into();
    assert_eq!(
        fields(&check_step(Step::Contact, &d, &config(), today())),
        ["email", "phone"]
    );
}

#[test]
fn too_many_files_are_refused() {
    let mut d = complete();
    let file = AttachmentMeta {
        id: "a".into(),
        name: "a.jpg".into(),
        kind: FileKind::Jpeg,
        bytes: 1,
        sha256: None,
    };
    d.attachments = vec![file; 6];
    assert_eq!(
        fields(&check_step(Step::Evidence, &d, &config(), today())),
        ["evidence"]
    );
}

#[test]
fn the_first_incomplete_step_is_reported_in_flow_order() {
    let mut d = complete();
    d.contact.name.clear();
    d.description.clear();
    let (step, errors) = first_incomplete(&d, &config(), today()).unwrap();
    assert_eq!(
        (step, fields(&errors)),
        (Step::WhatHappened, vec!["description"])
    );
}

#[test]
fn where_the_customer_lives_is_required_only_where_the_category_asks_it() {
    let mut d = complete();
    d.residence = None;
    assert_eq!(
        fields(&check_step(Step::Residence, &d, &config(), today())),
        [field::RESIDENCE]
    );
    d.residence = Some(Residence::In("DE".into()));
    assert_eq!(
        fields(&check_step(Step::Residence, &d, &config(), today())),
        [field::RESIDENCE],
        "a country the question does not offer"
    );
    d.residence = Some(Residence::Elsewhere);
    assert!(check_step(Step::Residence, &d, &config(), today()).is_empty());
    d.residence = None;
    d.category = Some("gaming-account".into());
    assert!(check_step(Step::Residence, &d, &config(), today()).is_empty());
}

#[test]
fn a_price_reduction_is_offered_for_goods_only() {
    let mut d = complete();
    d.outcome = Some(Outcome::PriceReduction);
    assert!(check_step(Step::Outcome, &d, &config(), today()).is_empty());
    d.category = Some("service-billing".into());
    assert_eq!(
        fields(&check_step(Step::Outcome, &d, &config(), today())),
        [field::OUTCOME]
    );
}
