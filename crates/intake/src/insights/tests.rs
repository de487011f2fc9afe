//! The figures against seeded complaints: facts, weeks, suppression, causes, the return.

use super::*;
use complaint_domain::config::OrgConfig;
use complaint_domain::insights::WeekFigures;
use complaint_domain::status::{DecidedOutcome, Decision, StatusChange};

use std::collections::BTreeMap;

use crate::store::{ComplaintStore, NewComplaint, QuarantineStore, Recorded, Store, WorkStore};

const CONFIG: &str = include_str!("../../../../public/api/v1/config.json");

pub(super) struct Seeded {
    pub(super) store: Store,
    pub(super) settings: Settings,
    n: u32,
}

pub(super) fn at(text: &str) -> Instant {
    Instant::parse_rfc3339(text).unwrap()
}

impl Seeded {
    pub(super) fn new(name: &str) -> Seeded {
        let dir = std::env::temp_dir().join(format!(
            "intake-insights-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        Seeded {
            store: Store::open(&dir.join("intake.sqlite3")).unwrap(),
            settings: Settings::from_config(OrgConfig::from_json(CONFIG).unwrap()),
            n: 0,
        }
    }

    /// A complaint received at `received`, then moved through `changes` (stage, time).
    pub(super) fn add(
        &mut self,
        category: &str,
        received: Instant,
        changes: &[(Stage, Instant)],
    ) -> i64 {
        self.n += 1;
        let reference = format!("CMP-T{:03}-{:04}", self.n / 1000, self.n % 10000);
        let key = format!("k{}", self.n);
        let recorded = self
            .store
            .record(&NewComplaint {
                key: &key,
                fingerprint: "fp",
                reference: &reference,
                category,
                locale: complaint_domain::i18n::Locale::En,
                received_at: received,
                submission: "{}",
                consumer_country: None,
                pin: None,
                status_key: &key,
                attachments: Vec::new(),
                answer_status: 201,
                answer_body: "{}",
                quarantine: None,
            })
            .unwrap();
        assert!(matches!(recorded, Recorded::New));
        let mut complaint = self.store.complaint(&reference).unwrap().unwrap();
        for (stage, when) in changes {
            let decision = (*stage == Stage::Responded).then_some(DecidedOutcome {
                decision: Decision::Upheld,
                summary: None,
            });
            let record = complaint
                .record
                .changed(
                    StatusChange::Stage {
                        stage: *stage,
                        message: None,
                        next_step: None,
                        decision,
                    },
                    *when,
                )
                .unwrap();
            self.store
                .save_work(
                    complaint.id,
                    complaint.revision,
                    &record,
                    crate::store::Waiting::Keep,
                )
                .unwrap();
            complaint = self.store.complaint(&reference).unwrap().unwrap();
        }
        complaint.id
    }

    pub(super) fn compute(&mut self, now: Instant) -> Insights {
        compute(&mut self.store, &self.settings, now).unwrap()
    }
}

pub(super) fn row<'a>(
    insights: &'a Insights,
    week: &str,
    category: Option<&str>,
) -> &'a WeekFigures {
    insights
        .weeks
        .iter()
        .find(|r| r.week == week && r.category.as_deref() == category)
        .unwrap_or_else(|| panic!("no row for {week} {category:?}"))
}

pub(super) const FEWER: Figure =
    Figure::Suppressed(complaint_domain::insights::Suppressed::FewerThan5);
pub(super) const HIDDEN: Figure =
    Figure::Suppressed(complaint_domain::insights::Suppressed::Hidden);

#[test]
fn cells_from_fewer_than_five_complaints_are_suppressed() {
    let mut db = Seeded::new("suppress");
    for _ in 0..4 {
        db.add("delivery", at("2026-11-24T10:00:00Z"), &[]);
    }
    for _ in 0..6 {
        db.add("service-billing", at("2026-11-24T10:00:00Z"), &[]);
    }
    let insights = db.compute(at("2026-12-01T12:00:00Z"));
    let delivery = row(&insights, "2026-W48", Some("delivery"));
    assert_eq!(delivery.received, FEWER);
    assert_eq!(delivery.acknowledged_on_time, Some(FEWER));
    // The week's total is published, so the other category is hidden too: 10 − 6 would give the 4 away.
    let billing = row(&insights, "2026-W48", Some("service-billing"));
    assert_eq!(billing.received, HIDDEN);
    assert_eq!(billing.acknowledged_on_time, Some(HIDDEN));
    assert_eq!(billing.decided_on_time, None, "nothing decided or due yet");
    let all = row(&insights, "2026-W48", None);
    assert_eq!(all.received, Figure::Value(10.0));
    assert_eq!(
        all.acknowledged_on_time,
        Some(Figure::Value(0.0)),
        "24 hours passed unacknowledged"
    );
    assert!(
        !insights.to_json().contains("CMP-"),
        "no references published"
    );
}

#[test]
fn a_held_complaint_counts_only_once_released() {
    let mut db = Seeded::new("held");
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(db.add("delivery", at("2026-11-24T10:00:00Z"), &[]));
    }
    db.store
        .connection()
        .execute(
            "UPDATE complaints SET quarantine = 'the hidden field was filled in' WHERE id = ?1",
            [ids[0]],
        )
        .unwrap();
    let now = at("2026-12-01T12:00:00Z");
    let before = db.compute(now);
    assert_eq!(
        row(&before, "2026-W48", Some("delivery")).received,
        Figure::Value(5.0)
    );
    assert!(db.store.release(ids[0]).unwrap());
    let after = db.compute(now);
    assert_eq!(
        row(&after, "2026-W48", Some("delivery")).received,
        Figure::Value(6.0)
    );
}

#[test]
fn weeks_across_a_year_end_are_iso_weeks_in_the_organisations_zone() {
    let mut db = Seeded::new("year-end");
    // London: 2027-01-03T23:30Z is still Sunday of 2026-W53; 2027-01-04 is 2027-W01.
    for when in [
        "2026-12-31T09:00:00Z",
        "2027-01-01T09:00:00Z",
        "2027-01-02T09:00:00Z",
        "2027-01-03T09:00:00Z",
        "2027-01-03T23:30:00Z",
        "2027-01-04T00:30:00Z",
    ] {
        db.add("delivery", at(when), &[]);
    }
    let insights = db.compute(at("2027-01-05T12:00:00Z"));
    assert_eq!(
        row(&insights, "2026-W53", Some("delivery")).received,
        Figure::Value(5.0)
    );
    assert_eq!(row(&insights, "2027-W01", Some("delivery")).received, FEWER);
}

#[test]
fn decided_on_time_counts_business_days_and_holidays() {
    let mut db = Seeded::new("business-days");
    // Delivery: 10 business days. From Monday 2026-12-21, skipping the weekends and the 25th, 28th
    // and 1 January: the 10th business day is Thursday 2027-01-07.
    let received = at("2026-12-21T10:00:00Z");
    for _ in 0..5 {
        db.add(
            "delivery",
            received,
            &[
                (Stage::Acknowledged, at("2026-12-21T12:00:00Z")),
                (Stage::Responded, at("2027-01-07T16:00:00Z")),
            ],
        );
    }
    for _ in 0..5 {
        db.add(
            "delivery",
            received,
            &[
                (Stage::Acknowledged, at("2026-12-22T11:00:00Z")),
                (Stage::Responded, at("2027-01-08T09:00:00Z")),
            ],
        );
    }
    let insights = db.compute(at("2027-01-20T12:00:00Z"));
    let week = row(&insights, "2026-W52", Some("delivery"));
    assert_eq!(week.decided_on_time, Some(Figure::Value(50.0)));
    assert_eq!(
        week.acknowledged_on_time,
        Some(Figure::Value(50.0)),
        "24 hours is by the clock: 25 h is late"
    );
    assert_eq!(week.upheld, Some(Figure::Value(100.0)));
    // 17.25 days and 17.96 days: the median is the 5th of 10, the 90th percentile the 9th.
    assert_eq!(week.days_to_decision_median, Some(Figure::Value(17.3)));
    assert_eq!(week.days_to_decision_p90, Some(Figure::Value(18.0)));
    assert!(insights.overdue_now.is_empty());
}

#[test]
fn a_complaint_reopened_twice_counts_once_and_open_lateness_is_overdue() {
    let mut db = Seeded::new("reopened");
    let received = at("2026-11-23T10:00:00Z");
    let cycle = [
        (Stage::Acknowledged, at("2026-11-23T11:00:00Z")),
        (Stage::Responded, at("2026-11-24T11:00:00Z")),
        (Stage::Reopened, at("2026-11-25T11:00:00Z")),
        (Stage::Responded, at("2026-11-26T11:00:00Z")),
        (Stage::Reopened, at("2026-11-27T11:00:00Z")),
    ];
    db.add("delivery", received, &cycle);
    for _ in 0..4 {
        db.add("delivery", received, &cycle[..2]);
    }
    // Five never acknowledged: overdue now.
    for _ in 0..5 {
        db.add("service-billing", received, &[]);
    }
    let insights = db.compute(at("2026-12-01T12:00:00Z"));
    assert_eq!(
        row(&insights, "2026-W48", Some("delivery")).reopened,
        Some(Figure::Value(20.0))
    );
    assert_eq!(
        insights.overdue_now,
        vec![CategoryCount {
            category: "service-billing".into(),
            count: Figure::Value(5.0)
        }]
    );
}

#[test]
fn causes_are_ranked_with_their_trend() {
    let mut db = Seeded::new("causes");
    let now = at("2026-12-02T12:00:00Z");
    let tag = |db: &mut Seeded, cause: &str, when: &str, n: usize| {
        for _ in 0..n {
            let id = db.add("delivery", at(when), &[]);
            db.store
                .set_causes(id, &[cause.to_owned()], at(when))
                .unwrap();
        }
    };
    tag(&mut db, "courier-delay", "2026-11-25T10:00:00Z", 9);
    tag(&mut db, "courier-delay", "2026-10-20T10:00:00Z", 5);
    tag(&mut db, "billing-error", "2026-11-25T10:00:00Z", 2);
    let insights = db.compute(now);
    assert_eq!(insights.causes[0].cause, "courier-delay");
    assert_eq!(insights.causes[0].last_4_weeks, Figure::Value(9.0));
    assert_eq!(insights.causes[0].last_13_weeks, Figure::Value(14.0));
    assert_eq!(insights.causes[0].trend, Trend::Rising);
    assert_eq!(insights.causes[1].last_13_weeks, FEWER);
    assert_eq!(insights.causes[1].trend, Trend::Unknown);
}

#[test]
fn the_report_counts_a_period_and_its_csv_is_formula_safe() {
    let mut db = Seeded::new("report");
    let received = at("2026-11-02T10:00:00Z");
    for _ in 0..3 {
        db.add(
            "delivery",
            received,
            &[
                (Stage::Responded, at("2026-11-03T10:00:00Z")),
                (Stage::Closed, at("2026-11-04T10:00:00Z")),
            ],
        );
    }
    db.add(
        "delivery",
        received,
        &[
            (Stage::Responded, at("2026-11-20T10:00:00Z")),
            (Stage::Closed, at("2026-11-20T11:00:00Z")),
        ],
    );
    db.add("gaming-account", received, &[]);
    let report = report(
        &mut db.store,
        &db.settings,
        Date::parse_iso("2026-11-01").unwrap(),
        Date::parse_iso("2026-11-30").unwrap(),
        at("2026-12-01T00:00:00Z"),
    )
    .unwrap();
    let all = report.lines.last().unwrap();
    assert_eq!((all.opened, all.closed), (5, 4));
    assert_eq!(all.closed_within_3_business_days_pct, Some(75.0));
    assert_eq!(all.closed_within_8_weeks_pct, Some(100.0));
    assert_eq!(all.upheld_pct, Some(100.0));
    let csv = report.render(ReportFormat::Csv);
    assert!(csv.starts_with("\"from\",\"to\",\"category\""), "{csv}");
    assert!(csv.contains("\"delivery\",\"4\",\"4\",\"75.0\""), "{csv}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const CATEGORIES: [&str; 3] = ["delivery", "service-billing", "defective-product"];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn shares_stay_within_0_and_100_and_counts_add_up(
            complaints in proptest::collection::vec(
                (0usize..3, 0i64..(21 * 86_400), 0u8..5, 0i64..(30 * 86_400)),
                1..70,
            )
        ) {
            let mut db = Seeded::new("property");
            let start = at("2026-10-05T00:00:00Z").unix_seconds();
            for &(category, offset, path, took) in &complaints {
                let received = Instant::from_unix_seconds(start + offset);
                let t = |s: i64| Instant::from_unix_seconds(start + offset + s);
                let all = [
                    (Stage::Acknowledged, t(took / 10 + 60)),
                    (Stage::Responded, t(took + 120)),
                    (Stage::Reopened, t(took + 180)),
                    (Stage::Responded, t(took + 240)),
                ];
                db.add(CATEGORIES[category], received, &all[..usize::from(path)]);
            }
            let insights = db.compute(at("2026-11-20T12:00:00Z"));
            let mut total_by_week: BTreeMap<&str, f64> = BTreeMap::new();
            let mut hidden: BTreeMap<&str, usize> = BTreeMap::new();
            for row in &insights.weeks {
                for share in [row.acknowledged_on_time, row.decided_on_time, row.upheld,
                              row.partly_upheld, row.not_upheld, row.reopened].into_iter().flatten() {
                    if let Figure::Value(v) = share {
                        prop_assert!((0.0..=100.0).contains(&v), "{v} in {row:?}");
                    }
                }
                if let (Some(Figure::Value(a)), Some(Figure::Value(b)), Some(Figure::Value(c))) =
                    (row.upheld, row.partly_upheld, row.not_upheld) {
                    prop_assert!((a + b + c - 100.0).abs() <= 0.15, "{a} + {b} + {c}");
                }
                if row.category.is_some() {
                    match row.received {
                        Figure::Value(v) => *total_by_week.entry(&row.week).or_default() += v,
                        Figure::Suppressed(_) => *hidden.entry(&row.week).or_default() += 1,
                    }
                }
            }
            let mut everything = 0.0;
            for row in insights.weeks.iter().filter(|r| r.category.is_none()) {
                let shown = total_by_week.get(row.week.as_str()).copied().unwrap_or(0.0);
                match row.received {
                    Figure::Value(v) => {
                        everything += v;
                        if let Some(&n) = hidden.get(row.week.as_str()) {
                            // The subtraction: the total minus the published categories is the sum of
                            // two hidden ones or more, never one.
                            prop_assert!(n >= 2, "one category hidden beside its total: {row:?}");
                            prop_assert!(v >= shown);
                        } else {
                            prop_assert_eq!(v, shown);
                        }
                    }
                    Figure::Suppressed(_) => {}
                }
            }
            prop_assert!(everything <= complaints.len() as f64);
        }
    }
}
