//! The published figures and the regulator's return on both engines: the same complaints, moved through the
//! same stages, rated and tagged with the same causes, give the same bytes from SQLite and from PostgreSQL.

use complaint_domain::calendar::Date;
use complaint_domain::config::OrgConfig;
use complaint_domain::instant::Instant;
use complaint_domain::status::{
    CustomerReply, DecidedOutcome, Decision, ReplyKind, Stage, StatusChange,
};

use super::tests::database;
use super::PgStore;
use crate::insights::{self, ReportFormat};
use crate::settings::Settings;
use crate::store::tests::{complaint, temp_db};
use crate::store::{
    ComplaintStore, FactStore, FigureStore, NewReply, ReplyStore, Store, WorkStore,
};

const CONFIG: &str = include_str!("../../../../../public/api/v1/config.json");

fn at(text: &str) -> Instant {
    Instant::parse_rfc3339(text).unwrap()
}

/// Moves complaint `reference` to `stage` at `when`, decided `decision` when it is a response.
fn change(
    store: &mut (impl ComplaintStore + WorkStore),
    reference: &str,
    stage: Stage,
    decision: Decision,
    when: Instant,
) {
    let found = store.complaint(reference).unwrap().unwrap();
    let outcome = (stage == Stage::Responded).then_some(DecidedOutcome {
        decision,
        summary: None,
    });
    let change = StatusChange::Stage {
        stage,
        message: None,
        next_step: None,
        decision: outcome,
    };
    let record = found.record.changed(change, when).unwrap();
    store
        .save_work(
            found.id,
            found.revision,
            &record,
            crate::store::Waiting::Keep,
        )
        .unwrap();
}

/// The customer rates complaint `reference` (closed) with `stars` at `when`.
fn rate(store: &mut (impl ComplaintStore + ReplyStore), reference: &str, stars: u8, when: Instant) {
    let found = store.complaint(reference).unwrap().unwrap();
    let record = found
        .record
        .replied(CustomerReply::Rating { stars }, when, 14)
        .unwrap();
    let key = format!("rate-{reference}");
    store
        .reply(&NewReply {
            key: &key,
            fingerprint: "fp",
            complaint_id: found.id,
            seen_revision: found.revision,
            record: &record,
            kind: ReplyKind::Rating,
            at: when,
            text: None,
            stars: Some(stars),
            files: Vec::new(),
            answer_status: 201,
            answer_body: "{}",
        })
        .unwrap();
}

/// Forty complaints over ten days in three categories: some acknowledged, some decided in each way and
/// closed (a few in time, a few late) and rated, some reopened, some left overdue, two causes.
fn seed(store: &mut (impl ComplaintStore + WorkStore + ReplyStore + FactStore)) {
    let categories = ["delivery", "delivery", "service-billing", "gaming-account"];
    let decisions = [
        Decision::Upheld,
        Decision::PartlyUpheld,
        Decision::NotUpheld,
    ];
    let first = at("2026-11-09T08:00:00Z");
    for n in 0..40i64 {
        let (key, reference) = (format!("k{n}"), format!("CMP-FIG{n:02}-0000"));
        let mut new = complaint(&key, &reference);
        new.category = categories[n as usize % 4];
        new.received_at = first.plus_seconds(n * 6 * 3600);
        new.attachments = Vec::new();
        store.record(&new).unwrap();
        let received = new.received_at;
        let hours = |h: i64| received.plus_seconds(h * 3600 + n * 60);
        if n % 5 != 4 {
            change(
                store,
                &reference,
                Stage::Acknowledged,
                Decision::Upheld,
                hours(2 + n % 3 * 30),
            );
        }
        if n % 5 < 3 {
            let decision = decisions[n as usize % 3];
            change(
                store,
                &reference,
                Stage::Responded,
                decision,
                hours(20 + n * 7),
            );
            change(
                store,
                &reference,
                Stage::Closed,
                decision,
                hours(30 + n * 7),
            );
            rate(store, &reference, (n % 5 + 1) as u8, hours(31 + n * 7));
            if n % 7 == 0 {
                change(
                    store,
                    &reference,
                    Stage::Reopened,
                    decision,
                    hours(40 + n * 7),
                );
            }
        }
        if n % 3 == 0 {
            let id = store.complaint(&reference).unwrap().unwrap().id;
            let causes = [
                "courier-delay".to_owned(),
                "product-batch-defect".to_owned(),
            ];
            store
                .set_causes(id, &causes[..(n as usize % 2 + 1)], hours(20))
                .unwrap();
        }
    }
}

/// The figures as published and the return in both formats, from one engine.
fn outputs(
    store: &mut (impl ComplaintStore + WorkStore + ReplyStore + FactStore + FigureStore),
) -> [String; 3] {
    seed(store);
    let settings = Settings::from_config(OrgConfig::from_json(CONFIG).unwrap());
    let now = at("2026-12-01T12:00:00Z");
    let figures = insights::compute(store, &settings, now).unwrap().to_json();
    let from = Date::parse_iso("2026-11-01").unwrap();
    let to = Date::parse_iso("2026-11-30").unwrap();
    let report = insights::report(store, &settings, from, to, now).unwrap();
    [
        figures,
        report.render(ReportFormat::Json),
        report.render(ReportFormat::Csv),
    ]
}

#[test]
fn both_engines_publish_the_same_figures_and_return() {
    let sqlite = outputs(&mut Store::open(&temp_db("figures")).unwrap());
    // Figures worth comparing: counted, decided, timed, rated, reopened, causes; not all hidden.
    for figure in [
        "received",
        "upheld",
        "days_to_decision_p90",
        "rating_average",
        "last_13_weeks",
    ] {
        let shown = sqlite[0].lines().any(|line| {
            line.trim()
                .strip_prefix(&format!("\"{figure}\": "))
                .is_some_and(|value| value.starts_with(|c: char| c.is_ascii_digit()))
        });
        assert!(shown, "{figure} shown in {}", sqlite[0]);
    }
    assert!(sqlite[0].contains("courier-delay"), "{}", sqlite[0]);
    assert!(sqlite[2].contains("\"all\",\"40\",\"20\""), "{}", sqlite[2]);
    let Some(url) = database("figures") else {
        return;
    };
    let postgres = outputs(&mut PgStore::open(&url).unwrap());
    for (s, p) in sqlite.iter().zip(&postgres) {
        assert_eq!(s, p);
    }
}
