//! What the intake accepts: the contract's checks, each refusal, and received complaints read back.

use super::*;
use crate::checks::field;

fn config() -> OrgConfig {
    OrgConfig::from_json(include_str!("../../../../public/api/v1/config.json")).unwrap()
}

fn today() -> Date {
    Date::parse_iso("2026-11-22").unwrap()
}

fn draft() -> Draft {
    let mut d = Draft::new("0b5f3c3e-4a57-4c9b-9b0e-1d2c3b4a5f6e", 1_000.0);
    d.category = Some("service-billing".into());
    d.description = "  Charged twice for one order.  ".into();
    d.happened_on = "2026-11-02".into();
    d.details.insert("order_number".into(), " NW-1001 ".into());
    d.details.insert("amount".into(), "   ".into());
    d.outcome = Some(Outcome::Refund);
    d.outcome_other = "left over from changing my mind".into();
    d.contact.name = "Jin Park".into();
    d.contact.phone = "+82 10 1234 5678".into();
    d.contact.preferred = Some(Channel::Phone);
    d.residence = Some(crate::residence::Residence::In("PL".into()));
    d
}

#[test]
fn the_body_carries_trimmed_answers_and_drops_blank_and_stale_ones() {
    let body = Submission::from_draft(&draft(), &config(), Locale::Ko, today(), 91_000.0).unwrap();
    assert_eq!(body.description, "Charged twice for one order.");
    assert_eq!(
        body.details,
        BTreeMap::from([("order_number".to_owned(), "NW-1001".to_owned())])
    );
    assert_eq!(
        body.outcome_other, None,
        "text for 'other' is dropped when another outcome is chosen"
    );
    assert_eq!(body.contact.email, None);
    assert_eq!(
        body.spam_signals,
        SpamSignals {
            honeypot_filled: false,
            fill_seconds: 90
        }
    );
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(json["happened_on"], "2026-11-02");
    assert_eq!(json["locale"], "ko");
    assert_eq!(json["outcome"], "refund");
    assert_eq!(json["contact"]["preferred"], "phone");
}

#[test]
fn answers_to_another_categorys_questions_are_not_sent() {
    let mut d = draft();
    d.details
        .insert("account_id".into(), "from the gaming category".into());
    let body = Submission::from_draft(&d, &config(), Locale::En, today(), 0.0).unwrap();
    assert!(!body.details.contains_key("account_id"));
    assert!(body.details.contains_key("order_number"));
}

#[test]
fn an_incomplete_draft_names_the_step_to_return_to() {
    let mut d = draft();
    d.contact.name = " ".into();
    let err = Submission::from_draft(&d, &config(), Locale::En, today(), 0.0).unwrap_err();
    assert_eq!(err.step, Step::Contact);
    assert_eq!(err.errors[0].field, field::NAME);
}

#[test]
fn the_body_says_which_notice_was_shown_and_asks_no_consent() {
    let mut config = config();
    config.privacy.notice.version = "2026-12".into();
    config.privacy.consent_questions.phone_calls = false;
    let body = Submission::from_draft(&draft(), &config, Locale::En, today(), 0.0).unwrap();
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(json["privacy_notice"]["version"], "2026-12");
    assert!(json["contact"].get("consent").is_none());
    assert!(
        json["contact"].get("may_call").is_none(),
        "not asked unless the organisation asks it"
    );
    config.privacy.consent_questions.phone_calls = true;
    let mut d = draft();
    d.contact.may_call = true;
    let body = Submission::from_draft(&d, &config, Locale::En, today(), 0.0).unwrap();
    assert_eq!(body.contact.may_call, Some(true));
    d.contact.phone.clear();
    d.contact.email = "jin@example.kr".into();
    d.contact.preferred = Some(Channel::Email);
    let body = Submission::from_draft(&d, &config, Locale::En, today(), 0.0).unwrap();
    assert_eq!(
        body.contact.may_call, None,
        "no number, nothing to agree to"
    );
}

#[test]
fn an_old_apps_consent_tick_is_still_accepted_and_kept_as_sent() {
    let body = Submission::from_draft(&draft(), &config(), Locale::En, today(), 0.0).unwrap();
    let mut old = serde_json::to_value(&body).unwrap();
    old.as_object_mut().unwrap().remove("privacy_notice");
    old["contact"]["consent"] = true.into();
    let received = Submission::from_received_json(old.to_string().as_bytes()).unwrap();
    assert_eq!(received.contact.consent, Some(true));
    assert_eq!(received.privacy_notice, None);
    // Kept as sent: a retry's fingerprint (the canonical JSON) matches the first send's.
    assert_eq!(
        serde_json::to_value(&received).unwrap()["contact"]["consent"],
        true
    );
    let checked = received.check_received(&[], &config(), today());
    assert!(checked.is_ok(), "{checked:?}");
}

#[test]
fn a_filled_honeypot_is_flagged_not_refused() {
    let mut d = draft();
    d.honeypot = "http://spam.example".into();
    let body = Submission::from_draft(&d, &config(), Locale::En, today(), 1_500.0).unwrap();
    assert!(body.spam_signals.honeypot_filled);
}

#[test]
fn answers_parse_leniently() {
    let accepted: Accepted = serde_json::from_str(r#"{"reference": "CMP-1", "extra": 1}"#).unwrap();
    assert_eq!(accepted.reference, "CMP-1");
    let rejected: Rejected = serde_json::from_str("{}").unwrap();
    assert_eq!(rejected.message, None);
}

fn received() -> Submission {
    Submission::from_draft(&draft(), &config(), Locale::Pl, today(), 0.0).unwrap()
}

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

fn with_file(mut body: Submission, name: &str, kind: FileKind, bytes: &[u8]) -> Submission {
    body.attachments.push(AttachmentMeta {
        id: format!("id-{name}"),
        name: name.into(),
        kind,
        bytes: bytes.len() as u64,
        sha256: None,
    });
    body
}

#[test]
fn what_the_app_sends_the_server_accepts_and_the_files_are_sniffed() {
    assert_eq!(
        received().check_received(&[], &config(), today()),
        Ok(vec![])
    );
    let body = with_file(received(), "kettle.jpg", FileKind::Jpeg, JPEG);
    let files = [ReceivedFile {
        name: "kettle.jpg",
        bytes: JPEG,
    }];
    assert_eq!(
        body.check_received(&files, &config(), today()),
        Ok(vec![FileKind::Jpeg])
    );
}

#[test]
fn the_apps_own_checks_refuse_in_the_customers_language() {
    let mut body = received();
    body.contact.name = "  ".into();
    body.category = "retired-category".into();
    let refusals = body.check_received(&[], &config(), today()).unwrap_err();
    let words: Vec<String> = refusals.iter().map(|r| r.message(Locale::En)).collect();
    assert_eq!(
        words,
        [
            "Select what your complaint is about",
            "Enter your full name"
        ]
    );
    assert_ne!(refusals[1].message(Locale::Pl), words[1]);
}

#[test]
fn a_program_called_photo_jpg_is_refused_by_name() {
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0";
    let body = with_file(received(), "photo.jpg", FileKind::Jpeg, exe);
    let files = [ReceivedFile {
        name: "photo.jpg",
        bytes: exe,
    }];
    let refusals = body.check_received(&files, &config(), today()).unwrap_err();
    assert_eq!(
        refusals,
        [Refusal::FileNotAccepted {
            name: "photo.jpg".into()
        }]
    );
    assert!(refusals[0].message(Locale::En).contains("“photo.jpg”"));
}

#[test]
fn files_must_match_their_description_and_the_limits() {
    let config = config();
    let files = [ReceivedFile {
        name: "a.jpg",
        bytes: JPEG,
    }];
    let missing_part = with_file(received(), "a.jpg", FileKind::Jpeg, JPEG);
    assert!(matches!(
        missing_part
            .check_received(&[], &config, today())
            .unwrap_err()[..],
        [Refusal::Contract(_)]
    ));
    let mut wrong_size = with_file(received(), "a.jpg", FileKind::Jpeg, JPEG);
    wrong_size.attachments[0].bytes += 1;
    assert!(matches!(
        wrong_size
            .check_received(&files, &config, today())
            .unwrap_err()[..],
        [Refusal::Contract(_)]
    ));
    let claimed_png = with_file(received(), "a.jpg", FileKind::Png, JPEG);
    assert!(matches!(
        claimed_png
            .check_received(&files, &config, today())
            .unwrap_err()[..],
        [Refusal::Contract(_)]
    ));
    let mut small = config.clone();
    small.limits.attachments.max_bytes = 4;
    let refusals = with_file(received(), "a.jpg", FileKind::Jpeg, JPEG)
        .check_received(&files, &small, today())
        .unwrap_err();
    assert_eq!(
        refusals,
        [Refusal::FileTooLarge {
            name: "a.jpg".into(),
            max_bytes: 4
        }]
    );
    let mut six = received();
    for i in 0..6 {
        six = with_file(six, &format!("{i}.jpg"), FileKind::Jpeg, JPEG);
    }
    let six_files = [files[0]; 6];
    let refusals = six
        .check_received(&six_files, &config, today())
        .unwrap_err();
    assert_eq!(
        refusals
            .iter()
            .map(|r| r.message(Locale::En))
            .collect::<Vec<_>>(),
        ["You can add up to 5 files"]
    );
}

#[test]
fn the_contract_refuses_what_the_form_never_sends() {
    let mut body = received();
    body.schema_version = 2;
    body.outcome_other = Some("stale".into());
    body.details.insert("free_text".into(), "x".repeat(10_000));
    let refusals = body.check_received(&[], &config(), today()).unwrap_err();
    assert_eq!(refusals.len(), 3, "{refusals:?}");
    assert!(refusals.iter().all(|r| matches!(r, Refusal::Contract(_))));
}

#[test]
fn a_date_after_the_given_today_is_refused() {
    let mut body = received();
    body.happened_on = Date::parse_iso("2026-11-23").unwrap();
    let refusals = body.check_received(&[], &config(), today()).unwrap_err();
    assert_eq!(
        refusals[0].message(Locale::En),
        "The date must be today or in the past"
    );
}

#[test]
fn a_received_part_is_read_strictly_and_stored_canonically() {
    let mut value = serde_json::to_value(received()).unwrap();
    let exact = serde_json::to_vec(&value).unwrap();
    assert_eq!(Submission::from_received_json(&exact), Ok(received()));
    value["contact"]["email"] = serde_json::Value::Null;
    assert_eq!(
        Submission::from_received_json(&serde_json::to_vec(&value).unwrap()),
        Ok(received()),
        "a null the contract leaves out is the same answer"
    );
    value["spam_signals"]["typing_speed"] = 9.into();
    value["attachments"] = serde_json::json!([{"id": "a", "name": "a.jpg", "kind": "image/jpeg",
                                               "bytes": 1, "exif": {}}]);
    assert_eq!(
        Submission::from_received_json(&serde_json::to_vec(&value).unwrap()),
        Err(Unreadable::UnknownFields {
            named: vec![
                "attachments[0].exif".into(),
                "spam_signals.typing_speed".into()
            ],
            more: 0
        })
    );
    assert_eq!(
        Submission::from_received_json(&vec![b' '; MAX_SUBMISSION_BYTES + 1]),
        Err(Unreadable::TooLarge)
    );
    assert!(matches!(
        Submission::from_received_json(b"{"),
        Err(Unreadable::NotJson(_))
    ));
    assert!(matches!(
        Submission::from_received_json(b"{}"),
        Err(Unreadable::WrongShape(_))
    ));
    let canonical = received().to_canonical_json();
    assert_eq!(
        Submission::from_received_json(canonical.as_bytes()),
        Ok(received())
    );
}

#[test]
fn a_list_over_the_limit_gets_one_refusal_and_refusals_are_capped() {
    let mut long = received();
    for _ in 0..10_000 {
        long.attachments.push(AttachmentMeta {
            id: String::new(),
            name: String::new(),
            kind: FileKind::Jpeg,
            bytes: 0,
            sha256: None,
        });
    }
    let refusals = long.check_received(&[], &config(), today()).unwrap_err();
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].message(Locale::En), "You can add up to 5 files");

    let mut nosy = received();
    for i in 0..100 {
        nosy.details.insert(format!("q{i:03}"), "x".into());
    }
    nosy.description = "x".repeat(100_000);
    nosy.contact.email = Some("not an address".into());
    let refusals = nosy.check_received(&[], &config(), today()).unwrap_err();
    assert!(refusals.len() <= MAX_REFUSALS);
    let words = refusals[0].message(Locale::En);
    assert!(words.ends_with("q009 and 90 more"), "{words}");
}

#[test]
fn fill_time_comes_from_the_monotonic_sum_and_a_clock_change_cannot_zero_it() {
    let mut d = draft();
    // The phone's clock moved back an hour after the draft was started: the old way gave 0.
    let clock_moved_back = d.started_at_ms - 3_600_000.0;
    assert_eq!(d.fill_seconds(clock_moved_back), 0, "no measurement yet");
    d.add_active_ms(40_000.0);
    d.add_active_ms(-5_000.0);
    d.add_active_ms(f64::NAN);
    d.add_active_ms(25_000.0);
    let body =
        Submission::from_draft(&d, &config(), Locale::En, today(), clock_moved_back).unwrap();
    assert_eq!(body.spam_signals.fill_seconds, 65);
    // A laptop asleep overnight with the form open adds half an hour, and the total stops at a day.
    d.add_active_ms(10.0 * 3_600_000.0);
    assert_eq!(d.fill_seconds(0.0), 65 + 30 * 60);
    let mut old = draft();
    old.started_at_ms = 0.0;
    assert_eq!(old.fill_seconds(1e15), crate::draft::MAX_FILL_SECONDS);
}

#[test]
fn spam_signals_name_why_a_complaint_is_held() {
    let signals = |honeypot_filled, fill_seconds| SpamSignals {
        honeypot_filled,
        fill_seconds,
    };
    assert_eq!(signals(false, 3).flag(3), None);
    assert_eq!(signals(true, 300).flag(3), Some(SpamFlag::HoneypotFilled));
    assert_eq!(
        signals(false, 0).flag(3).map(|f| f.to_string()),
        Some("sent 0 s after starting (under 3 s)".into())
    );
}

#[test]
fn a_servers_answer_is_accepted_then_its_plan_and_reads_as_accepted() {
    let answer = AcceptedAnswer {
        accepted: Accepted {
            reference: "CMP-Z3DT-220A".into(),
            received_at: Some("2026-11-22T18:42:49Z".into()),
            pin: None,
            reply_proof: None,
        },
        plan: AcceptedPlan {
            acknowledge_by: Some("2026-11-23T18:42:49Z".into()),
            decide_by: None,
        },
    };
    let wire = serde_json::to_string(&answer).unwrap();
    assert_eq!(
        wire,
        r#"{"reference":"CMP-Z3DT-220A","received_at":"2026-11-22T18:42:49Z","plan":{"acknowledge_by":"2026-11-23T18:42:49Z"}}"#
    );
    let read: Accepted = serde_json::from_str(&wire).unwrap();
    assert_eq!(read, answer.accepted);
    let rejected = Rejected {
        message: Some("No.".into()),
        code: Some("invalid".into()),
    };
    assert_eq!(
        serde_json::to_string(&rejected).unwrap(),
        r#"{"message":"No.","code":"invalid"}"#
    );
}

#[test]
fn refusals_are_worded_by_their_code_and_only_the_checks_sentences_are_shown() {
    assert_eq!(
        Rejected::words(Some("invalid")),
        RefusalWords {
            msg: Msg::RefusedInvalid,
            with_server_sentences: true
        }
    );
    assert_eq!(Rejected::words(Some("too_large")).msg, Msg::RefusedTooLarge);
    assert_eq!(
        Rejected::words(Some("key_reused")).msg,
        Msg::RefusedKeyReused
    );
    for code in [
        None,
        Some("malformed"),
        Some("wrong_shape"),
        Some("from_the_future"),
    ] {
        let words = Rejected::words(code);
        assert_eq!(words.msg, Msg::RefusedTechnical, "{code:?}");
        assert!(!words.with_server_sentences, "{code:?}");
    }
}

#[test]
fn where_the_customer_lives_is_sent_only_where_the_category_asks() {
    let body = received();
    assert_eq!(body.consumer_country.as_deref(), Some("PL"));
    assert_eq!(
        serde_json::to_value(&body).unwrap()["consumer_country"],
        "PL"
    );
    let mut elsewhere = draft();
    elsewhere.residence = Some(crate::residence::Residence::Elsewhere);
    let body = Submission::from_draft(&elsewhere, &config(), Locale::En, today(), 0.0).unwrap();
    assert_eq!(body.consumer_country, None);
    let mut gaming = draft();
    gaming.category = Some("gaming-account".into());
    gaming.details = BTreeMap::from([("account_id".to_owned(), "p-1".to_owned())]);
    let body = Submission::from_draft(&gaming, &config(), Locale::En, today(), 0.0).unwrap();
    assert_eq!(body.consumer_country, None, "left from another category");
}

#[test]
fn a_submission_without_a_country_is_still_accepted_and_a_bad_code_is_refused() {
    let mut body = received();
    body.consumer_country = None;
    let json = body.to_canonical_json();
    assert!(!json.contains("consumer_country"));
    let read = Submission::from_received_json(json.as_bytes()).unwrap();
    assert!(read.check_received(&[], &config(), today()).is_ok());
    body.consumer_country = Some("pl".into());
    let refused = body.check_received(&[], &config(), today()).unwrap_err();
    assert!(
        refused
            .iter()
            .any(|r| matches!(r, Refusal::Contract(t) if t.contains("consumer_country"))),
        "{refused:?}"
    );
    body.consumer_country = Some("DE".into());
    let refused = body.check_received(&[], &config(), today()).unwrap_err();
    assert!(
        refused
            .iter()
            .any(|r| matches!(r, Refusal::Answer(e) if e.field == field::RESIDENCE)),
        "a country the form does not offer: {refused:?}"
    );
}
