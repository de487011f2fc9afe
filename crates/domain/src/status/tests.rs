//! The status file's rules: parsing, checks, stage changes, replies and the reopen window.

use super::*;

const DEMO: &str = include_str!("../../../../public/api/v1/status/94871dade5f2ea0215d70607c12abe53be5ff48f0b4c6e7d7a04d7d822997f27.json");

fn with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value: serde_json::Value = serde_json::from_str(DEMO).unwrap();
    edit(&mut value);
    value.to_string()
}

#[test]
fn the_demo_record_reads_and_round_trips() {
    let record = StatusRecord::from_json(DEMO).unwrap();
    assert_eq!(
        record.current().map(|e| e.stage),
        Some(Stage::Investigating)
    );
    assert_eq!(StatusRecord::from_json(&record.to_json()), Ok(record));
}

#[test]
fn each_kind_of_bad_file_is_named() {
    assert_eq!(
        StatusRecord::from_json(&" ".repeat(MAX_STATUS_BYTES + 1)),
        Err(StatusProblem::TooLarge)
    );
    assert_eq!(
        StatusRecord::from_json("{\"history\": [").map(|_| ()),
        Err(StatusProblem::NotJson)
    );
    assert_eq!(
        StatusRecord::from_json(&with(|v| v["schema_version"] = 2.into())),
        Err(StatusProblem::UnsupportedVersion(2))
    );
    assert!(matches!(
        StatusRecord::from_json(&with(|v| v["history"] = "received".into())),
        Err(StatusProblem::WrongShape(_))
    ));
    assert!(matches!(
        StatusRecord::from_json(&with(|v| {
            v.as_object_mut().unwrap().remove("reference");
        })),
        Err(StatusProblem::WrongShape(_))
    ));
    assert!(matches!(
        StatusRecord::from_json(&with(|v| v["history"][0]["at"] = "yesterday".into())),
        Err(StatusProblem::WrongShape(_))
    ));
    assert_eq!(
        StatusRecord::from_json(&with(|v| v["history"][1]["stage"] = "escalated".into())),
        Err(StatusProblem::UnknownStage("escalated".into()))
    );
    assert_eq!(
        StatusRecord::from_json(&with(|v| v["history"] = serde_json::json!([]))),
        Err(StatusProblem::NoReceipt)
    );
    assert_eq!(
        StatusRecord::from_json(&with(
            |v| v["history"][1]["at"] = "2020-01-01T00:00:00Z".into()
        )),
        Err(StatusProblem::OutOfOrder)
    );
    assert_eq!(
        StatusRecord::from_json(&with(|v| v["history"][1]["stage"] = "reopened".into())),
        Err(StatusProblem::ImpossibleStep {
            from: Stage::Received,
            to: Stage::Reopened
        })
    );
}

#[test]
fn stages_move_forwards_and_reopen_only_after_closing() {
    use Stage::*;
    assert!(Received.may_precede(Acknowledged));
    assert!(Received.may_precede(Responded), "steps may be skipped");
    assert!(!Investigating.may_precede(Assessing));
    assert!(!Responded.may_precede(Received));
    assert!(Closed.may_precede(Reopened));
    assert!(!Closed.may_precede(Assessing));
    assert!(Reopened.may_precede(Assessing));
    assert!(Reopened.may_precede(Closed));
    assert!(!Acknowledged.may_precede(Reopened));
    assert!(
        Responded.may_precede(Reopened),
        "a customer not satisfied with the response"
    );
    assert!(!Investigating.may_precede(Reopened));
    for stage in Stage::PATH.into_iter().chain([Reopened]) {
        assert_eq!(Stage::parse(stage.as_str()), Some(stage));
    }
}

#[test]
fn a_reopened_complaint_starts_a_new_round() {
    let record = StatusRecord::from_json(&with(|v| {
        v["history"] = serde_json::json!([
            {"stage": "received", "at": "2026-11-02T10:00:00Z"},
            {"stage": "closed", "at": "2026-11-10T10:00:00Z"},
            {"stage": "reopened", "at": "2026-11-20T09:00:00Z", "message": "  "}
        ])
    }))
    .unwrap();
    assert_eq!(
        record.round_started_at(),
        Instant::parse_rfc3339("2026-11-20T09:00:00Z")
    );
    assert_eq!(
        record.history[2].message, None,
        "blank messages are dropped"
    );
}

fn received() -> StatusRecord {
    StatusRecord::from_json(
        r#"{"schema_version": 1, "reference": "CMP-AAAA-BBBB", "category": "delivery",
            "updated_at": "2026-11-23T10:00:00Z",
            "history": [{"stage": "received", "at": "2026-11-23T10:00:00Z"}]}"#,
    )
    .unwrap()
}

fn at(text: &str) -> Instant {
    Instant::parse_rfc3339(text).unwrap()
}

fn to(stage: Stage, message: &str) -> StatusChange {
    StatusChange::Stage {
        stage,
        message: Some(message.into()),
        next_step: None,
        decision: None,
    }
}

fn respond(decision: Decision, summary: &str) -> StatusChange {
    StatusChange::Stage {
        stage: Stage::Responded,
        message: None,
        next_step: None,
        decision: Some(DecidedOutcome {
            decision,
            summary: Some(summary.into()),
        }),
    }
}

#[test]
fn stages_move_forward_with_their_messages_and_the_next_step_is_replaced() {
    let mut change = to(Stage::Acknowledged, " We have it. ");
    if let StatusChange::Stage { next_step, .. } = &mut change {
        *next_step = Some("We will call.".into());
    }
    let acknowledged = received()
        .changed(change, at("2026-11-23T11:00:00Z"))
        .unwrap();
    let current = acknowledged.current().unwrap();
    assert_eq!(current.stage, Stage::Acknowledged);
    assert_eq!(current.message, Some("We have it.".into()));
    assert_eq!(acknowledged.next_step, Some("We will call.".into()));
    assert_eq!(acknowledged.updated_at, at("2026-11-23T11:00:00Z"));
    let assessing = acknowledged
        .changed(to(Stage::Assessing, ""), at("2026-11-23T12:00:00Z"))
        .unwrap();
    assert_eq!(assessing.next_step, None, "an old promise never lingers");
    assert_eq!(assessing.current().unwrap().message, None);
}

#[test]
fn an_impossible_step_is_refused_with_the_stages_it_may_take() {
    let refused = received()
        .changed(to(Stage::Reopened, ""), at("2026-11-23T11:00:00Z"))
        .unwrap_err();
    assert_eq!(
        refused,
        ChangeRefused::ImpossibleStep {
            from: Stage::Received,
            to: Stage::Reopened
        }
    );
    assert_eq!(
        refused.to_string(),
        "is \"received\" and cannot move to \"reopened\" (it may move to: acknowledged, assessing, \
         investigating, responded, closed)"
    );
    assert!(received()
        .changed(to(Stage::Received, ""), at("2026-11-23T11:00:00Z"))
        .is_err());
}

#[test]
fn a_response_needs_a_decision_and_only_a_response_takes_one() {
    assert_eq!(
        received().changed(to(Stage::Responded, "Done"), at("2026-11-24T00:00:00Z")),
        Err(ChangeRefused::DecisionMissing)
    );
    let mut closing_with_a_decision = respond(Decision::Upheld, "x");
    if let StatusChange::Stage { stage, .. } = &mut closing_with_a_decision {
        *stage = Stage::Closed;
    }
    assert_eq!(
        received().changed(closing_with_a_decision, at("2026-11-24T00:00:00Z")),
        Err(ChangeRefused::DecisionWithoutResponse {
            stage: Stage::Closed
        })
    );
}

#[test]
fn reopening_clears_the_decision_and_the_date_set_for_it() {
    let responded = received()
        .changed(
            StatusChange::Deadline {
                step: DeadlineStep::Decide,
                due: Date::parse_iso("2026-12-10").unwrap(),
                rule: None,
            },
            at("2026-11-23T12:00:00Z"),
        )
        .and_then(|r| {
            r.changed(
                respond(Decision::Upheld, " Refunded. "),
                at("2026-11-24T00:00:00Z"),
            )
        })
        .unwrap();
    assert_eq!(
        responded.outcome,
        Some(DecidedOutcome {
            decision: Decision::Upheld,
            summary: Some("Refunded.".into())
        })
    );
    let closed = responded
        .changed(to(Stage::Closed, ""), at("2026-11-25T00:00:00Z"))
        .unwrap();
    assert!(closed.outcome.is_some(), "closing keeps the decision");
    assert_eq!(
        closed.changed(
            StatusChange::Deadline {
                step: DeadlineStep::Acknowledge,
                due: Date::parse_iso("2026-12-01").unwrap(),
                rule: None
            },
            at("2026-11-25T01:00:00Z")
        ),
        Err(ChangeRefused::Closed)
    );
    let reopened = closed
        .changed(to(Stage::Reopened, "Again"), at("2026-11-26T00:00:00Z"))
        .unwrap();
    assert_eq!(reopened.outcome, None);
    assert!(reopened.deadlines.is_empty());
    assert_eq!(reopened.check(), Ok(()));
}

#[test]
fn a_clock_set_back_never_dates_a_step_before_the_last() {
    let record = received()
        .changed(to(Stage::Assessing, ""), at("2026-11-01T00:00:00Z"))
        .unwrap();
    assert_eq!(record.current().unwrap().at, at("2026-11-23T10:00:00Z"));
}

#[test]
fn a_date_set_by_hand_replaces_the_one_before_it() {
    let due = |text: &str| Date::parse_iso(text).unwrap();
    let set = |record: &StatusRecord, on: &str, rule: Option<&str>| {
        record.changed(
            StatusChange::Deadline {
                step: DeadlineStep::Decide,
                due: due(on),
                rule: rule.map(OrgText::from),
            },
            at("2026-11-24T00:00:00Z"),
        )
    };
    let once = set(&received(), "2026-12-10", Some("Courier")).unwrap();
    let twice = set(&once, "2026-12-20", Some("  ")).unwrap();
    assert_eq!(
        twice.deadlines,
        [SetDeadline {
            step: DeadlineStep::Decide,
            due: due("2026-12-20"),
            rule: None
        }]
    );
}

fn walked(stages: &[Stage]) -> StatusRecord {
    let mut record = received();
    let mut when = at("2026-11-23T11:00:00Z");
    for stage in stages {
        let change = if *stage == Stage::Responded {
            respond(Decision::Upheld, "Refunded.")
        } else {
            to(*stage, "Public words.")
        };
        record = record.changed(change, when).unwrap();
        when = when.plus_seconds(3600);
    }
    record
}

#[test]
fn information_is_added_until_the_complaint_closes() {
    let record = walked(&[Stage::Acknowledged]);
    let added = record
        .replied(CustomerReply::Information, at("2026-11-24T09:00:00Z"), 14)
        .unwrap();
    assert_eq!(added.replies.len(), 1);
    assert_eq!(added.replies[0].kind, ReplyKind::Information);
    assert_eq!(added.history, record.history, "the stage does not move");
    assert_eq!(added.updated_at, at("2026-11-24T09:00:00Z"));
    let closed = walked(&[Stage::Responded, Stage::Closed]);
    assert_eq!(
        closed.replied(CustomerReply::Information, at("2026-11-30T09:00:00Z"), 14),
        Err(ReplyRefused::Closed)
    );
}

#[test]
fn not_satisfied_reopens_a_closed_complaint_only_within_the_window() {
    // Closed at 2026-11-23T12:00:00Z.
    let closed = walked(&[Stage::Responded, Stage::Closed]).with_reopen_window(Some(30));
    let until = at("2026-12-23T12:00:00Z");
    assert_eq!(closed.reopen_until, Some(until));
    let within = closed
        .replied(CustomerReply::NotSatisfied, until, 14)
        .unwrap();
    assert_eq!(within.current().map(|e| e.stage), Some(Stage::Reopened));
    let late = until.plus_seconds(1);
    assert_eq!(closed.reopen_passed(late), Some(until));
    assert_eq!(
        closed.replied(CustomerReply::NotSatisfied, late, 14),
        Err(ReplyRefused::ReopenPassed { until })
    );
    assert_eq!(ReplyRefused::ReopenPassed { until }.code(), "reopen_passed");
    // For ever when the organisation sets no window; none while the complaint is open; read back from JSON.
    let for_ever = closed.clone().with_reopen_window(None);
    assert!(for_ever
        .replied(CustomerReply::NotSatisfied, at("2030-01-01T00:00:00Z"), 14)
        .is_ok());
    let open = walked(&[Stage::Responded]).with_reopen_window(Some(30));
    assert_eq!(open.reopen_until, None);
    assert_eq!(StatusRecord::from_json(&closed.to_json()), Ok(closed));
}

#[test]
fn resolves_it_answers_a_response_once() {
    let open = walked(&[Stage::Investigating]);
    assert_eq!(
        open.replied(CustomerReply::Resolved, at("2026-11-30T09:00:00Z"), 14),
        Err(ReplyRefused::NotResponded {
            stage: Stage::Investigating
        })
    );
    let responded = walked(&[Stage::Responded]);
    let accepted = responded
        .replied(CustomerReply::Resolved, at("2026-11-30T09:00:00Z"), 14)
        .unwrap();
    assert_eq!(accepted.stage(), Stage::Responded);
    assert!(accepted.outcome.is_some(), "the decision stands");
    assert_eq!(
        accepted.replied(CustomerReply::Resolved, at("2026-11-30T10:00:00Z"), 14),
        Err(ReplyRefused::AlreadyAnswered)
    );
    // The organisation may close it after.
    assert!(accepted
        .changed(to(Stage::Closed, "Closed."), at("2026-12-01T09:00:00Z"))
        .is_ok());
}

#[test]
fn not_satisfied_reopens_a_responded_or_closed_complaint_without_publishing_the_reason() {
    for stages in [
        &[Stage::Responded][..],
        &[Stage::Responded, Stage::Closed][..],
    ] {
        let record = walked(stages);
        let reopened = record
            .replied(CustomerReply::NotSatisfied, at("2026-12-01T09:00:00Z"), 14)
            .unwrap();
        let last = reopened.current().unwrap();
        assert_eq!(last.stage, Stage::Reopened);
        assert_eq!(last.message, None);
        assert_eq!(reopened.outcome, None, "a new round: the decision is gone");
        assert_eq!(reopened.replies[0].kind, ReplyKind::NotSatisfied);
        assert_eq!(reopened.check(), Ok(()));
        // And it reads back as a file the tracker accepts.
        assert_eq!(StatusRecord::from_json(&reopened.to_json()), Ok(reopened));
    }
    let open = walked(&[Stage::Acknowledged]);
    assert!(matches!(
        open.replied(CustomerReply::NotSatisfied, at("2026-12-01T09:00:00Z"), 14),
        Err(ReplyRefused::NotResponded { .. })
    ));
}

#[test]
fn a_rating_comes_after_closing_and_is_final_after_the_window() {
    let open = walked(&[Stage::Responded]);
    assert_eq!(
        open.replied(
            CustomerReply::Rating { stars: 4 },
            at("2026-12-01T09:00:00Z"),
            14
        ),
        Err(ReplyRefused::NotClosed {
            stage: Stage::Responded
        })
    );
    let closed = walked(&[Stage::Responded, Stage::Closed]);
    for stars in [0, 6] {
        assert_eq!(
            closed.replied(
                CustomerReply::Rating { stars },
                at("2026-12-01T09:00:00Z"),
                14
            ),
            Err(ReplyRefused::Stars(stars))
        );
    }
    let rated = closed
        .replied(
            CustomerReply::Rating { stars: 2 },
            at("2026-12-01T09:00:00Z"),
            14,
        )
        .unwrap();
    assert_eq!(rated.rating(), Some(2));
    let changed = rated
        .replied(
            CustomerReply::Rating { stars: 4 },
            at("2026-12-15T09:00:00Z"),
            14,
        )
        .unwrap();
    assert_eq!(changed.rating(), Some(4), "within 14 days of the first");
    assert_eq!(
        changed.replied(
            CustomerReply::Rating { stars: 5 },
            at("2026-12-15T09:00:01Z"),
            14
        ),
        Err(ReplyRefused::RatingFinal { days: 14 })
    );
}

#[test]
fn a_status_file_without_replies_reads_as_before_and_unknown_reply_kinds_are_left_out() {
    let old = StatusRecord::from_json(DEMO).unwrap();
    assert!(old.replies.is_empty());
    assert!(
        !old.to_json().contains("replies"),
        "an empty list is not written"
    );
    let newer = StatusRecord::from_json(&with(|v| {
        v["replies"] = serde_json::json!([
            {"kind": "information", "at": "2026-11-17T10:00:00Z"},
            {"kind": "video_call", "at": "2026-11-17T11:00:00Z"},
            {"kind": "rating", "at": "2026-11-17T12:00:00Z", "stars": 9}
        ])
    }))
    .unwrap();
    assert_eq!(newer.replies.len(), 1);
    assert_eq!(newer.replies[0].kind, ReplyKind::Information);
}

#[test]
fn every_stage_names_what_may_follow_it() {
    assert_eq!(
        Stage::Closed.successors().collect::<Vec<_>>(),
        [Stage::Reopened]
    );
    assert_eq!(
        Stage::Reopened.successors().collect::<Vec<_>>(),
        [
            Stage::Assessing,
            Stage::Investigating,
            Stage::Responded,
            Stage::Closed
        ]
    );
    for stage in Stage::ALL {
        assert!(stage.successors().all(|next| stage.may_precede(next)));
    }
}

#[test]
fn a_message_joins_the_timeline_without_moving_the_stage_and_round_trips() {
    let record = walked(&[Stage::Acknowledged]);
    let text = OrgText::ByLanguage(vec![
        ("ko".into(), "영수증 사본을 보내 주시기 바랍니다.".into()),
        ("en".into(), "Please send us a copy of the receipt.".into()),
    ]);
    let asked = record
        .messaged(MessageKind::Ask, text.clone(), at("2026-11-24T09:00:00Z"))
        .unwrap();
    assert_eq!(asked.history, record.history, "the stage does not move");
    assert_eq!(asked.messages.len(), 1);
    assert_eq!(asked.messages[0].kind, MessageKind::Ask);
    assert_eq!(asked.messages[0].text, text);
    assert_eq!(asked.updated_at, at("2026-11-24T09:00:00Z"));
    assert_eq!(StatusRecord::from_json(&asked.to_json()), Ok(asked.clone()));
    // A file without messages reads as before, and writes none.
    assert!(!record.to_json().contains("messages"));
    // An older clock never dates a message before the one before it.
    let answered = asked
        .messaged(
            MessageKind::Reply,
            "Thank you.".into(),
            at("2026-11-20T09:00:00Z"),
        )
        .unwrap();
    assert!(answered.messages[1].at >= answered.messages[0].at);
}

#[test]
fn a_blank_message_and_a_question_to_a_closed_complaint_are_refused() {
    let open = walked(&[Stage::Acknowledged]);
    assert_eq!(
        open.messaged(MessageKind::Reply, "   ".into(), at("2026-11-24T09:00:00Z")),
        Err(ChangeRefused::EmptyMessage)
    );
    let closed = walked(&[Stage::Responded, Stage::Closed]);
    assert_eq!(
        closed.messaged(
            MessageKind::Ask,
            "Which order?".into(),
            at("2026-11-30T09:00:00Z")
        ),
        Err(ChangeRefused::Closed)
    );
    let reply = closed.messaged(
        MessageKind::Reply,
        "We have refunded the fee.".into(),
        at("2026-11-30T09:00:00Z"),
    );
    assert!(reply.is_ok());
}

#[test]
fn a_merged_duplicate_is_closed_names_its_survivor_and_takes_no_replies() {
    let record = walked(&[Stage::Acknowledged]);
    let merged = record
        .merged("CMP-CCCC-DDDD".into(), None, at("2026-11-24T09:00:00Z"))
        .unwrap();
    assert_eq!(merged.current().map(|e| e.stage), Some(Stage::Closed));
    assert_eq!(merged.merged_into.as_deref(), Some("CMP-CCCC-DDDD"));
    assert_eq!(
        StatusRecord::from_json(&merged.to_json()),
        Ok(merged.clone())
    );
    assert_eq!(
        merged.replied(CustomerReply::NotSatisfied, at("2026-11-25T09:00:00Z"), 14),
        Err(ReplyRefused::Merged {
            into: "CMP-CCCC-DDDD".into()
        })
    );
    assert_eq!(ReplyRefused::Merged { into: "X".into() }.code(), "merged");
    // Once only, and never into itself.
    assert!(merged
        .merged("CMP-EEEE-FFFF".into(), None, at("2026-11-25T09:00:00Z"))
        .is_err());
    assert!(record
        .merged(record.reference.clone(), None, at("2026-11-25T09:00:00Z"))
        .is_err());
    // A closed duplicate stays closed, once.
    let closed = walked(&[Stage::Responded, Stage::Closed]);
    let merged = closed
        .merged("CMP-CCCC-DDDD".into(), None, at("2026-11-30T09:00:00Z"))
        .unwrap();
    assert_eq!(merged.history, closed.history);
}

#[test]
fn a_message_of_a_kind_this_build_does_not_know_is_left_out_not_fatal() {
    let text = with(|v| {
        v["messages"] = serde_json::json!([
            {"kind": "ask", "at": "2026-11-24T09:00:00Z", "text": "Which order?"},
            {"kind": "survey", "at": "2026-11-24T09:00:00Z", "text": "?"}
        ]);
    });
    let record = StatusRecord::from_json(&text).unwrap();
    assert_eq!(record.messages.len(), 1);
    assert_eq!(record.messages[0].kind, MessageKind::Ask);
}

proptest::proptest! {
    /// Whatever messages are added, in whatever order of clocks, the record still keeps every rule, the
    /// stages never move, and the messages stay in time order.
    #[test]
    fn messages_never_break_the_record(
        offsets in proptest::collection::vec((-100_000_i64..100_000, proptest::bool::ANY), 0..12),
    ) {
        let start = walked(&[Stage::Acknowledged]);
        let mut record = start.clone();
        for (offset, ask) in offsets {
            let kind = if ask { MessageKind::Ask } else { MessageKind::Reply };
            let when = at("2026-11-24T09:00:00Z").plus_seconds(offset);
            record = record
                .messaged(kind, "words".into(), when)
                .unwrap();
        }
        proptest::prop_assert_eq!(&record.history, &start.history);
        proptest::prop_assert!(record.messages.windows(2).all(|w| w[0].at <= w[1].at));
        proptest::prop_assert!(record.check().is_ok());
        proptest::prop_assert_eq!(StatusRecord::from_json(&record.to_json()), Ok(record));
    }
}
